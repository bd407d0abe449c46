"""Robustness: methodology alternatives (values worked out by hand) and the seeded Monte Carlo."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

from parlib import score
from parlib.config import alternatives
from parlib.core.errors import DataError, UsageError
from parlib.fairness import robustness


def tiny_points() -> pd.DataFrame:
    """Three units, areas 1 and 2 appraisal (10 points each), area 3 survey (5 points).

    a: 8, 6, survey 4 (everything applies)
    b: 9, 2.1 did not arise, survey 5
    c: 7, 10, not surveyed (survey KPS)
    """
    rows = [
        ("a", "1.1", 10, True, 8),
        ("a", "2.1", 10, True, 6),
        ("a", "3.1", 5, True, 4),
        ("b", "1.1", 10, True, 9),
        ("b", "2.1", 10, False, None),
        ("b", "3.1", 5, True, 5),
        ("c", "1.1", 10, True, 7),
        ("c", "2.1", 10, True, 10),
        ("c", "3.1", 5, False, None),
    ]
    p = pd.DataFrame(rows, columns=["unit_id", "criterion", "max_points", "applicable", "points"])
    p["area"] = p["criterion"].str[0]
    p["component"] = np.where(p["area"] == "3", "survey", "appraisal")
    p["self_points"] = np.nan
    return p


def tiny_unit_index() -> pd.DataFrame:
    # official: a = (8+6+4)/25 = 72.00; b = (9+5)/15 = 93.33; c = (7+10)/20 = 85.00
    return pd.DataFrame(
        {
            "unit_id": ["b", "c", "a"],
            "unit_name": ["B", "C", "A"],
            "kind": "department",
            "index_pct": [93.33, 85.00, 72.00],
            "rank": pd.array([1, 2, 3], dtype="Int64"),
            "rank_of": 3,
        }
    )


def index_of(rule: str, **kw) -> dict[str, float]:
    parts = robustness.parts_matrix(tiny_points())
    values = robustness.alternative_index(parts, alternatives.Alternative("x", rule, **kw))
    return dict(zip(parts.unit_ids, np.round(values, 2)))


def test_official_rule_by_hand():
    assert index_of("official") == {"a": 72.00, "b": 93.33, "c": 85.00}


def test_rescale_missing_component_by_hand():
    # framework shares: appraisal 20, survey 5 (80/20)
    # a: (20·14/20 + 5·4/5) / 25 = 72.00 (everything applies: same as official)
    # b: (20·9/10 + 5·5/5) / 25 = 23/25 = 92.00 (official gave the survey 5/15 of the weight)
    # c: no survey: appraisal alone, rescaled to 100: 17/20 = 85.00
    assert index_of("rescale_missing_component") == {"a": 72.00, "b": 92.00, "c": 85.00}


def test_impute_and_zero_for_the_missing_survey_by_hand():
    # mean survey rate where it applied: (4 + 5) / (5 + 5) = 0.9 → c gets 4.5 of 5
    # c: (17 + 4.5) / 25 = 86.00
    assert index_of("impute_not_applicable", component="survey")["c"] == 86.00
    # survey counted as 0 of 5: c = 17/25 = 68.00; b keeps its KPS appraisal relief (93.33)
    assert index_of("not_applicable_as_zero", component="survey") == {
        "a": 72.0,
        "b": 93.33,
        "c": 68.0,
    }
    # nothing is relieved: b = 14/25 = 56.00, c = 17/25 = 68.00
    assert index_of("not_applicable_as_zero", component="all") == {"a": 72.0, "b": 56.0, "c": 68.0}


def test_area_weights_by_hand():
    # area 1 counts double: a = (16+6+4)/(20+10+5) = 26/35 = 74.29; b = (18+5)/(20+5) = 92.00;
    # c = (14+10)/(20+10) = 80.00
    assert index_of("area_weights", weights={"1": 2.0}) == {"a": 74.29, "b": 92.0, "c": 80.0}
    # equal areas: the mean of the area sub-indexes: a = (0.8+0.6+0.8)/3 = 73.33;
    # b = (0.9+1.0)/2 = 95.00; c = (0.7+1.0)/2 = 85.00
    assert index_of("area_weights", weights="equal") == {"a": 73.33, "b": 95.0, "c": 85.0}


def test_compare_alternatives_side_by_side():
    config = alternatives.Alternatives(
        items=(
            alternatives.OFFICIAL,
            alternatives.Alternative("zero", "not_applicable_as_zero", component="survey"),
        )
    )
    long = robustness.compare_alternatives(tiny_points(), tiny_unit_index(), config)
    zero = long[long["alternative"] == "zero"].set_index("unit_id")
    # ranks under "zero": b 93.33 (1), a 72 (2), c 68 (3): c falls from 2 to 3, a climbs 3 to 2
    assert zero.loc["c", "rank"] == 3 and zero.loc["c", "rank_change"] == -1
    assert zero.loc["a", "rank_change"] == 1 and zero.loc["c", "index_change"] == pytest.approx(-17)
    official = long[long["alternative"] == "official"]
    assert (official["rank_change"] == 0).all()
    summary = robustness.alternatives_summary(long, config).set_index("alternative")
    assert (
        summary.loc["zero", "n_units_moved"] == 2
        and summary.loc["zero", "max_abs_rank_change"] == 1
    )
    wide = robustness.alternatives_wide(long, config)
    assert list(wide["unit_id"]) == ["b", "c", "a"] and list(wide["rank__zero"]) == [1, 3, 2]


# --- alternatives.toml ----------------------------------------------------------------------------


def write_toml(tmp_path, text: str):
    path = tmp_path / "alternatives.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_load_alternatives_and_defaults(tmp_path):
    assert alternatives.load_alternatives(None).monte_carlo.draws == 1000
    assert [a.name for a in alternatives.load_alternatives(None).items] == ["official"]
    cfg = alternatives.load_alternatives(
        write_toml(
            tmp_path,
            """
        [alternatives.rescale]
        rule = "rescale_missing_component"
        label_en = "Fixed shares"
        [monte_carlo]
        draws = 50
        seed = 7
        area_weight_range = 0.1
        survey_noise_sd = 0.5
        alternatives = ["official", "rescale"]
    """,
        )
    )
    assert [a.name for a in cfg.items] == ["official", "rescale"]  # official added first
    assert cfg.get("rescale").label("en") == "Fixed shares"
    assert cfg.monte_carlo == alternatives.MonteCarlo(50, 7, 0.1, 0.5, ("official", "rescale"))


@pytest.mark.parametrize(
    "text, key",
    [
        ('colour = "red"', "colour"),
        ('[alternatives.x]\nrule = "magic"', "alternatives.x.rule"),
        ('[alternatives.x]\nrule = "official"\nwieghts = 1', "alternatives.x.wieghts"),
        ('[alternatives.x]\nrule = "not_applicable_as_zero"', "alternatives.x.component"),
        ('[alternatives.x]\nrule = "area_weights"\nweights = {"1" = -1}', "alternatives.x.weights"),
        ("[monte_carlo]\ndraws = 0", "monte_carlo.draws"),
        ("[monte_carlo]\narea_weight_range = 1.5", "monte_carlo.area_weight_range"),
        ('[monte_carlo]\nalternatives = ["nope"]', "monte_carlo.alternatives"),
        ("[monte_carlo]\nsamples = 10", "monte_carlo.samples"),
    ],
)
def test_bad_alternatives_name_file_and_key(tmp_path, text, key):
    path = write_toml(tmp_path, text)
    with pytest.raises(DataError) as info:
        alternatives.load_alternatives(path)
    problem = info.value.problems[0]
    assert problem.file.endswith("alternatives.toml") and problem.value.startswith(key)


# --- Monte Carlo ----------------------------------------------------------------------------------


def official_unit_index(points: pd.DataFrame) -> pd.DataFrame:
    """The official ranking of a points table, by the scoring code itself (score.aggregate)."""
    unit = score.aggregate(points, ["unit_id"])
    unit["index_pct"] = score.round_half_up(unit["index_pct_exact"], 2)
    unit["rank"] = score.rank_desc(unit["index_pct"])
    unit["rank_of"] = len(unit)
    unit["unit_name"] = unit["unit_id"]
    unit["kind"] = "department"
    return unit


def settings(**kw) -> alternatives.Alternatives:
    mc = alternatives.MonteCarlo(**{**alternatives.MonteCarlo().__dict__, "draws": 200, **kw})
    return alternatives.Alternatives(
        items=(
            alternatives.OFFICIAL,
            alternatives.Alternative("zero", "not_applicable_as_zero", component="survey"),
        ),
        monte_carlo=mc,
    )


def test_monte_carlo_is_reproducible_from_its_seed():
    points = robustness.synthetic_points(30, 40, seed=1)
    parts = robustness.parts_matrix(points)
    cfg = settings(seed=11, alternatives=("official", "zero"))
    alts = [cfg.get(n) for n in cfg.monte_carlo.alternatives]
    first = robustness.simulate_ranks(parts, alts, cfg.monte_carlo)
    again = robustness.simulate_ranks(parts, alts, cfg.monte_carlo)
    other = robustness.simulate_ranks(
        parts, alts, alternatives.MonteCarlo(**{**cfg.monte_carlo.__dict__, "seed": 12})
    )
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_zero_variation_collapses_to_the_official_rank():
    points = robustness.synthetic_points(25, 30, seed=2)
    unit_index = official_unit_index(points)
    cfg = settings(area_weight_range=0.0, survey_noise_sd=0.0, alternatives=("official",))
    table = robustness.rank_intervals(points, unit_index, cfg).table
    for col in ("rank_p05", "rank_median", "rank_p95"):
        assert (table[col] == table["rank"]).all(), col
    assert (table["interval_width"] == 0).all() and table["official_in_interval"].all()


def test_intervals_contain_the_median_and_notebook_overrides():
    points = robustness.synthetic_points(25, 30, seed=3)
    unit_index = official_unit_index(points)
    result = robustness.rank_intervals(
        points, unit_index, settings(alternatives=("official", "zero")), draws=120, seed=5
    )
    table = result.table
    assert (
        (table["rank_p05"] <= table["rank_median"]) & (table["rank_median"] <= table["rank_p95"])
    ).all()
    assert (table["rank_p95"] - table["rank_p05"] == table["interval_width"]).all()
    assert result.settings.draws == 120 and result.settings.seed == 5 and (table["seed"] == 5).all()
    assert table["interval_width"].max() > 0
    declared = robustness.rank_intervals(points, unit_index, settings(), draws=None, seed=None)
    assert declared.settings.draws == 200
    assert declared.settings.seed == alternatives.MonteCarlo().seed
    with pytest.raises(UsageError, match="mc_draws"):  # no sentinel: -1 is not "as declared"
        robustness.rank_intervals(points, unit_index, settings(), draws=-1)


def test_alternatives_alone_bound_the_interval():
    # no weight or survey variation; each draw is official or "survey counts zero":
    # c's rank is 2 (official) or 3 (zero), so its interval is 2–3; b is always first
    cfg = settings(area_weight_range=0.0, survey_noise_sd=0.0, alternatives=("official", "zero"))
    table = robustness.rank_intervals(tiny_points(), tiny_unit_index(), cfg).table.set_index(
        "unit_id"
    )
    assert (table.loc["c", "rank_p05"], table.loc["c", "rank_p95"]) == (2, 3)
    assert (table.loc["b", "rank_p05"], table.loc["b", "rank_p95"]) == (1, 1)


def test_thousand_draws_on_a_hundred_units_and_criteria():
    points = robustness.synthetic_points(100, 100, seed=4)
    unit_index = official_unit_index(points)
    cfg = alternatives.Alternatives(
        items=(
            alternatives.OFFICIAL,
            alternatives.Alternative("r", "rescale_missing_component"),
            alternatives.Alternative("i", "impute_not_applicable", component="survey"),
        ),
        monte_carlo=alternatives.MonteCarlo(draws=1000, alternatives=("official", "r", "i")),
    )
    result = robustness.rank_intervals(points, unit_index, cfg)
    assert len(result.table) == 100 and result.settings.draws == 1000
    table = result.table  # a thousand draws at this size: intervals, not a speed (no clock here)
    assert (
        (table["rank_p05"] >= 1)
        & (table["rank_p05"] <= table["rank_p95"])
        & (table["rank_p95"] <= 100)
    ).all()
