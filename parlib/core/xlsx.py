"""A workbook of tables written with XlsxWriter, every text cell stored as text.

The results workbooks (``results.xlsx`` in each language, every year) hold up to 80,000 cells;
openpyxl, on the standard library's XML writer (``parlib/__init__.py`` keeps lxml out of it),
took 0.8 CPU-s for one, XlsxWriter 0.25 s (measured on synthetic-province 2024). openpyxl still
reads workbooks and writes the small ones (the annex, the action list, the template).

Text is safe as in ``core.cells.sheet``: every text goes through ``write_string`` (never
``write``, which would turn ``=…`` into a formula, and never a number or an error value), and a
text a spreadsheet would read as a formula, or that looks like an error value (``#REF!``), gets
Excel's quote prefix, so it stays text when someone edits it. Numbers are numbers, yes/no are
booleans, dates are Excel's dates; a missing value or an empty text is an empty cell; an infinite
number is written ``inf`` / ``-inf`` as pandas writes it (``Book.value`` says each type). A text
longer than a cell holds (32,767 characters) is cut to fit, ending in ``…``, with a warning in the
log naming the sheet and cell: the processed CSV beside the workbook keeps the whole text.

In: pandas frames with their headers. Out: the workbook's bytes.
"""

from __future__ import annotations

import datetime
import decimal
import io
import logging
import math
import numbers

import numpy as np
import pandas as pd
import xlsxwriter

from parlib.core.cells import is_formula_like

LOG = logging.getLogger(__name__)
# what openpyxl and Excel take for an error value when typed into a cell
ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
MAX_TEXT = 32767  # characters in one cell (Excel's limit)
HEADER = {"bold": True, "border": 1, "align": "center", "valign": "top"}  # pandas' header style


def quoted(text: str) -> bool:
    """A text written with the quote prefix: formula-like, or an error value."""
    return is_formula_like(text) or text in ERROR_VALUES


def missing(value: object) -> bool:
    """None, NaN, NaT or a nullable column's NA: an empty cell."""
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and value != value)
    )


def _number(sheet, row: int, col: int, value) -> None:
    """A number as a number; a missing one as an empty cell; an infinity as pandas writes it; an
    integer too large for Excel's numbers as its digits."""
    if missing(value):
        return
    if isinstance(value, int):
        try:
            sheet.write_number(row, col, value)
        except OverflowError:
            sheet.write_string(row, col, str(value))
    elif math.isinf(value):
        sheet.write_string(row, col, "inf" if value > 0 else "-inf")
    else:
        sheet.write_number(row, col, value)


class Book:
    """One workbook in memory: ``table`` adds a sheet, ``close`` gives the bytes."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self._book = xlsxwriter.Workbook(self._buffer, {"in_memory": True})
        self._header = self._book.add_format(HEADER)
        self._quoted = self._book.add_format({"quote_prefix": True})
        self._quoted_header = self._book.add_format({**HEADER, "quote_prefix": True})
        self._date = self._book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})

    def table(self, name: str, frame: pd.DataFrame, headers: list[str], freeze: bool) -> None:
        """A sheet called ``name``: ``headers`` in a bold first row, then ``frame``'s rows;
        ``freeze`` keeps the header row in view."""
        sheet = self._book.add_worksheet(name)
        for col, title in enumerate(headers):
            self.text(sheet, 0, col, str(title), self._quoted_header, self._header)
        for col, column in enumerate(frame.columns):
            values = frame[column].tolist()
            if pd.api.types.is_float_dtype(frame[column].dtype) or pd.api.types.is_integer_dtype(
                frame[column].dtype
            ):
                for row, value in enumerate(values, start=1):
                    _number(sheet, row, col, value)
            else:
                for row, value in enumerate(values, start=1):
                    self.value(sheet, row, col, value)
        if freeze:
            sheet.freeze_panes(1, 0)

    def value(self, sheet, row: int, col: int, value: object) -> None:
        """One cell: text as text (an empty text as an empty cell), a number as a number, a yes/no
        as a boolean, a date or time without a time zone as Excel's date (with one: its ISO text),
        nothing for a missing value; anything else as its text."""
        if isinstance(value, str):
            if value:
                self.text(sheet, row, col, value, self._quoted)
        elif missing(value):
            return
        elif isinstance(value, (bool, np.bool_)):
            sheet.write_boolean(row, col, bool(value))
        elif isinstance(value, (numbers.Real, decimal.Decimal)):
            _number(sheet, row, col, float(value) if isinstance(value, decimal.Decimal) else value)
        elif isinstance(value, datetime.datetime | datetime.date) and not getattr(
            value, "tzinfo", None
        ):
            sheet.write_datetime(row, col, value, self._date)
        elif isinstance(value, datetime.datetime):
            self.text(sheet, row, col, value.isoformat(), self._quoted)
        else:
            self.text(sheet, row, col, str(value), self._quoted)

    def text(self, sheet, row: int, col: int, text: str, prefixed, plain=None) -> None:
        """``text`` stored as text (``prefixed`` format when ``quoted``); cut to what a cell
        holds, with a warning."""
        if len(text) > MAX_TEXT:
            LOG.warning(
                "sheet %r, row %d, column %d: a text of %s characters is cut to the %s a "
                "spreadsheet cell holds (the processed CSV keeps it whole)",
                sheet.name,
                row + 1,
                col + 1,
                f"{len(text):,}",
                f"{MAX_TEXT:,}",
            )
            text = text[: MAX_TEXT - 1] + "…"
        sheet.write_string(row, col, text, prefixed if quoted(text) else plain)

    def close(self) -> bytes:
        """The workbook's bytes (the book can take no more sheets)."""
        self._book.close()
        return self._buffer.getvalue()
