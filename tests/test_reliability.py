"""Unattended runs: no-op reruns, per-year fingerprints, the lock, a run killed midway, --jobs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parlib.config.dataset import load_dataset
from parlib.run import cli, execute, fingerprints, locking

from .conftest import ROOT

pytestmark = pytest.mark.slow


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def copied(first_run, tmp_path, monkeypatch):
    good, code, _ = first_run
    assert code == 0
    root = tmp_path / "project"
    shutil.copytree(good, root)
    monkeypatch.setenv("PARLIB_ROOT", str(root))
    return root


def test_rerun_with_nothing_changed_does_nothing(copied, capsys):
    project = copied
    before = tree_digest(project / "reports" / "vn-provinces")
    assert cli.main(["run", "--dataset", "vn-provinces"]) == 0
    out = capsys.readouterr()
    assert "up-to-date" in out.out and "nothing to do" in out.err
    assert tree_digest(project / "reports" / "vn-provinces") == before


def test_fingerprint_follows_only_what_a_year_depends_on(tmp_path):
    """A year's reports show its own results and the earlier years' (movers, trend up to the
    year), so a change reruns that year and the later ones, never the earlier ones."""
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw" / "synthetic-province", raw / "synthetic-province")
    cfg = load_dataset("synthetic-province", raw)

    def prints():
        return {y: fingerprints.fingerprint(cfg, y, "vi", {}, ROOT) for y in cfg.years}

    def touch(year):
        path = raw / "synthetic-province" / "scores" / f"{year}.csv"
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    before = prints()
    touch(2023)
    after = prints()
    assert after[2022] == before[2022]
    assert after[2023] != before[2023] and after[2024] != before[2024]
    assert fingerprints.fingerprint(cfg, 2022, "en", {}, ROOT) != after[2022]  # parameters count
    assert fingerprints.fingerprint(cfg, 2022, "vi", {"alpha": 0.1}, ROOT) != after[2022]
    # published outputs of other years do not enter it: building them changes nothing
    out = ROOT / "data" / "processed" / "synthetic-province" / "2024"
    assert fingerprints.context_files(cfg, 2022, ROOT) == [p for p in fingerprints.context_files(cfg, 2022, ROOT)
                                                     if out not in p.parents]


def test_a_second_run_is_refused_while_one_holds_the_lock(copied, capsys):
    project = copied
    with locking.Lock(project):
        assert cli.main(["run", "--dataset", "vn-provinces"]) == 3
    assert "another parlib run" in capsys.readouterr().err
    assert cli.main(["run", "--dataset", "vn-provinces"]) == 0  # released


def test_a_run_killed_midway_leaves_the_previous_outputs(copied):
    project = copied
    before = {n: tree_digest(project / n / "vn-provinces") for n in ("data/processed", "reports")}
    process = subprocess.Popen(
        [sys.executable, "-m", "parlib.run.cli", "run", "--dataset", "vn-provinces", "--force"],
        env={**os.environ, "PARLIB_ROOT": str(project)}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staged = project / "reports" / ".staging"
    deadline = time.time() + 120
    while time.time() < deadline and not list(staged.glob("*/vn-provinces/2012/02_validate.html")):
        time.sleep(0.2)
    assert list(staged.glob("*/vn-provinces/2012/02_validate.html")), "the run never got going"
    os.killpg(process.pid, signal.SIGKILL)  # the runner and its kernels, mid-run
    process.wait(timeout=30)
    after = {n: tree_digest(project / n / "vn-provinces") for n in before}
    assert after == before
    assert cli.main(["run", "--dataset", "vn-provinces"]) == 0  # up to date; staging swept
    assert not list(staged.glob("*")) and not list((project / "data/processed/.staging").glob("*"))


def test_jobs_run_dataset_years_side_by_side(copied, capsys):
    project = copied
    published = project / "data" / "raw" / "vn-provinces" / "published" / "2012.csv"
    published.write_text(published.read_text(encoding="utf-8").replace("rank 20 of 63",
                                                                       "rank 20 of 63 provinces"),
                         encoding="utf-8")
    argv = ["run", "--jobs", "2", "--dataset", "vn-provinces", "--dataset", "synthetic-province",
            "--year", "2012", "--year", "2024"]
    assert cli.main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(l.startswith("vn-provinces 2012: success") for l in lines)
    assert any(l.startswith("synthetic-province 2024: success") for l in lines)
    for ds, year in (("vn-provinces", 2012), ("synthetic-province", 2024)):
        manifest = json.loads((project / "reports" / ds / str(year) / "run.json").read_text())
        assert manifest["outcome"] == "success" and len(manifest["fingerprint"]) == 64
        assert [n["notebook"] for n in manifest["notebooks"]][0] == "01_ingest"
        assert (project / "reports" / ds / str(year) / "run.log").is_file()
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.count("up-to-date") == 2


def test_a_kernel_that_fails_to_start_is_retried_then_reported(tmp_path, monkeypatch):
    """Kernel-level failures (not a cell's error) are retried and end as 'error', never raised."""
    import papermill

    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) < 2:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return None

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    notebook = ROOT / "notebooks" / "01_ingest.ipynb"
    assert execute._execute(notebook, tmp_path / "out.ipynb", {}) == ("success", "")
    assert len(calls) == 2

    def dead(*args, **kwargs):
        raise RuntimeError("Address already in use")

    monkeypatch.setattr(papermill, "execute_notebook", dead)
    status, message = execute._execute(notebook, tmp_path / "out.ipynb", {})
    assert status == "error" and "Address already in use" in message
