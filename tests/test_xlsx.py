"""The results workbooks' writer (``core.xlsx``): text stays text, numbers stay numbers, missing
values are empty, what a cell cannot hold is said, and sheet names are ones Excel opens."""

from __future__ import annotations

import datetime
import decimal
import io
import logging
import math
import re
import zipfile
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pandas as pd

from parlib.core import xlsx
from parlib.publish import export

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def excel_text(stored: str) -> str:
    """What Excel shows for a stored string: each ``_xHHHH_`` is the character HHHH, read left
    to right once (so ``_x005F_x000D_`` is the literal ``_x000D_``). openpyxl decodes none."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m[1], 16)), stored)


def _read(frame: pd.DataFrame, headers: list[str], freeze: bool = True):
    book = xlsx.Book()
    book.table("Bảng", frame, headers, freeze)
    return openpyxl.load_workbook(io.BytesIO(book.close()))["Bảng"]


def test_numbers_text_and_missing_values_keep_their_types():
    frame = pd.DataFrame(
        {
            "n": [1.5, math.nan, math.inf, -math.inf],
            "i": [1, 2, 3, 4],
            "s": ["Sở Nội vụ", None, "#REF!", "=1+1"],
            "o": pd.Series([2.25, "x", None, True], dtype=object),
            "nullable": pd.array([None, 2, 3, None], dtype="Int64"),
            "nullable_float": pd.array([0.5, None, 1.0, None], dtype="Float64"),
        }
    )
    sheet = _read(frame, ["Điểm", "Số", "Đơn vị", "Khác", "Hạng", "Tỷ lệ"])
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == ["Điểm", "Số", "Đơn vị", "Khác", "Hạng", "Tỷ lệ"]
    assert rows[1:] == [
        [1.5, 1, "Sở Nội vụ", 2.25, None, 0.5],
        [None, 2, None, "x", 2, None],
        ["inf", 3, "#REF!", None, 3, 1],
        ["-inf", 4, "=1+1", True, None, None],
    ]
    cells = list(sheet.iter_rows(min_row=2))
    assert [c[2].data_type for c in cells if c[2].value is not None] == ["s", "s", "s"]
    assert [c[2].quotePrefix for c in cells] == [False, False, True, True]
    assert all(c.font.b for c in next(sheet.iter_rows(max_row=1)))
    assert sheet.freeze_panes == "A2"


def test_a_formula_like_header_is_text_too():
    sheet = _read(pd.DataFrame({"a": [1]}), ["=cmd|' /C calc'!A0"], freeze=False)
    header = sheet["A1"]
    assert header.data_type == "s" and header.quotePrefix and sheet.freeze_panes is None


def test_a_text_longer_than_a_cell_holds_is_cut_with_a_warning(caplog):
    long = "Sở " + "x" * 40000
    with caplog.at_level(logging.WARNING, logger="parlib.core.xlsx"):
        sheet = _read(pd.DataFrame({"s": [long]}), ["Đơn vị"])
    value = sheet["A2"].value
    assert len(value) == xlsx.MAX_TEXT and value.endswith("…") and value.startswith("Sở x")
    assert "'Bảng', row 2, column 1" in caplog.text and "40,003" in caplog.text


def shared_strings(data: bytes) -> list[str]:
    """The workbook's stored strings as Excel reads them (openpyxl decodes ``_x005F_`` but not
    ``_x000D_``, so its values cannot tell a CR from the literal text ``_x000D_``)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
    return [excel_text(t.text or "") for t in root.iter(f"{MAIN}t")]


def test_control_characters_and_literal_escapes_come_back_exactly():
    texts = ["a\rb", "_x000D_ literal", "tab\there", "ổn", "\x01"]
    book = xlsx.Book()
    book.table("Bảng", pd.DataFrame({"s": texts}), ["Văn bản"], freeze=False)
    assert shared_strings(book.close()) == ["Văn bản", *texts]


def test_sheet_names_are_unique_whatever_their_case_and_never_quoted_at_the_ends():
    used: set[str] = set()
    names = [export._sheet_name(n, used) for n in ("Khối", "KHỐI", "'Trích'", "a" * 40, "a" * 40)]
    assert names[0] == "Khối" and names[1] != "KHỐI" and names[1].casefold() != "khối"
    assert names[2] == "Trích"
    assert len(names[3]) == 31 and names[4] != names[3] and len(names[4]) <= 31
    book = xlsx.Book()
    for name in names:  # XlsxWriter refuses a duplicate or a badly formed name
        book.table(name, pd.DataFrame({"a": [1]}), ["a"], freeze=False)
    assert openpyxl.load_workbook(io.BytesIO(book.close())).sheetnames == names


def test_dates_booleans_decimals_and_odd_values_are_written_as_what_they_are():
    frame = pd.DataFrame(
        {
            "v": pd.Series(
                [
                    datetime.datetime(2024, 12, 4, 10, 30),
                    datetime.date(2024, 1, 2),
                    np.bool_(True),
                    decimal.Decimal("2.5"),
                    "",
                    [1, 2],
                    10**400,
                    datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC),
                    pd.NaT,
                ],
                dtype=object,
            )
        }
    )
    sheet = _read(frame, ["Giá trị"])
    values = [c.value for (c,) in sheet.iter_rows(min_row=2, max_row=10)]
    assert values[:4] == [
        datetime.datetime(2024, 12, 4, 10, 30),
        datetime.datetime(2024, 1, 2),
        True,
        2.5,
    ]
    assert values[4] is None and values[5] == "[1, 2]" and values[6] == str(10**400)
    assert values[7] == "2024-01-02T00:00:00+00:00" and values[8] is None
    assert sheet["A2"].is_date and sheet["A4"].data_type == "b"


def test_numbered_and_reserved_sheet_names_are_ones_excel_opens():
    used: set[str] = set()
    names = [export._sheet_name("Bảng rất dài " + "x" * 40, used) for _ in range(120)]
    names += [export._sheet_name("History", used), export._sheet_name("🙂" * 20, used)]
    assert len(set(n.casefold() for n in names)) == len(names)
    assert all(len(n.encode("utf-16-le")) // 2 <= 31 for n in names)
    assert names[-2] == "History_2"
    book = xlsx.Book()
    for name in names:
        book.table(name, pd.DataFrame({"a": [1]}), ["a"], freeze=False)
    assert openpyxl.load_workbook(io.BytesIO(book.close())).sheetnames == names
