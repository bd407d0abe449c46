"""In-year tracking (issue #15, item 3): interim snapshots against last year's final and the plan.

Hand-computed figures on a two-unit example; every refusal of a hostile snapshot located; and the
shipped SYNTHETIC year 2025 of ``synthetic-province`` (four quarterly snapshots, from the seeded
``scripts/make_interim.py``) tracked against the 2024 results of the first run.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from parlib.core.errors import DataError
from parlib.history import progress as pg

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "raw" / "synthetic-province"

# last year: unit a lost 1 point on 1.1 and 0.5 on 1.2; unit b lost nothing; 2 is a survey leaf
BASELINE = pd.DataFrame(
    {
        "unit_id": ["a", "a", "a", "a", "b", "b", "b", "b"],
        "code": ["1", "1.1", "1.2", "2", "1", "1.1", "1.2", "2"],
        "max_appraisal": [3.0, 2.0, 1.0, 0.0, 3.0, 2.0, 1.0, 0.0],
        "appraised_points": [1.5, 1.0, 0.5, 0.0, 3.0, 2.0, 1.0, 0.0],
        "max_points": [3.0, 2.0, 1.0, 5.0, 3.0, 2.0, 1.0, 5.0],
        "achieved_points": [1.5, 1.0, 0.5, 4.0, 3.0, 2.0, 1.0, 4.5],
    }
)


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("unit_id,criterion,self_score\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_tracked_leaves_are_the_self_assessed_ones():
    got = pg.tracked(BASELINE)
    assert sorted(got["code"].unique()) == ["1.1", "1.2"]  # not the parent 1, not survey leaf 2
    assert got.set_index(["unit_id", "code"]).loc[("a", "1.1"), "final"] == 1.0


def test_progress_against_final_and_plan_hand_computed(tmp_path):
    criteria = pg.tracked(BASELINE)
    plan = pd.DataFrame({"unit_id": ["a"], "code": ["1.1"], "points_lost": [1.0]})
    q1 = pg.read_snapshot(
        write(tmp_path / "q1.csv", ["a,1.1,2", "a,1.2,", "b,1.1,1"]), "Q1", criteria
    )
    q2 = pg.read_snapshot(
        write(tmp_path / "q2.csv", ["a,1.1,2", "a,1.2,0", "b,1.1,2", "b,1.2,1"]), "Q2", criteria
    )
    out = pg.progress({"Q1": q1, "Q2": q2}, criteria, plan).set_index(["period", "unit_id"])
    # a in Q1: 2 secured of 3; last year's final 1.5; target 1.5 + 1 (1.1 recovered in full) = 2.5
    a1 = out.loc[("Q1", "a")]
    assert (a1["secured"], a1["assessed"], a1["max_points"]) == (2.0, 1, 3.0)
    assert (a1["final"], a1["target"]) == (1.5, 2.5)
    assert a1["vs_final"] == 0.5 and a1["vs_target"] == -0.5
    assert a1["secured_pct"] == pytest.approx(200 / 3)
    b2 = out.loc[("Q2", "b")]
    assert (b2["secured"], b2["target"], b2["vs_final"]) == (3.0, 3.0, 0.0)
    risky = pg.at_risk(q2, criteria, plan, final_period=True, owners={"1": ("Văn phòng", "Office")})
    # a's 1.2: 0 now against 0.5 last year; a's 1.1 planned and recovered: not at risk
    assert risky[["unit_id", "code", "risk"]].values.tolist() == [["a", "1.2", "below_last_year"]]
    assert risky["at_stake"].tolist() == [1.0] and risky["owner"].tolist() == ["Văn phòng"]
    q1_risk = pg.at_risk(q1, criteria, plan, final_period=True)
    assert set(map(tuple, q1_risk[["unit_id", "code", "risk"]].values)) == {
        ("a", "1.2", "not_assessed"),
        ("b", "1.1", "below_last_year"),
        ("b", "1.2", "not_assessed"),
    }
    owners = pg.by_owner(q1_risk.assign(owner="X"))
    assert owners.values.tolist() == [["X", 3, 2, 3.0]]  # 1 + 1 (b 1.1: 2 − 1) + 1 points
    assert len(pg.shortlist(q1_risk, 1)) == 2  # one per unit


@pytest.mark.parametrize(
    "row, check, value",
    [
        ("zz,1.1,1", "interim_unknown_unit", "zz"),
        ("a,9.9,1", "interim_unknown_criterion", "9.9"),
        ("a,2,1", "interim_unknown_criterion", "2"),  # survey leaf: not self-assessed
        ("a,1.1,=1+1", "interim_not_a_number", "=1+1"),
        ("a,1.1,2.5", "interim_out_of_range", "2.5"),
        ("a,1.1,nan", "interim_not_a_number", "nan"),  # never "not assessed" in disguise
        ("a,1.1,1e308", "interim_not_a_number", "1e308"),
        ("a,1.1,-1", "interim_out_of_range", "-1"),
    ],
)
def test_a_bad_row_is_refused_with_its_location(tmp_path, row, check, value):
    path = write(tmp_path / "q.csv", ["b,1.1,1", row])
    with pytest.raises(DataError) as caught:
        pg.read_snapshot(path, "Q1", pg.tracked(BASELINE))
    (problem,) = caught.value.problems
    assert (problem.check, problem.row, problem.value) == (check, 3, value)
    assert problem.file.endswith("q.csv") and problem.unit_id == row.split(",")[0]


def test_duplicates_and_unreadable_files_are_refused(tmp_path):
    path = write(tmp_path / "q.csv", ["a,1.1,1", "a,1.1,2"])
    with pytest.raises(DataError) as caught:
        pg.read_snapshot(path, "Q1", pg.tracked(BASELINE))
    assert [p.check for p in caught.value.problems] == ["interim_duplicate_row"]
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes(b"unit_id,criterion,self_score\na,1.1,\xd0i\xeam\n")  # legacy 8-bit (TCVN3)
    with pytest.raises(DataError) as caught:
        pg.read_snapshot(legacy, "Q1", pg.tracked(BASELINE))
    assert caught.value.problems[0].check == "unreadable_input"


def test_generator_reproduces_the_shipped_snapshots(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_interim", ROOT / "scripts" / "make_interim.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in ("frameworks/internal-2022.csv", "scores/2024.xlsx"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    module.main(["--out", str(tmp_path)])
    for q in ("Q1", "Q2", "Q3", "Q4"):
        name = f"interim/2025-{q}.csv"
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_the_synthetic_year_is_tracked_over_four_quarters(first_run):
    """The four SYNTHETIC quarters of 2025 against the 2024 results of the shipped run."""
    baseline = pd.read_csv(
        first_run.project / "data/processed/synthetic-province/2024/criterion_index.csv",
        dtype={"unit_id": str, "code": str},
    )
    criteria = pg.tracked(baseline)
    snaps = [
        pg.read_snapshot(DATA / f"interim/2025-{q}.csv", q, criteria)
        for q in ("Q1", "Q2", "Q3", "Q4")
    ]
    out = pg.progress(dict(zip(("Q1", "Q2", "Q3", "Q4"), snaps)), criteria)
    units = criteria["unit_id"].nunique()
    assert len(out) == 4 * units
    by_q = out.groupby("period", sort=False)["secured"].median()
    assert list(by_q.index) == ["Q1", "Q2", "Q3", "Q4"] and by_q.is_monotonic_increasing
    q4 = out[out["period"] == "Q4"]
    assert (q4["assessed"] == q4.groupby("unit_id")["assessed"].transform("max")).all()
    # the generator moves a leaf down one step for about 15 % of leaves: some are below last year
    risky = pg.at_risk(snaps[-1], criteria, final_period=True)
    share = (risky["risk"] == "below_last_year").sum() / len(criteria)
    assert 0.05 < share < 0.25
