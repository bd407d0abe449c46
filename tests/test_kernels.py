"""Warm kernels: a reused kernel must behave, for each notebook, like a fresh one."""

from __future__ import annotations

import threading

import nbformat
import pytest
from papermill.exceptions import PapermillExecutionError

from parlib.run import kernels

pytestmark = pytest.mark.slow


def _notebook(path, *cells: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_code_cell("marker = 0", metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)
    return str(path)


def _outputs(path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return ["".join(o.get("text", "")) for c in nb.cells for o in c.get("outputs", [])]


def test_each_notebook_starts_clean_on_a_reused_kernel(tmp_path):
    dirty = _notebook(
        tmp_path / "dirty.ipynb",
        "leftover = marker\n"
        "import matplotlib; matplotlib.use('Agg')\n"
        "import parlib.publish.plots, matplotlib.pyplot as plt\n"
        "plt.rcParams['lines.linewidth'] = 9\nplt.figure()\n"
        "import os; os.chdir('/')\nprint(os.getpid())",
    )
    probe = _notebook(
        tmp_path / "probe.ipynb",
        "import os, matplotlib.pyplot as plt\n"
        "print('leftover' in dir(), marker, plt.rcParams['lines.linewidth'],\n"
        f"      len(plt.get_fignums()), os.getcwd() == {str(tmp_path)!r}, os.getpid())",
    )
    try:
        kernels.execute(dirty, str(tmp_path / "a.ipynb"), {"marker": 1}, cwd=str(tmp_path))
        kernels.execute(probe, str(tmp_path / "b.ipynb"), {"marker": 2}, cwd=str(tmp_path))
    finally:
        kernels.shutdown()
    pid = _outputs(tmp_path / "a.ipynb")[0].split()[0]
    seen = _outputs(tmp_path / "b.ipynb")[0].split()
    assert seen[-1] == pid, "the second notebook should have run on the same (warm) kernel"
    assert seen[:5] == ["False", "2", "1.5", "0", "True"], seen


def test_a_failing_cell_keeps_the_kernel_and_a_dead_kernel_is_replaced(tmp_path):
    fails = _notebook(
        tmp_path / "fails.ipynb", "import os; print(os.getpid())\nraise ValueError('x')"
    )
    dies = _notebook(tmp_path / "dies.ipynb", "import os; os._exit(1)")
    pid = _notebook(tmp_path / "pid.ipynb", "import os; print(os.getpid())")
    try:
        with pytest.raises(PapermillExecutionError):
            kernels.execute(fails, str(tmp_path / "1.ipynb"), {}, cwd=str(tmp_path))
        kernels.execute(pid, str(tmp_path / "2.ipynb"), {}, cwd=str(tmp_path))
        with pytest.raises(Exception) as died:
            kernels.execute(dies, str(tmp_path / "3.ipynb"), {}, cwd=str(tmp_path))
        assert not isinstance(died.value, PapermillExecutionError)
        kernels.execute(pid, str(tmp_path / "4.ipynb"), {}, cwd=str(tmp_path))
    finally:
        kernels.shutdown()
    first = _outputs(tmp_path / "1.ipynb")[0].strip()
    assert _outputs(tmp_path / "2.ipynb")[0].strip() == first
    assert _outputs(tmp_path / "4.ipynb")[0].strip() != first


def test_threads_get_their_own_kernels(tmp_path):
    pid = _notebook(tmp_path / "pid.ipynb", "import os; print(os.getpid())")
    out = {}

    def work(name):
        kernels.execute(pid, str(tmp_path / f"{name}.ipynb"), {}, cwd=str(tmp_path))
        out[name] = _outputs(tmp_path / f"{name}.ipynb")[0].strip()

    try:
        threads = [threading.Thread(target=work, args=(n,)) for n in ("x", "y")]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    finally:
        kernels.shutdown()
    assert set(out) == {"x", "y"} and out["x"] != out["y"]


def test_a_started_kernel_has_the_heavy_modules_imported_and_nothing_left_in_its_namespace(
    tmp_path,
):
    """``kernels.PRELOAD_MODULES`` are imported once per kernel, before its first notebook, and
    the preload leaves no name behind for the notebook to see."""
    probe = _notebook(
        tmp_path / "probe.ipynb",
        "import sys\n"
        f"print(all(m in sys.modules for m in {kernels.PRELOAD_MODULES!r}),\n"
        "      [n for n in ('_importlib', '_name') if n in dir()])",
    )
    try:
        kernels.execute(probe, str(tmp_path / "a.ipynb"), {"marker": 1}, cwd=str(tmp_path))
    finally:
        kernels.shutdown()
    assert _outputs(tmp_path / "a.ipynb")[0].split() == ["True", "[]"]


def test_a_reused_kernel_frees_the_previous_notebook_and_freezes_only_what_survives(tmp_path):
    """The reset closes the previous notebook's figures and collects its reference cycles before it
    freezes what survives (``kernels.RESET``): nothing of a served notebook is kept for the
    kernel's life, and later collections skip the frozen modules."""
    dirty = _notebook(
        tmp_path / "dirty.ipynb",
        "import sys, weakref, matplotlib; matplotlib.use('Agg')\n"
        "import parlib.publish.plots, matplotlib.pyplot as plt\n"
        "class Cycle: pass\n"
        "c = Cycle(); c.me = c\n"
        "fig = plt.figure()\n"
        "sys.probe = (weakref.ref(c), weakref.ref(fig))",
    )
    probe = _notebook(
        tmp_path / "probe.ipynb",
        "import gc, sys\nprint([r() is None for r in sys.probe], gc.get_freeze_count() > 1000)",
    )
    try:
        kernels.execute(dirty, str(tmp_path / "a.ipynb"), {"marker": 1}, cwd=str(tmp_path))
        kernels.execute(probe, str(tmp_path / "b.ipynb"), {"marker": 2}, cwd=str(tmp_path))
    finally:
        kernels.shutdown()
    assert _outputs(tmp_path / "b.ipynb")[0].split() == ["[True,", "True]", "True"]
