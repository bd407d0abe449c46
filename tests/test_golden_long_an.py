"""Golden figures from a real published source: Long An, PAR Index 2012.

MoHA notice 338/BNV-CCHC (27/01/2014), quoted by Long An People's Committee: self 53.25/62,
appraised 49.50/62, survey 30.46/38, index 79.96/100, rank 20/63. The expected values below are
copied from that publication, not from the code.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from parlib import ingest, score, validate
from parlib.config.dataset import load_dataset

PUBLISHED = {"self": 53.25, "appraised": 49.50, "survey": 30.46, "index": 79.96}


@pytest.fixture(scope="module")
def long_an():
    inputs = ingest.load_year(load_dataset("vn-provinces"), 2012)
    return inputs, score.compute(inputs)


def test_index_is_the_published_79_96(long_an):
    _, results = long_an
    row = results.unit_index.set_index("unit_id").loc["long-an"]
    assert row["index_pct"] == PUBLISHED["index"]
    assert row["max_points"] == 100


def test_component_totals_match_the_published_ones(long_an):
    _, results = long_an
    row = results.unit_index.set_index("unit_id").loc["long-an"]
    assert row["self_points"] == pytest.approx(PUBLISHED["self"], abs=1e-9)
    assert row["appraised_points"] == pytest.approx(PUBLISHED["appraised"], abs=1e-9)
    assert row["survey_points"] == pytest.approx(PUBLISHED["survey"], abs=1e-9)
    assert row["points_deducted"] == pytest.approx(53.25 - 49.50)


def test_difference_between_published_total_and_printed_parts_is_explained(long_an):
    """The eight printed area survey figures add to 30.47, not the published 30.46."""
    _, results = long_an
    recon = results.reconciliation.set_index("measure")
    survey = recon.loc["survey_total"]
    assert survey["computed"] == pytest.approx(30.47)
    assert survey["published"] == 30.46
    assert survey["status"] == "within_rounding" and bool(survey["published_used"])
    index = recon.loc["index_pct"]
    assert index["status"] == "match"
    assert index["computed_from_parts"] == pytest.approx(79.97)
    assert recon.loc["self_total", "status"] == "match"
    assert recon.loc["appraised_total", "status"] == "match"


def test_area_points_are_appraised_plus_survey(long_an):
    """Area 1 (Steering): appraised 8.75 + survey 4.06 = 12.81 of 14 (published figures)."""
    _, results = long_an
    area = results.area_index.set_index(["unit_id", "area"]).loc[("long-an", "1")]
    assert area["achieved_points"] == pytest.approx(12.81)
    assert area["max_points"] == 14
    assert area["index_pct"] == pytest.approx(91.5)


def test_without_published_totals_the_parts_give_79_97(long_an):
    inputs, _ = long_an
    plain = replace(inputs, year=replace(inputs.year, prefer_published_totals=False))
    row = score.compute(plain).unit_index.iloc[0]
    assert row["index_pct"] == 79.97
    assert row["totals_source"] == "parts"


def test_validation_reports_the_published_62_38_split_as_a_warning(long_an):
    """The area splits add to 61.5 appraisal + 38.5 survey; the notice says 62 + 38."""
    inputs, results = long_an
    checked = validate.validate_inputs(inputs)
    assert checked.success
    shares = {
        p.criterion: (p.value, p.expected) for p in checked.warnings if p.check == "declared_share"
    }
    assert shares["appraisal"][0] == "62" and "61.5" in shares["appraisal"][1]
    assert shares["survey"][0] == "38" and "38.5" in shares["survey"][1]
    outputs = validate.validate_results(results)
    assert outputs.success
    assert [p.check for p in outputs.warnings] == ["published_rounding"]
