"""Fairness, first version: values worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from parlib import fairness


def units(maxima, indexes, kinds=None, groups=None):
    n = len(maxima)
    df = pd.DataFrame({"unit_id": [f"u{i}" for i in range(n)], "unit_name": [f"U{i}" for i in range(n)],
                       "kind": kinds or ["department"] * n, "group": groups or [""] * n,
                       "max_points": maxima, "index_pct": indexes})
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
    assert fairness.comparable_groups(maxima, 0).nunique() == 6


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
