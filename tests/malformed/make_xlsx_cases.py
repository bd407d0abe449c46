"""Write the binary inputs (XLSX workbooks, and files that pretend to be one) of the malformed
corpus cases about workbooks, from the shipped data/raw/synthetic-province/scores/2024.xlsx.

    .venv/bin/python tests/malformed/make_xlsx_cases.py

Deterministic: the workbook's creation time and every ZIP entry's time are fixed, so running it
again rewrites the same bytes (``--check`` fails when a committed file differs). Each case changes
one thing a province's real workbook may have; its case.toml says which and what must be refused.
"""

from __future__ import annotations

import argparse
import datetime
import io
import sys
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SOURCE = ROOT / "data" / "raw" / "synthetic-province" / "scores" / "2024.xlsx"
TARGET = Path("overlay") / "scores" / "2024.xlsx"
CSV_TARGET = Path("overlay") / "scores" / "2012.csv"
FIXED = datetime.datetime(2024, 1, 1)


def base():
    wb = openpyxl.load_workbook(SOURCE)
    return wb, wb.worksheets[0]


def deterministic(wb) -> bytes:
    """The workbook's bytes with fixed times (openpyxl stamps the current time otherwise)."""
    wb.properties.created = wb.properties.modified = FIXED
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl writes "modified" as now
                data = _fixed_modified(data)
            dst.writestr(
                zipfile.ZipInfo(info.filename, (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


def _fixed_modified(data: bytes) -> bytes:
    text = data.decode("utf-8")
    start = text.find("<dcterms:modified")
    if start >= 0:
        end = text.find("</dcterms:modified>", start) + len("</dcterms:modified>")
        text = (
            text[:start]
            + '<dcterms:modified xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:modified>'
            + text[end:]
        )
    return text.encode("utf-8")


def hidden_first_appraisal():
    """The first appraisal kept in a hidden column D 'Điểm thẩm định', before the re-appraisal
    (now E, the same header): first-match-wins would have scored the hidden one."""
    wb, ws = base()
    ws.insert_cols(4)
    ws.cell(1, 4, "Điểm thẩm định")
    for r in range(2, ws.max_row + 1):
        ws.cell(r, 4, 0)
    ws.column_dimensions["D"].hidden = True
    return wb


def english_beside_vietnamese():
    wb, ws = base()
    ws.cell(1, 6, "appraised_score")
    for r in range(2, ws.max_row + 1):
        ws.cell(r, 6, ws.cell(r, 4).value)
    return wb


def hidden_column():
    wb, ws = base()
    ws.column_dimensions["E"].hidden = True
    return wb


def title_rows():
    wb, ws = base()
    ws.insert_rows(1, 2)
    ws.cell(1, 1, "BẢNG TỔNG HỢP ĐIỂM CHỈ SỐ CCHC NĂM 2024")
    return wb


def merged_header():
    wb, ws = base()
    ws.insert_rows(1)
    for c, text in enumerate(["Mã đơn vị", "Mã tiêu chí", "Điểm"], start=1):
        ws.cell(1, c, text)
    for c, text in enumerate(["Tự chấm", "Thẩm định", "Điều tra"], start=3):
        ws.cell(2, c, text)
    ws.merge_cells("C1:E1")
    return wb


def merged_data_cells():
    wb, ws = base()
    for r in range(3, 6):
        ws.cell(r, 1).value = None
    ws.merge_cells("A2:A5")
    return wb


def instructions_first():
    wb, ws = base()
    notes = wb.create_sheet("Hướng dẫn", 0)
    notes.append(["Hướng dẫn: nhập điểm vào sheet 'Điểm 2024', mỗi dòng một tiêu chí."])
    notes.append(["Điểm thập phân dùng dấu phẩy."])
    return wb


def two_sheets():
    """The rows split over two sheets, each with the header."""
    wb, ws = base()
    second = wb.create_sheet("Điểm 2024 (tiếp)")
    second.append([c.value for c in ws[1]])
    half = ws.max_row // 2
    for row in ws.iter_rows(min_row=half + 1, values_only=True):
        second.append(list(row))
    ws.delete_rows(half + 1, ws.max_row - half)
    return wb


def hidden_sheet():
    wb, ws = base()
    wb.create_sheet("Ghi chú", 0)
    ws.sheet_state = "hidden"
    wb.active = 0
    return wb


def hidden_rows():
    wb, ws = base()
    for r in (10, 11, 40):
        ws.row_dimensions[r].hidden = True
    return wb


def formula_without_value():
    wb, ws = base()
    ws["D5"] = "=C5"  # openpyxl saves no cached value, as scripts and web exports do
    return wb


def excel_error():
    wb, ws = base()
    ws["D7"] = "#REF!"
    return wb


def excel_na():
    wb, ws = base()
    ws["C9"] = "#N/A"
    return wb


def code_as_number():
    wb, ws = base()
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 2).value == "1.2":
            ws.cell(r, 2).value = 1.2
    return wb


def invisible_in_code():
    wb, ws = base()
    ws["B4"] = ws["B4"].value + "\u200b"
    return wb


def legacy_names():
    """A unit-name column typed in TCVN3 (ABC) fonts: 'Së Néi vô' is 'Sở Nội vụ'."""
    wb, ws = base()
    ws.cell(1, 6, "Tên đơn vị")
    for r in range(2, ws.max_row + 1):
        ws.cell(r, 6, "Së Néi vô" if ws.cell(r, 1).value == "so-noi-vu" else None)
    return wb


WORKBOOKS = {
    "61-xlsx-hidden-first-appraisal": hidden_first_appraisal,
    "62-xlsx-english-beside-vietnamese": english_beside_vietnamese,
    "63-xlsx-hidden-column": hidden_column,
    "64-xlsx-title-rows": title_rows,
    "65-xlsx-merged-header": merged_header,
    "66-xlsx-merged-data-cells": merged_data_cells,
    "67-xlsx-instructions-sheet-first": instructions_first,
    "68-xlsx-two-sheets": two_sheets,
    "69-xlsx-hidden-sheet": hidden_sheet,
    "70-xlsx-hidden-rows": hidden_rows,
    "71-xlsx-formula-without-value": formula_without_value,
    "72-xlsx-ref-error": excel_error,
    "73-xlsx-na-error": excel_na,
    "74-xlsx-code-as-number": code_as_number,
    "75-xlsx-invisible-in-code": invisible_in_code,
    "76-xlsx-tcvn3-names": legacy_names,
}


def other_files() -> dict[str, bytes]:
    """Files named .xlsx that are not readable workbooks (and a workbook named .csv: case 60,
    on vn-provinces, ``CSV_TARGET``)."""
    good = SOURCE.read_bytes()
    return {
        "60-csv-is-a-workbook": good,
        # an encrypted OOXML workbook is an OLE2 compound file (its magic number, then sectors)
        "77-xlsx-password-protected": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088),
        "78-xlsx-truncated": good[: len(good) // 2],
        "79-xlsx-csv-renamed": (ROOT / "data/raw/synthetic-province/scores/2023.csv").read_bytes(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a committed file differs")
    args = parser.parse_args()
    files = {case: deterministic(make()) for case, make in WORKBOOKS.items()}
    files.update(other_files())
    stale = []
    for case, data in files.items():
        path = HERE / case / (CSV_TARGET if case.startswith("60-") else TARGET)
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(case)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if stale:
        print("differ from make_xlsx_cases.py:", ", ".join(stale), file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
