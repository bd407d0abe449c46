"""Warm kernels: papermill executions that reuse a started IPython kernel instead of starting one each.

Every notebook still runs through ``papermill.execute_notebook`` with its own parameters (the
injected parameters cell, papermill's metadata and error handling are unchanged), but a kernel, once
started and with pandas, matplotlib and ``parlib`` imported, serves the next notebook of the same
thread too. Starting a kernel and its client and importing those costs seconds; a unit profile's
own work costs about one. A kernel imports the notebooks' heavy modules once, as soon as it has
started (``PRELOAD_MODULES``), while the runner goes on. Before each notebook the kernel's namespace is reset (``%reset -f``),
open figures are closed, matplotlib's settings restored and the working folder set, so a notebook
sees only its own variables, as in a fresh kernel.

Each thread has its own kernel and client (their sockets belong to the thread's event loop). A
kernel that fails (it died, did not start, a port collided) is shut down and dropped; the thread's
next execution starts a fresh one. ``shutdown()`` ends every kernel of the process (also at exit).

In: notebook paths and parameters. Out: the executed notebook, as with papermill, except that
given the project's root it names no local absolute path: papermill's ``input_path`` and
``output_path`` are relative to the project, and so is any path under the project in the outputs.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing.util
import os
import threading
from pathlib import Path

from parlib.core import lazy

# loaded when a notebook is first executed: a run with nothing to do never imports them
papermill = lazy.module("papermill")
jupyter_client = lazy.module("jupyter_client")

KERNEL_NAME = "python3"
# the kernel's own log (start-up chatter, the interrupt jupyter_client sends before each shutdown)
# is not the run's news; cell errors come through papermill
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False"]
# Warnings the kernels' notebooks raise are logged (``markup.setup_notebook``), all but one: tqdm
# warns, when Great Expectations imports ``tqdm.auto`` in a kernel, that ipywidgets is not
# installed (it is not needed: no progress bars are shown), which is no news about a run.
KERNEL_WARNINGS = "ignore:IProgress not found"
START_TIMEOUT = 60
# What a kernel imports once, right after it starts, before the first notebook it serves: the
# modules the report notebooks import (pandas, matplotlib, scipy.stats, the stages), about 3
# CPU-seconds a kernel. Sent without waiting for its reply, so the kernel imports them while this
# process goes on (the year's preflight, the previous notebook's export); the first notebook's
# execution queues behind it. A name missing from the code base is skipped, never an error.
PRELOAD_MODULES = (  # in the order the notebooks 01 … 07 first import them
    "parlib.run.schema",
    "pandas",
    "parlib.ingest",
    "parlib.publish.layouts",
    "parlib.publish.session",
    "parlib.run.preflight",
    "parlib.publish.views",
    "parlib.history.trends",
    "parlib.publish.block_pages",
    "parlib.fairness",
    "parlib.publish.fairness_page",
    "parlib.publish.criteria_page",
    "parlib.publish.plots",
    "parlib.publish.history_plots",
    "parlib.publish.profile_page",
)
PRELOAD = """\
import importlib as _importlib
for _name in {names!r}:
    try:
        _importlib.import_module(_name)
    except ImportError:
        pass
del _importlib, _name
"""
# What runs (silently) in a kernel before each notebook it serves: the previous notebook's figures
# closed, its names removed (``%reset -f``, which collects the garbage, twice), then what survives
# frozen (``gc.freeze``: modules, classes, caches, kept for the kernel's life) so that the next
# collections walk only what later notebooks create. Without the freeze each collection walked
# every object pandas, matplotlib, SciPy and Great Expectations had created, about 0,2 s a time,
# twice per notebook: a third of the kernels' CPU over `make report` (docs/benchmarks-notes.md).
# Nothing is frozen before it is collected: a frozen object still goes when its last reference
# does; only a reference cycle among frozen objects that later dies would stay.
RESET = """\
import os as _os, sys as _sys
if "parlib.publish.plots" in _sys.modules:
    _sys.modules["parlib.publish.plots"].reset_style()
_os.chdir({cwd!r})
del _os, _sys
get_ipython().run_line_magic("reset", "-f")
import gc as _gc
_gc.freeze()
del _gc
"""

_local = threading.local()  # .warm: (kernel manager, client) of this thread
_all: list[tuple] = []
_lock = threading.Lock()
_engine: list[str] = []


def engine_name() -> str:
    """Register (once) the papermill engine that runs a notebook on the thread's warm kernel."""
    with _lock:
        if _engine:
            return _engine[0]

        class WarmClient(papermill.clientwrap.PapermillNotebookClient):
            reset_code = ""

            def papermill_execute_cells(self):
                reply = self.wait_for_reply(
                    self.kc.execute(self.reset_code, silent=True, store_history=False)
                )
                if reply is None or reply["content"].get("status") != "ok":
                    raise RuntimeError(
                        f"the kernel could not be reset: {reply and reply['content'].get('evalue')}"
                    )
                super().papermill_execute_cells()

        class WarmEngine(papermill.engines.NBClientEngine):
            @classmethod
            def execute_managed_notebook(
                cls,
                nb_man,
                kernel_name,
                log_output=False,
                stdout_file=None,
                stderr_file=None,
                start_timeout=60,
                execution_timeout=None,
                **kwargs,
            ):
                km, kc, cwd, root = kwargs.pop("warm")
                kwargs = papermill.utils.remove_args(
                    ["input_path", "timeout", "startup_timeout"], **kwargs
                )
                client = WarmClient(
                    nb_man,
                    km=km,
                    **papermill.utils.merge_kwargs(
                        kwargs,
                        timeout=execution_timeout,
                        startup_timeout=start_timeout,
                        kernel_name=kernel_name,
                        log_output=log_output,
                        stdout_file=stdout_file,
                        stderr_file=stderr_file,
                    ),
                )
                client.kc = kc  # nbclient starts neither a kernel nor a client, and stops neither
                client.reset_code = RESET.format(cwd=cwd)
                try:
                    return client.execute()
                finally:
                    if root:
                        _relative_to(nb_man.nb, root)

        papermill.engines.papermill_engines.register("parlib-warm", WarmEngine)
        _engine.append("parlib-warm")
        return _engine[0]


def _relative_to(nb, root: str) -> None:
    """Papermill's record of the input and output notebooks, and any mention of the project's
    folder in the outputs (a warning's file, a traceback), made relative to the project."""
    real = os.path.realpath(root)
    record = nb.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        if record.get(key):
            record[key] = Path(os.path.relpath(os.path.realpath(record[key]), real)).as_posix()
    prefixes = sorted({real + os.sep, str(Path(root).absolute()) + os.sep}, key=len, reverse=True)

    def strip(text):
        if isinstance(text, list):
            return [strip(t) for t in text]
        if isinstance(text, str):
            for prefix in prefixes:
                text = text.replace(prefix, "")
        return text

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            for key in ("text", "traceback", "evalue"):
                if key in out:
                    out[key] = strip(out[key])
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/"):
                    out["data"][mime] = strip(value)


def _start(cwd: str) -> tuple:

    km = jupyter_client.manager.AsyncKernelManager(kernel_name=KERNEL_NAME)
    env = dict(os.environ)
    env["PYTHONWARNINGS"] = ",".join(filter(None, [env.get("PYTHONWARNINGS"), KERNEL_WARNINGS]))
    jupyter_client.utils.run_sync(km.start_kernel)(
        extra_arguments=KERNEL_ARGUMENTS, cwd=cwd, env=env
    )
    kc = km.client()
    kc.start_channels()
    try:
        jupyter_client.utils.run_sync(kc.wait_for_ready)(timeout=START_TIMEOUT)
    except BaseException:
        _stop((km, kc))
        raise
    # no reply awaited: nbclient's wait for the reset's reply passes over this one's
    kc.execute(PRELOAD.format(names=PRELOAD_MODULES), silent=True, store_history=False)
    with _lock:
        _all.append((km, kc))
    return km, kc


def _stop(warm: tuple) -> None:

    km, kc = warm
    with _lock:
        if warm in _all:
            _all.remove(warm)
    with contextlib.suppress(Exception):
        kc.stop_channels()
    with contextlib.suppress(Exception):
        if km.has_kernel:
            jupyter_client.utils.run_sync(km.shutdown_kernel)(now=True)


def execute(notebook: str, executed: str, parameters: dict, cwd: str, root: str = "") -> None:
    """``papermill.execute_notebook`` on this thread's warm kernel; raises what papermill raises.
    With the project's ``root``, the executed notebook names no absolute path under it.

    A failing cell leaves the kernel in service; any other failure (the kernel died or could not
    be reached) discards it, so the next call starts a fresh one.
    """

    warm = getattr(_local, "warm", None)
    if warm is None or not warm[0].has_kernel:
        warm = _local.warm = _start(cwd)
    try:
        papermill.execute_notebook(
            notebook,
            executed,
            parameters=parameters,
            engine_name=engine_name(),
            kernel_name=KERNEL_NAME,
            warm=(*warm, cwd, root),
            progress_bar=False,
            log_output=False,
            # one write at the end, not one per cell (each re-encodes
            # and re-validates the whole notebook, figures included)
            request_save_on_cell_execute=False,
        )
    except papermill.exceptions.PapermillExecutionError:
        raise
    except BaseException:
        _local.warm = None
        _stop(warm)
        raise


def shutdown() -> None:
    """End every kernel this process started."""
    with _lock:
        started = list(_all)
    for warm in started:
        _stop(warm)
    _local.warm = None


# at the end of the process: the command line's (atexit) or a worker process of a run's pool
# (which ends by os._exit, running multiprocessing's finalizers, not atexit's)
atexit.register(shutdown)
multiprocessing.util.Finalize(None, shutdown, exitpriority=10)
