"""Excel scoring template: a workbook units fill in, which ingest reads back as a scores file.

In: a dataset, a year (its framework) and a set of units. Out: an ``.xlsx`` file whose first sheet has
one row per unit and leaf criterion, with the criterion's name and maxima, and three input columns
(self-assessed, appraised, survey). Input cells accept a number from 0 to the criterion's maximum or
``KPS``; cells of a component the criterion does not have are greyed and must stay empty; headers
and criterion columns are locked (the sheet is protected without a password, to prevent accidents
rather than to secure anything). The headers are the Vietnamese aliases of the scores contract, so
the filled-in file is read by ``ingest.read_scores`` like any other scores file. Unit and criterion
names are stored as text (``core.cells.sheet``), never as formulas, whatever they start with.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from parlib import ingest
from parlib.config.dataset import DatasetConfig
from parlib.core import cells, paths
from parlib.core.errors import UsageError

HEADERS = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Mã tiêu chí",
    "Tên tiêu chí",
    "Điểm tối đa thẩm định",
    "Điểm tối đa điều tra",
    "Điểm tự chấm",
    "Điểm thẩm định",
    "Điểm điều tra",
]
INPUTS = {"G": "E", "H": "E", "I": "F"}  # input column → column of its maximum
GREY = "DDDDDD"


def write(cfg: DatasetConfig, year: int, target: Path, unit_ids: list[str] | None = None) -> Path:
    """Write the template for ``year``'s framework and the chosen units (default: all)."""

    yc = cfg.year(year)
    framework = ingest.read_framework(yc.framework.file)
    units = ingest.read_units(cfg.units)
    if unit_ids:
        unknown = sorted(set(unit_ids) - set(units["unit_id"]))
        if unknown:
            raise UsageError(f"unknown unit(s) {', '.join(unknown)} in {cfg.name}")
        units = units[units["unit_id"].isin(unit_ids)]
    leaves = framework[framework["is_leaf"]]

    book = Workbook()
    sheet = book.active
    sheet.title = "Điểm"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    grey = PatternFill("solid", fgColor=GREY)
    for unit in units.itertuples():
        for leaf in leaves.itertuples():
            sheet.append(
                [
                    unit.unit_id,
                    unit.unit_name,
                    leaf.code,
                    leaf.name_vi,
                    _num(leaf.max_appraisal),
                    _num(leaf.max_survey),
                    None,
                    None,
                    None,
                ]
            )
    last = sheet.max_row
    for column, max_column in INPUTS.items():
        rule = (
            f"=OR(AND(ISNUMBER({column}2),{column}2>=0,{column}2<={max_column}2),"
            f'UPPER(TRIM({column}2))="KPS")'
        )
        validation = DataValidation(
            type="custom",
            formula1=rule,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Điểm không hợp lệ",
            error="Nhập số từ 0 đến điểm tối đa của tiêu chí, hoặc KPS "
            "nếu tiêu chí không phát sinh.",
        )
        validation.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(validation)
        for row in range(2, last + 1):
            cell = sheet[f"{column}{row}"]
            has_component = (sheet[f"{max_column}{row}"].value or 0) > 0
            cell.protection = Protection(locked=not has_component)
            if not has_component:
                cell.fill = grey
    for column, width in zip("ABCDEFGHI", (16, 28, 11, 60, 12, 12, 12, 12, 12)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "E2"
    sheet.protection.sheet = True  # headers and criterion columns locked; no password
    sheet.protection.formatColumns = False

    notes = book.create_sheet("Hướng dẫn")
    for line in (
        f"{cfg.title_vi} — năm {year} — {yc.framework.decision}",
        "Nhập điểm vào các cột Điểm tự chấm, Điểm thẩm định, Điểm điều tra (ô màu trắng).",
        "Ghi KPS nếu tiêu chí không phát sinh; 0 là điểm không thật sự; không để trống ô cần chấm.",
        "Có thể dùng dấu phẩy thập phân (8,75). Không sửa các cột mã và điểm tối đa.",
        "Ô màu xám: tiêu chí không có phần điểm này, để trống.",
        f"Tạo bởi parlib template từ {paths.display(yc.framework.file)}.",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    for worksheet in book.worksheets:
        cells.sheet(worksheet)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def _num(value: float) -> float:
    return 0.0 if value != value else float(value)  # NaN → 0: the component does not exist
