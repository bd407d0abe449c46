"""Spreadsheet-safe text: a cell that a spreadsheet would run as a formula is written as text.

OWASP's CSV-injection guidance: a field starting with ``=``, ``+``, ``-``, ``@``, tab (0x09),
carriage return (0x0D) or line feed (0x0A, added to the list in 2025) is read by Excel, LibreOffice
and Google Sheets as a formula (``=HYPERLINK("http://x", "y")``, ``@SUM(…)``, ``-2+3``). Unit and
criterion names come from the provinces' files, so every xlsx and CSV the workbook writes goes
through here. Numbers are never touched (``-1.5`` stays the number -1.5), and neither is text that
is a plain number (``-1,5``, ``+3``): a spreadsheet reads it as that number, never as a formula.

- **XLSX** (``sheet``): the cell keeps its exact text and is stored as a string (type ``s``; openpyxl
  would otherwise store ``=…`` as a formula and ``#REF!`` as an error) with Excel's *quote prefix*
  style, so it stays text even when someone edits it.
- **CSV** (``csv_document``): OWASP's single quote: ``=1+1`` is written ``'=1+1``; a text that
  already starts with ``'`` gets one more, so the escape is reversible and ``csv_restore`` /
  ``restore_text`` give back the exact text (the workbook reads its own CSVs back that way). OWASP
  also warns of separators that start a new cell in the middle of a text: Excel set to Vietnamese
  (decimal comma) splits a comma-separated file on ``;``, where quotes no longer protect anything,
  and a line break starts a new row for any reader that loses track of the quotes. So the rule
  applies to every *segment* of a text, from its start or from a ``;``, CR or LF to the next one:
  ``a;=1+1`` is written ``a;'=1+1``. Python's CSV writer leaves a bare CR unquoted; a table with a
  text holding one is written with every text field quoted, so it reads back in one piece. Tables
  without hostile text are written byte for byte as pandas writes them.

In: pandas frames, openpyxl worksheets, strings. Out: the same, made safe.
"""

from __future__ import annotations

import csv
import re

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
QUOTE = "'"
# a segment: from the text's start or a separator to the next separator
SEGMENT = re.compile(r"(\A|[\r\n;])([^\r\n;]*)")
QUOTED = re.compile(QUOTE)
CANDIDATE = re.compile(r"(?:\A|[\0\r\n;])['=+\-@\t\r\n]")  # a segment that may need the quote
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def is_formula_like(text: object) -> bool:
    """True for a text a spreadsheet would read as a formula (it starts with a trigger and is not
    a plain number)."""
    return isinstance(text, str) and text[:1] in TRIGGERS and PLAIN_NUMBER.fullmatch(text) is None


def _needs_quote(text: str, segment: str, first: bool) -> bool:
    risky = is_formula_like(text if first else segment)  # the whole text: a leading CR or LF too
    return risky or segment.startswith(QUOTE)


def csv_text(value: object) -> object:
    """``value`` as a CSV field: each segment of a text (see above) that is formula-like or starts
    with ``'`` gets a leading ``'``; anything else (numbers, other text, missing values) unchanged."""
    if not isinstance(value, str):
        return value
    return SEGMENT.sub(
        lambda m: m[1] + (QUOTE if _needs_quote(value, m[2], m[1] == "") else "") + m[2], value
    )


def restore_text(value: object) -> object:
    """The inverse of ``csv_text``: one leading ``'`` removed from each segment of a text."""
    if not isinstance(value, str) or QUOTE not in value:
        return value
    return SEGMENT.sub(lambda m: m[1] + (m[2][1:] if m[2].startswith(QUOTE) else m[2]), value)


def _text_columns(df: pd.DataFrame) -> list:
    return [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c].dtype)]


def _joined(column: pd.Series) -> str:
    """The column's cells in one string (numbers as ``str(-1.5)``), to search a whole column at once:
    a table may have 600,000 rows and hardly ever holds a cell to escape. ``\\0`` joins the cells (it
    is neither a separator nor a trigger)."""
    return "\0".join(map(str, column.dropna().tolist()))


def _cells_matching(column: pd.Series, pattern: re.Pattern) -> pd.Series:
    """Which cells are text matching ``pattern``."""
    return column.map(lambda v: isinstance(v, str) and pattern.search(v) is not None).astype(bool)


def _escaped(df: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """``df`` with text cells and column names through ``csv_text`` (a copy when anything changes),
    and whether a text holds a carriage return."""
    out, bare_cr = df, any("\r" in str(c) for c in df.columns)
    for column in _text_columns(df):
        joined = _joined(df[column])
        bare_cr = bare_cr or "\r" in joined
        if CANDIDATE.search(joined):
            marked = _cells_matching(df[column], CANDIDATE)
            out = out.copy() if out is df else out
            out[column] = out[column].astype("object")
            out.loc[marked, column] = out.loc[marked, column].map(csv_text)
    names = [csv_text(c) for c in df.columns]
    if names != list(df.columns):
        out = out.copy() if out is df else out
        out.columns = names
    return out, bare_cr


def csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` ready for ``to_csv``: text cells and column names through ``csv_text`` (a copy when
    anything changes); numeric, boolean and date columns are not looked at."""
    return _escaped(df)[0]


def csv_document(df: pd.DataFrame) -> str:
    """``df`` as CSV text (UTF-8 text, ``\\n`` line ends, no index), spreadsheet-safe: cells through
    ``csv_frame``, and every text field quoted when a text holds a carriage return."""
    safe, bare_cr = _escaped(df)
    quoting = csv.QUOTE_NONNUMERIC if bare_cr else csv.QUOTE_MINIMAL
    return safe.to_csv(index=False, lineterminator="\n", quoting=quoting)


def csv_restore(df: pd.DataFrame) -> pd.DataFrame:
    """Undo ``csv_frame`` on a frame read back from a CSV the workbook wrote (in place; returned)."""
    df.columns = [restore_text(c) for c in df.columns]
    for column in _text_columns(df):
        if QUOTE in _joined(df[column]):
            marked = _cells_matching(df[column], QUOTED)
            df.loc[marked, column] = df.loc[marked, column].map(restore_text)
    return df


def sheet(worksheet: Worksheet) -> Worksheet:
    """Every text cell of ``worksheet`` stored as text: type ``s`` (never a formula or an error
    value) and, where a spreadsheet would read it as a formula, Excel's quote prefix."""
    for row in worksheet.iter_rows():
        for cell in row:
            value = cell.value
            if not isinstance(value, str):
                continue
            forced = cell.data_type != "s"
            if forced:
                cell.data_type = "s"
            if forced or is_formula_like(value):
                cell.quotePrefix = True
    return worksheet
