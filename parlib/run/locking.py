"""Locking: an exclusive lock on a project's outputs, and the sweeper of staging folders left by
killed runs (called only while holding the lock).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

from parlib.config import provenance
from parlib.core import paths
from parlib.core.errors import ParlibError


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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+", encoding="utf-8")
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


def clean_staging(root: Path) -> int:
    """Remove staging folders left by killed runs (call only while holding the lock)."""
    removed = 0
    for base in (paths.processed_dir(root), paths.reports_dir(root)):
        for folder in base.glob(".staging/*"):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
        for folder in base.glob("**/.*.old-*"):
            shutil.rmtree(folder, ignore_errors=True)
    return removed
