"""The step shape: each stage's entry point returns a result that saves itself and is read back
(ingest, score, fairness), and the preflight hands its work to the notebooks instead of it being
done twice."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from parlib import fairness, ingest, score, validate
from parlib.config.alternatives import load_alternatives
from parlib.config.dataset import load_dataset
from parlib.core.errors import DataError, Problem, UsageError, ValidationFailed
from parlib.run import pipeline, preflight

from .conftest import ROOT


@pytest.fixture
def tiny(tiny_raw):
    cfg = load_dataset("tiny", tiny_raw)
    return cfg, score.compute(ingest.load_year(cfg, 2024))


def saved_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


# --- fairness --------------------------------------------------------------------------------------


def test_analyse_on_the_tiny_dataset(tiny):
    cfg, results = tiny
    fair = fairness.analyse(results, cfg, 2024, fairness.FairnessParameters(mc_draws=50), "en")
    by_unit = fair.deductions_by_unit.set_index("unit_id")
    # a: self 6 + 4 + 5 = 15, appraised 6 + 3 + 4 = 13 on 15 applicable appraisal points
    assert (by_unit.loc["a", "self_points"], by_unit.loc["a", "appraised_points"]) == (15, 13)
    assert by_unit.loc["a", "overclaim_pct"] == pytest.approx(13.33, abs=0.005)
    # b claimed 5.5 on 1.1 and got 5: half a point on one criterion; c lost nothing
    assert by_unit.loc["b", "points_deducted"] == 0.5 and by_unit.loc["c", "points_deducted"] == 0
    assert set(fair.deductions_detail["criterion"]) == {"1.1", "1.2", "2.1"}
    crit = fair.deductions_by_criterion.set_index("criterion")
    assert crit.loc["1.2", "name"] == "Criterion 1.2"  # names in the report's language
    assert crit.loc["1.2", "n_units"] == 2  # it did not arise for b
    # maxima 20, 16 and 15 differ by at most 5: one comparable group, the official order
    assert fair.groups["max_group"].nunique() == 1 and fair.groups["moves"].sum() == 0
    assert list(fair.alternatives["alternative"].unique()) == ["official"]  # no alternatives.toml
    assert set(fair.intervals.table["draws"]) == {50} and fair.intervals.settings.draws == 50
    assert fair.survey is None  # the tiny year declares no survey answers
    assert list(fair.tables()) == list(fairness.FairnessResult.FILES.values())


def test_analyse_passes_every_parameter_through(tiny):
    cfg, results = tiny
    default = fairness.analyse(results, cfg, 2024, fairness.FairnessParameters(mc_draws=20))
    changed = fairness.analyse(
        results,
        cfg,
        2024,
        fairness.FairnessParameters(
            group_tolerance_points=0.0,
            like_for_like_groups="all",
            mc_draws=30,
            mc_seed=7,
            alpha=0.2,
        ),
    )
    # tolerance 0 splits 15 | 16 | 20, and the merge rule (no group of one unit) joins them again
    assert default.groups["max_group"].nunique() == 1 and changed.groups["max_group"].nunique() == 1
    assert not default.groups["max_group_merged"].any() and changed.groups["max_group_merged"].all()
    assert set(changed.like_for_like["group"]) == {"all"} != set(default.like_for_like["group"])
    assert (changed.intervals.settings.draws, changed.intervals.settings.seed) == (30, 7)
    assert set(changed.intervals.table["seed"]) == {7}
    assert set(default.bias["ci_level"]) == {0.95} and set(changed.bias["ci_level"]) == {0.8}
    assert (
        default.deductions_by_criterion.set_index("criterion").loc["1.2", "name"] == "Tiêu chí 1.2"
    )


def test_fairness_result_round_trip(tiny, tmp_path):
    cfg, results = tiny
    fair = fairness.analyse(results, cfg, 2024, fairness.FairnessParameters(mc_draws=40, mc_seed=3))
    written = fair.save(tmp_path / "a")
    assert sorted(p.name for p in written) == sorted(f"{s}.csv" for s in fair.FILES.values())
    back = fairness.FairnessResult.load(tmp_path / "a", load_alternatives(cfg.alternatives))
    assert list(back.tables()) == list(fair.tables())
    for stem, table in fair.tables().items():
        pd.testing.assert_frame_equal(
            back.tables()[stem].reset_index(drop=True),
            table.reset_index(drop=True),
            check_dtype=False,
            obj=stem,
        )
    assert back.intervals.settings == fair.intervals.settings and back.declared == fair.declared
    assert back.survey is None
    back.save(tmp_path / "b")
    assert saved_bytes(tmp_path / "b") == saved_bytes(tmp_path / "a")
    pd.testing.assert_frame_equal(
        back.alternatives_summary, fair.alternatives_summary, check_dtype=False
    )


def test_fairness_result_with_survey_round_trips_and_a_later_result_without_removes_it(tmp_path):
    cfg = load_dataset("synthetic-province", ROOT / "data" / "raw")
    results = score.compute(ingest.load_year(cfg, 2024))
    fair = fairness.analyse(results, cfg, 2024, fairness.FairnessParameters(mc_draws=10))
    assert fair.survey is not None
    fair.save(tmp_path)
    back = fairness.FairnessResult.load(tmp_path, fair.declared)
    for name in fair.SURVEY_FILES:
        pd.testing.assert_frame_equal(
            getattr(back.survey, name), getattr(fair.survey, name), check_dtype=False, obj=name
        )
    assert back.survey.responses is None  # the answers are an input: not saved, not read back
    dataclasses.replace(fair, survey=None).save(tmp_path)
    assert not list(tmp_path.glob("survey_*.csv"))
    assert fairness.FairnessResult.load(tmp_path, fair.declared).survey is None


def test_fairness_parameters_declare_notebook_04s_parameters():
    """The notebook's parameters cell and the typed parameters agree: same names, same defaults."""
    declared = pipeline.notebook_parameters(ROOT / "notebooks" / "04_fairness.ipynb")
    own = {name: f.default for name, f in fairness.FairnessParameters.model_fields.items()}
    in_notebook = {
        name: ast.literal_eval(info["default"])
        for name, info in declared.items()
        if name not in pipeline.BASE_PARAMETERS and name not in pipeline.RUNNER_PARAMETERS
    }
    assert in_notebook == own


@pytest.mark.parametrize(
    "bad",
    [
        {"like_for_like_groups": "kind"},
        {"alpha": 0.0},
        {"alpha": 1.5},
        {"mc_draws": 0},
        {"group_tolerance_points": -1.0},
        {"top_n": -1},
    ],
)
def test_fairness_parameters_refuse_what_no_analysis_can_mean(bad):
    with pytest.raises(UsageError):
        fairness.FairnessParameters(**bad)


# --- ingest and score save themselves --------------------------------------------------------------


def test_year_inputs_and_results_save_and_load(tiny_raw, tmp_path):
    cfg = load_dataset("tiny", tiny_raw)
    inputs = ingest.load_year(cfg, 2024)
    results = score.compute(inputs)
    inputs.save(tmp_path / "a")
    results.save(tmp_path / "a")
    ingest.YearInputs.load(tmp_path / "a", cfg, 2024).save(tmp_path / "b")
    score.Results.load(tmp_path / "a").save(tmp_path / "b")
    assert saved_bytes(tmp_path / "b") == saved_bytes(tmp_path / "a")
    units = ingest.load_tidy_table(tmp_path / "a", "units")
    assert list(units["unit_id"]) == ["a", "b", "c"] and (units["group"] == "").all()
    with pytest.raises(ValueError, match="no tidy table"):
        ingest.load_tidy_table(tmp_path / "a", "everything")


# --- the preflight hands its work to the notebooks -------------------------------------------------


def test_preflight_saves_what_compute_of_load_year_gives(tiny_raw, tmp_path, monkeypatch):
    cfg = load_dataset("tiny", tiny_raw)
    out = tmp_path / "staging"
    report = preflight.preflight_year(cfg, 2024, out)
    assert report.success
    expected = tmp_path / "expected"
    inputs = ingest.load_year(cfg, 2024)
    inputs.save(expected)
    score.compute(inputs).save(expected)
    saved = saved_bytes(out)
    assert {k: v for k, v in saved.items() if not k.startswith("validation")} == saved_bytes(
        expected
    )
    assert (out / "validation.json").is_file() and (out / "validation_results.json").is_file()

    # under the runner the notebooks read it back: nothing is read from raw or computed again
    def refuse(*_args, **_kwargs):
        raise AssertionError("done twice")

    monkeypatch.setattr(preflight, "load_year", refuse)
    monkeypatch.setattr(preflight.score, "compute", refuse)
    monkeypatch.setattr(preflight.validate, "validate_inputs", refuse)
    shown = preflight.ingested_year(cfg, 2024, out, validated=True)
    assert list(shown.units["unit_id"]) == ["a", "b", "c"]
    assert preflight.checked_year(cfg, 2024, out, out / "gx", validated=True).success
    results = preflight.scored_year(cfg, 2024, out, validated=True)
    assert list(results.unit_index["unit_id"]) == ["c", "a", "b"]


def test_notebooks_run_by_hand_do_the_steps_themselves(tiny_raw, tmp_path):
    cfg = load_dataset("tiny", tiny_raw)
    out = tmp_path / "processed"
    inputs = preflight.ingested_year(cfg, 2024, out, validated=False)
    assert (out / "tidy" / "scores.csv").is_file() and len(inputs.scores) == 12
    assert preflight.checked_year(cfg, 2024, out, None, validated=False).success
    (out / "unit_index.csv").unlink()  # the preflight saved it; by hand the index step redoes it
    results = preflight.scored_year(cfg, 2024, out, validated=False)
    assert (out / "unit_index.csv").is_file()
    assert results.unit_index.set_index("unit_id").loc["a", "index_pct"] == 85.0


def test_notebooks_run_by_hand_out_of_order_say_which_step_to_run_first(tiny_raw, tmp_path):
    cfg = load_dataset("tiny", tiny_raw)
    for step in (
        lambda out: preflight.checked_year(cfg, 2024, out, None, validated=False),
        lambda out: preflight.scored_year(cfg, 2024, out, validated=False),
    ):
        with pytest.raises(DataError, match="no ingested data; run the ingest notebook"):
            step(tmp_path / "empty")


def test_index_step_refuses_results_the_result_suites_failed(tiny_raw, tmp_path):
    cfg = load_dataset("tiny", tiny_raw)
    out = tmp_path / "processed"
    inputs = ingest.load_year(cfg, 2024)
    inputs.save(out)
    score.compute(inputs).save(out)
    failed = validate.ValidationReport([Problem("critical", "index_range", message="above 100")])
    validate.save(failed, out, "validation_results")
    for validated in (True, False):
        with pytest.raises(ValidationFailed, match="computed results: 1 critical"):
            preflight.scored_year(cfg, 2024, out, validated=validated)
