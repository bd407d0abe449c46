"""Tables: read one CSV or XLSX file into text cells and parse them — decimal commas, ``KPS`` (the
criterion did not arise), canonical column names from Vietnamese or English aliases.

What a file must be to be read at all (format, size, header in row 1, delimiter, the sheet of a
workbook, two columns for one field: ``duplicate_columns``) is checked by ``boundary`` and
``sheets``. Depends only on ``parlib.core`` and those: every other stage reads files through here.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from parlib.core import paths
from parlib.core.errors import DataError, Problem
from parlib.ingest import boundary as bd
from parlib.ingest import sheets, textcheck
from parlib.ingest.boundary import ascii_key, nfc

# Only explicit not-arising markers: "NA"/"N/A" often mean "missing" and must not raise an index.
_GROUPED = re.compile(r"[+-]?\d{1,3}([ \u00a0]\d{3})+([.,]\d+)?")
KPS_MARKERS = {"kps", "khong phat sinh"}


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
    candidate = text
    if " " in text or "\u00a0" in text:  # only as a thousands separator: "0 5" is not 5, nor 05
        if not _GROUPED.fullmatch(text):
            return Cell(math.nan, False, text)
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


def read_table(
    path: Path, aliases: dict[str, list[str]] | None = None, required: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Read a CSV or XLSX file with every cell as an NFC string (or a number, from XLSX).

    Adds ``source_row``: the 1-based line of each record in the file (the header is line 1).
    ``aliases`` and ``required`` (the table's columns, as ``canonical_columns`` takes them) let the
    reader choose the sheet of a workbook and recognise a header that is not in row 1.
    ``attrs``: ``sheet`` (the sheet read, XLSX), ``labels`` (each column's letter or number),
    ``problems`` (warnings about the file) and ``nfc_rows``.
    """
    return read_table_coded(path, aliases, required)[0]


def _lookup(aliases: dict[str, list[str]] | None):
    keys = {ascii_key(a): canon for canon, names in (aliases or {}).items() for a in names}
    return lambda header: keys.get(ascii_key(header)) if header is not None else None


def _csv(path: Path, aliases, required) -> tuple[pd.DataFrame, list[Problem]]:
    """A CSV: UTF-8 (a BOM allowed), comma, semicolon or tab separated (``bd.csv_delimiter``)."""
    with open(path, "rb") as fh:
        start = fh.read(65536)
    if start.startswith(b"PK\x03\x04"):
        bd.refuse(
            path,
            "not a CSV",
            [
                bd.problem(
                    "unreadable_input",
                    path,
                    "the file is an Excel workbook with a .csv name: "
                    "rename it to .xlsx and point dataset.toml at it, or save it from Excel as CSV UTF-8",
                    expected="a CSV UTF-8 text file",
                )
            ],
        )
    text = start.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    delimiter, problems = bd.csv_delimiter(path, lines[:1])
    head = list(
        itertools.islice(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 30)
    )
    if not problems and aliases and bd.header_row(head, aliases, required) != 1:
        for d in dict.fromkeys((delimiter, *bd.DELIMITERS)):
            rows = list(
                itertools.islice(csv.reader(io.StringIO(text, newline=""), delimiter=d), 30)
            )
            problems += bd.misplaced_header(path, rows, aliases, required)
            if problems:
                break
    bd.refuse(path, "cannot be read as a table", problems)
    df = pd.read_csv(
        path,
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,  # blank lines kept (then dropped as empty): row numbers stay true
        encoding="utf-8-sig",
        nrows=bd.max_rows() + 1,
    )
    bd.too_many_rows(path, len(df))
    if head and len(head[0]) == len(df.columns):  # pandas renames a repeated header "X.1"
        df.columns = [raw if raw.strip() else col for raw, col in zip(head[0], df.columns)]
    return df, []


def _excel_errors(path: Path, df: pd.DataFrame, pos: int, codes, uniques, sheet: str) -> list:
    """Cells of column ``pos`` holding an Excel error value: the first ``MAX_LISTED`` of them,
    then one record counting the rest (a broken formula copied down 600,000 rows)."""
    if bd.EXCEL_ERRORS.isdisjoint(uniques):  # one hash per distinct value, in C
        return []
    found = [i for i, v in enumerate(uniques) if isinstance(v, str) and v in bd.EXCEL_ERRORS]
    rows = np.flatnonzero(np.isin(codes, found))
    out = [
        bd.problem(
            "excel_error",
            path,
            f"{df.attrs['labels'][pos]} ({df.columns[pos]!r}) holds the Excel error value "
            f"{uniques[codes[r]]} (a formula that failed), not a value: correct the "
            "formula in Excel, or type the value",
            sheet=sheet,
            row=int(r) + 2,
            value=uniques[codes[r]],
            expected="a value, not an Excel error",
        )
        for r in rows[: bd.MAX_LISTED]
    ]
    return out + ([bd.more(out[0], len(rows) - bd.MAX_LISTED)] if len(rows) > bd.MAX_LISTED else [])


def read_table_coded(
    path: Path,
    aliases: dict[str, list[str]] | None = None,
    required: tuple[str, ...] = (),
    sheet: str | None = None,
) -> tuple[pd.DataFrame, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """``read_table`` and, per column read (by its header as in the table), the ``factorized``
    codes of its rows and its distinct values: reading already factorises every column, so a
    caller that maps each cell (``by_unique``, ``parse_cells``) need not do it again. ``sheet``:
    the worksheet of a workbook to read (one sheet per block)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv"):
        bd.refuse(
            path,
            "unsupported file type",
            [
                bd.problem(
                    "unreadable_input",
                    path,
                    f"unsupported file type {suffix!r}; use .csv or .xlsx",
                    value=suffix,
                    expected=".csv or .xlsx",
                )
            ],
        )
    lookup = _lookup(aliases)
    sheet_name, warnings = "", []
    try:
        bd.check_size(path)
        if suffix == ".csv":
            df, warnings = _csv(path, aliases, required)
            labels = [f"column {i}" for i in range(1, len(df.columns) + 1)]
        else:
            read = sheets.read_sheet(path, aliases, required, lookup, sheet)
            sheet_name, warnings = read.name, read.problems
            header = [
                f"Unnamed: {i}" if h is None or str(h).strip() == "" else str(h)
                for i, h in enumerate(read.header)
            ]
            df = pd.DataFrame(read.rows, columns=header, dtype=object)
            labels = [f"column {bd.column_letter(i)}" for i in range(1, len(header) + 1)]
    except (UnicodeDecodeError, ValueError, OSError, csv.Error) as exc:
        if isinstance(exc, DataError):
            raise
        raise unreadable(path, exc, expected="a CSV UTF-8 or .xlsx table") from exc
    df.columns = [nfc(str(c)).strip() for c in df.columns]
    df.attrs.update(sheet=sheet_name, labels=labels)
    if aliases:  # two columns for one field, or a header hiding a character: refused here
        warnings = warnings + bd.duplicate_columns(
            list(df.columns), labels, lookup, path, sheet_name
        )
        warnings += bd.suspicious_headers(list(df.columns), labels, path, sheet_name)
    bd.refuse(path, "cannot be read safely", bd.capped(warnings))
    changed = np.zeros(len(df), dtype=bool)
    empty = np.ones(len(df), dtype=bool)
    coded, errors = [], []
    for pos, col in enumerate(df.columns):  # each distinct value once: NFC? blank? an error?
        codes, uniques = factorized(df.iloc[:, pos])
        was_changed = np.array([isinstance(v, str) and nfc(v) != v for v in uniques], dtype=bool)
        if was_changed.any():
            normalised = np.empty(len(uniques), dtype=object)
            for i, value in enumerate(uniques):
                normalised[i] = nfc(value) if isinstance(value, str) else value
            df.isetitem(pos, normalised[codes])
            changed |= was_changed[codes]
            codes, uniques = factorized(df.iloc[:, pos])
        empty &= np.array([_blank(v) for v in uniques], dtype=bool)[codes]
        if lookup(col) or not aliases:
            errors += _excel_errors(path, df, pos, codes, uniques, sheet_name)
        coded.append((codes, uniques))
    bd.refuse(path, "holds Excel error values", errors)
    changed = pd.Series(changed, index=df.index)
    empty = pd.Series(empty, index=df.index)
    df.insert(0, "source_row", range(2, len(df) + 2))
    # Drop fully empty rows (trailing lines in Excel), keeping row numbers of the others.
    out = df.loc[~empty].reset_index(drop=True)
    out.attrs.update(sheet=sheet_name, labels=labels, problems=list(warnings))
    # rows whose text was not in composed Unicode (NFC): normalised, and reported, never silently
    out.attrs["nfc_rows"] = [int(r) for r in df.loc[changed & ~empty, "source_row"]]
    kept = ~empty.to_numpy()
    by_name = (
        {col: (codes[kept], uniques) for col, (codes, uniques) in zip(df.columns[1:], coded)}
        if df.columns.is_unique
        else {}
    )  # a repeated header: no codes, callers factorise
    return out, by_name


def unreadable(path: Path, exc: Exception, expected: str) -> DataError:
    """The located refusal of a file that cannot be read as a table: not UTF-8 text (save it as
    CSV UTF-8), or not a table (an unclosed quote, a damaged workbook …)."""
    if isinstance(exc, UnicodeDecodeError):
        why, reason, expected = (
            "not UTF-8 text",
            f"not UTF-8 text ({exc}); save the file as CSV UTF-8",
            "CSV UTF-8",
        )
    else:
        why, reason = "cannot be read as a table", f"cannot be read as a table: {exc}"
    return DataError(
        f"{paths.display(path)}: {why}",
        [bd.problem("unreadable_input", path, reason, expected=expected)],
    )


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
    ``source_row`` added (header = 1), and a ``DataError`` naming the missing columns, or the file
    when it is not UTF-8 text or not a CSV (an unclosed quote): never a bare traceback."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, ValueError, csv.Error) as exc:  # ParserError is a ValueError
        raise unreadable(path, exc, expected="a CSV UTF-8 table") from exc
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
    """Rename headers to canonical names via ``aliases``; raise naming the file if any is missing,
    and if two columns map to the same name (never first-match-wins: one of them would be dropped
    silently, e.g. a hidden first-appraisal column beside the re-appraisal one)."""
    lookup = _lookup(aliases)
    sheet = df.attrs.get("sheet", "")
    headers = [c for c in df.columns if c != "source_row"]
    labels = df.attrs.get("labels") or [f"column {i}" for i in range(1, len(headers) + 1)]
    problems = bd.duplicate_columns(headers, labels, lookup, path, sheet)
    groups: dict[str, list[int]] = {}
    for pos, col in enumerate(headers):
        canon = lookup(col)
        if canon:
            groups.setdefault(canon, []).append(pos)
    positions = {canon: where[0] for canon, where in groups.items()}
    renamed = {headers[p]: canon for canon, p in positions.items()}
    out = df.rename(columns=renamed) if not problems else df
    missing = [c for c in required if c not in groups]
    problems += [
        Problem(
            "critical",
            "missing_column",
            paths.display(path),
            sheet=sheet,
            row=1,
            value=", ".join(textcheck.escape(str(c)) for c in headers),
            expected=f"a column {c!r} (or one of {aliases[c][1:]})",
            message="required column not found in the header",
        )
        for c in missing
    ]
    if problems:
        what = (
            f"required columns missing: {', '.join(missing)}"
            if missing
            else "two columns map to the same field"
        )
        raise DataError(f"{paths.display(path)}: {what}", problems)
    return out
