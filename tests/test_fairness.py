"""Fairness, first version: values worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from parlib import ingest, score
from parlib.config.dataset import load_dataset
from parlib.fairness import bias as fairness
from parlib.fairness import blocks as fairness_blocks
from parlib.fairness import step as fairness_step
from parlib.fairness.parameters import FairnessParameters
from parlib.fairness.step import FairnessResult

from . import test_blocks_score as tb


def units(maxima, indexes, kinds=None, groups=None):
    n = len(maxima)
    df = pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(n)],
            "unit_name": [f"U{i}" for i in range(n)],
            "kind": kinds or ["department"] * n,
            "group": groups or [""] * n,
            "max_points": maxima,
            "index_pct": indexes,
        }
    )
    df["rank"] = df["index_pct"].rank(ascending=False, method="min").astype("Int64")
    df["rank_of"] = n
    return df


def test_perfect_negative_relation_is_found():
    df = units([60, 70, 80, 90, 100], [99, 95, 90, 85, 80])
    bias = fairness.max_bias(df).set_index("scope")
    assert bias.loc["all", "spearman_rho"] == pytest.approx(-1.0)
    assert bias.loc["all", "finding"] == "negative"
    # least squares through (60,99)...(100,80): slope = -0.48 by hand
    assert bias.loc["all", "slope"] == pytest.approx(-0.48)


def test_too_few_units_or_equal_maxima():
    assert fairness.max_bias(units([80, 90], [1, 2])).iloc[0]["finding"] == "too_few"
    assert fairness.max_bias(units([80, 80, 80], [1, 2, 3])).iloc[0]["finding"] == "too_few"
    rho, p = fairness.spearman(pd.Series([1, 1, 1]), pd.Series([1, 2, 3]))
    assert math.isnan(rho) and math.isnan(p)


def test_comparable_groups_by_hand():
    maxima = pd.Series([84, 100, 60, 62, 96, 64.5, 84])
    # sorted: 60, 62, 64.5 | 84, 84 | 96, 100   (tolerance 5: 64.5 - 60 = 4.5 stays; 84 starts anew)
    groups = fairness.comparable_groups(maxima, tolerance_points=5)
    assert list(groups) == ["84", "96–100", "60–64.5", "60–64.5", "96–100", "60–64.5", "84"]
    # tolerance 0: six greedy groups, four of one unit; merged into their nearest neighbours
    # (60 → 62, then 64.5 → 60–62, 96 → 100): three groups, none of one unit (issue #13)
    strict = fairness.comparable_groups(maxima, 0)
    assert list(strict) == ["84", "96–100", "60–64.5", "60–64.5", "96–100", "60–64.5", "84"]


def test_group_ranks_and_moves():
    # two small-maximum units top the overall ranking; within comparable groups the best
    # full-maximum unit is first of its group
    df = units([60, 61, 100, 100, 99], [98, 97, 90, 85, 80])
    g = fairness.group_ranks(df, tolerance_points=5).set_index("unit_id")
    assert g.loc["u2", "rank"] == 3 and g.loc["u2", "rank_in_max_group"] == 1
    assert g.loc["u2", "max_group"] == "99–100" and g.loc["u2", "size_max_group"] == 3
    # overall position (3-1)/4 = 0.5, in its group (1-1)/2 = 0: shift 0.5 ≥ 0.25
    assert g.loc["u2", "shift_in_max_group"] == pytest.approx(0.5) and bool(g.loc["u2", "moves"])
    assert not bool(g.loc["u0", "moves"])
    assert g.loc["u0", "declared_group"] == "department"


# --- confidence interval of rho ------------------------------------------------------------------


def test_spearman_ci_by_hand():
    # rho = -0.5, n = 7, 95 %: z = atanh(-0.5) = ½·ln(1/3) = -0.549306
    # se = √((1 + 0.25/2) / (7 - 3)) = √0.28125 = 0.530330; z ± 1.959964·se = z ± 1.039428
    # tanh(-1.588734) = -0.91995, tanh(0.490122) = 0.45431
    low, high = fairness.spearman_ci(-0.5, 7, 0.95)
    assert low == pytest.approx(-0.91995, abs=1e-4)
    assert high == pytest.approx(0.45431, abs=1e-4)
    assert all(math.isnan(v) for v in fairness.spearman_ci(-0.5, 3))  # n - 3 = 0: no interval
    assert all(math.isnan(v) for v in fairness.spearman_ci(math.nan, 10))


def test_max_bias_reports_the_interval():
    df = units([60, 70, 80, 90, 100], [99, 95, 90, 85, 80])
    row = fairness.max_bias(df, alpha=0.05).set_index("scope").loc["all"]
    # rho = -1 exactly: atanh(-1) = -inf, so both bounds are tanh(-inf) = -1
    assert row["ci_low"] == pytest.approx(-1.0) and row["ci_high"] == pytest.approx(-1.0)
    assert row["ci_level"] == pytest.approx(0.95)
    mixed = units([60, 70, 80, 90, 100, 65, 75], [90, 95, 80, 85, 70, 99, 60])
    row = fairness.max_bias(mixed, alpha=0.10).set_index("scope").loc["all"]
    assert row["ci_level"] == pytest.approx(0.90)
    assert row["ci_low"] < row["spearman_rho"] < row["ci_high"]


# --- comparable groups: summary ------------------------------------------------------------------


def test_group_summary_by_hand():
    df = units([60, 61, 100, 100, 99], [98, 97, 90, 85, 80])
    summary = fairness.group_summary(fairness.group_ranks(df, 5)).set_index("max_group")
    # groups 60–61 (U0, U1) and 99–100 (U2, U3, U4)
    assert list(summary.index) == ["60–61", "99–100"]
    assert summary.loc["60–61", "mean_index"] == pytest.approx(97.5)  # (98 + 97) / 2
    assert summary.loc["99–100", "mean_index"] == pytest.approx(85.0)  # (90 + 85 + 80) / 3
    assert summary.loc["99–100", "best_unit"] == "U2"
    # U1: overall (2-1)/4 = 0.25, in group (2-1)/1 = 1 → shift -0.75, moves
    # U2: 0.5 vs 0 → moves; U3: 0.75 vs 0.5 → shift 0.25, moves; U4: 1 vs 1 → stays
    assert summary.loc["60–61", "n_moves"] == 1 and summary.loc["99–100", "n_moves"] == 2


# --- like-for-like index -------------------------------------------------------------------------


def lfl_points():
    """a, b in group G1; c alone in G2. Parts: 1.1 appraisal (4), 1.2 appraisal (6), 2.1 survey (10)."""
    rows = [  # unit, criterion, component, max, applicable, points
        ("a", "1.1", "appraisal", 4, True, 4),
        ("a", "1.2", "appraisal", 6, True, 3),
        ("a", "2.1", "survey", 10, True, 8),
        ("b", "1.1", "appraisal", 4, True, 2),
        ("b", "1.2", "appraisal", 6, False, None),
        ("b", "2.1", "survey", 10, True, 9),
        ("c", "1.1", "appraisal", 4, True, 1),
        ("c", "1.2", "appraisal", 6, False, None),
        ("c", "2.1", "survey", 10, True, 10),
    ]
    points = pd.DataFrame(
        rows, columns=["unit_id", "criterion", "component", "max_points", "applicable", "points"]
    )
    points["area"] = points["criterion"].str[0]
    # official: a = (4+3+8)/20 = 75.00; b = (2+9)/14 = 78.57; c = (1+10)/14 = 78.57
    unit_index = pd.DataFrame(
        {
            "unit_id": ["a", "b", "c"],
            "unit_name": ["A", "B", "C"],
            "kind": "department",
            "index_pct": [75.00, 78.57, 78.57],
            "rank": pd.array([3, 1, 1], dtype="Int64"),
        }
    )
    return points, unit_index


def test_like_for_like_by_hand():
    points, unit_index = lfl_points()
    groups = pd.Series({"a": "G1", "b": "G1", "c": "G2"})
    lfl = fairness.like_for_like(points, unit_index, groups).set_index("unit_id")
    # G1 shares 1.1 and 2.1 (1.2 did not arise for b): common maximum 4 + 10 = 14
    assert lfl.loc["a", "common_max"] == 14 and lfl.loc["b", "common_max"] == 14
    # a: (4 + 8) / 14 = 85.714 → 85.71; b: its whole applicable set is common → official 78.57
    assert lfl.loc["a", "lfl_index_pct"] == pytest.approx(85.71)
    assert lfl.loc["b", "lfl_index_pct"] == pytest.approx(78.57)
    # in G1 officially b 1st, a 2nd; like for like a 1st, b 2nd
    assert lfl.loc["a", "rank_in_group"] == 2 and lfl.loc["a", "lfl_rank_in_group"] == 1
    assert lfl.loc["a", "lfl_rank_change"] == 1 and lfl.loc["b", "lfl_rank_change"] == -1
    assert lfl.loc["a", "lfl_difference"] == pytest.approx(10.71)
    # a group of one keeps its official index
    assert lfl.loc["c", "lfl_index_pct"] == pytest.approx(78.57) and lfl.loc["c", "size_group"] == 1


def test_like_for_like_without_common_criteria_is_empty():
    points, unit_index = lfl_points()
    points.loc[(points["unit_id"] == "a") & (points["criterion"] != "1.2"), "applicable"] = False
    points.loc[(points["unit_id"] == "b") & (points["criterion"] == "1.2"), "applicable"] = False
    # a now has only 1.2, b only 1.1 and 2.1: nothing in common
    lfl = fairness.like_for_like(points, unit_index, pd.Series({"a": "G", "b": "G", "c": "G2"}))
    lfl = lfl.set_index("unit_id")
    assert lfl.loc["a", "common_max"] == 0 and math.isnan(lfl.loc["a", "lfl_index_pct"])


def test_grouping_choices():
    df = units([60, 61, 100, 99], [98, 97, 90, 85], groups=["X", "", "", ""])
    groups = fairness.group_ranks(df, 5)
    assert list(fairness.grouping(groups, "declared")) == ["X"] + ["department"] * 3
    assert list(fairness.grouping(groups, "all")) == ["all"] * 4
    assert fairness.grouping(groups, "max").nunique() == 2
    with pytest.raises(Exception, match="grouping must be one of"):
        fairness.grouping(groups, "kind")


def test_synthetic_dataset_shows_the_bias_and_groups_move():
    """Done-means of issue #4: the SYNTHETIC data carry a real max-points bias that is detected,
    and comparable groups change some ranks."""

    results = score.compute(ingest.load_year(load_dataset("synthetic-province"), 2024))
    bias = fairness.max_bias(results.unit_index).set_index("scope")
    assert bias.loc["all", "finding"] == "negative" and bias.loc["all", "ci_high"] < 0
    groups = fairness.group_ranks(results.unit_index, 5.0)
    assert groups["moves"].sum() >= 3
    assert (groups["rank_in_max_group"] != groups["rank"]).any()


# --- issue #12: fairness within blocks ---------------------------------------------------------


def _blocks_results(**year):
    inputs = tb.two_blocks(**year)
    return inputs, score.compute(inputs)


def test_fairness_groups_and_peers_never_mix_blocks():
    inputs, results = _blocks_results()
    fr = fairness_step.analyse(results, inputs.dataset, 2025, FairnessParameters(mc_draws=20))
    groups = fr.groups.set_index("unit_id")
    # within its block each unit is ranked among its own two units only
    assert set(groups["size_declared_group"]) == {2}
    assert groups.loc["w1", "rank_in_max_group"] == 1 and groups.loc["d1", "rank_in_max_group"] == 1
    for name in ("bias", "groups", "like_for_like", "alternatives", "deductions_by_unit"):
        assert set(getattr(fr, name)["block"]) == {"departments", "wards"}, name
    assert list(fr.bias.loc[fr.bias["scope"] == "all", "n_units"]) == [2, 2]
    lfl = fr.like_for_like
    assert not (lfl.groupby("group")["block"].nunique() > 1).any()
    assert set(fr.intervals.table["rank_p95"].dropna()) <= {1, 2}  # never beyond the block's size
    assert fr.skipped.empty


def test_deductions_are_skipped_with_a_reason_when_self_assessment_is_unknown(tmp_path):
    inputs, results = _blocks_results(self_assessment=False)
    fr = fairness_step.analyse(results, inputs.dataset, 2025, FairnessParameters(mc_draws=20))
    assert fr.deductions_by_unit.empty and fr.deductions_detail.empty
    assert "points_deducted" in fr.deductions_by_unit.columns  # the columns are kept
    skipped = fr.skipped
    assert set(skipped["analysis"]) == set(fairness_blocks.DEDUCTIONS)
    assert set(skipped["reason"]) == {"self_unknown"} and set(skipped["block"]) == {
        "departments",
        "wards",
    }
    assert skipped["reason_vi"].str.contains("tự đánh giá").all()
    assert not fr.groups.empty  # the other analyses still run
    fr.save(tmp_path)
    back = FairnessResult.load(tmp_path, fr.declared)
    assert len(back.skipped) == len(skipped)


def test_a_published_only_year_skips_fairness_and_says_why():
    units = tb.units_table([("p1", "province"), ("p2", "province")])
    pub = tb.published_rows([("p1", "index_pct", 80.0), ("p2", "index_pct", 70.0)])
    inputs = tb.make_inputs(
        {"nat": tb.FrameworkConfig("nat", None, "Công bố")},
        pd.DataFrame({"code": [], "is_leaf": [], "area": []}),
        units,
        pd.DataFrame({"unit_id": [], "criterion": []}),
        published=pub,
        score_file=None,
    )
    results = score.compute(inputs)
    fr = fairness_step.analyse(results, inputs.dataset, 2025, FairnessParameters(mc_draws=5))
    assert set(fr.skipped["reason"]) == {"published_only"}
    assert set(fr.skipped["analysis"]) == set(fairness_blocks.ALL)
    assert fr.groups.empty and fr.deductions_by_unit.empty and fr.survey is None
