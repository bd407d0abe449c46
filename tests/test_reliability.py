"""Unattended runs: no-op reruns, per-year fingerprints, the lock, a run killed midway, kernel retries.
(Dataset-years side by side with ``--jobs``: ``first_run`` and ``test_runner.py``.)"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parlib.config.dataset import load_dataset
from parlib.run import cli, execute, fingerprints, kernels, locking, runner

from .conftest import JOBS_RUN, ROOT, FirstRun


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def copied(first_run: FirstRun, tmp_path, monkeypatch):
    assert first_run.code == 0
    root = tmp_path / "project"
    shutil.copytree(first_run.project, root)
    monkeypatch.setenv("PARLIB_ROOT", str(root))
    return root


@pytest.fixture
def copied_tiny(tiny_run: Path, tmp_path, monkeypatch):
    """A copy of a project holding only ``tiny``, run once (``tiny_run``): what a failed run must
    not lose, without copying the whole shared run."""
    root = tmp_path / "project"
    shutil.copytree(tiny_run, root)
    monkeypatch.setenv("PARLIB_ROOT", str(root))
    return root


@pytest.mark.slow
def test_rerun_with_nothing_changed_does_nothing(copied, capsys, monkeypatch):
    """The first run again (``--jobs 2``): every year up to date, nothing written, and no worker
    process started for it."""
    project = copied
    datasets = ("synthetic-province", "vn-provinces", "tiny")
    before = {ds: tree_digest(project / "reports" / ds) for ds in datasets}

    def no_workers(*args, **kwargs):
        raise AssertionError("a worker process was started for datasets with nothing to do")

    monkeypatch.setattr(runner, "ProcessPoolExecutor", no_workers)
    assert cli.main(JOBS_RUN) == 0
    out = capsys.readouterr()
    assert out.out.count("up-to-date") == 3
    assert "vn-provinces 2012: up to date" in out.err and "tiny 2024: up to date" in out.err
    assert "nothing to do" in out.err
    assert {ds: tree_digest(project / "reports" / ds) for ds in before} == before


def test_fingerprint_follows_only_what_a_year_depends_on(tmp_path):
    """A year's reports show its own results and the earlier years' (movers, trend up to the
    year), so a change reruns that year and the later ones, never the earlier ones."""
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw" / "synthetic-province", raw / "synthetic-province")
    cfg = load_dataset("synthetic-province", raw)

    def prints():
        return {y: fingerprints.fingerprint(cfg, y, {}, ROOT) for y in cfg.years}

    def touch(year):
        path = raw / "synthetic-province" / "scores" / f"{year}.csv"
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    before = prints()
    touch(2023)
    after = prints()
    assert after[2022] == before[2022]
    assert after[2023] != before[2023] and after[2024] != before[2024]
    assert fingerprints.fingerprint(cfg, 2022, {"alpha": 0.1}, ROOT) != after[2022]  # parameters
    # count; the language does not (every run builds both), so it is not an argument any more
    # published outputs of other years do not enter it: building them changes nothing
    out = ROOT / "data" / "processed" / "synthetic-province" / "2024"
    context = fingerprints.context_files(cfg, 2022, ROOT)
    assert context == [p for p in context if out not in p.parents]


@pytest.mark.slow
def test_a_second_run_is_refused_while_one_holds_the_lock(copied_tiny, capsys):
    project = copied_tiny
    with locking.Lock(project):
        assert cli.main(["run", "--dataset", "tiny"]) == 3
    assert "another parlib run" in capsys.readouterr().err
    assert cli.main(["run", "--dataset", "tiny"]) == 0  # released; up to date, in-process


@pytest.mark.slow
def test_a_run_killed_midway_leaves_the_previous_outputs(copied_tiny):
    """Killed in the middle of its dataset-year (its staging folders hold the run's log and the
    preflight's first record): the published outputs are untouched, and the next run sweeps the
    staging folders."""
    project = copied_tiny
    before = {n: tree_digest(project / n / "tiny") for n in ("data/processed", "reports")}
    process = subprocess.Popen(
        [sys.executable, "-m", "parlib.run.cli", "run", "--dataset", "tiny", "--force"],
        env={**os.environ, "PARLIB_ROOT": str(project)},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    staged = project / "reports" / ".staging"
    midway = project / "data" / "processed" / ".staging"
    deadline = time.time() + 120  # a timeout for a run that never starts, not a speed check
    while (
        time.time() < deadline
        and process.poll() is None
        and not list(midway.glob("*/tiny/2024/validation.json"))
    ):
        time.sleep(0.1)
    assert list(midway.glob("*/tiny/2024/validation.json")), "the run never got going"
    assert list(staged.glob("*/tiny/2024/run.log"))
    os.killpg(process.pid, signal.SIGKILL)  # the runner and any kernel it started, mid-run
    process.wait(timeout=30)
    after = {n: tree_digest(project / n / "tiny") for n in before}
    assert after == before
    assert cli.main(["run", "--dataset", "tiny"]) == 0  # up to date; staging swept
    assert not list(staged.glob("*")) and not list(midway.glob("*"))


def test_a_kernel_that_fails_to_start_is_retried_then_reported(tmp_path, monkeypatch, caplog):
    """Kernel-level failures (not a cell's error) are retried, logged, and end as 'error', never
    raised."""
    calls = []
    waits = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) < 2:
            raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(kernels, "execute", flaky)
    monkeypatch.setattr(execute.time, "sleep", waits.append)
    notebook = ROOT / "notebooks" / "01_ingest.ipynb"
    assert execute.run_notebook(notebook, tmp_path / "out.ipynb", {}) == ("success", "")
    assert len(calls) == 2 and waits == [0.5]

    def dead(*args, **kwargs):
        raise RuntimeError("Address already in use")

    monkeypatch.setattr(kernels, "execute", dead)
    status, message = execute.run_notebook(notebook, tmp_path / "out.ipynb", {})
    assert status == "error" and "Address already in use" in message
    assert len(waits) == 1 + execute.KERNEL_ATTEMPTS
    assert (
        "01_ingest: kernel failure (RuntimeError: Address already in use); attempt 3 of 3"
        in caplog.text
    )
