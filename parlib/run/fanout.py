"""Fan-out: the notebooks a run executes beside a dataset-year's own — the unit profiles, every unit
of the staged results from ONE execution of ``06_unit_profiles`` per language (its section
builders are ``parlib.publish.profile_doc``'s) — and the dataset-level pages (trends), rendered
from the published years.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from parlib.config.dataset import DatasetConfig, load_dataset
from parlib.core import paths
from parlib.publish.pages import localized
from parlib.publish.shell import dataset_frame, year_frame
from parlib.run.execute import execute_in_pool, execute_languages, export_html, root_parameter
from parlib.run.pipeline import (
    DATASET_NOTEBOOKS,
    LANGS,
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


def run_dataset(
    dataset: str,
    extra: dict | None = None,
    root: Path | None = None,
    force: bool = False,
) -> Outcome | None:
    """Render the dataset-level reports (``07_trends``) from the published years, in both
    languages (``trends.html``, ``trends.en.html``), side by side on the notebook threads.

    Runs when ``force`` (a year of the dataset was just rebuilt) or when a report is missing; does
    nothing when no year of the dataset has published results. ``year`` is set to the latest
    published year (the notebook reads every published year). Returns an ``Outcome`` (``year`` 0)
    only when a report was rendered or failed.
    """

    root = Path(root or paths.project_root())
    cfg = load_dataset(dataset, paths.raw_dir(root))
    published = [
        y
        for y in cfg.years
        if (paths.year_dir(paths.processed_dir(root), dataset, y) / "run.json").is_file()
    ]
    target_dir = paths.reports_dir(root) / dataset
    if not published:
        return None
    todo = [
        nb
        for nb in DATASET_NOTEBOOKS
        if force or not all((target_dir / localized(nb[2], x)).is_file() for x in LANGS)
    ]
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
                    export_html(executed[x], target, dataset_frame(cfg, x, page, label))
                    os.replace(executed[x], target_dir / "notebooks" / executed[x].name)
            else:
                outcome.status, outcome.message = "error", f"{stem}: {failed[0][2]}"
                break
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    outcome.seconds = round(time.time() - started, 2)
    return outcome
