"""Execute: run one notebook with papermill on a warm kernel (``kernels``), retrying a kernel that
fails to start (never a full disk or a read-only folder: ``EnvironmentFault``), and render an
executed notebook to HTML without code, through the nbconvert template ``parlib`` (the library's
page shell, ``parlib.publish.shell``; what the notebook wrote to stderr, its warnings, goes to the
run's log instead of the page).

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
from parlib.publish import pages, shell
from parlib.publish.pages import DEFAULT_LANG
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


# The language whose run of a notebook that writes tables saves them (``Notebook.writes``): the
# tables name criteria in the report's language, and the published ones are the Vietnamese run's,
# as they were when only Vietnamese was built. The other language's run, beside it, saves nothing.
SAVING_LANGUAGE = "vi"


def execute_languages(
    notebook: Path, executed: dict[str, Path], params: dict, writes: bool
) -> dict[str, tuple[str, str, float]]:
    """Run ``notebook`` once per language of ``executed`` (language → executed notebook), with
    ``params`` and that language's ``lang``, side by side on the notebook threads. A notebook that
    writes tables (``writes``) saves them in its ``SAVING_LANGUAGE`` run only: the others are
    given ``save_tables=False``. Returns language → (status, message, seconds). Never call it from
    a notebook thread."""

    def one(lang: str) -> tuple[str, str, float]:
        started = time.time()
        own = {**params, "lang": lang}
        if writes and lang != SAVING_LANGUAGE:
            own["save_tables"] = False
        status, message = run_notebook(notebook, executed[lang], own)
        return status, message, round(time.time() - started, 2)

    return all_results({lang: notebook_pool().submit(one, lang) for lang in executed})


def all_results(futures: dict) -> dict:
    """Each future's result, by its key, once every one has finished: a fault is raised (the
    first) only when all are done, so that none writes into a staging folder after it is
    removed."""
    done, faults = {}, []
    for key, future in futures.items():
        try:
            done[key] = future.result()
        except Exception as exc:  # noqa: BLE001 - raised below, once all are done
            faults.append(exc)
    if faults:
        raise faults[0]
    return done


_EXPORTERS = threading.local()
DROPPED_TAGS = ("analyst-note", "analyst-only")  # cells kept in the notebook, off the page


_CLASSES: list[type] = []


def _shell_exporter_class() -> type:
    """nbconvert's HTML exporter with the template ``parlib`` (``parlib/publish/templates/
    nbconvert/parlib``: the library's page shell around the outputs) and autoescape on, so that
    text is escaped unless the template inserts a notebook's own HTML output on purpose. Made on
    first use: a run with nothing to do never imports nbconvert (``parlib.core.lazy``)."""
    if _CLASSES:
        return _CLASSES[0]

    class ShellExporter(nbconvert.HTMLExporter):
        def _create_environment(self):
            env = super()._create_environment()
            env.autoescape = True
            return env

        def from_notebook_node(self, nb, resources=None, **kw):
            """The template's text as it is: nbconvert's HTML exporter would parse and
            re-serialise the page (BeautifulSoup) to add JupyterLab's focus attributes, which the
            shell has no use for; the page stays what the shell wrote (and costs less)."""
            return nbconvert.TemplateExporter.from_notebook_node(
                self, nb, self._init_resources(resources), **kw
            )

    _CLASSES.append(ShellExporter)
    return ShellExporter


def _exporter():
    """This thread's exporter: building one (templates, filters) costs more than using it."""
    exporter = getattr(_EXPORTERS, "html", None)
    if exporter is None:
        exporter = _EXPORTERS.html = _shell_exporter_class()(
            template_name="parlib",
            extra_template_basedirs=[str(shell.NBCONVERT_TEMPLATES)],
            extra_template_paths=[str(shell.TEMPLATES)],
        )
    return exporter


def export_html(executed: Path, target: Path, frame: shell.Frame | str) -> Path:
    """Render an executed notebook to the reviewers' page: the shell (``frame``: title, language,
    banner, breadcrumb, counterpart) around the outputs, with no code, no prompts, no scripts and
    no stderr streams; the stderr text (warnings the notebook raised, see
    ``markup.setup_notebook``) is logged instead. Cells tagged ``analyst-note`` (the notebook's
    story) or ``analyst-only`` (the analyst's intermediate tables) stay in the notebook, off the
    page. ``frame`` may be a bare title: the language is then the notebook's ``lang`` parameter
    and the counterpart the other language's file beside ``target``."""

    nb = nbformat.read(executed, as_version=4)
    nb.cells = [
        c for c in nb.cells if not set(DROPPED_TAGS) & set(c.get("metadata", {}).get("tags", []))
    ]
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                log.warning(f"  {executed.stem}: {''.join(out.get('text', '')).rstrip()}")
                continue
            kept.append(out)  # an error shows as its name and message, never the call stack
        cell["outputs"] = kept
    if isinstance(frame, str):
        lang = nb.metadata.get("papermill", {}).get("parameters", {}).get("lang", DEFAULT_LANG)
        frame = shell.Frame(frame, lang, counterpart=counterpart_file(target.name, lang))
    nb.metadata["title"] = frame.title
    body, _ = _exporter().from_notebook_node(nb, resources={"parlib": {"frame": frame}})
    return write_text(target, body)


def counterpart_file(name: str, lang: str) -> str:
    """The file name of the page ``name`` (in ``lang``'s form, e.g. ``05_report.en.html``) in the
    other language (``05_report.html``)."""
    return pages.counterpart(pages.vietnamese(name, lang), lang)


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
