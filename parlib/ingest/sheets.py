"""XLSX workbooks as provinces keep them: find the one sheet that holds the table, and refuse what
would make its cells mean something other than what Excel shows.

In: a ``.xlsx``/``.xlsm`` path and the table's column aliases. Out: the header and the rows of the
sheet read (``Sheet``), or a ``DataError`` whose problems name the file and the sheet. Refused:
files that do not open as a workbook (encrypted, truncated, text), several sheets that each hold the
table, a hidden sheet, merged cells, hidden rows with data, a hidden column that maps to a field,
formulas with no saved value. Warned: sheets and hidden columns that are not read.

openpyxl takes about 0.2 s to import; it is imported when the first workbook is read
(``_openpyxl``, as ``parlib.validate.startup`` defers a module), so a run on CSV files only, such as
the benchmark's, does not pay for it.
"""

from __future__ import annotations

import functools
import importlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from parlib.core.errors import Problem
from parlib.ingest import boundary as bd
from parlib.ingest.sheetnames import named

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and old .xls files


@dataclass
class Sheet:
    """The sheet read: its name, the header (row 1), the data rows (from row 2) and the problems
    found in its layout (critical ones included: the caller refuses them with its own)."""

    name: str
    header: list
    rows: list[tuple]
    problems: list[Problem] = field(default_factory=list)


def _unreadable(path: Path, message: str, expected: str = "an Excel workbook (.xlsx)") -> None:
    bd.refuse(
        path,
        "cannot be read as a workbook",
        [bd.problem("unreadable_input", path, message, expected=expected)],
    )


def sniff(path: Path) -> None:
    """Refuse, with what the file really is, a file that is not a readable ``.xlsx``."""
    with open(path, "rb") as fh:
        start = fh.read(512)
    if start.startswith(OLE2):
        _unreadable(
            path,
            "the file is an OLE2 container, not an .xlsx: a password-protected (encrypted) workbook, "
            "or an old Excel 97–2003 .xls file; remove the password (File › Info › Protect "
            "Workbook) or use File › Save As › Excel Workbook (.xlsx)",
        )
    if not zipfile.is_zipfile(path):
        try:
            start.decode("utf-8")
            text = b"\0" not in start
        except UnicodeDecodeError:
            text = False
        _unreadable(
            path,
            "the file is text (perhaps a CSV) with an .xlsx name: rename it to .csv and point "
            "dataset.toml at it, or open it in Excel and save it as .xlsx"
            if text
            else "the file is not an Excel workbook (not a ZIP archive): it may be truncated or "
            "another format; save it again from Excel as .xlsx",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            unpacked = sum(i.file_size for i in archive.infolist())
            damaged = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        _unreadable(path, f"the workbook is damaged or truncated ({exc}); save it again from Excel")
    if damaged is not None or "xl/workbook.xml" not in names:
        _unreadable(
            path,
            "the workbook is damaged or truncated"
            + (f" (member {damaged} is corrupt)" if damaged else " (no xl/workbook.xml)")
            + "; save it again from Excel",
        )
    _count_rows(path)
    if unpacked > 20 * bd.max_bytes():  # a ZIP that unpacks to gigabytes
        bd.refuse(
            path,
            "file too large",
            [
                bd.problem(
                    "file_too_large",
                    path,
                    f"the workbook unpacks to {unpacked:,} bytes, above 20 × the limit of "
                    f"{bd.max_bytes():,} (PARLIB_MAX_BYTES); check it is the right file",
                    value=f"{unpacked} bytes unpacked",
                    expected=f"at most {20 * bd.max_bytes()} bytes unpacked",
                )
            ],
        )


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _count_rows(path: Path) -> None:
    """Refuse a workbook with more rows than ``max_rows`` in a worksheet, counted from the sheet XML
    as it streams (16 MB at a time, before openpyxl parses anything): the ``<dimension>`` a file
    declares can lie, and a small ZIP can unpack to millions of rows."""
    limit = bd.max_rows() + 1  # the header row
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            rows, carry, stopped = 0, b"", False
            with archive.open(name) as member:
                while chunk := member.read(1 << 24):
                    data = carry + chunk
                    cut = data.rfind(b"<")  # a tag split between two chunks is counted once
                    rows += len(_ROW_TAG.findall(data, 0, cut if cut > 0 else len(data)))
                    carry = data[cut:] if cut > 0 else b""
                    if rows > limit:  # enough to refuse: the rest (if any) is not read
                        stopped = bool(member.read(1))
                        break
            if not stopped:
                rows += len(_ROW_TAG.findall(carry))
            if rows > limit:
                bd.too_many_rows(path, rows - 1, exact=not stopped)


@functools.cache
def _openpyxl():
    return importlib.import_module("openpyxl")


def _load(path: Path, **kwargs):
    try:
        return _openpyxl().load_workbook(path, **kwargs)
    except Exception as exc:  # openpyxl raises many types on a damaged file; all mean the same
        _unreadable(path, f"the workbook cannot be opened ({type(exc).__name__}: {exc})")


def _filled(ws) -> bool:
    return any(
        v is not None
        for row in ws.iter_rows(max_row=min(ws.max_row, 50), values_only=True)
        for v in row
    )


def _head(ws) -> list[list]:
    return [
        list(r)
        for r in ws.iter_rows(max_row=min(ws.max_row, bd.HEADER_SEARCH_ROWS), values_only=True)
    ]


def choose(path: Path, wb, aliases, required) -> tuple:
    """The sheet to read: the only sheet with any content; else the only one that has the
    table's header (in its first rows). Several candidates, or none, are refused by name."""
    filled = [ws for ws in wb.worksheets if _filled(ws)]
    if not filled:
        _unreadable(path, "every sheet of the workbook is empty", expected="a sheet with the table")
    if len(filled) == 1:
        chosen = filled[0]
    else:
        matching = [ws for ws in filled if bd.header_row(_head(ws), aliases, required)]
        listed = ", ".join(repr(ws.title) for ws in (matching if len(matching) > 1 else filled))
        if len(matching) != 1:
            message = (
                f"several sheets hold the table ({listed}): the workbook reads one sheet; put "
                "every row in one sheet and delete the others (or move them to another file)"
                if matching
                else f"no sheet has the table's header ({', '.join(required)}) among {listed}"
            )
            bd.refuse(
                path,
                "which sheet to read is ambiguous",
                [
                    bd.problem(
                        "ambiguous_sheet",
                        path,
                        message,
                        value=listed,
                        expected="one sheet with the table (others may hold notes only)",
                    )
                ],
            )
        chosen = matching[0]
    warnings = [
        bd.problem(
            "sheet_not_read",
            path,
            f"sheet {ws.title!r} ({ws.max_row} rows) was not read: only sheet {chosen.title!r} "
            "has the table's header; move any scores it holds into that sheet",
            severity="warning",
            sheet=chosen.title,
            value=ws.title,
            expected="one sheet with the table",
        )
        for ws in filled
        if ws is not chosen
    ]
    return chosen, warnings


_TAG = re.compile(rb"<(?:\w+:)?(col|row)\b([^>]*)>")
_ATTR = re.compile(rb'\b(min|max|width|r|ht)="([^"]*)"')


def _zero_sized(path: Path) -> tuple[set[int], set[int]]:
    """Columns of width 0 and rows of height 0, as unseen as hidden ones but without the ``hidden``
    flag (set by scripts and other tools; openpyxl drops them on reading, so the sheet XML is
    read). Over every worksheet of the file: a false alarm in another sheet is refused, never a
    column read unseen."""
    cols, rows = set(), set()
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            for tag, attrs in _TAG.findall(archive.read(name)):
                a = dict(_ATTR.findall(attrs))
                try:
                    if tag == b"col" and b"width" in a and float(a[b"width"]) == 0:
                        cols.update(range(int(a[b"min"]), int(a[b"max"]) + 1))
                    elif tag == b"row" and b"ht" in a and float(a[b"ht"]) == 0:
                        rows.add(int(a[b"r"]))
                except (KeyError, ValueError):
                    continue
    return cols, rows


def _hidden_columns(ws, zero: set[int]) -> set[int]:
    hidden = set(zero)
    for dim in ws.column_dimensions.values():
        if dim.hidden and dim.min:
            hidden.update(range(dim.min, (dim.max or dim.min) + 1))
    return hidden


def layout_problems(path: Path, ws, header: list, rows: list, lookup) -> list[Problem]:
    """Merged cells, hidden rows with data and hidden columns of the sheet read."""
    sheet, out = ws.title, []
    merged = [str(r) for r in ws.merged_cells.ranges]
    if merged:
        in_header = [r for r in ws.merged_cells.ranges if r.min_row == 1]
        what = (
            f"a merged header ({', '.join(map(str, in_header[:5]))}): give every column one "
            "header of its own in row 1 (e.g. 'Điểm tự chấm', 'Điểm thẩm định'), delete the "
            "second header row, and unmerge"
            if in_header
            else "merged cells: only the first cell of a merged range holds its value, the others "
            "read as empty; unmerge them and fill every cell"
        )
        out.append(
            bd.problem(
                "merged_cells",
                path,
                what,
                sheet=sheet,
                row=min(r.min_row for r in ws.merged_cells.ranges),
                value=", ".join(merged[:10]) + (" …" if len(merged) > 10 else ""),
                expected="no merged cells",
            )
        )
    zero_cols, zero_rows = _zero_sized(path)
    unseen = {r for r, dim in ws.row_dimensions.items() if dim.hidden} | zero_rows
    hidden_rows = [
        r for r in unseen if 1 < r <= len(rows) + 1 and any(v is not None for v in rows[r - 2])
    ]
    if hidden_rows:
        shown = ", ".join(map(str, sorted(hidden_rows)[:10])) + (
            " …" if len(hidden_rows) > 10 else ""
        )
        out.append(
            bd.problem(
                "hidden_rows",
                path,
                f"{len(hidden_rows)} row(s) with data are hidden in Excel (hidden or filtered "
                "out) and would be read although nobody sees them: clear the filter and unhide "
                "them, then delete the rows that must not count",
                sheet=sheet,
                row=min(hidden_rows),
                value=f"rows {shown}",
                expected="no hidden rows",
            )
        )
    for col in sorted(_hidden_columns(ws, zero_cols)):
        if col > len(header):
            continue
        name = header[col - 1]
        mapped = lookup(name)
        also = [
            f"column {bd.column_letter(c)} ({h!r})"
            for c, h in enumerate(header, start=1)
            if c != col and mapped and lookup(h) == mapped
        ]
        out.append(
            bd.problem(
                "hidden_column",
                path,
                f"column {bd.column_letter(col)} ({name!r}) is hidden in Excel but maps to "
                f"{mapped!r}"
                + (f" as {' and '.join(also)} does" if also else "")
                + ", so it would be read although nobody sees it: unhide it, then delete it"
                + (" or the other column" if also else " or make it visible")
                if mapped
                else f"column {bd.column_letter(col)} ({name!r}) is hidden; it is not read",
                severity="critical" if mapped else "warning",
                sheet=sheet,
                row=1,
                value=f"column {bd.column_letter(col)}: {name}",
                expected="no hidden column that is read",
            )
        )
    return out


def _formula_problems(path: Path, sheet: str, rows: list, header: list, columns: set) -> list:
    """Cells holding a formula whose value Excel never saved (``data_only`` reads ``None``)."""
    with zipfile.ZipFile(path) as archive:
        sheets_xml = [
            archive.read(n)
            for n in archive.namelist()
            if n.startswith("xl/worksheets/") and n.endswith(".xml")
        ]
    has_formulas = any(b"<f>" in xml or b"<f " in xml for xml in sheets_xml)
    if not has_formulas:
        return []
    ws = _load(path, data_only=False)[sheet]
    out = []
    for r, cells in enumerate(ws.iter_rows(min_row=2, max_row=len(rows) + 1), start=2):
        for c, cell in enumerate(cells, start=1):
            if c in columns and cell.data_type == "f" and rows[r - 2][c - 1] is None:
                out.append(
                    bd.problem(
                        "formula_without_value",
                        path,
                        f"cell {cell.coordinate} ({header[c - 1]!r}) holds a formula whose result was never saved "
                        "(the file was written by a program that does not calculate): open it in "
                        "Excel or LibreOffice, recalculate and save, or paste the values",
                        sheet=sheet,
                        row=r,
                        value=str(cell.value),
                        expected="a saved value",
                    )
                )
    return out


def titles(path: Path) -> list[str]:
    """The titles of a workbook's sheets (to find one sheet per block)."""
    sniff(path)
    wb = _load(path, read_only=True)
    out = [ws.title for ws in wb.worksheets]
    wb.close()
    return out


def read_sheet(
    path: Path, aliases=None, required=(), lookup=lambda name: None, sheet: str | None = None
) -> Sheet:
    """The table of an XLSX file (see the module docstring); ``lookup(header)`` names the field a
    header maps to (None when it is not read); ``sheet``: the sheet to read (else ``choose``)."""
    sniff(path)
    light = _load(path, read_only=True, data_only=True)
    for ws in light.worksheets:
        if ws.max_row:
            bd.too_many_rows(path, ws.max_row - 1, ws.title, exact=True)
    light.close()
    wb = _load(path, data_only=True)
    ws, warnings = named(path, wb, sheet) if sheet else choose(path, wb, aliases, required)
    problems = []
    if ws.sheet_state != "visible":
        problems.append(
            bd.problem(
                "hidden_sheet",
                path,
                f"the table is in sheet {ws.title!r}, which is hidden: unhide it so the sheet that "
                "is read is the one people check",
                sheet=ws.title,
                expected="a visible sheet",
            )
        )
    everything = [list(r) for r in ws.iter_rows(values_only=True)]
    width = max((len(r) for r in everything), default=0)
    header = (everything[0] + [None] * width)[:width] if everything else []
    rows = [tuple(r) + (None,) * (width - len(r)) for r in everything[1:]]
    problems += bd.misplaced_header(path, everything, aliases, required, ws.title)
    problems += layout_problems(path, ws, header, rows, lookup)
    read = {c for c, name in enumerate(header, start=1) if lookup(name) or not aliases}
    problems += _formula_problems(path, ws.title, rows, header, read)
    return Sheet(ws.title, header, rows, warnings + problems)
