"""Tables: read one CSV or XLSX file into text cells and parse them — decimal commas, ``KPS`` (the
criterion did not arise), canonical column names from Vietnamese or English aliases.

Depends only on ``parlib.core``: every other stage reads files through here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from parlib.core import paths
from parlib.core.errors import DataError, Problem

# Only explicit not-arising markers: "NA"/"N/A" often mean "missing" and must not raise an index.
KPS_MARKERS = {"kps", "khong phat sinh"}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def ascii_key(text: str) -> str:
    """Header/marker key: no diacritics, lower case, single spaces (``'Điểm  Tự chấm'`` → ``'diem tu cham'``)."""
    decomposed = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_]+", " ", stripped).strip().lower()


@dataclass(frozen=True)
class Cell:
    value: float  # NaN when not a number
    kps: bool  # criterion did not arise
    unparsed: str  # the original text when it is neither a number, KPS nor empty


def parse_cell(raw: object) -> Cell:
    """Read one score cell: number (decimal comma or point), KPS marker, empty, or unparseable."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return Cell(math.nan, False, "")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Cell(float(raw), False, "")
    text = nfc(str(raw)).strip()
    if text == "":
        return Cell(math.nan, False, "")
    if ascii_key(text) in KPS_MARKERS:
        return Cell(math.nan, True, "")
    candidate = text.replace("\u00a0", "").replace(" ", "")
    if "," in candidate and "." not in candidate:
        candidate = candidate.replace(",", ".")
    if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", candidate):
        return Cell(float(candidate), False, "")
    return Cell(math.nan, False, text)


def factorized(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(series, use_na_sentinel=False)`` with the distinct values as a plain object
    array (walked value by value far faster than a string array)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


def by_unique(
    series: pd.Series | None, func, coded: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """``[func(v) for v in series]``, computing ``func`` once per distinct value.

    Score files repeat the same few values (ids, codes, scores in quarter points) millions of
    times, so this turns a per-cell Python loop into a per-value one. ``coded``: the series'
    ``factorized`` codes and values when already known (``read_table_coded``).
    """
    codes, uniques = coded if coded is not None else factorized(series)
    results = np.empty(len(uniques), dtype=object)
    for i, value in enumerate(uniques):
        results[i] = func(value)
    return results[codes]


def parse_cells(
    series: pd.Series, coded: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Vectorised ``parse_cell``: (values, kps flags, unparsed texts) for a whole column
    (``coded``: as in ``by_unique``)."""
    codes, uniques = coded if coded is not None else factorized(series)
    cells = [parse_cell(v) for v in uniques]
    values = pd.Series([c.value for c in cells], dtype="float64").to_numpy()[codes]
    kps = pd.Series([c.kps for c in cells], dtype="bool").to_numpy()[codes]
    unparsed = pd.Series([c.unparsed for c in cells], dtype=object).to_numpy()[codes]
    return (
        pd.Series(values, index=series.index, dtype="float64"),
        pd.Series(kps, index=series.index, dtype="bool"),
        pd.Series(unparsed, index=series.index, dtype="str"),
    )


def parse_number(raw: object) -> float | None:
    """A plain number cell (maxima, totals); None when empty; raises ValueError when unreadable."""
    cell = parse_cell(raw)
    if cell.unparsed or cell.kps:
        raise ValueError(cell.unparsed or "KPS")
    return None if math.isnan(cell.value) else cell.value


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV or XLSX file with every cell as an NFC string (or a number, from XLSX).

    Adds ``source_row``: the 1-based line of each record in the file (the header is line 1).
    """
    return read_table_coded(path)[0]


def read_table_coded(path: Path) -> tuple[pd.DataFrame, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """``read_table`` and, per column read (by its header as in the table), the ``factorized``
    codes of its rows and its distinct values: reading already factorises every column, so a
    caller that maps each cell (``by_unique``, ``parse_cells``) need not do it again."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            df = pd.read_excel(path, dtype=object, engine="openpyxl")
        elif suffix == ".csv":
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            raise DataError(
                f"{paths.display(path)}: unsupported file type {suffix!r}; use .csv or .xlsx"
            )
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{paths.display(path)}: not UTF-8 text ({exc}); save the file as CSV UTF-8"
        ) from exc
    except (ValueError, OSError) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"{paths.display(path)}: cannot be read as a table: {exc}") from exc
    df.columns = [nfc(str(c)).strip() for c in df.columns]
    changed = np.zeros(len(df), dtype=bool)
    empty = np.ones(len(df), dtype=bool)
    coded = {}
    for col in df.columns:  # each distinct value once: normalised to NFC? blank?
        codes, uniques = factorized(df[col])
        was_changed = np.array([isinstance(v, str) and nfc(v) != v for v in uniques], dtype=bool)
        if was_changed.any():
            normalised = np.empty(len(uniques), dtype=object)
            for i, value in enumerate(uniques):
                normalised[i] = nfc(value) if isinstance(value, str) else value
            df[col] = normalised[codes]
            changed |= was_changed[codes]
            codes, uniques = factorized(df[col])
        empty &= np.array([_blank(v) for v in uniques], dtype=bool)[codes]
        coded[col] = (codes, uniques)
    changed = pd.Series(changed, index=df.index)
    empty = pd.Series(empty, index=df.index)
    df.insert(0, "source_row", range(2, len(df) + 2))
    # Drop fully empty rows (trailing lines in Excel), keeping row numbers of the others.
    out = df.loc[~empty].reset_index(drop=True)
    # rows whose text was not in composed Unicode (NFC): normalised, and reported, never silently
    out.attrs["nfc_rows"] = [int(r) for r in df.loc[changed & ~empty, "source_row"]]
    kept = ~empty.to_numpy()
    coded = (
        {col: (codes[kept], uniques) for col, (codes, uniques) in coded.items()}
        if df.columns.is_unique
        else {}
    )  # a repeated header: no codes, callers factorise
    return out, coded


def _blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and value.strip() == "")
    )


def read_text_table(
    path: Path,
    required: tuple[str, ...] | list[str],
    check: str = "missing_column",
    what: str = "this file",
) -> pd.DataFrame:
    """A small declarative CSV (corrections, lineage, national results): every cell as text,
    ``source_row`` added (header = 1), and a ``DataError`` naming the missing columns."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.insert(0, "source_row", range(2, len(df) + 2))
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(
            f"{paths.display(path)}: missing column(s) {', '.join(missing)}",
            [
                Problem(
                    "critical",
                    check,
                    paths.display(path),
                    row=1,
                    value=", ".join(df.columns[1:]),
                    expected=", ".join(required),
                    message=f"{what} needs these columns",
                )
            ],
        )
    return df


def canonical_columns(
    df: pd.DataFrame, aliases: dict[str, list[str]], path: Path, required: tuple[str, ...]
) -> pd.DataFrame:
    """Rename headers to canonical names via ``aliases``; raise naming the file if any is missing."""
    lookup = {ascii_key(alias): canon for canon, names in aliases.items() for alias in names}
    renamed, seen = {}, {}
    for col in df.columns:
        canon = lookup.get(ascii_key(col))
        if canon and canon not in seen:
            renamed[col] = canon
            seen[canon] = col
    out = df.rename(columns=renamed)
    missing = [c for c in required if c not in out.columns]
    if missing:
        problems = [
            Problem(
                "critical",
                "missing_column",
                paths.display(path),
                row=1,
                value=", ".join(str(c) for c in df.columns if c != "source_row"),
                expected=f"a column {c!r} (or one of {aliases[c][1:]})",
                message="required column not found in the header",
            )
            for c in missing
        ]
        raise DataError(
            f"{paths.display(path)}: required columns missing: {', '.join(missing)}", problems
        )
    return out
