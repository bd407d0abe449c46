"""Fan-out: the notebooks a run executes more than once per dataset-year — the unit profile once per
unit of the staged results, on the warm notebook threads — and the dataset-level pages (trends),
rendered from the published years.
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
from parlib.core.errors import EnvironmentFault
from parlib.publish.pages import localized
from parlib.publish.shell import dataset_frame, year_frame
from parlib.publish.views import unit_file
from parlib.run.execute import (
    execute_languages,
    export_html,
    notebook_pool,
    root_parameter,
    run_notebook,
)
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
    """Execute ``06_unit_profile`` once per unit of the staged results, ``UNIT_WORKERS`` at a time.

    Each execution is its own kernel process writing its own files; the threads share only the
    log (``logging`` is thread-safe) and their own result records. Returns the notebook record for ``run.json``.
    An ``EnvironmentFault`` (a full disk) stops the units not yet started and is raised once every
    thread is done, so none writes into the staging folder after it is removed.
    """

    stem, label = UNIT_NOTEBOOK
    notebook = paths.notebooks_dir(root) / f"{stem}.ipynb"
    declared = notebook_parameters(notebook)
    units = load_table(out_processed, "unit_index")[["unit_id", "unit_name"]]
    started = time.time()

    faults: list[EnvironmentFault] = []

    def one(unit_id: str, unit_name: str) -> tuple[str, str, str]:
        if faults:
            return unit_id, "error", "not attempted"
        page = localized(unit_file(unit_id), lang)
        executed = out_reports / "notebooks" / "units" / page.replace(".html", ".ipynb")
        try:
            status, message = run_notebook(
                notebook,
                executed,
                {k: v for k, v in {**params, "unit_id": unit_id}.items() if k in declared},
            )
            if executed.is_file():
                frame = year_frame(
                    cfg, year, lang, f"units/{unit_file(unit_id)}", label, 3, unit_name
                )
                export_html(executed, out_reports / "units" / page, frame)
        except OSError as exc:
            fault = EnvironmentFault.of(exc)
            if fault is None:
                raise
            faults.append(fault)
            return unit_id, "error", str(fault)
        except EnvironmentFault as fault:
            faults.append(fault)
            return unit_id, "error", str(fault)
        return unit_id, status, message

    results = list(notebook_pool().map(lambda r: one(*r), units.itertuples(index=False, name=None)))
    if faults:
        raise faults[0]
    failed = [(u, s, m) for u, s, m in results if s != "success"]
    record = {
        "notebook": stem,
        "status": "success" if not failed else failed[0][1],
        "seconds": round(time.time() - started, 2),
        "units": len(results),
    }
    if failed:
        record["message"] = f"{stem} {failed[0][0]}: {failed[0][2]}"
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
