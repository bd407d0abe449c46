"""Scoring with components as data, blocks, appraisal rounds and published-results-only years, on
hand-built ``YearInputs`` in the tidy shapes of the issue #12 contract (the arithmetic in comments)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parlib import score, validate
from parlib.config.dataset import DatasetConfig, FrameworkConfig, YearConfig
from parlib.config.model import BlockConfig, ComponentConfig
from parlib.ingest.inputs import YearInputs

APPRAISAL = ComponentConfig("appraisal", "assessed", "Điểm thẩm định", "Appraised", 8, None, True)
SIPAS = ComponentConfig("sipas", "measured", "SIPAS", "SIPAS", 2)
BONUS = ComponentConfig("bonus", "bonus", "Điểm thưởng", "Bonus", cap=1.5)
PENALTY = ComponentConfig("penalty", "penalty", "Điểm trừ", "Penalty", cap=2)
FOUR = (APPRAISAL, SIPAS, BONUS, PENALTY)


def framework_table(fid: str, leaves: list[tuple]) -> pd.DataFrame:
    """``leaves``: (code, max_appraisal, max_sipas, max_bonus, max_penalty); area = first digit."""
    rows = []
    areas = sorted({c.split(".")[0] for c, *_ in leaves})
    for a in areas:
        rows.append(dict(code=a, parent="", area=a, level="area", is_leaf=False))
    for code, ma, ms, mb, mp in leaves:
        rows.append(
            dict(
                code=code,
                parent=code.split(".")[0],
                area=code.split(".")[0],
                level="criterion",
                is_leaf=True,
                max_appraisal=ma,
                max_sipas=ms,
                max_bonus=mb,
                max_penalty=mp,
            )
        )
    fw = pd.DataFrame(rows)
    fw["name_vi"] = "Tiêu chí " + fw["code"]
    fw["name_en"] = "Criterion " + fw["code"]
    fw["framework"] = fid
    return fw


def score_rows(unit: str, rows: dict[str, dict]) -> list[dict]:
    out = []
    for code, values in rows.items():
        row = dict(unit_id=unit, criterion=code)
        for stem in ("appraised", "sipas", "bonus", "penalty"):
            row[f"{stem}_score"] = values.get(stem, np.nan)
            row[f"{stem}_kps"] = values.get(f"{stem}_kps", False)
        row["self_score"] = values.get("self", np.nan)
        row["self_kps"] = False
        for key in values:
            if key.startswith("round_") or key == "explanation":
                row[key] = values[key]
        out.append(row)
    return out


def make_inputs(
    frameworks: dict[str, FrameworkConfig],
    framework: pd.DataFrame,
    units: pd.DataFrame,
    scores: pd.DataFrame,
    blocks: tuple[BlockConfig, ...] = (),
    published: pd.DataFrame | None = None,
    bands: pd.DataFrame | None = None,
    **year,
) -> YearInputs:
    first = next(iter(frameworks.values()))
    yc = YearConfig(
        year=2025,
        framework=None if blocks else first,
        scores=year.pop("score_file", Path("scores/2025.csv")),
        published=Path("published/2025.csv") if published is not None else None,
        declared_blocks=blocks,
        frameworks=frameworks,
        **year,
    )
    cfg = DatasetConfig(
        "hand",
        Path("."),
        "Tay",
        "Hand",
        True,
        Path("units.csv"),
        None,
        frameworks=frameworks,
        years={2025: yc},
    )
    empty_pub = pd.DataFrame({"unit_id": [], "measure": [], "value": [], "source": []})
    return YearInputs(
        dataset=cfg,
        year=yc,
        framework=framework,
        units=units,
        scores=scores,
        published=published if published is not None else empty_pub,
        bands=bands
        if bands is not None
        else pd.DataFrame(columns=["band", "lower_pct", "upper_pct"]),
        corrections=pd.DataFrame(),
        notes=pd.DataFrame(),
    )


def units_table(rows: list[tuple[str, str]], block: dict[str, str] | None = None) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "unit_id": [u for u, _ in rows],
            "unit_name": [f"Đơn vị {u}" for u, _ in rows],
            "kind": [k for _, k in rows],
            "group": "",
        }
    )
    if block is not None:
        df["block"] = df["kind"].map(block)
    return df


@pytest.fixture
def four_parts() -> YearInputs:
    return four_parts_inputs()


def four_parts_inputs() -> YearInputs:
    """Two departments on appraisal (8) + SIPAS (2) + bonus (cap 1.5) + penalty (cap 2), index_cap 100."""
    fw = FrameworkConfig("dept", Path("fw.csv"), "QĐ (SYNTHETIC)", components=FOUR, index_cap=100)
    table = framework_table(
        "dept",
        [
            ("1.1", 4, 0, 0, 0),
            ("1.2", 4, 0, 0, 0),
            ("2.1", 0, 2, 0, 0),
            ("3.1", 0, 0, 3, 0),
            ("3.2", 0, 0, 0, 3),
        ],
    )
    rows = score_rows(
        "a",
        {
            "1.1": dict(appraised=3, self=4),
            "1.2": dict(appraised=4, self=4),
            "2.1": dict(sipas=1.5),
            "3.1": dict(bonus=2.5),  # capped at 1.5
            "3.2": dict(penalty=1),
        },
    ) + score_rows(
        "b",
        {
            "1.1": dict(appraised=4, self=4),
            "1.2": dict(appraised=4, self=4, appraised_kps=True),
            "2.1": dict(sipas=2),
            "3.1": dict(bonus=1),
            "3.2": dict(penalty=3),  # capped at 2
        },
    )
    units = units_table([("a", "department"), ("b", "department")])
    return make_inputs({"dept": fw}, table, units, pd.DataFrame(rows))


def test_four_components_combine_with_bonus_and_penalty_outside_the_maximum(four_parts):
    r = score.compute(four_parts)
    u = r.unit_index.set_index("unit_id")
    # a: appraisal 3 + 4 = 7, SIPAS 1.5 of 2; bonus 2.5 capped at 1.5; penalty 1
    assert u.loc["a", "appraised_points"] == 7 and u.loc["a", "sipas_points"] == 1.5
    assert u.loc["a", "bonus_points"] == 1.5 and u.loc["a", "bonus_points_before_cap"] == 2.5
    assert u.loc["a", "penalty_points"] == 1
    assert u.loc["a", "max_points"] == 10  # 8 + 2: bonus/penalty are outside the maximum
    assert u.loc["a", "achieved_points"] == pytest.approx(7 + 1.5 + 1.5 - 1)
    assert u.loc["a", "index_pct"] == 90.0
    # b: 1.2 did not arise: appraisal 4 of 4, SIPAS 2 of 2, bonus 1, penalty 3 capped at 2
    assert u.loc["b", "max_points"] == 6 and u.loc["b", "penalty_points"] == 2
    assert u.loc["b", "index_pct"] == pytest.approx((4 + 2 + 1 - 2) / 6 * 100, abs=0.005)
    assert u.loc["a", "points_deducted"] == 1 and bool(u.loc["a", "self_known"])
    assert list(r.points["component"].unique()) == ["appraisal", "sipas", "bonus", "penalty"]
    assert set(r.components["component"]) == {"appraisal", "sipas", "bonus", "penalty"}
    comp = r.components.set_index("component")
    assert not comp.loc["bonus", "in_maximum"] and comp.loc["penalty", "cap"] == 2


def test_index_cap_and_floor(four_parts):
    s = four_parts.scores
    s.loc[s["unit_id"] == "b", "penalty_score"] = np.nan
    s.loc[s["unit_id"] == "b", "bonus_score"] = 1.0  # 4 + 2 + 1 = 7 of 6 → capped at 100
    r = score.compute(four_parts)
    assert r.unit_index.set_index("unit_id").loc["b", "index_pct"] == 100.0
    fw = four_parts.year.frameworks["dept"]
    nocap = FrameworkConfig("dept", fw.file, fw.decision, components=FOUR)
    inputs = make_inputs({"dept": nocap}, four_parts.framework, four_parts.units, s)
    r = score.compute(inputs)
    assert r.unit_index.set_index("unit_id").loc["b", "index_pct"] == pytest.approx(116.67)
    # a penalty larger than everything achieved: the index stops at 0
    s2 = s.copy()
    s2.loc[s2["unit_id"] == "b", ["appraised_score", "sipas_score", "bonus_score"]] = 0.0
    s2.loc[(s2["unit_id"] == "b") & (s2["criterion"] == "3.2"), "penalty_score"] = 2.0
    r = score.compute(make_inputs({"dept": nocap}, four_parts.framework, four_parts.units, s2))
    u = r.unit_index.set_index("unit_id")
    assert u.loc["b", "achieved_points"] == -2 and u.loc["b", "index_pct"] == 0.0


def test_unknown_self_assessment_gives_no_deductions(four_parts):
    inputs = make_inputs(
        four_parts.year.frameworks,
        four_parts.framework,
        four_parts.units,
        four_parts.scores,
        self_assessment=False,
    )
    u = score.compute(inputs).unit_index
    assert u["self_points"].isna().all() and u["points_deducted"].isna().all()
    assert not u["self_known"].any()
    no_column = four_parts.scores.drop(columns=["self_score", "self_kps"])
    inputs = make_inputs(
        four_parts.year.frameworks, four_parts.framework, four_parts.units, no_column
    )
    r = score.compute(inputs)
    assert r.unit_index["points_deducted"].isna().all() and r.points["self_points"].isna().all()


def test_rounds_are_carried_into_points_and_unit_totals(four_parts):
    s = four_parts.scores
    s["round_1_score"] = np.nan
    s["round_2_score"] = np.nan
    s["explanation"] = ""
    first = (s["unit_id"] == "a") & (s["criterion"] == "1.1")
    s.loc[first, ["round_1_score", "round_2_score", "explanation"]] = [
        2,
        3,
        "đã bổ sung minh chứng",
    ]
    r = score.compute(four_parts)
    p = r.points.set_index(["unit_id", "criterion", "component"])
    assert p.loc[("a", "1.1", "appraisal"), "round_1_points"] == 2
    assert p.loc[("a", "1.1", "appraisal"), "round_2_points"] == 3
    assert p.loc[("a", "1.1", "appraisal"), "explanation"] == "đã bổ sung minh chứng"
    assert math.isnan(p.loc[("a", "2.1", "sipas"), "round_1_points"])
    u = r.unit_index.set_index("unit_id")
    # a: round 1 = 2 + 4 (1.2 has no round: its final score), round 2 = 3 + 4 = the appraisal
    assert u.loc["a", "round_1_points"] == 6 and u.loc["a", "round_2_points"] == 7
    assert u.loc["a", "n_explanations"] == 1 and u.loc["b", "n_explanations"] == 0


def two_blocks(**year) -> YearInputs:
    leg = (APPRAISAL, ComponentConfig("survey", "measured", "Điều tra", "Survey"))
    dept = FrameworkConfig("dept", Path("d.csv"), "QĐ d", components=leg)
    ward = FrameworkConfig("ward", Path("w.csv"), "QĐ w", components=leg)
    # the same codes in both frameworks, with other maxima
    table = pd.concat(
        [
            framework_table("dept", [("1.1", 10, 0, 0, 0)]).rename(
                columns={"max_sipas": "max_survey"}
            ),
            framework_table("ward", [("1.1", 4, 0, 0, 0)]).rename(
                columns={"max_sipas": "max_survey"}
            ),
        ],
        ignore_index=True,
    )
    units = units_table(
        [("d1", "department"), ("d2", "department"), ("w1", "ward"), ("w2", "ward")],
        {"department": "departments", "ward": "wards"},
    )
    rows = []
    for u, s in (("d1", 9), ("d2", 6), ("w1", 4), ("w2", 3)):
        rows += score_rows(u, {"1.1": dict(appraised=s, self=s)})
    scores = pd.DataFrame(rows).rename(
        columns={"sipas_score": "survey_score", "sipas_kps": "survey_kps"}
    )
    scores["block"] = scores["unit_id"].map(units.set_index("unit_id")["block"])
    blocks = (
        BlockConfig("departments", "Khối sở", "Departments", "dept", kinds=("department",)),
        BlockConfig("wards", "Khối phường", "Wards", "ward", kinds=("ward",)),
    )
    bands = pd.DataFrame(
        {
            "band": ["A", "B", "Tốt", "Khá"],
            "lower_pct": [80, None, 90, None],
            "upper_pct": [None, 80, None, 90],
            "block": ["", "", "wards", "wards"],
        }
    )
    return make_inputs(
        {"dept": dept, "ward": ward}, table, units, scores, blocks, bands=bands, **year
    )


def test_blocks_rank_apart_on_their_own_frameworks_and_bands():
    r = score.compute(two_blocks())
    u = r.unit_index.set_index("unit_id")
    # departments on 10 points: 90, 60; wards on 4 points: 100, 75
    assert u.loc["d1", "index_pct"] == 90 and u.loc["w1", "index_pct"] == 100
    assert (u.loc["d1", "rank"], u.loc["d2", "rank"], u.loc["w1", "rank"]) == (1, 2, 1)
    assert set(u["rank_of"]) == {2}
    assert (u.loc["w1", "rank_all"], u.loc["d1", "rank_all"], u.loc["d2", "rank_all"]) == (1, 2, 4)
    assert set(u["rank_all_of"]) == {4}
    assert (u.loc["d1", "band"], u.loc["d2", "band"]) == ("A", "B")  # the bands of no block
    assert (u.loc["w1", "band"], u.loc["w2", "band"]) == ("Tốt", "Khá")  # the wards' own
    assert u.loc["w1", "block_name_vi"] == "Khối phường" and u.loc["d1", "framework"] == "dept"
    assert list(r.blocks["block"]) == ["departments", "wards"] and list(r.blocks["n_units"]) == [
        2,
        2,
    ]
    crit = r.criterion_index.set_index(["block", "unit_id", "code"])
    assert crit.loc[("wards", "w2", "1.1"), "max_points"] == 4
    assert set(r.points["block"]) == {"departments", "wards"}


def test_blocks_without_block_columns_split_by_kind():
    inputs = two_blocks()
    inputs.units = inputs.units.drop(columns="block")
    inputs.scores = inputs.scores.drop(columns="block")
    u = score.compute(inputs).unit_index.set_index("unit_id")
    assert u.loc["w1", "block"] == "wards" and u.loc["w2", "rank"] == 2


def test_results_save_and_load_the_new_tables(tmp_path):
    r = score.compute(two_blocks())
    r.save(tmp_path)
    back = score.Results.load(tmp_path)
    assert list(back.blocks["block"]) == ["departments", "wards"]
    assert len(back.components) == 4 and set(back.components["block"]) == {"departments", "wards"}
    assert back.block_of("wards").unit_index["unit_id"].tolist() == ["w1", "w2"]


def published_rows(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["unit_id", "measure", "value", "source"][: len(rows[0])])
    df["source"] = "Công bố (SYNTHETIC)"
    df["source_row"] = range(2, len(df) + 2)
    df["source_file"] = "published/2025.csv"
    return df


def test_published_only_year_reads_and_reconciles_printed_parts():
    parts = (
        ComponentConfig("appraisal", "assessed", "Thẩm định", "Appraisal", 60),
        ComponentConfig("sipas", "measured", "SIPAS", "SIPAS", 40),
    )
    fw = FrameworkConfig("nat", None, "Công bố", components=parts)
    units = units_table([("p1", "province"), ("p2", "province"), ("p3", "province")])
    pub = published_rows(
        [
            ("p1", "appraised_total", 50.12),
            ("p1", "sipas_total", 35.55),
            ("p1", "index_pct", 85.67),  # 85.67 = 50.12 + 35.55: match
            ("p2", "appraised_total", 40.0),
            ("p2", "sipas_total", 30.0),
            ("p2", "index_pct", 70.50),  # 70.00 computed: mismatch
            ("p3", "index_pct", 60.0),  # no parts: taken as printed
        ]
    )
    empty = pd.DataFrame({"code": [], "is_leaf": [], "area": []})
    inputs = make_inputs(
        {"nat": fw},
        empty,
        units,
        pd.DataFrame({"unit_id": [], "criterion": []}),
        published=pub,
        score_file=None,
    )
    assert inputs.year.published_only
    r = score.compute(inputs)
    u = r.unit_index.set_index("unit_id")
    assert list(r.unit_index["unit_id"]) == ["p1", "p2", "p3"]
    assert u.loc["p2", "index_pct"] == 70.5 and u.loc["p2", "index_pct_exact"] == 70.0
    assert math.isnan(u.loc["p3", "achieved_points"]) and u.loc["p3", "rank"] == 3
    assert set(u["source"]) == {"published"} and not u["self_known"].any()
    rec = r.reconciliation.set_index("unit_id")
    assert list(rec.index) == ["p1", "p2"]  # p3 has no parts to compute from
    assert rec.loc["p1", "status"] == "match" and rec.loc["p2", "status"] == "mismatch"
    assert rec.loc["p1", "tolerance"] == pytest.approx(2 * 0.005 + 0.005)
    assert rec.loc["p2", "source_row"] == 7 and rec.loc["p2", "unit_name"] == "Đơn vị p2"
    assert r.points.empty and "block" in r.points.columns
    assert r.area_index.empty and "sipas_points" in r.area_index.columns
    assert bool(r.blocks["published_only"].iloc[0])
    found = validate.validate_results(r).problems  # NaN maxima of p3 are not "above the maximum"
    assert [(p.check, p.unit_id) for p in found] == [("published_mismatch", "p2")]


def test_published_ranks_are_the_printed_ones_when_printed():
    units = units_table([("p1", "province"), ("p2", "province")])
    pub = published_rows(
        [
            ("p1", "index_pct", 80.0),
            ("p1", "rank", 2),
            ("p2", "index_pct", 80.0),
            ("p2", "rank", 1),
            ("p1", "rank_of", 63),
            ("p2", "rank_of", 63),
        ]
    )
    inputs = make_inputs(
        {"nat": FrameworkConfig("nat", None, "Công bố")},
        pd.DataFrame({"code": [], "is_leaf": [], "area": []}),
        units,
        pd.DataFrame({"unit_id": [], "criterion": []}),
        published=pub,
        score_file=None,
    )
    u = score.compute(inputs).unit_index.set_index("unit_id")
    assert (u.loc["p1", "rank"], u.loc["p2", "rank"], u.loc["p1", "rank_of"]) == (2, 1, 63)


def test_one_problem_per_published_figure_naming_file_row_measure_and_unit():
    """A mismatch is one critical problem (it used to be a critical and a rounding warning with
    the same numbers); a difference within rounding one warning."""
    inputs = two_blocks()
    inputs.published = published_rows(
        [("d1", "index_pct", 95.0), ("w2", "appraised_total", 3.01), ("w1", "appraised_total", 4.0)]
    )
    inputs.published["block"] = ["departments", "wards", "wards"]
    r = score.compute(inputs)
    assert len(r.reconciliation) == 3
    status = r.reconciliation.set_index("unit_id")["status"]
    assert (status["d1"], status["w2"], status["w1"]) == ("mismatch", "within_rounding", "match")
    found = validate.validate_results(r).problems
    assert sorted((p.check, p.severity, p.unit_id) for p in found) == [
        ("published_mismatch", "critical", "d1"),
        ("published_rounding", "warning", "w2"),
    ]
    bad = next(p for p in found if p.unit_id == "d1")
    assert bad.file == "published/2025.csv" and bad.row == 2
    # the file and row are the problem's own fields (shown once by str), the message the rest
    assert "index_pct" in bad.message and "Đơn vị d1" in bad.message
    assert "published/2025.csv, row 2" in str(bad) and "Đơn vị d1" in bad.message_vi


def test_alternative_figures_are_kept_as_conflicts_not_reconciled():
    inputs = two_blocks()
    pub = published_rows(
        [("d1", "index_pct", 91.2), ("d1", "index_pct", 90.0), ("w1", "index_pct", 100.0)]
    )
    pub["role"] = ["alternative", "primary", ""]  # the other source's figure first in the file
    pub.loc[0, "source"] = "Báo địa phương (SYNTHETIC)"
    inputs.published = pub
    r = score.compute(inputs)
    assert list(r.reconciliation["status"]) == ["match", "match"]  # the 91.2 is not an error
    c = r.conflicts
    assert list(c["value"]) == [90.0, 91.2] and list(c["role"]) == ["primary", "alternative"]
    assert c["values_differ"].all() and list(c["source_row"]) == [3, 2]


def test_result_suites_accept_bonus_above_the_maximum_and_published_only_years(four_parts):
    s = four_parts.scores
    s.loc[s["unit_id"] == "b", "penalty_score"] = 0.0  # b: 4 + 2 + 1 = 7 points of 6
    r = score.compute(four_parts)
    assert r.unit_index.set_index("unit_id").loc["b", "achieved_points"] == 7
    assert validate.validate_results(r).success
    s.loc[(s["unit_id"] == "b") & (s["criterion"] == "2.1"), "sipas_score"] = 3.0  # 3 of 2
    bad = validate.validate_results(score.compute(four_parts)).problems
    assert [p.check for p in bad if p.severity == "critical"] == ["achieved_above_max"]
