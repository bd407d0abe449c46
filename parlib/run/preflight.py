"""Preflight: everything that can refuse a dataset-year, in one process, before any notebook runs —
read the inputs, run the input suites, compute, run the result suites, read the optional analysis
inputs — and the hand-off to the notebooks: what the preflight read, checked and computed is saved
in the year's output folder, and notebooks 01–03 show it instead of doing it again.

``preflight_year`` is the runner's call; ``ingested_year``, ``checked_year`` and ``scored_year`` are
the notebooks': with ``validated`` (set by the runner) they read back what the preflight saved in
this run; run by hand they do the step themselves, through the same entry points
(``ingest.load_year``, ``validate.validate_inputs`` / ``validate_results``, ``score.compute``).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from parlib import score, validate
from parlib.config import alternatives, provenance
from parlib.config.dataset import DatasetConfig
from parlib.core import paths
from parlib.core.errors import DataError, Problem
from parlib.core.labels import LANGS, t
from parlib.core.storage import write_json, write_text
from parlib.fairness import survey
from parlib.ingest.inputs import YearInputs, load_year
from parlib.publish import landing, shell
from parlib.publish.blocks import methodology
from parlib.publish.pages import localized
from parlib.score.compute import Results
from parlib.validate.problems import ValidationReport, load, save

log = logging.getLogger(__name__)


def preflight(
    inputs_loader, docs: Path | None = None, out_dir: Path | None = None
) -> tuple[ValidationReport, object | None]:
    """Everything that can refuse a dataset-year, in one process, before any notebook runs:
    read the inputs, run the input suites, compute, run the result suites.

    ``inputs_loader`` is a no-argument function returning ``YearInputs`` (it may raise
    ``DataError``). Returns the report and the inputs (None when they could not be read). With
    ``docs`` the validations also build the Data Docs site there; with ``out_dir`` the two records
    are saved there (``validation`` for the inputs, ``validation_results`` for the computed
    results), and so are the results when they pass (``Results.save``): what the validate and
    index notebooks show.
    """

    try:
        inputs = inputs_loader()
    except DataError as exc:
        problems = exc.problems or [Problem("critical", "unreadable_input", message=str(exc))]
        return ValidationReport(problems=list(problems)), None
    report = validate.validate_inputs(inputs, docs=docs)
    if out_dir is not None:
        save(report, out_dir)
        for stale in ("validation_results.json", "validation_results_problems.csv"):
            (Path(out_dir) / stale).unlink(missing_ok=True)  # an earlier run's, not these inputs'
    if report.success:
        results = score.compute(inputs)
        checked = validate.validate_results(results, docs=docs)
        checked.problems += _analysis_inputs_problems(inputs, results)
        if out_dir is not None:
            save(checked, out_dir, "validation_results")
            if checked.success:
                results.save(out_dir)
        report = report.extend(checked)
    if docs is not None:  # the site is written; the in-memory results are not needed any more
        validate.forget_docs(docs)
    return report, inputs


def preflight_year(cfg: DatasetConfig, year: int, out_dir: Path) -> ValidationReport:
    """The runner's preflight of one dataset-year in its staging folder ``out_dir``: read the raw
    inputs (``load_year``) and save them (``tidy/``), validate, compute and check the results, and
    save both validation records, the results and the Data Docs project (``gx/``) there."""

    def loaded() -> YearInputs:
        inputs = load_year(cfg, year)
        inputs.save(out_dir)
        return inputs

    report, _ = preflight(loaded, docs=Path(out_dir) / "gx", out_dir=out_dir)
    return report


def ingested_year(cfg: DatasetConfig, year: int, out_dir: Path, validated: bool) -> YearInputs:
    """The inputs the ingest notebook shows. ``validated``: the runner's preflight read them in
    this run and saved the tidy tables in ``out_dir``; they are read back. Otherwise (a notebook
    run by hand) they are read from the raw files and saved."""
    if validated:
        return YearInputs.load(out_dir, cfg, year)
    inputs = load_year(cfg, year)
    inputs.save(out_dir)
    return inputs


def checked_year(
    cfg: DatasetConfig, year: int, out_dir: Path, docs: Path, validated: bool
) -> ValidationReport:
    """The input suites' report of a dataset-year, as the validate notebook shows it.

    ``validated``: the runner's preflight has already validated these inputs in this run and saved
    both records (and the Data Docs) in ``out_dir``; they are read back, not recomputed. Otherwise
    (a notebook run by hand) the preflight runs here, on the tidy inputs the ingest notebook
    saved, and saves them.
    """
    if not validated:
        inputs = YearInputs.load(out_dir, cfg, year)  # raises when the ingest step has not run
        preflight(lambda: inputs, docs=docs, out_dir=out_dir)
    return load(out_dir)


def scored_year(cfg: DatasetConfig, year: int, out_dir: Path, validated: bool) -> Results:
    """The results the index notebook shows, once the result suites have passed.

    ``validated``: the runner's preflight computed, checked and saved them in this run; they are
    read back. Otherwise (a notebook run by hand) they are computed from the tidy inputs and saved,
    after the result suites' record (saved by the validate notebook's preflight) says they pass.
    """
    results = (
        Results.load(out_dir) if validated else score.compute(YearInputs.load(out_dir, cfg, year))
    )
    load(out_dir, "validation_results").raise_if_failed(f"{cfg.name} {year}: computed results")
    if not validated:
        results.save(out_dir)
    return results


def _analysis_inputs_problems(inputs: YearInputs, results) -> list[Problem]:
    """The optional inputs of the fairness analyses (methodology alternatives, survey answers) are
    read here too, so a bad file is refused before any notebook runs, not halfway through."""

    problems: list[Problem] = []
    checks = [lambda: alternatives.load_alternatives(inputs.dataset.alternatives)]
    if inputs.year.survey_responses is not None:
        checks.append(
            lambda: survey.read_responses(
                inputs.year.survey_responses, results.points, inputs.units["unit_id"]
            )
        )
    for check in checks:
        try:
            check()
        except DataError as exc:
            problems += exc.problems or [Problem("critical", "unreadable_input", message=str(exc))]
    return problems


def refuse(
    cfg: DatasetConfig,
    year: int,
    checked,
    prov: dict,
    out_reports: Path,
    failed_dir: Path,
    started: float,
    run_id: str,
    end_log,
    names: dict[str, str] | None = None,
) -> None:
    """Publish why a run was refused: a validation page in each language (``validation.html``,
    ``validation.en.html``; units by their name, ``names``, where the registry was read), the
    problems as CSV, failure.json and ``run.log`` (ended by ``end_log``: the caller then publishes
    the folder, under ``reports/_failed/``)."""

    for lang in LANGS:
        title = t("validation_title", lang)
        subtitle = (
            f"{cfg.title(lang)} — {t('year', lang)} {year} — {methodology(cfg.year(year), lang)}"
        )
        frame = shell.year_frame(cfg, year, lang, "validation.html", "validation_title", depth=3)
        write_text(
            out_reports / localized("validation.html", lang),
            landing.validation_page(
                checked.problems, title, subtitle, cfg.synthetic, lang, prov, names, frame
            ),
        )
    validate.save(checked, out_reports)
    first = checked.critical[0]
    write_json(
        out_reports / "failure.json",
        {
            **prov,
            "title": {"vi": cfg.title_vi, "en": cfg.title_en},
            "run_id": run_id,
            "outcome": "invalid",
            "languages": list(LANGS),
            "finished_at": provenance.now_utc(),
            "seconds": round(time.time() - started, 2),
            "message": f"{len(checked.critical)} critical problem(s); first: {first}",
            "validation": {
                "success": False,
                "critical": len(checked.critical),
                "warnings": len(checked.warnings),
            },
        },
    )
    for problem in checked.critical[:20]:
        log.warning(f"  {problem}")
    if len(checked.critical) > 20:
        log.warning(
            f"  ... and {len(checked.critical) - 20} more (see {paths.display(failed_dir)})"
        )
    end_log()
