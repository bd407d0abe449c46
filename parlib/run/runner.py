"""Runner: execute the notebooks with papermill for each dataset and year, publish atomically.

Unattended runs: a lock keeps two runs off the same outputs; a fingerprint (input hashes, parameters,
code) makes a rerun with nothing changed a no-op; ``jobs`` runs datasets side by side in worker
processes; each dataset-year writes ``run.json`` (manifest) and ``run.log`` (``parlib.run.runlog``).

Out: for each dataset-year, ``data/processed/<dataset>/<year>/`` (tables), ``reports/<dataset>/
<year>/`` (one HTML report per notebook and language, no code, the executed notebooks,
``run.json``), and ``reports/index.html``. Both languages every run: Vietnamese under the plain
name (``05_report.html``), English beside it (``05_report.en.html``, ``parlib.publish.pages``); the
preflight (reading, validation, scoring) once per year, each report notebook once per language,
side by side (a notebook that writes tables saves them in its Vietnamese run, ``Notebook.writes``);
pages rendered in the shell (``parlib.publish.shell``) once the year's outcome is known. Then
``results.xlsx``, ``results.en.xlsx`` and the annex ``phu-luc.docx`` / ``.xlsx``, the unit profiles
(``parlib.run.fanout``); after all years of a dataset ``07_trends`` (``trends.html``, ``.en.html``).
Everything is built in a staging folder and swapped into place only when every notebook succeeds
(``parlib.core.swap``: even killed midway it loses no complete copy); a failed run's pages go to
``reports/_failed/<dataset>/<year>/`` with ``failure.json``, which the landing page links. A full
disk or a read-only folder ends the run with one line (``EnvironmentFault``, exit 3).
"""

from __future__ import annotations

import logging
import multiprocessing
import shutil
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from parlib.config import provenance
from parlib.config.dataset import DatasetConfig
from parlib.core import paths, swap
from parlib.core.errors import EnvironmentFault, UsageError
from parlib.core.storage import write_json
from parlib.publish import annex, export, headline
from parlib.publish.landing import write_landing
from parlib.publish.pages import localized
from parlib.publish.shell import year_frame
from parlib.publish.views import load_validation, unit_names_at
from parlib.run import kernels, memo, preflight, runlog
from parlib.run.execute import execute_languages, export_html, root_parameter
from parlib.run.fanout import Outcome, run_dataset, run_unit_profiles
from parlib.run.fingerprints import fingerprint, published_fingerprint
from parlib.run.locking import Lock, clean_staging, journal
from parlib.run.parameters import parse_extra_parameters, plan
from parlib.run.pipeline import (
    LANGS,
    NOTEBOOKS,
    REPORT_PAGES,
    RESULTS_WORKBOOK,
    WRITING_NOTEBOOKS,
    notebook_parameters,
    notebook_paths,
)

log = logging.getLogger(__name__)
VALIDATION_SUMMARY = ("success", "critical", "warnings")  # what run.json says of the validation


def run_year(
    dataset: str,
    year: int,
    extra: dict | None = None,
    root: Path | None = None,
    force: bool = False,
) -> Outcome:
    """Run every notebook for one dataset-year, in both languages, in a staging folder; publish
    only on success.

    Unless ``force``, a dataset-year whose published outputs carry the current fingerprint (same
    inputs, parameters and code) is left alone.
    """
    root = Path(root or paths.project_root())
    extra = dict(extra or {})
    cfg = memo.config(dataset, root)
    cfg.year(year)
    started_at = provenance.now_utc()
    current = fingerprint(cfg, year, extra, root)
    if not force and published_fingerprint(root, dataset, year) == current:
        # the inputs are those of the last good run: an older failure no longer applies
        shutil.rmtree(
            paths.year_dir(paths.reports_dir(root) / "_failed", dataset, year), ignore_errors=True
        )
        log.info(
            f"{dataset} {year}: up to date (inputs, parameters and code unchanged); nothing to do"
        )
        return Outcome(dataset, year, "up-to-date", "inputs, parameters and code unchanged")
    return _run_year(cfg, dataset, year, extra, root, current, started_at)


def _run_year(
    cfg: DatasetConfig,
    dataset: str,
    year: int,
    extra: dict,
    root: Path,
    current: str,
    started_at: str,
) -> Outcome:
    """Build the dataset-year in a staging folder, with everything logged meanwhile in its
    ``run.log``; the staging folders go whatever happens, unless a swap is left to finish."""

    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    stages = [base(root) / ".staging" / run_id for base in (paths.processed_dir, paths.reports_dir)]
    out_reports = paths.year_dir(stages[1], dataset, year)
    try:
        out_reports.mkdir(parents=True, exist_ok=True)
        with runlog.to_file(out_reports / "run.log") as end_log:
            return _build_year(
                cfg, dataset, year, extra, root, current, started_at, run_id, end_log
            )
    finally:
        if not swap.pending(journal(root, run_id)):  # else the next run finishes the swap
            for stage in stages:
                shutil.rmtree(stage, ignore_errors=True)


def _build_year(
    cfg: DatasetConfig,
    dataset: str,
    year: int,
    extra: dict,
    root: Path,
    current: str,
    started_at: str,
    run_id: str,
    end_log,
) -> Outcome:

    log.info(f"{dataset} {year}: running")
    stage_processed = paths.processed_dir(root) / ".staging" / run_id
    stage_reports = paths.reports_dir(root) / ".staging" / run_id
    out_processed = paths.year_dir(stage_processed, dataset, year)
    out_reports = paths.year_dir(stage_reports, dataset, year)
    base = {
        "dataset": dataset,
        "year": year,
        # relative to the notebooks' folder (their kernels' working folder): no local absolute
        # path is written into an executed notebook
        "raw_root": root_parameter(paths.raw_dir(root), root),
        "processed_root": root_parameter(stage_processed, root),
        "reports_root": root_parameter(stage_reports, root),
        "history_root": root_parameter(paths.processed_dir(root), root),
    }
    outcome = Outcome(dataset, year, "success")
    started = time.time()
    prov = provenance.collect(cfg, year, dict(extra))
    failed_dir = paths.year_dir(paths.reports_dir(root) / "_failed", dataset, year)

    # Preflight: refuse bad data in-process, in a second, before any notebook or output is touched.

    # the provenance record, the tidy inputs, the validation records, the results and the Data Docs
    # are saved in the staging folder; the notebooks show them instead of doing the work again
    out_processed.mkdir(parents=True, exist_ok=True)
    provenance.save(prov, out_processed)
    checked = preflight.preflight_year(cfg, year, out_processed)
    if not checked.success:
        log.warning(f"{dataset} {year}: refused, {len(checked.critical)} critical problem(s)")
        preflight.refuse(
            cfg,
            year,
            checked,
            prov,
            out_reports,
            failed_dir,
            started,
            run_id,
            end_log,
            names=unit_names_at(out_processed),
        )
        swap.publish([(out_reports, failed_dir)], journal(root, run_id))
        first = checked.critical[0]
        return Outcome(
            dataset,
            year,
            "invalid",
            f"{len(checked.critical)} critical problem(s), first: {first}",
            round(time.time() - started, 2),
        )
    executed_pages = []  # (executed notebook, page, label, lang), rendered once the outcome is known
    for notebook, (stem, label) in zip(notebook_paths(root), NOTEBOOKS):
        declared = notebook_parameters(notebook)
        params = {k: v for k, v in {**base, "validated": True, **extra}.items() if k in declared}
        executed = {
            lang: out_reports / "notebooks" / localized(f"{stem}.ipynb", lang) for lang in LANGS
        }
        t0 = time.time()
        ran = execute_languages(notebook, executed, params, stem in WRITING_NOTEBOOKS)
        failed = [(lang, s, m) for lang, (s, m, _) in ran.items() if s != "success"]
        status = failed[0][1] if failed else "success"
        if failed:
            outcome.status = status
            outcome.message = f"{stem}: {failed[0][2]}"
        seconds = round(time.time() - t0, 2)
        outcome.notebooks.append(
            {
                "notebook": stem,
                "status": status,
                "seconds": seconds,
                "languages": {lang: r[2] for lang, r in sorted(ran.items())},
            }
        )
        executed_pages += [(executed[x], f"{stem}.html", label, x) for x in LANGS]
        each = ", ".join(f"{lang} {r[2]:.1f}s" for lang, r in sorted(ran.items(), reverse=True))
        log.info(f"  {dataset} {year} {stem:<12} {status:<8} {seconds:6.1f}s ({each})")
        if status != "success":
            break
    if outcome.status == "success":
        for lang in LANGS:
            target = out_reports / localized(RESULTS_WORKBOOK, lang)
            export.write_workbook(out_processed, target, lang, prov)
        annex.write_annex(out_processed, out_reports, cfg, year, prov)  # phu-luc.docx, .xlsx
        record = run_unit_profiles(cfg, year, {**base, **extra}, root, out_processed, out_reports)
        outcome.notebooks.append(record)
        if record["status"] != "success":
            outcome.status = record["status"]
            outcome.message = record["message"]
    depth = 2 if outcome.status == "success" else 3  # reports/<ds>/<year>/ or reports/_failed/...
    for executed, page, label, lang in executed_pages:
        if executed.is_file():
            frame = year_frame(cfg, year, lang, page, label, depth)
            export_html(executed, out_reports / localized(page, lang), frame)
    outcome.seconds = round(time.time() - started, 2)
    manifest = {
        **prov,
        "title": {"vi": cfg.title_vi, "en": cfg.title_en},
        "run_id": run_id,
        "fingerprint": current,
        "started_at": started_at,
        "outcome": outcome.status,
        "message": outcome.message,
        "languages": list(LANGS),
        "notebooks": outcome.notebooks,
        "seconds": outcome.seconds,
        "finished_at": provenance.now_utc(),
        "validation": {
            k: v for k, v in load_validation(out_processed).items() if k in VALIDATION_SUMMARY
        },
        "headline": headline.of_year(out_processed) if outcome.status == "success" else [],
    }
    log.info(f"{dataset} {year}: {outcome.status} in {outcome.seconds:.1f}s")
    end_log()  # run.log is complete before its folder is published
    if outcome.status == "success":
        # run.json carries the record from here on: a notebook run by hand collects its own
        (out_processed / provenance.FILE).unlink(missing_ok=True)
        write_json(out_processed / "run.json", manifest)
        write_json(out_reports / "run.json", manifest)
        # one swap (parlib.core.swap): tables and reports published together, even if killed
        swap.publish(
            [
                (out_processed, paths.year_dir(paths.processed_dir(root), dataset, year)),
                (out_reports, paths.year_dir(paths.reports_dir(root), dataset, year)),
            ],
            journal(root, run_id),
        )
        shutil.rmtree(failed_dir, ignore_errors=True)
    else:
        write_json(out_reports / "failure.json", manifest)
        swap.publish([(out_reports, failed_dir)], journal(root, run_id))
    return outcome


def run(
    datasets: list[str] | None = None,
    years: list[int] | None = None,
    lang: str | None = None,
    extra_pairs: list[str] | None = None,
    root: Path | None = None,
    jobs: int = 1,
    force: bool = False,
) -> list[Outcome]:
    """Run the planned dataset-years (``jobs`` at a time, ``_side_by_side``) under the outputs' lock,
    each in both languages. ``lang`` (``--lang``) is still accepted and checked, and changes
    nothing: the run says so."""
    if lang is not None and lang not in LANGS:
        raise UsageError(f"--lang must be one of {LANGS}")
    if lang is not None:
        log.info(
            f"--lang {lang}: every run builds both languages (Vietnamese pages as 05_report.html, "
            "English beside them as 05_report.en.html); nothing else changes"
        )
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    root = Path(root or paths.project_root())
    memo.fresh()  # configurations read and files hashed once in this run, again in the next
    extra = parse_extra_parameters(extra_pairs or [], root)
    broken: list = []
    pairs = plan(datasets, years, root, broken)
    outcomes = []
    for name, exc in broken:
        log.error(f"{name}: dataset.toml is invalid\n{exc}")
        outcomes.append(Outcome(name, 0, "invalid", str(exc).splitlines()[0]))

    try:
        with Lock(root), EnvironmentFault.raised():
            if clean_staging(root):
                log.info("removed staging folders left by an interrupted run")
            if jobs == 1 or len(pairs) < 2:
                outcomes += [run_year(d, y, extra, root, force) for d, y in pairs]
            else:
                outcomes += _side_by_side(pairs, extra, root, force, jobs)
            settled = {o.dataset for o in outcomes if o.year == 0}  # by a worker (_run_years)
            for name in dict.fromkeys(d for d, _ in pairs if d not in settled):
                outcome = _dataset_pages(
                    name, [o for o in outcomes if o.dataset == name], extra, root, force
                )
                if outcome is not None:
                    outcomes.append(outcome)
            write_landing(REPORT_PAGES, paths.reports_dir(root))
    finally:
        kernels.shutdown()  # the notebook threads' warm kernels
    return outcomes


def _side_by_side(
    pairs: list[tuple[str, int]], extra: dict, root: Path, force: bool, jobs: int
) -> list[Outcome]:
    """The dataset-years ``jobs`` at a time: a dataset's years in order in one process (a year's
    reports read the earlier years' results), datasets side by side in ``jobs`` worker processes,
    the dataset with the most years first, each next one to the first worker free. A dataset with
    nothing to redo (every year up to date) is settled here without a worker, and so is the only
    dataset left with work: a worker would only add its start-up. Outcomes come in the order of
    ``pairs``, each worker's dataset followed by its dataset pages (``year`` 0), which the worker
    renders as soon as the dataset's years are done."""

    by_dataset: dict[str, list[int]] = {}
    for d, y in pairs:
        by_dataset.setdefault(d, []).append(y)
    busy = [
        d
        for d, ys in by_dataset.items()
        if force or any(not _up_to_date(d, y, extra, root) for y in ys)
    ]
    done: dict[str, list[Outcome]] = {}
    if len(busy) > 1:
        # the datasets with the most years first, each to the next free worker (longest first:
        # with a first dataset kept in this process, one worker ran every other dataset in turn)
        busy.sort(key=lambda d: -len(by_dataset[d]))
        context = multiprocessing.get_context("spawn")  # no fork of a process holding threads
        with ProcessPoolExecutor(max_workers=min(jobs, len(busy)), mp_context=context) as pool:
            futures = {
                d: pool.submit(
                    _run_years, d, by_dataset[d], extra, root, force, runlog.has_console()
                )
                for d in busy
            }
            done.update({d: f.result() for d, f in futures.items()})
    for d, ys in by_dataset.items():
        if d not in done:
            done[d] = [run_year(d, y, extra, root, force) for y in sorted(ys)]
    return [o for d in by_dataset for o in done[d]]


def _up_to_date(dataset: str, year: int, extra: dict, root: Path) -> bool:

    cfg = memo.config(dataset, root)
    return published_fingerprint(root, dataset, year) == fingerprint(cfg, year, extra, root)


def _run_years(
    dataset: str,
    years: list[int],
    extra: dict,
    root: Path,
    force: bool,
    console: bool = False,
) -> list[Outcome]:
    """A worker process's dataset: its years in order, each with its own ``run.log``; with
    ``console`` the process logs to stderr as the command line's process does. The worker's warm
    kernels stay for its next dataset (they end with the worker: ``kernels``)."""

    if console:
        runlog.console()
    memo.fresh()
    outcomes = [run_year(dataset, y, extra, root, force) for y in sorted(years)]
    # the dataset's pages (07_trends) here too, while the other worker is still busy
    outcome = _dataset_pages(dataset, outcomes, extra, root, force)
    return outcomes + ([] if outcome is None else [outcome])


def _dataset_pages(
    dataset: str, ran: list[Outcome], extra: dict, root: Path, force: bool
) -> Outcome | None:
    """The dataset's own pages (``run_dataset``), rebuilt when ``force`` or when one of its years
    (``ran``: their outcomes) was just rebuilt."""
    return run_dataset(dataset, extra, root, force=force or any(o.status == "success" for o in ran))
