"""Fan-out: the notebooks a run executes beside a dataset-year's own — the unit profiles, every unit
of the staged results from ONE execution of ``06_unit_profiles`` per language, the two languages
side by side (its section builders are ``parlib.publish.profile_doc``'s) — and the dataset-level
pages (trends), rendered from the published years.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from parlib.config import provenance
from parlib.config.dataset import DatasetConfig, load_dataset
from parlib.core import paths
from parlib.publish.pages import localized
from parlib.publish.shell import dataset_frame, year_frame
from parlib.run.execute import (
    all_results,
    execute_in_pool,
    execute_languages,
    export_html,
    root_parameter,
)
from parlib.run.pipeline import (
    DATASET_NOTEBOOKS,
    LANGS,
    TRACKING_NOTEBOOKS,
    UNIT_NOTEBOOK,
    WRITING_NOTEBOOKS,
    notebook_parameters,
)
from parlib.score.tables import load_table

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    dataset: str
    year: int
    status: str  # success | invalid | error | up-to-date
    message: str = ""
    seconds: float = 0.0
    notebooks: list[dict] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return {"success": 0, "up-to-date": 0, "invalid": 1, "error": 3}[self.status]


def _run_unit_profiles(
    cfg: DatasetConfig,
    year: int,
    lang: str,
    params: dict,
    root: Path,
    out_processed: Path,
    out_reports: Path,
) -> dict:
    """Execute ``06_unit_profiles`` ONCE for the dataset-year in ``lang``: it writes every unit's
    page ``units/<unit>[.en].html`` and shows the list of profiles, rendered here as
    ``06_unit_profiles[.en].html``. Returns the notebook record for ``run.json``
    (``notebook``, ``status``, ``seconds``, ``units``; ``message`` on failure). A full disk or a
    read-only folder is raised (``EnvironmentFault``), as for every notebook."""

    stem, label = UNIT_NOTEBOOK
    notebook = paths.notebooks_dir(root) / f"{stem}.ipynb"
    declared = notebook_parameters(notebook)
    n_units = len(load_table(out_processed, "unit_index"))
    executed = out_reports / "notebooks" / localized(f"{stem}.ipynb", lang)
    started = time.time()
    status, message = execute_in_pool(
        notebook, executed, {k: v for k, v in {**params, "lang": lang}.items() if k in declared}
    )
    if executed.is_file():
        export_html(
            executed,
            out_reports / localized(f"{stem}.html", lang),
            year_frame(cfg, year, lang, f"{stem}.html", label),
        )
    record = {
        "notebook": stem,
        "status": status,
        "seconds": round(time.time() - started, 2),
        "units": n_units,
    }
    if status != "success":
        record["message"] = f"{stem}: {message}"
    return record


_BESIDE: list[ThreadPoolExecutor] = []  # the threads running the languages' profiles side by side


def run_unit_profiles(
    cfg: DatasetConfig,
    year: int,
    params: dict,
    root: Path,
    out_processed: Path,
    out_reports: Path,
) -> dict:
    """Every unit's profile in both languages, side by side (``_run_unit_profiles`` once per
    language, each on a notebook thread's kernel): the record for ``run.json`` has the step's
    elapsed ``seconds``, each language's own (``languages``) and the first failure's ``status``
    and ``message``. Each language's result is logged. A full disk or a read-only folder is raised
    once both languages are done (neither writes into a staging folder after it is removed)."""

    if not _BESIDE:
        _BESIDE.append(ThreadPoolExecutor(len(LANGS), thread_name_prefix="profiles"))
    started = time.time()
    futures = {
        lang: _BESIDE[0].submit(
            _run_unit_profiles, cfg, year, lang, params, root, out_processed, out_reports
        )
        for lang in LANGS
    }
    done = all_results(futures)
    for lang, r in done.items():
        log.info(
            f"  {cfg.name} {year} {r['notebook']} {r['status']:<8} "
            f"{r['seconds']:6.1f}s ({r['units']} units, {lang})"
        )
    failed = [r for r in done.values() if r["status"] != "success"]
    record = {
        "notebook": UNIT_NOTEBOOK[0],
        "status": failed[0]["status"] if failed else "success",
        "seconds": round(time.time() - started, 2),
        "units": done[LANGS[0]]["units"],
        "languages": {lang: r["seconds"] for lang, r in sorted(done.items())},
    }
    if failed:
        record["message"] = failed[0]["message"]
    return record


def tracking_stamp(cfg: DatasetConfig) -> str:
    """One hash of the in-year tracking's files (``[tracking.<year>]``): a new quarter's snapshot
    rebuilds the progress page though no year of the dataset changed."""
    digest = hashlib.sha256()
    folder = cfg.folder.resolve()
    for path in cfg.tracking_files():  # named inside the dataset folder: a moved project keeps it
        name = path.resolve().relative_to(folder).as_posix()
        digest.update(name.encode() + b"\0" + provenance.sha256(path).encode())
    return digest.hexdigest()


def _stamp_file(target_dir: Path, stem: str) -> str:
    """The tracking stamp the published page was built from ("" when none)."""
    try:
        return (target_dir / "notebooks" / f"{stem}.inputs").read_text().strip()
    except OSError:
        return ""


def run_dataset(
    dataset: str,
    extra: dict | None = None,
    root: Path | None = None,
    force: bool = False,
) -> Outcome | None:
    """Render the dataset-level reports (``07_trends``; ``09_progress`` when the dataset tracks a
    year whose baseline is published) from the published years, in both languages
    (``trends.html``, ``trends.en.html``...), side by side on the notebook threads.

    Runs when ``force`` (a year of the dataset was just rebuilt), when a report is missing or, for
    the progress page, when a tracking file changed (``tracking_stamp``); does
    nothing when no year of the dataset has published results. ``year`` is set to the latest
    published year (the notebook reads every published year). Returns an ``Outcome`` (``year`` 0)
    only when a report was rendered or failed.
    """

    root = Path(root or paths.project_root())
    cfg = load_dataset(dataset, paths.raw_dir(root))
    published = provenance.published_years(cfg, paths.processed_dir(root))
    target_dir = paths.reports_dir(root) / dataset
    if not published:
        return None
    tracked = cfg.latest_tracking(published) is not None
    stamp = tracking_stamp(cfg)
    todo = []
    for nb in DATASET_NOTEBOOKS:
        pages = [target_dir / localized(nb[2], x) for x in LANGS]
        if nb[0] in TRACKING_NOTEBOOKS and not tracked:
            for page in pages:  # tracking no longer declared: its page must not linger
                page.unlink(missing_ok=True)
            continue
        stale = nb[0] in TRACKING_NOTEBOOKS and _stamp_file(target_dir, nb[0]) != stamp
        if force or stale or not all(p.is_file() for p in pages):
            todo.append(nb)
    if not todo:
        return None
    outcome = Outcome(dataset, 0, "success")
    started = time.time()
    stage = paths.reports_dir(root) / ".staging" / ("dataset-" + uuid.uuid4().hex[:8])
    try:
        for stem, label, page in todo:
            notebook = paths.notebooks_dir(root) / f"{stem}.ipynb"
            declared = notebook_parameters(notebook)
            params = {
                "dataset": dataset,
                "year": max(published),
                "raw_root": root_parameter(paths.raw_dir(root), root),
                "processed_root": root_parameter(paths.processed_dir(root), root),
                "reports_root": root_parameter(paths.reports_dir(root), root),
                "history_root": root_parameter(paths.processed_dir(root), root),
                **(extra or {}),
            }
            executed = {x: stage / localized(f"{stem}.ipynb", x) for x in LANGS}
            t0 = time.time()
            ran = execute_languages(
                notebook,
                executed,
                {k: v for k, v in params.items() if k in declared},
                stem in WRITING_NOTEBOOKS,
            )
            failed = [(x, st, m) for x, (st, m, _) in ran.items() if st != "success"]
            status = failed[0][1] if failed else "success"
            seconds = round(time.time() - t0, 2)
            outcome.notebooks.append({"notebook": stem, "status": status, "seconds": seconds})
            log.info(f"  {dataset} {stem:<12} {status:<8} {seconds:6.1f}s")
            if not failed:
                (target_dir / "notebooks").mkdir(parents=True, exist_ok=True)
                for x in LANGS:
                    target = target_dir / localized(page, x)
                    export_html(executed[x], target, dataset_frame(cfg, x, page, label, tracked))
                    os.replace(executed[x], target_dir / "notebooks" / executed[x].name)
                if stem in TRACKING_NOTEBOOKS:
                    (target_dir / "notebooks" / f"{stem}.inputs").write_text(stamp + "\n")
            else:
                outcome.status, outcome.message = "error", f"{stem}: {failed[0][2]}"
                break
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    outcome.seconds = round(time.time() - started, 2)
    return outcome
