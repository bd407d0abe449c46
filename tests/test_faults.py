"""Faults: the publish swap failed or killed at each of its steps, a full disk, read-only or
unwritable folders and lock, the mode of written files, hand runs, and absolute paths in executed
notebooks. Nothing published may be lost or changed by any of them (hashes before and after)."""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import shutil
import stat
from pathlib import Path

import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from parlib.core import storage, swap
from parlib.core.errors import EnvironmentFault
from parlib.publish import session
from parlib.publish.pages import localized
from parlib.run import cli, execute, fanout, kernels, locking, runlog
from parlib.run.pipeline import DATASET_NOTEBOOKS

from .conftest import ROOT, FirstRun, write, write_tiny


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file()
    }


class Killed(BaseException):
    """The process died here: nothing after it runs (no ``except Exception``, no undo)."""


class Killer:
    """``os.replace`` and ``shutil.rmtree`` (the swap's steps) counted; the ``at``-th call and
    every call after it raise ``Killed``, as if the process had died at that step (and so does
    any ``os.unlink`` after it: no clean-up runs after a kill)."""

    def __init__(self, monkeypatch, at: int):
        self.at, self.calls, self.dead = at, 0, False
        self.monkeypatch = monkeypatch
        self.replace, self.rmtree, self.unlink = os.replace, shutil.rmtree, os.unlink
        monkeypatch.setattr(os, "replace", self._step(self.replace))
        monkeypatch.setattr(shutil, "rmtree", self._step(self.rmtree))
        monkeypatch.setattr(os, "unlink", self._after(self.unlink))

    def _after(self, real):
        def after(*args, **kwargs):
            if self.dead:
                raise Killed
            return real(*args, **kwargs)

        return after

    def _step(self, real):
        def step(*args, **kwargs):
            self.calls += 1
            if self.dead or self.calls == self.at:
                self.dead = True
                raise Killed
            return real(*args, **kwargs)

        return step

    def revive(self) -> None:
        self.monkeypatch.setattr(os, "replace", self.replace)
        self.monkeypatch.setattr(shutil, "rmtree", self.rmtree)
        self.monkeypatch.setattr(os, "unlink", self.unlink)


def _published_pair(root: Path, tag: str) -> None:
    for base in ("data/processed", "reports"):
        write(root / base / "ds" / "2012" / "run.json", f'{{"run": "{tag}"}}')
        write(root / base / "ds" / "2012" / "sub" / "table.csv", f"a,b\n1,{tag}\n")


def _staged_pair(root: Path, run_id: str) -> list[tuple[Path, Path]]:
    pairs = []
    for base in ("data/processed", "reports"):
        staged = root / base / ".staging" / run_id / "ds" / "2012"
        write(staged / "run.json", '{"run": "new"}')
        write(staged / "sub" / "table.csv", "a,b\n1,new\n")
        write(staged / "extra.html", "<p>new</p>")
        pairs.append((staged, root / base / "ds" / "2012"))
    return pairs


def _state(root: Path) -> tuple[dict, dict]:
    return tuple(tree_digest(root / base / "ds" / "2012") for base in ("data/processed", "reports"))


def _leftovers(root: Path) -> list[str]:
    found = []
    for base in (root / "data" / "processed", root / "reports"):
        found += [p.name for p in base.glob("**/.*.old-*")] + [
            p.name for p in base.glob("**/.*.trash-*")
        ]
        found += [p.name for p in base.glob(".staging/*")]
    return found + [p.name for p in locking.journals(root).glob("*")]


PAGES = {stem: page for stem, _, page in DATASET_NOTEBOOKS}  # 07_trends → trends.html
SWAP_STEPS = 9  # journal, 2 × (aside, into place), 2 × (aside to trash, delete)


def test_the_swap_has_the_steps_the_kill_tests_cover(tmp_path, monkeypatch):
    _published_pair(tmp_path, "old")
    pairs = _staged_pair(tmp_path, "run1")
    counter = Killer(monkeypatch, at=0)
    swap.publish(pairs, locking.journal(tmp_path, "run1"))
    counter.revive()
    assert counter.calls == SWAP_STEPS
    assert _state(tmp_path)[0]["sub/table.csv"] == _state(tmp_path)[1]["sub/table.csv"]
    assert (tmp_path / "reports" / "ds" / "2012" / "extra.html").is_file()
    assert _leftovers(tmp_path) == ["run1", "run1"]  # the runs' emptied staging folders


@pytest.mark.parametrize("step", range(1, SWAP_STEPS + 1))
def test_a_swap_killed_at_any_step_keeps_a_complete_copy(step, tmp_path, monkeypatch):
    """Killed at each step of the swap of a dataset-year's two folders, then the next run's
    recovery under the lock: both folders are the old pair or both the new one (never one of each,
    never a missing one); once the journal is written (step 1 done), the new pair; nothing left."""
    root = tmp_path
    _published_pair(root, "old")
    old = _state(root)
    pairs = _staged_pair(root, "run1")
    new = tuple(tree_digest(staged) for staged, _ in pairs)
    killer = Killer(monkeypatch, at=step)
    with pytest.raises(Killed):
        swap.publish(pairs, locking.journal(root, "run1"))
    killer.revive()
    locking.clean_staging(root)  # what the next run does first, under the lock
    assert _state(root) == (old if step == 1 else new)
    assert not _leftovers(root), _leftovers(root)


@pytest.mark.parametrize("step", range(1, 6))
def test_a_swap_that_fails_is_undone(step, tmp_path, monkeypatch):
    """A rename refused (a read-only folder) at a step of the swap: the old pair stays, the
    journal is gone, the error is raised."""
    root = tmp_path
    _published_pair(root, "old")
    old = _state(root)
    pairs = _staged_pair(root, "run1")
    real, calls = os.replace, []

    def refuse(source, target):
        calls.append(1)
        if len(calls) == step:
            raise OSError(errno.EROFS, "Read-only file system", str(target))
        return real(source, target)

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        swap.publish(pairs, locking.journal(root, "run1"))
    monkeypatch.setattr(os, "replace", real)
    assert _state(root) == old
    assert not list(locking.journals(root).glob("*"))
    locking.clean_staging(root)
    assert _state(root) == old and not _leftovers(root)


def test_the_reported_failure_an_aside_copy_and_a_staged_copy_without_a_journal(tmp_path):
    """The state the old swap left when killed between its renames: the target renamed aside, the
    staged copy not yet in place, no journal. The sweeper used to delete both; now the aside copy
    is restored, and only then the staging folder swept."""
    root = tmp_path
    _published_pair(root, "old")
    old = _state(root)
    _staged_pair(root, "run1")
    target = root / "reports" / "ds" / "2012"
    os.replace(target, target.with_name(".2012.old-0a1b2c3d"))
    assert locking.clean_staging(root) == 2
    assert _state(root) == old and not _leftovers(root)


def test_the_sweeper_deletes_an_aside_copy_only_when_its_target_exists(tmp_path):
    root = tmp_path
    _published_pair(root, "new")
    aside = root / "data" / "processed" / "ds" / ".2012.old-deadbeef"
    shutil.copytree(root / "data" / "processed" / "ds" / "2012", aside)
    (aside / "sub" / "table.csv").unlink()  # whatever it holds, the target is what counts
    before = _state(root)
    locking.clean_staging(root)
    assert not aside.exists() and _state(root) == before


# --- environment faults -------------------------------------------------------------------------


def test_a_full_disk_is_not_retried(tmp_path, monkeypatch):
    """ENOSPC, in this process (papermill writing the notebook) or in a cell (the kernel's text of
    the error), is raised as an EnvironmentFault at the first attempt, never retried as a kernel
    failure."""
    notebook = ROOT / "notebooks" / "01_ingest.ipynb"
    monkeypatch.setattr(execute.time, "sleep", lambda s: None)
    for raised in (
        OSError(errno.ENOSPC, "No space left on device", str(ROOT / "reports" / "x.ipynb")),
        PapermillExecutionError(
            0, 1, "x", "OSError", "[Errno 28] No space left on device: 'reports/x.csv'", []
        ),
        PapermillExecutionError(
            0, 1, "x", "PermissionError", "[Errno 13] Permission denied: 'reports/x.csv'", []
        ),
    ):
        calls = []

        def full(*args, raised=raised, calls=calls, **kwargs):
            calls.append(1)
            raise raised

        monkeypatch.setattr(kernels, "execute", full)
        with pytest.raises(EnvironmentFault) as caught:
            execute.run_notebook(notebook, tmp_path / "out.ipynb", {})
        assert len(calls) == 1
        assert str(caught.value).count("\n") == 0 and "reports/x." in str(caught.value)
        assert str(ROOT) not in str(caught.value)


def test_the_fault_line_says_what_where_and_what_to_do():
    fault = EnvironmentFault.of(
        OSError(errno.ENOSPC, "No space left on device", str(ROOT / "reports" / "a" / "b.html"))
    )
    assert str(fault) == (
        "environment fault: the disk is full (at reports/a/b.html); free space on that "
        "disk, then run again. The last good outputs are kept."
    )
    assert fault.exit_code == 3
    assert EnvironmentFault.of(OSError(errno.ENOENT, "No such file or directory")) is None
    cell = PapermillExecutionError(0, 1, "x", "ValueError", "[Errno 28] in a message", [])
    assert EnvironmentFault.of(cell) is None  # not an OSError's text


@pytest.fixture
def tiny_project(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "project"
    write_tiny(root / "data" / "raw")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    monkeypatch.setenv("PARLIB_ROOT", str(root))
    return root


def test_an_unwritable_lock_file_ends_with_one_line(tiny_project, monkeypatch, capsys):
    lock = tiny_project / "data" / "processed" / ".parlib.lock"

    def denied(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(locking, "open", denied, raising=False)
    assert cli.main(["run", "--dataset", "tiny"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        "parlib: environment fault: permission denied (opening the lock file "
        "data/processed/.parlib.lock); give the user running parlib write access to it, then "
        "run again. The last good outputs are kept."
    )
    assert "Traceback" not in "\n".join(err) and not lock.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0555 folder")
def test_a_read_only_lock_folder_ends_with_one_line(tiny_project, capsys):
    processed = tiny_project / "data" / "processed"
    processed.mkdir(parents=True)
    processed.chmod(0o555)
    try:
        assert cli.main(["run", "--dataset", "tiny"]) == 3
    finally:
        processed.chmod(0o755)
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("parlib: environment fault: permission denied")


# --- umask ----------------------------------------------------------------------------------------


def test_written_files_follow_the_umask(tmp_path):
    previous = os.umask(0o027)
    try:
        assert storage.umask() == 0o027
        path = storage.write_text(tmp_path / "a" / "b.txt", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o750
    path = storage.write_text(tmp_path / "c.txt", "x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~previous


# --- hand runs ------------------------------------------------------------------------------------


def test_a_session_without_the_runners_folders_writes_to_scratch(tiny_project, monkeypatch):
    """A notebook run by hand (no ``processed_root``): its folders are the scratch ones, started
    from a copy of the published year without its run.json; the published tree is unchanged."""
    # a notebook's logging set-up would stay in this process (warnings no longer propagated)
    monkeypatch.setattr(session.markup, "setup_notebook", lambda: None)
    published = tiny_project / "data" / "processed" / "tiny" / "2024"
    write(published / "unit_index.csv", "unit_id,index_pct\na,85\n")
    write(published / "run.json", '{"outcome": "success"}')
    before = tree_digest(published)
    s = session.Session("tiny", 2024, "en")
    assert s.out == tiny_project / "data" / "processed" / "_scratch" / "tiny" / "2024"
    assert s.reports_out == tiny_project / "reports" / "_scratch" / "tiny" / "2024"
    assert (s.out / "unit_index.csv").read_text() == (published / "unit_index.csv").read_text()
    assert not (s.out / "run.json").exists()
    assert tree_digest(published) == before
    # the runner names its folders: no scratch
    runner = session.Session("tiny", 2024, "en", "", str(tiny_project / "staging"), "")
    assert runner.out == tiny_project / "staging" / "tiny" / "2024"


# --- end to end (notebooks) -----------------------------------------------------------------------


@pytest.fixture
def copied(tiny_run: Path, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "project"
    shutil.copytree(tiny_run, root, ignore=shutil.ignore_patterns("gx", "data_docs"))
    monkeypatch.setenv("PARLIB_ROOT", str(root))
    return root


def _outputs(root: Path, dataset: str = "tiny") -> dict:
    return {name: tree_digest(root / name / dataset) for name in ("data/processed", "reports")}


def _break_tiny(root: Path) -> None:
    scores = root / "data" / "raw" / "tiny" / "scores" / "2024.csv"
    scores.write_text(scores.read_text(encoding="utf-8").replace("a,1.1,6,6,", "a,1.1,6,60,"))


@pytest.mark.slow
def test_a_run_killed_between_the_renames_then_run_on_bad_data(copied, monkeypatch):
    """The reported failure, end to end: a run of tiny killed between its swap's renames (the
    processed folder renamed aside), then a run on bad data: it is refused (exit 1) and the
    killed run's complete outputs are published, processed and reports from the same run."""
    root = copied
    staged = {}
    real_publish = swap.publish

    def killed_publish(pairs, journal):
        staged.update({str(t.relative_to(root)): tree_digest(s) for s, t in pairs})
        Killer(monkeypatch, at=3)  # journal written, processed renamed aside, then killed
        real_publish(pairs, journal)

    monkeypatch.setattr(swap, "publish", killed_publish)
    with pytest.raises(Killed):
        cli.main(["run", "--dataset", "tiny", "--force"])
    monkeypatch.undo()
    monkeypatch.setenv("PARLIB_ROOT", str(root))
    assert not (root / "data" / "processed" / "tiny" / "2024").exists()  # the instant of the kill
    _break_tiny(root)
    assert cli.main(["run", "--dataset", "tiny"]) == 1
    for target, digest in staged.items():
        assert tree_digest(root / target) == digest, target
    manifests = [
        json.loads((root / base / "tiny" / "2024" / "run.json").read_text())["run_id"]
        for base in ("data/processed", "reports")
    ]
    assert manifests[0] == manifests[1]
    assert not _leftovers(root)


@pytest.mark.slow
def test_a_full_disk_ends_with_one_line_and_changes_nothing(copied, monkeypatch, capsys):
    """ENOSPC when the run writes its manifest (every notebook has run): exit 3, one line naming
    the file relative to the project, every published file as it was, no staging left; and a
    full disk met by a notebook is attempted once."""
    root = copied
    before = _outputs(root)
    real = storage._atomic_write

    def full(path, write):
        if Path(path).name == "run.json":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, write)

    monkeypatch.setattr(storage, "_atomic_write", full)
    assert cli.main(["run", "--dataset", "tiny", "--force"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("parlib: environment fault: the disk is full (at data/processed/")
    assert err[-1].endswith(
        "run.json); free space on that disk, then run again. The last good outputs are kept."
    )
    assert str(root) not in err[-1] and "Traceback" not in "\n".join(err)
    assert _outputs(root) == before and not _leftovers(root)
    monkeypatch.setattr(storage, "_atomic_write", real)

    calls = []

    def full_kernel(*args, **kwargs):
        calls.append(1)
        raise OSError(errno.ENOSPC, "No space left on device", str(root / "reports" / "x.ipynb"))

    monkeypatch.setattr(kernels, "execute", full_kernel)
    assert cli.main(["run", "--dataset", "tiny", "--force"]) == 3
    assert len(calls) == 2  # once per language (the two start together), never retried
    assert _outputs(root) == before and not _leftovers(root)


@pytest.mark.slow
def test_read_only_reports_end_with_one_line_and_change_nothing(copied, monkeypatch, capsys):
    """Every write under reports/ refused (a read-only file system; as root, chmod cannot show
    it): exit 3, one line, nothing changed."""
    root = copied
    before = _outputs(root)
    real = storage.tempfile.mkstemp

    def read_only(*args, dir=None, **kwargs):
        if dir is not None and (root / "reports") in [Path(dir), *Path(dir).parents]:
            raise OSError(errno.EROFS, "Read-only file system", str(dir))
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(storage.tempfile, "mkstemp", read_only)
    assert cli.main(["run", "--dataset", "tiny", "--force"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(
        "parlib: environment fault: the file system is read-only (at reports/"
    )
    assert _outputs(root) == before and not _leftovers(root)


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0555 folder")
def test_a_read_only_reports_folder_ends_with_one_line(copied, capsys):
    root = copied
    before = _outputs(root)
    folders = [root / "reports", *[p for p in (root / "reports").rglob("*") if p.is_dir()]]
    for folder in folders:
        folder.chmod(0o555)
    try:
        assert cli.main(["run", "--dataset", "tiny", "--force"]) == 3
    finally:
        for folder in folders:
            folder.chmod(0o755)
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("parlib: environment fault: permission denied")
    assert _outputs(root) == before


@pytest.mark.slow
def test_published_files_follow_the_umask_and_name_no_absolute_path(first_run: FirstRun):
    """The shared run's published tree: files 0666 and folders 0777 less the umask (0644 and
    0755 under the usual 022); no executed notebook, nor the page rendered from it, names the
    project's folder; papermill's record of the notebooks is relative to the project."""
    root = first_run.project
    mask = storage.umask()
    notebooks = []
    for base in (root / "data" / "processed", root / "reports"):
        for path in base.rglob("*"):
            if ".staging" in path.parts or path.name.startswith("."):
                continue
            expected = (0o777 if path.is_dir() else 0o666) & ~mask
            assert stat.S_IMODE(path.stat().st_mode) == expected, path
            if path.suffix == ".ipynb":
                notebooks.append(path)
    assert len(notebooks) > 20
    for notebook in notebooks:
        text = notebook.read_text(encoding="utf-8")
        assert str(root) not in text and os.path.realpath(root) not in text, notebook
        record = json.loads(text)["metadata"]["papermill"]
        assert record["input_path"] == f"notebooks/{record['input_path'].split('/')[-1]}"
        assert not Path(record["output_path"]).is_absolute()
        assert all(
            not Path(str(v)).is_absolute()
            for k, v in record["parameters"].items()
            if k.endswith("_root")
        )
        stem, lang = (
            (notebook.stem[:-3], "en") if notebook.stem.endswith(".en") else (notebook.stem, "vi")
        )
        html = notebook.parent.parent / localized(PAGES.get(stem, f"{stem}.html"), lang)
        if notebook.parent.name == "units":
            html = notebook.parent.parent.parent / "units" / f"{notebook.stem}.html"
        assert html.is_file(), html
        assert str(root) not in html.read_text(encoding="utf-8"), html


@pytest.mark.slow
def test_a_notebook_run_by_hand_writes_to_scratch_and_says_so(copied):
    """01_ingest run with papermill and no parameter but the dataset and year, as in JupyterLab:
    the published tables are unchanged, the tidy tables are in the scratch folder, and the
    executed notebook shows where its outputs went."""
    root = copied
    before = _outputs(root)
    executed = root / "hand.ipynb"
    papermill.execute_notebook(
        str(root / "notebooks" / "01_ingest.ipynb"),
        str(executed),
        parameters={"dataset": "tiny", "year": 2024, "lang": "en"},
        cwd=str(root / "notebooks"),
        progress_bar=False,
    )
    assert _outputs(root) == before
    scratch = root / "data" / "processed" / "_scratch" / "tiny" / "2024"
    assert (scratch / "tidy").is_dir() and not (scratch / "run.json").exists()
    shown = executed.read_text(encoding="utf-8")
    assert (
        "Run by hand (not by parlib run): outputs go to data/processed/_scratch/tiny/2024/" in shown
    )
    assert cli.main(["landing"]) == 0  # rebuilt with the scratch folders there: not linked
    landing = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert "_scratch" not in landing and "tiny" in landing


def test_a_run_log_on_a_full_disk_drops_the_record_without_a_traceback(tmp_path, capsys):
    with runlog.to_file(tmp_path / "run.log"):
        handler = next(h for h in logging.getLogger().handlers if isinstance(h, runlog._File))

        def full(text):
            raise OSError(errno.ENOSPC, "No space left on device")

        handler.stream.write = full
        logging.getLogger("parlib.test").warning("a record")
    assert "Logging error" not in capsys.readouterr().err


def test_a_full_disk_met_by_the_unit_profiles_is_raised(tmp_path, monkeypatch):
    """Every profile comes from one execution of ``06_unit_profiles``: a full disk met there is
    raised (the runner stops the year), once, not written as a failed record."""
    write(
        tmp_path / "unit_index.csv",
        "unit_id,unit_name\n" + "".join(f"u{i},U{i}\n" for i in range(9)),
    )
    calls = []

    def full(notebook, executed, params):
        calls.append(params.get("dataset"))
        raise EnvironmentFault("environment fault: the disk is full (at reports/x)")

    monkeypatch.setattr(fanout, "execute_in_pool", full)
    with pytest.raises(EnvironmentFault):
        fanout._run_unit_profiles(
            None, 2024, "en", {"dataset": "tiny"}, ROOT, tmp_path, tmp_path / "reports"
        )
    assert calls == ["tiny"]


def test_a_swap_whose_clean_up_fails_is_still_published(tmp_path, monkeypatch):
    """The old copy cannot be moved to the trash (the swap is done by then): no error, the new
    pair is published, and the next run's recovery deletes the old copy."""
    root = tmp_path
    _published_pair(root, "old")
    pairs = _staged_pair(root, "run1")
    new = tuple(tree_digest(staged) for staged, _ in pairs)
    real = os.replace

    def refuse_trash(source, target):
        if ".trash-" in str(target):
            raise OSError(errno.EACCES, "Permission denied", str(target))
        return real(source, target)

    monkeypatch.setattr(os, "replace", refuse_trash)
    swap.publish(pairs, locking.journal(root, "run1"))
    monkeypatch.setattr(os, "replace", real)
    assert _state(root) == new
    assert len([p for p in root.rglob(".2012.old-*")]) == 2
    locking.clean_staging(root)
    assert _state(root) == new and not _leftovers(root)


def test_every_command_maps_a_fault_and_a_bug_to_exit_3(monkeypatch, capsys, tmp_path):
    """Outside ``parlib run`` too: a full disk met by ``parlib validate`` is one line and exit 3,
    and an unexpected exception (a bug) is exit 3 with its traceback logged, never Python's exit 1
    (which means invalid data)."""
    monkeypatch.setenv("PARLIB_ROOT", str(tmp_path))

    def full(args):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "reports" / "x"))

    monkeypatch.setattr(cli, "_cmd_validate", full)
    assert cli.main(["validate"]) == 3
    err = capsys.readouterr().err
    assert "parlib: environment fault: the disk is full (at reports/x)" in err
    assert "Traceback" not in err and str(tmp_path) not in err

    def bug(args):
        raise KeyError("oops")

    monkeypatch.setattr(cli, "_cmd_validate", bug)
    assert cli.main(["validate"]) == 3
    err = capsys.readouterr().err
    assert "parlib: internal error (a bug, please report it): KeyError('oops')" in err
    assert "Traceback" in err
