"""Locking: an exclusive lock on a project's outputs, and the recovery of what a killed run left
(called only while holding the lock): swaps killed midway are finished (``parlib.core.swap``), then
staging folders swept — never the only complete copy of a dataset-year.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from pathlib import Path

from parlib.config import provenance
from parlib.core import paths, swap
from parlib.core.errors import EnvironmentFault, ParlibError

log = logging.getLogger(__name__)


class RunLocked(ParlibError):
    """Another run holds the lock on these outputs (exit code 3, as every ``ParlibError``)."""


class Lock:
    """An exclusive, non-blocking lock on a project's outputs (``data/processed/.parlib.lock``).

    The operating system releases it when the holder dies, so a killed run never leaves it stuck.
    """

    def __init__(self, root: Path):
        self.path = paths.processed_dir(root) / ".parlib.lock"
        self.handle = None

    def __enter__(self) -> Lock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = open(self.path, "a+", encoding="utf-8")
        except OSError as exc:
            fault = EnvironmentFault.of(exc, "opening the lock file")
            if fault is None:
                raise
            raise fault from None
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "unknown"
            self.handle.close()
            raise RunLocked(
                f"another parlib run is writing these outputs ({holder}); it holds "
                f"{paths.display(self.path)}. Wait for it to finish, then run again."
            ) from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()}, started {provenance.now_utc()}\n")
        self.handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def journals(root: Path) -> Path:
    """The folder of the publish swaps' journals (``parlib.core.swap``)."""
    return paths.processed_dir(root) / ".publishing"


def journal(root: Path, run_id: str) -> Path:
    """The journal of a run's publish swap: while it exists, the swap is committed but unfinished,
    and the next run finishes it."""
    return journals(root) / f"{run_id}.json"


def clean_staging(root: Path) -> int:
    """Finish the publish swaps a killed run left, restore or delete aside copies, then remove the
    staging folders left by killed runs (call only while holding the lock). Returns how many
    staging folders were removed; what was recovered is logged."""
    bases = [paths.processed_dir(root), paths.reports_dir(root)]
    for line in swap.recover(journals(root), bases):
        log.warning(f"recovered: {line}")
    removed = 0
    for base in bases:
        for folder in base.glob(".staging/*"):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    for base in [*bases, journals(root)]:  # files a killed atomic write left (storage)
        for leftover in base.glob("**/.*.tmp"):
            leftover.unlink(missing_ok=True)
    return removed
