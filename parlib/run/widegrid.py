"""The cells of a wide table and the units its headers name (for ``parlib import``).

In: a CSV (comma, semicolon or tab) or XLSX file (its first sheet's values), and a units registry.
Out: the table's cells as trimmed NFC text (``read_grid``), and ``Units.match``: the registry unit a
header names — by its id or name exactly, then NFC and case-folded, then without diacritics, each
step counting only when exactly one unit matches (else the candidates are returned, never a guess).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from parlib import ingest
from parlib.ingest import boundary


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".10g")
    return ingest.nfc(str(value)).strip()


def read_grid(path: Path) -> list[list[str]]:
    """Every cell of the table as trimmed NFC text (XLSX: the first sheet's values; numbers in
    their shortest form); the file's size is checked first, as for every input."""
    boundary.check_size(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        book = load_workbook(path, read_only=True, data_only=True)
        rows = [[_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
    else:
        text = path.read_bytes().decode("utf-8-sig")
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        rows = [[_text(v) for v in row] for row in csv.reader(io.StringIO(text), dialect)]
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows if any(r)]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold().strip()


class Units:
    """Matches a header to a registry unit: id or name exactly, then case-folded, then without
    diacritics; a step counts only when it finds exactly one unit."""

    def __init__(self, units: pd.DataFrame):
        self.units = units
        self.steps = [
            lambda t: t,
            _fold,
            boundary.ascii_key,
        ]

    def match(self, header: str) -> tuple[str | None, list[str]]:
        """(unit id, []) when one unit matches; (None, candidates) otherwise."""
        for step in self.steps:
            key = step(header)
            hits = sorted(
                {
                    u.unit_id
                    for u in self.units.itertuples()
                    if key in (step(u.unit_id), step(u.unit_name))
                }
            )
            if len(hits) == 1:
                return hits[0], []
            if hits:
                return None, hits
        return None, []
