"""Survey quality from respondent-level answers: values worked out by hand."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from parlib.core.errors import DataError
from parlib.fairness import survey


def points() -> pd.DataFrame:
    """Survey leaves 8.1 (3 points) and 8.2 (4 points); u3 was not surveyed (KPS); 1.1 appraisal."""
    rows = [
        ("u1", "8.1", 3, True, 2.40),
        ("u1", "8.2", 4, True, 3.20),
        ("u2", "8.1", 3, True, 3.00),
        ("u2", "8.2", 4, True, 4.00),
        ("u3", "8.1", 3, False, None),
        ("u3", "8.2", 4, False, None),
    ]
    p = pd.DataFrame(rows, columns=["unit_id", "criterion", "max_points", "applicable", "points"])
    p["component"] = "survey"
    extra = pd.DataFrame(
        {
            "unit_id": ["u1"],
            "criterion": ["1.1"],
            "max_points": [5],
            "applicable": [True],
            "points": [5.0],
            "component": ["appraisal"],
        }
    )
    return pd.concat([p, extra], ignore_index=True)


UNITS = pd.DataFrame(
    {"unit_id": ["u1", "u2", "u3"], "unit_name": ["U1", "U2", "U3"], "kind": "commune"}
)

# u1: r1 leader, r2 staff, r3 citizen (all 5: a straight-liner); u2: r4 staff (all 3)
ANSWERS = """
    respondent_id,unit_id,role,criterion,question,answer
    r1,u1,leader,8.1,q1,5
    r1,u1,leader,8.1,q2,3
    r1,u1,leader,8.2,q1,5
    r2,u1,staff,8.1,q1,4
    r2,u1,staff,8.1,q2,4
    r2,u1,staff,8.2,q1,2
    r3,u1,citizen,8.1,q1,5
    r3,u1,citizen,8.1,q2,5
    r3,u1,citizen,8.2,q1,5
    r3,u1,citizen,8.2,q2,
    r4,u2,staff,8.1,q1,3
    r4,u2,staff,8.1,q2,3
    r4,u2,staff,8.2,q1,3
"""


def write(tmp_path, text: str, name: str = "2024.csv"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_scores_from_answers_by_hand(tmp_path):
    responses = survey.read_responses(write(tmp_path, ANSWERS), points(), UNITS["unit_id"])
    assert len(responses) == 12  # the empty answer is skipped, not read as a score
    straight = survey.straightliners(responses, min_questions=3)
    crit = survey.criterion_scores(responses, points(), straight).set_index(
        ["unit_id", "criterion"]
    )
    # share = (answer - 1) / 4. u1, 8.1: r1 (1 + 0.5)/2 = 0.75, r2 0.75, r3 1 → mean 0.8333 × 3 = 2.50
    assert crit.loc[("u1", "8.1"), "score_answers"] == pytest.approx(2.50)
    # u1, 8.2: r1 1, r2 0.25, r3 1 → 0.75 × 4 = 3.00
    assert crit.loc[("u1", "8.2"), "score_answers"] == pytest.approx(3.00)
    # without the straight-liner r3: 8.1 0.75 × 3 = 2.25; 8.2 (1 + 0.25)/2 × 4 = 2.50
    assert crit.loc[("u1", "8.1"), "score_clean"] == pytest.approx(2.25)
    assert crit.loc[("u1", "8.2"), "score_clean"] == pytest.approx(2.50)
    # beside the scores file: 2.50 - 2.40 = +0.10; 3.00 - 3.20 = -0.20
    assert crit.loc[("u1", "8.1"), "difference"] == pytest.approx(0.10)
    assert crit.loc[("u1", "8.2"), "difference"] == pytest.approx(-0.20)
    assert (
        crit.loc[("u1", "8.1"), "n_respondents"] == 3 and crit.loc[("u1", "8.1"), "n_answers"] == 6
    )


def test_straightlining_rule_and_chance_by_hand(tmp_path):
    responses = survey.read_responses(write(tmp_path, ANSWERS), points(), UNITS["unit_id"])
    straight = survey.straightliners(responses, min_questions=3).set_index("respondent_id")
    assert straight["straightliner"].to_dict() == {"r1": False, "r2": False, "r3": True, "r4": True}
    # u1's answers: 5 five times, 4 twice, 3 once, 2 once (9 answers); three answers each:
    # chance = (5/9)³ + (2/9)³ + (1/9)³ + (1/9)³ = (125 + 8 + 1 + 1)/729 = 0.185185
    assert straight.loc["r1", "p_chance"] == pytest.approx(0.185185, abs=1e-6)
    assert straight.loc["r4", "p_chance"] == pytest.approx(1.0)  # u2 only ever answered 3
    # with a 4-question rule nobody straight-lines: r3 and r4 answered 3 questions
    assert not survey.straightliners(responses, min_questions=4)["straightliner"].any()


def test_quality_per_unit_by_hand(tmp_path):
    result = survey.analyse(
        write(tmp_path, ANSWERS),
        points(),
        UNITS,
        min_respondents=2,
        min_questions=3,
        gap_points=1.0,
        excess_share=0.15,
    )
    q = result.quality.set_index("unit_id")
    assert list(q.index) == ["u2", "u1"]  # u3 was not surveyed and has no answers
    assert q.loc["u1", ["n_respondents", "n_leader", "n_staff", "n_citizen"]].tolist() == [
        3,
        1,
        1,
        1,
    ]
    # u1: file 2.40 + 3.20 = 5.60; answers 2.50 + 3.00 = 5.50; clean 2.25 + 2.50 = 4.75
    assert q.loc["u1", "survey_points_file"] == pytest.approx(5.60)
    assert q.loc["u1", "survey_points_answers"] == pytest.approx(5.50)
    assert q.loc["u1", "survey_points_clean"] == pytest.approx(4.75)
    assert q.loc["u1", "difference"] == pytest.approx(-0.10) and not q.loc["u1", "gap"]
    # u1: 1 of 3 straight-lined (0.3333) against 0.1852 by chance: one respondent is no pattern
    assert q.loc["u1", "straightliner_share"] == pytest.approx(0.3333)
    assert q.loc["u1", "straightliner_chance_share"] == pytest.approx(0.1852)
    assert not q.loc["u1", "excess_straightlining"]
    # u2: one respondent (too few), answers 0.5 × 3 + 0.5 × 4 = 3.50 against 7.00 in the file
    assert q.loc["u2", "too_few"] and not q.loc["u1", "too_few"]
    assert q.loc["u2", "difference"] == pytest.approx(-3.50) and q.loc["u2", "gap"]
    assert q.loc["u2", "n_leader"] == 0
    assert survey.analyse(None, points(), UNITS) is None


def test_vietnamese_headers_and_roles(tmp_path):
    text = """
        Mã người trả lời,Mã đơn vị,Vai trò,Mã tiêu chí,Câu hỏi,Trả lời
        p1,u1,Lãnh đạo,8.1,1,4
        p2,u1,Công chức,8.1.,1,"5"
        p3,u1,Người dân,8.2,1,3
    """
    responses = survey.read_responses(write(tmp_path, text), points(), UNITS["unit_id"])
    assert list(responses["role"]) == ["leader", "staff", "citizen"]
    assert list(responses["criterion"]) == ["8.1", "8.1", "8.2"]


def test_bad_answers_are_reported_with_file_row_and_value(tmp_path):
    text = """
        respondent_id,unit_id,role,criterion,question,answer
        r1,u9,leader,8.1,q1,4
        r2,u1,boss,8.1,q1,4
        r3,u1,staff,1.1,q1,4
        r4,u1,staff,8.1,q1,6
        r5,u1,staff,8.1,q1,4.5
        r6,u1,staff,8.1,q1,x
        r7,u1,staff,8.1,q1,4
        r7,u1,staff,8.1,q1,5
        r8,u1,staff,8.1,q1,4
        r8,u2,staff,8.2,q1,4
    """
    with pytest.raises(DataError) as info:
        survey.read_responses(write(tmp_path, text), points(), UNITS["unit_id"])
    found = {(p.check, p.row) for p in info.value.problems}
    assert found == {
        ("survey_unknown_unit", 2),
        ("survey_unknown_role", 3),
        ("survey_not_survey_criterion", 4),
        ("survey_bad_answer", 5),
        ("survey_bad_answer", 6),
        ("survey_bad_answer", 7),
        ("survey_duplicate_answer", 9),
        ("survey_respondent_inconsistent", 10),
    }
    assert all(p.file.endswith("2024.csv") for p in info.value.problems)
