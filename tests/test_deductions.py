"""Self-assessment versus appraisal: values worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from parlib import score
from parlib.fairness import deductions
from parlib.fairness import step as fairness_step
from parlib.fairness.parameters import FairnessParameters

from . import test_blocks_score as tb


def tiny():
    """a: 1.1 (4) self 4 → 3; 1.2 (6) 6 → 6; 2.1 (10) 8 → 5; survey 3.1 (5) 5.
    b: 1.1 (4) self 2 → 3 (raised); 1.2 did not arise; 2.1 (10) 10 → 7; survey 3.1 (5) 5."""
    rows = [
        ("a", "1.1", "appraisal", 4, True, 4, 3),
        ("a", "1.2", "appraisal", 6, True, 6, 6),
        ("a", "2.1", "appraisal", 10, True, 8, 5),
        ("a", "3.1", "survey", 5, True, None, 5),
        ("b", "1.1", "appraisal", 4, True, 2, 3),
        ("b", "1.2", "appraisal", 6, False, None, None),
        ("b", "2.1", "appraisal", 10, True, 10, 7),
        ("b", "3.1", "survey", 5, True, None, 5),
    ]
    points = pd.DataFrame(
        rows,
        columns=[
            "unit_id",
            "criterion",
            "component",
            "max_points",
            "applicable",
            "self_points",
            "points",
        ],
    )
    points["area"] = points["criterion"].str[0]
    # official: a = (3+6+5+5)/25 = 76.00 (rank 2); b = (3+7+5)/19 = 78.95 (rank 1)
    unit_index = pd.DataFrame(
        {
            "unit_id": ["b", "a"],
            "unit_name": ["B", "A"],
            "kind": "department",
            "index_pct": [78.95, 76.00],
            "rank": pd.array([1, 2], dtype="Int64"),
            "survey_points": [5.0, 5.0],
            "max_points": [19.0, 25.0],
        }
    )
    return points, unit_index


def test_by_unit_by_hand():
    points, unit_index = tiny()
    out = deductions.by_unit(points, unit_index).set_index("unit_id")
    # a: self 4+6+8 = 18, appraised 3+6+5 = 14, maximum 20: 4 deducted = 20 % over-claim
    assert out.loc[
        "a", ["self_points", "appraised_points", "max_appraisal", "points_deducted"]
    ].tolist() == [18, 14, 20, 4]
    assert out.loc["a", "overclaim_pct"] == pytest.approx(20.00)
    assert (out.loc["a", "n_deducted"], out.loc["a", "n_raised"]) == (2, 0)
    # b: self 2+10 = 12, appraised 3+7 = 10, maximum 14: 2 deducted = 14.29 %; 1.1 was raised
    assert out.loc["b", "overclaim_pct"] == pytest.approx(14.29)
    assert (out.loc["b", "n_deducted"], out.loc["b", "n_raised"]) == (1, 1)
    # had self-scores stood: a = (18+5)/25 = 92.00, b = (12+5)/19 = 89.47 → a 1st, b 2nd
    assert out.loc["a", "claimed_index_pct"] == pytest.approx(92.00)
    assert out.loc["b", "claimed_index_pct"] == pytest.approx(89.47)
    assert out.loc["a", "rank_drop"] == 1 and out.loc["b", "rank_drop"] == -1
    assert list(out.index) == ["a", "b"]  # most over-claiming first


def test_by_criterion_is_the_list_units_act_on():
    points, _ = tiny()
    out = deductions.by_criterion(
        points,
        pd.DataFrame({"code": ["2.1"], "name_vi": ["Hai một"], "name_en": ["Two one"]}),
        "en",
    )
    # 2.1 lost points in both units (3 + 3); 1.1 in one (a: 1; b was raised: -1, total 0)
    assert list(out["criterion"]) == ["2.1", "1.1", "1.2"]
    row = out.set_index("criterion").loc["2.1"]
    assert (row["n_units"], row["n_units_deducted"], row["points_deducted"]) == (2, 2, 6)
    assert row["mean_deducted"] == pytest.approx(3.0) and row["name"] == "Two one"
    row = out.set_index("criterion").loc["1.1"]
    assert row["share_units_deducted"] == pytest.approx(0.5) and row["points_deducted"] == 0


def test_by_area_and_detail():
    points, unit_index = tiny()
    area = deductions.by_unit_area(points).set_index(["unit_id", "area"])["points_deducted"]
    assert area.to_dict() == {("a", "1"): 1, ("a", "2"): 3, ("b", "1"): -1, ("b", "2"): 3}
    detail = deductions.detail(points)
    assert len(detail) == 4 and set(detail["points_deducted"]) == {1, 3, -1}
    grid = deductions.area_matrix(
        deductions.by_unit_area(points), unit_index.set_index("unit_id")["unit_name"]
    )
    assert list(grid.index) == ["b", "a"] and grid.loc["a", "2"] == 3
    assert not np.isnan(grid.to_numpy()).any()


def test_claimed_index_counts_every_part_the_self_assessment_does_not_cover():
    """Unit a of the four-part framework: self 4 + 4, SIPAS 1.5, bonus 1.5 (capped), penalty 1."""
    inputs = tb.four_parts_inputs()
    results = score.compute(inputs)
    fr = fairness_step.analyse(results, inputs.dataset, 2025, FairnessParameters(mc_draws=5))
    a = fr.deductions_by_unit.set_index("unit_id").loc["a"]
    assert a["points_deducted"] == 1 and a["claimed_index_pct"] == 100.0  # (8 + 1.5 + 1.5 − 1) ÷ 10
