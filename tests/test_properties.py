"""Property tests (hypothesis) on the index maths: bounds, monotonicity, order invariance,
not-arising criteria leave the index unchanged, ties share ranks."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from parlib import score


@st.composite
def points_tables(draw, min_units=1, max_units=6):
    """A random ``points`` table: units × leaves × one component, scores within maxima."""
    n_units = draw(st.integers(min_units, max_units))
    n_leaves = draw(st.integers(1, 8))
    maxima = draw(
        st.lists(
            st.sampled_from([0.5, 1, 1.5, 2, 2.5, 4, 6, 10]), min_size=n_leaves, max_size=n_leaves
        )
    )
    rows = []
    for u in range(n_units):
        for leaf, mx in enumerate(maxima):
            applicable = draw(st.booleans()) if leaf else True  # leaf 0 always applies
            frac = draw(st.integers(0, 4)) / 4
            rows.append(
                {
                    "unit_id": f"u{u}",
                    "criterion": f"{leaf % 3 + 1}.{leaf + 1}",
                    "area": str(leaf % 3 + 1),
                    "component": draw(st.sampled_from(["appraisal", "survey"])),
                    "max_points": float(mx),
                    "applicable": applicable,
                    "self_points": float(mx),
                    "points": mx * frac,
                }
            )
    df = pd.DataFrame(rows)
    df.loc[df["component"] == "survey", "self_points"] = np.nan
    return df


@settings(max_examples=150, deadline=None)
@given(points_tables())
def test_index_between_0_and_100(points):
    unit = score.aggregate(points, ["unit_id"])
    assert ((unit["index_pct_exact"] >= 0) & (unit["index_pct_exact"] <= 100 + 1e-9)).all()
    assert (unit["achieved_points"] <= unit["max_points"] + 1e-9).all()


@settings(max_examples=150, deadline=None)
@given(points_tables(), st.data())
def test_more_points_never_lower_the_index(points, data):
    i = data.draw(st.integers(0, len(points) - 1))
    before = score.aggregate(points, ["unit_id"]).set_index("unit_id")["index_pct_exact"]
    better = points.copy()
    better.loc[i, "points"] = better.loc[i, "max_points"]
    after = score.aggregate(better, ["unit_id"]).set_index("unit_id")["index_pct_exact"]
    unit = points.loc[i, "unit_id"]
    assert after[unit] >= before[unit] - 1e-9
    others = before.index != unit
    assert np.allclose(after[others], before[others])


@settings(max_examples=100, deadline=None)
@given(points_tables(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(points, rnd):
    order = list(range(len(points)))
    rnd.shuffle(order)
    a = score.aggregate(points, ["unit_id"])
    b = score.aggregate(points.iloc[order].reset_index(drop=True), ["unit_id"])
    pd.testing.assert_frame_equal(a, b, check_exact=False)


@settings(max_examples=150, deadline=None)
@given(points_tables(), st.floats(0, 10), st.floats(0, 10))
def test_a_not_arising_criterion_leaves_the_index_unchanged(points, mx, got):
    """Adding a KPS row, whatever numbers it carries, changes neither points nor maximum."""
    before = score.aggregate(points, ["unit_id"]).set_index("unit_id")
    extra = pd.DataFrame(
        [
            {
                "unit_id": "u0",
                "criterion": "9.9",
                "area": "9",
                "component": "appraisal",
                "max_points": mx,
                "applicable": False,
                "self_points": got,
                "points": got,
            }
        ]
    )
    after = score.aggregate(pd.concat([points, extra], ignore_index=True), ["unit_id"]).set_index(
        "unit_id"
    )
    cols = ["achieved_points", "max_points", "self_points", "appraised_points", "index_pct_exact"]
    pd.testing.assert_frame_equal(before[cols], after[cols])


@settings(max_examples=100, deadline=None)
@given(points_tables())
def test_unit_total_equals_the_sum_of_its_areas(points):
    unit = score.aggregate(points, ["unit_id"]).set_index("unit_id")
    areas = (
        score.aggregate(points, ["unit_id", "area"])
        .groupby("unit_id")[["achieved_points", "max_points"]]
        .sum()
    )
    assert np.allclose(unit.loc[areas.index, ["achieved_points", "max_points"]], areas)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 20).map(lambda x: x * 5.0), min_size=1, max_size=30))
def test_ranks_are_consistent_with_the_order(values):
    s = pd.Series(values)
    ranks = score.rank_desc(s)
    for i in range(len(s)):
        # rank = 1 + number of strictly better values; equal values share a rank
        assert ranks[i] == 1 + int((s > s[i]).sum())
