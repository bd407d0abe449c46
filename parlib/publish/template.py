"""Excel scoring template: a workbook units fill in, which ingest reads back as a scores file.

In: a dataset, a year (its blocks, each block's framework and components) and a set of units. Out:
an ``.xlsx`` file with one sheet per block (named by the block id; a year that declares no blocks
has its one sheet ``Điểm``, as before), one row per unit of the block and leaf criterion that
applies to it (a unit-specific criterion, ``applies_to``, only on its units' rows), the criterion's
name and its maximum per component, and the input columns: per component its score and, where it is
self-assessed and the year knows self-assessment, the self-assessed score; with ``rounds`` the
appraisal is entered as ``Điểm thẩm định lần 1``, ``Giải trình``, ``Điểm thẩm định lần 2``… (the
final score is the last round). Input cells accept a number from 0 to the criterion's maximum for
that component or ``KPS``; cells of a component the criterion does not have are greyed and locked;
headers and criterion columns are locked (the sheet is protected without a password, to prevent
accidents rather than to secure anything). The headers are the aliases of the scores contract
(contract §3), so the filled-in file is read by ingest like any other scores file, sheet by sheet
for its block. A sheet ``Hướng dẫn`` explains how to fill it in. Unit and criterion names are stored
as text (``core.cells.sheet``), never as formulas, whatever they start with.

The template is written for a year whose score files do not exist yet: the dataset is loaded with
``allow_missing_scores=True`` (contract §8).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from parlib import ingest
from parlib.config.dataset import DatasetConfig, YearConfig, load_dataset
from parlib.config.model import ComponentConfig
from parlib.core import cells, paths
from parlib.core.errors import UsageError

GREY = "DDDDDD"
LEGACY_SHEET = "Điểm"  # the one sheet of a year without declared blocks
NOTES_SHEET = "Hướng dẫn"
# the headers the first templates used (aliases of the scores contract), by component id
MAX_HEADERS = {"appraisal": "Điểm tối đa thẩm định", "survey": "Điểm tối đa điều tra"}
SCORE_HEADERS = {"appraisal": "Điểm thẩm định", "survey": "Điểm điều tra"}
SELF_HEADERS = {"appraisal": "Điểm tự chấm"}
RULE_ERROR = "Nhập số từ 0 đến điểm tối đa của tiêu chí, hoặc KPS nếu tiêu chí không phát sinh."


@dataclass(frozen=True)
class Column:
    """One column of a block's sheet: its header, what it holds and, for a score, whose maximum
    bounds it (the component id)."""

    header: str
    role: str  # "unit_id" | "unit_name" | "code" | "name" | "max" | "score" | "explanation"
    component: str = ""
    width: int = 12


def load(name: str, raw: Path | None = None) -> DatasetConfig:
    """The dataset, its score files allowed to be missing (contract §8). Until the model helper's
    ``allow_missing_scores`` is merged, ``load_dataset`` does not take it (TypeError): the dataset is
    then loaded as before, and a declared score file that is missing is still refused."""
    try:
        return load_dataset(name, raw, allow_missing_scores=True)
    except TypeError:
        return load_dataset(name, raw)


def header_of(component: ComponentConfig) -> str:
    """The header of a component's score column: the first templates' Vietnamese header, else its
    first declared alias (capitalised), else its contract name (``sipas_score``)."""
    if component.id in SCORE_HEADERS:
        return SCORE_HEADERS[component.id]
    if component.aliases:
        return component.aliases[0][:1].upper() + component.aliases[0][1:]
    return component.score_column


def self_header(component: ComponentConfig) -> str:
    return SELF_HEADERS.get(component.id, component.self_column)


def columns(components: tuple[ComponentConfig, ...], self_known: bool, rounds: int) -> list:
    """The sheet's columns: identity, the maxima, then the inputs of every component in order."""
    out = [
        Column("Mã đơn vị", "unit_id", width=16),
        Column("Tên đơn vị", "unit_name", width=28),
        Column("Mã tiêu chí", "code", width=11),
        Column("Tên tiêu chí", "name", width=60),
    ]
    for c in components:
        label = c.label_vi[6:] if c.label_vi.casefold().startswith("điểm ") else c.label_vi
        out.append(Column(MAX_HEADERS.get(c.id, f"Điểm tối đa {label}"), "max", c.id))
    for c in components:
        if c.self_assessed and self_known:
            out.append(Column(self_header(c), "score", c.id))
        if c.id == "appraisal" and rounds:
            for n in range(1, rounds + 1):
                out.append(Column(f"Điểm thẩm định lần {n}", "score", c.id))
                if n == 1 and rounds > 1:
                    out.append(Column("Giải trình", "explanation", c.id, width=40))
        else:
            out.append(Column(header_of(c), "score", c.id))
    return out


def maximum(value: object) -> float:
    """A framework cell as a maximum: empty, unreadable or not arising → 0 (no such part)."""
    try:
        number = ingest.parse_number(value)
    except ValueError:
        return 0.0
    return 0.0 if number is None or math.isnan(number) else float(number)


def applies(leaf: pd.Series, unit_id: str, kind: str) -> bool:
    """Whether a criterion applies to a unit: ``applies_to`` empty, or naming its id or kind."""
    targets = {t.strip() for t in str(leaf.get("applies_to", "") or "").split(";") if t.strip()}
    return not targets or unit_id in targets or kind in targets


def _year_of(text: object) -> int | None:
    text = str(text or "").strip()
    return int(text[:4]) if text[:4].isdigit() else None


def valid_in(units: pd.DataFrame, year: int) -> pd.Series:
    """Units whose validity (``valid_from``/``valid_to``, a date or a year) overlaps ``year``."""
    start = units.get("valid_from", pd.Series("", index=units.index)).map(_year_of)
    end = units.get("valid_to", pd.Series("", index=units.index)).map(_year_of)
    return (start.isna() | (start <= year)) & (end.isna() | (end >= year))


def block_units(yc: YearConfig, block, units: pd.DataFrame) -> pd.DataFrame:
    """The units of the registry a block holds, valid in the year."""
    mine = [block.holds(u, k) for u, k in zip(units["unit_id"], units["kind"])]
    return units[pd.Series(mine, index=units.index, dtype=bool) & valid_in(units, yc.year)]


def write(
    cfg: DatasetConfig,
    year: int,
    target: Path,
    unit_ids: list[str] | None = None,
    rounds: int = 0,
) -> Path:
    """Write the template for ``year``: one sheet per block, the chosen units (default: all)."""
    yc = cfg.year(year)
    units = ingest.read_units(cfg.units)
    if unit_ids:
        unknown = sorted(set(unit_ids) - set(units["unit_id"]))
        if unknown:
            raise UsageError(f"unknown unit(s) {', '.join(unknown)} in {cfg.name}")
        units = units[units["unit_id"].isin(unit_ids)]
    if rounds < 0:
        raise UsageError(f"--rounds must be 0 or more, not {rounds}")
    book = Workbook()
    book.remove(book.active)
    notes = [f"{cfg.title_vi} — năm {year}"]
    for block in yc.blocks:
        fw = yc.block_framework(block)
        if fw is None or fw.file is None:
            raise UsageError(
                f"{cfg.name} {year}: block {block.id!r} has no criteria (published results "
                "only): there is nothing to score"
            )
        framework = ingest.read_framework(fw.file)
        leaves = framework[framework["is_leaf"]]
        members = block_units(yc, block, units)
        name = LEGACY_SHEET if block.implicit else block.id
        cols = columns(fw.components, yc.self_assessment, rounds)
        n = _block_sheet(book.create_sheet(name), cols, members, leaves, fw.components)
        notes.append(
            f"Trang «{name}»: {block.name_vi} — {len(members)} đơn vị, {n} dòng; bộ tiêu chí "
            f"{fw.decision} ({paths.display(fw.file)})."
        )
    _notes_sheet(book.create_sheet(NOTES_SHEET), notes, rounds, yc.self_assessment)
    for worksheet in book.worksheets:
        cells.sheet(worksheet)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def _block_sheet(sheet, cols: list, units: pd.DataFrame, leaves: pd.DataFrame, components) -> int:
    """Fill one block's sheet; returns the number of rows (unit × applicable leaf)."""
    sheet.append([c.header for c in cols])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    by_id = {c.id: c for c in components}
    for unit in units.itertuples():
        for _, leaf in leaves.iterrows():
            if not applies(leaf, unit.unit_id, unit.kind):
                continue
            values = {
                "unit_id": unit.unit_id,
                "unit_name": unit.unit_name,
                "code": leaf["code"],
                "name": leaf["name_vi"],
            }
            sheet.append(
                [
                    maximum(leaf.get(by_id[c.component].max_column))
                    if c.role == "max"
                    else values.get(c.role)
                    for c in cols
                ]
            )
    last = sheet.max_row
    letters = {i: get_column_letter(i + 1) for i in range(len(cols))}
    max_letter = {c.component: letters[i] for i, c in enumerate(cols) if c.role == "max"}
    grey = PatternFill("solid", fgColor=GREY)
    for i, col in enumerate(cols):
        letter = letters[i]
        sheet.column_dimensions[letter].width = col.width
        if col.role not in ("score", "explanation"):
            continue
        bound = max_letter[col.component]
        if col.role == "score" and last > 1:
            rule = (
                f"=OR(AND(ISNUMBER({letter}2),{letter}2>=0,{letter}2<={bound}2),"
                f'UPPER(TRIM({letter}2))="KPS")'
            )
            validation = DataValidation(
                type="custom",
                formula1=rule,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Điểm không hợp lệ",
                error=RULE_ERROR,
            )
            validation.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(validation)
        for row in range(2, last + 1):
            cell = sheet[f"{letter}{row}"]
            has_component = (sheet[f"{bound}{row}"].value or 0) > 0
            cell.protection = Protection(locked=not has_component)
            if not has_component:
                cell.fill = grey
    sheet.freeze_panes = "E2"
    sheet.protection.sheet = True  # headers and criterion columns locked; no password
    sheet.protection.formatColumns = False
    return last - 1


def _notes_sheet(sheet, head: list[str], rounds: int, self_known: bool) -> None:
    lines = [
        *head,
        "Nhập điểm vào các cột điểm (ô màu trắng) của từng trang khối; không đổi tên trang.",
        "Ghi KPS nếu tiêu chí không phát sinh; 0 là điểm không thật sự; không để trống ô cần chấm.",
        "Có thể dùng dấu phẩy thập phân (8,75). Không sửa các cột mã và điểm tối đa.",
        "Ô màu xám: tiêu chí không có phần điểm này, để trống.",
        "Điểm thưởng và điểm trừ nằm ngoài điểm tối đa; điểm trừ ghi bằng số dương (số điểm bị trừ).",
    ]
    if not self_known:
        lines.append("Năm này không có điểm tự đánh giá: không có cột Điểm tự chấm.")
    if rounds:
        lines.append(
            "Thẩm định nhiều lần: ghi điểm lần 1; nếu đơn vị giải trình, ghi nội dung vào cột Giải "
            "trình và điểm lần 2. Điểm cuối cùng là lần thẩm định sau cùng có điểm."
        )
    lines.append("Tạo bởi parlib template.")
    for line in lines:
        sheet.append([line])
    sheet.column_dimensions["A"].width = 110
