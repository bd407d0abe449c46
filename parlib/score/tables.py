"""Tables: read back a saved result table with its text columns as text (ids such as ``'1.10'``
stay text) and ranks as nullable integers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parlib.core import cells


def load_table(out_dir, name: str) -> pd.DataFrame:
    """Read back one of ``Results.TABLES`` with text columns as text (ids like ``'1.10'`` stay)."""

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
        pd.read_csv(
            Path(out_dir) / f"{name}.csv", dtype=text, keep_default_na=False, na_values=[""]
        )
    )
    for col, dtype in text.items():
        if col in df.columns:
            df[col] = df[col].fillna("").astype(dtype)
    for col in ("rank", "rank_all", "source_row", "core_rank", "core_rank_of"):
        if col in df.columns:
            df[col] = df[col].astype("Int64")
    return df
