"""Execute: run one notebook with papermill on a warm kernel (``kernels``), retrying a kernel that
fails to start (never a full disk or a read-only folder: ``EnvironmentFault``), and render an
executed notebook to HTML without code (what the notebook wrote to stderr, its warnings, goes to
the run's log instead of the page).

An executed notebook names no local absolute path: the runner passes the roots relative to the
notebooks' folder (``root_parameter``), and papermill's record of the input and output notebooks
(``metadata.papermill.input_path``, ``output_path``) is made relative to the project (``kernels``).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from parlib.core import lazy, paths
from parlib.core.errors import EnvironmentFault
from parlib.core.storage import write_text
from parlib.run import kernels
from parlib.run.pipeline import DATA_ERRORS

# loaded when a notebook is first executed or rendered: a run with nothing to do never imports them
nbformat = lazy.module("nbformat")
nbconvert = lazy.module("nbconvert")
papermill = lazy.module("papermill")

log = logging.getLogger(__name__)

UNIT_WORKERS = 2  # threads executing notebooks, each on its own warm kernel (parlib.run.kernels)


_POOL: list[ThreadPoolExecutor] = []


def notebook_pool() -> ThreadPoolExecutor:
    """The process's notebook threads. They outlive one dataset-year so that their kernels, once
    started and warm, serve every notebook of the run."""
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(max_workers=UNIT_WORKERS, thread_name_prefix="notebook"))
    return _POOL[0]


def root_parameter(folder: Path, root: Path) -> str:
    """A root folder as a notebook parameter: relative to the notebooks' folder, where their
    kernels run (``Session`` resolves it there)."""
    return Path(os.path.relpath(folder, paths.notebooks_dir(root))).as_posix()


def execute_in_pool(notebook: Path, executed: Path, params: dict) -> tuple[str, str]:
    """``run_notebook`` on one of the notebook threads (never call it from one of them)."""
    return notebook_pool().submit(run_notebook, notebook, executed, params).result()


_EXPORTERS = threading.local()


def export_html(executed: Path, target: Path, title: str) -> Path:
    """Render an executed notebook to HTML with no code, no prompts and no stderr streams; the
    stderr text (warnings the notebook raised, see ``markup.setup_notebook``) is logged instead."""

    nb = nbformat.read(executed, as_version=4)
    # analyst notes (markdown tagged "analyst-note") stay in the notebook, not in the report
    nb.cells = [c for c in nb.cells if "analyst-note" not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                log.warning(f"  {executed.stem}: {''.join(out.get('text', '')).rstrip()}")
                continue
            if out.get("output_type") == "error":
                # a reviewer needs the reason, not the Python call stack
                out["traceback"] = [f"{out.get('ename')}: {out.get('evalue')}"]
            kept.append(out)
        cell["outputs"] = kept
    nb.metadata["title"] = title
    exporter = getattr(_EXPORTERS, "html", None)
    if (
        exporter is None
    ):  # one per thread: building one (templates, filters) costs more than using it
        exporter = _EXPORTERS.html = nbconvert.HTMLExporter(
            template_name="lab",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
    body, _ = exporter.from_notebook_node(nb)
    return write_text(target, body)


KERNEL_ATTEMPTS = (
    3  # a kernel that fails to start (e.g. a port taken by a concurrent kernel) is retried
)


def run_notebook(notebook: Path, executed: Path, params: dict) -> tuple[str, str]:
    """Run one notebook with papermill: (status, message); status is success, invalid or error.

    A failing cell is final (the data or the code is wrong). A failure of the kernel itself
    (jupyter_client picks free TCP ports before the kernel binds them, so two kernels started at
    once can collide) is retried, then reported as an execution error, never raised. A full disk,
    a read-only folder or a denied write (in this process or in a cell) is not retried: it is
    raised as an ``EnvironmentFault`` at the first attempt.
    """
    executed.parent.mkdir(parents=True, exist_ok=True)
    problem = ""
    for attempt in range(1, KERNEL_ATTEMPTS + 1):
        try:
            kernels.execute(
                str(notebook),
                str(executed),
                params,
                cwd=str(notebook.parent),
                root=str(notebook.resolve().parent.parent),  # the project (notebooks/ in it)
            )
            return "success", ""
        except papermill.exceptions.PapermillExecutionError as exc:
            fault = EnvironmentFault.of(exc)
            if fault is not None:
                raise fault from None
            return (
                "invalid" if exc.ename in DATA_ERRORS else "error"
            ), f"{exc.ename}: {exc.evalue}"
        except Exception as exc:  # noqa: BLE001 - kernel start/death, not a cell's error
            fault = EnvironmentFault.of(exc)
            if fault is not None:
                raise fault from exc
            problem = f"kernel failure ({type(exc).__name__}: {exc})"
            log.warning(f"  {notebook.stem}: {problem}; attempt {attempt} of {KERNEL_ATTEMPTS}")
            time.sleep(0.5 * attempt)
    return "error", problem
