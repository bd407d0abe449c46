"""Atomic writes and directory swaps, so a failed run never leaves half a result.

Every file is written to a temporary sibling and renamed into place (``os.replace`` is atomic on one
file system). A whole run is built in a staging folder and swapped in with ``swap_in`` only when it
has succeeded; until then the previous outputs stay untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pandas as pd

from parlib.core import cells


def _atomic_write(path: Path, write) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
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


def swap_in(staged: Path, target: Path) -> None:
    """Replace ``target`` by the folder ``staged``.

    The old folder is first renamed aside, the new one renamed into place, then the old one removed,
    so at every instant either the old or the new complete folder is at ``target``.
    """
    staged, target = Path(staged), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    aside = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
    had_old = target.exists()
    if had_old:
        os.replace(target, aside)
    try:
        os.replace(staged, target)
    except BaseException:
        if had_old:
            os.replace(aside, target)
        raise
    if had_old:
        shutil.rmtree(aside, ignore_errors=True)
