"""Tables: read back a saved result table with its text columns as text (ids such as ``'1.10'``
stay text) and ranks as nullable integers.

A process keeps the tables it read last (``_READ``): a warm kernel serves every notebook of a year
in both languages, and each reads the same tables again. A table is read from its file again as
soon as the file changed (its size, modification time or inode), and every caller gets its own
copy, so no caller sees another's changes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import pandas as pd

from parlib.core import cells

_READ: OrderedDict[tuple, pd.DataFrame] = OrderedDict()  # (file, size, mtime, inode) → table
READ_KEPT = 48  # tables kept (a year reads about 20); the oldest goes first
READ_KEPT_BYTES = 16 * 2**20  # a bigger file is read each time, never kept
_LOCK = threading.Lock()


def load_table(out_dir, name: str) -> pd.DataFrame:
    """Read back one of ``Results.TABLES`` with text columns as text (ids like ``'1.10'`` stay);
    a file unchanged since this process last read it comes from ``_READ`` (a copy)."""
    path = Path(out_dir) / f"{name}.csv"
    stat = path.stat()  # a missing table raises FileNotFoundError, as reading it did
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    with _LOCK:
        kept = _READ.get(key)
        if kept is not None:
            _READ.move_to_end(key)
            return kept.copy()
    df = _read_table(path)
    if stat.st_size <= READ_KEPT_BYTES:
        with _LOCK:
            _READ[key] = df.copy()
            while len(_READ) > READ_KEPT:
                _READ.popitem(last=False)
    return df


def _read_table(path: Path) -> pd.DataFrame:

    text = {
        "unit_id": "str",
        "unit_name": "str",
        "kind": "str",
        "group": "str",
        "band": "str",
        "area": "str",
        "code": "str",
        "criterion": "str",
        "measure": "str",
        "status": "str",
        "component": "str",
        "totals_source": "str",
        "name_vi": "str",
        "name_en": "str",
        "level": "str",
        "block": "str",
        "block_name_vi": "str",
        "block_name_en": "str",
        "framework": "str",
        "methodology": "str",
        "source": "str",
        "source_file": "str",
        "explanation": "str",
        "label_vi": "str",
        "label_en": "str",
        "points_column": "str",
        "max_column": "str",
        "role": "str",
    }
    df = cells.csv_restore(  # the text exactly as computed, without write_csv's escapes
        pd.read_csv(path, dtype=text, keep_default_na=False, na_values=[""])
    )
    for col, dtype in text.items():
        if col in df.columns:
            df[col] = df[col].fillna("").astype(dtype)
    for col in ("rank", "rank_all", "source_row", "core_rank", "core_rank_of"):
        if col in df.columns:
            df[col] = df[col].astype("Int64")
    return df
