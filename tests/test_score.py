"""Index maths on the hand-checked tiny dataset (see conftest.py for the arithmetic)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from parlib import ingest, score
from parlib.config.dataset import load_dataset


@pytest.fixture
def tiny_results(tiny_raw):
    return score.compute(ingest.load_year(load_dataset("tiny", tiny_raw), 2024))


def by_unit(results):
    return results.unit_index.set_index("unit_id")


def test_unit_index_is_achieved_over_applicable_maximum(tiny_results):
    u = by_unit(tiny_results)
    # a: 6 + 3 + 4 + 4 = 17 of 20
    assert u.loc["a", "achieved_points"] == 17 and u.loc["a", "max_points"] == 20
    assert u.loc["a", "index_pct"] == 85.0
    # b: criterion 1.2 did not arise: 5 + 4 + 3 = 12 of 16
    assert u.loc["b", "achieved_points"] == 12 and u.loc["b", "max_points"] == 16
    assert u.loc["b", "index_pct"] == 75.0
    # c: no survey held: 6 + 4 + 5 = 15 of 15
    assert u.loc["c", "max_points"] == 15 and u.loc["c", "index_pct"] == 100.0


def test_components_and_points_deducted(tiny_results):
    u = by_unit(tiny_results)
    assert u.loc["a", "self_points"] == 15 and u.loc["a", "appraised_points"] == 13
    assert u.loc["a", "survey_points"] == 4 and u.loc["a", "points_deducted"] == 2
    assert u.loc["b", "self_points"] == 9.5 and u.loc["b", "points_deducted"] == 0.5
    assert u.loc["c", "max_survey"] == 0 and u.loc["c", "max_appraisal"] == 15


def test_ranks_follow_the_index(tiny_results):
    u = by_unit(tiny_results)
    assert (u.loc["c", "rank"], u.loc["a", "rank"], u.loc["b", "rank"]) == (1, 2, 3)
    assert set(u["rank_of"]) == {3}


def test_area_and_criterion_sub_indexes(tiny_results):
    area = tiny_results.area_index.set_index(["unit_id", "area"])
    # a, area 1: 6 + 3 of 10; b, area 1: 5 of 6 (1.2 did not arise)
    assert area.loc[("a", "1"), "index_pct"] == 90.0
    assert area.loc[("b", "1"), "max_points"] == 6
    assert area.loc[("b", "1"), "index_pct"] == pytest.approx(83.33, abs=0.005)
    crit = tiny_results.criterion_index.set_index(["unit_id", "code"])
    assert crit.loc[("a", "1.2"), "index_pct"] == 75.0
    assert crit.loc[("a", "2"), "achieved_points"] == 8  # area node = sum of 2.1 and 2.2
    assert ("b", "1.2") in crit.index and math.isnan(crit.loc[("b", "1.2"), "index_pct"])


def test_ties_share_the_best_rank():
    ranks = score.rank_desc(pd.Series([90.0, 85.5, 90.0, 70.0, 85.5]))
    assert list(ranks) == [1, 3, 1, 5, 3]


def test_bands_lower_inclusive_upper_exclusive():
    bands = pd.DataFrame(
        {
            "band": ["A", "B", "C", "D"],
            "lower_pct": [90, 80, 70, None],
            "upper_pct": [None, 90, 80, 70],
        }
    )
    got = score.assign_bands(pd.Series([90.0, 89.99, 80.0, 70.0, 69.99, 100.0]), bands)
    assert list(got) == ["A", "B", "B", "C", "D", "A"]


def test_rounding_tolerance_counts_every_printed_figure():
    # 7 parts and the total itself, each within 0.005 of its true value
    assert score.rounding_tolerance(7, 2) == pytest.approx(0.04)
    assert score.rounding_tolerance(0, 1) == pytest.approx(0.05)


def test_index_is_nan_when_nothing_applies():
    assert math.isnan(score.index_pct(0.0, 0.0))


def test_rounding_is_half_away_from_zero_like_published_tables():
    got = score.round_half_up(pd.Series([79.965, 79.955, 0.125, 84.994999]), 2)
    assert list(got) == [79.97, 79.96, 0.13, 84.99]
