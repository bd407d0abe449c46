"""Atomic writes, so a failed run never leaves half a file.

Every file is written to a temporary sibling and renamed into place (``os.replace`` is atomic on one
file system), with the mode any other program's file would have: ``0666`` less the process's umask
(``0644`` under the usual umask ``022``), not the ``0600`` of a temporary file, so that a web server
running as another user can serve the reports. A whole run is built in a staging folder and
swapped in only when it has succeeded (``parlib.core.swap``); until then the previous outputs stay
untouched.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path

import pandas as pd

from parlib.core import cells

_UMASK_LOCK = threading.Lock()


def umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux), else set
    and restored at once (under a lock: the notebook threads write files too)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _atomic_write(path: Path, write) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o666 & ~umask())  # mkstemp makes 0600 files
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    return _atomic_write(path, lambda h: h.write(data))


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, obj: object) -> Path:
    return write_text(path, json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """CSV in UTF-8 with a decimal point: processed data are machine-readable, reports are for people;
    spreadsheet-safe all the same (``core.cells``: no text runs as a formula when opened in Excel)."""
    return write_text(path, cells.csv_document(df))
