"""The input boundary: what a table file must be before its cells are read — a known format that
opens, within the size limits, with its header in row 1, one unambiguous delimiter and one column for
each field (``duplicate_columns``: never first-match-wins).

In: a path (and, for header detection, the table's column aliases). Out: ``Problem`` records
(``refuse`` raises them as a ``DataError``) naming the file, the sheet, the row and what to do.
Depends only on ``parlib.core`` and ``textcheck`` (a header hiding a character: ``suspicious_headers``).

Limits (``max_rows``, ``max_bytes``): 2,000,000 data rows and 200 MB per file by default;
``PARLIB_MAX_ROWS`` and ``PARLIB_MAX_BYTES`` (whole numbers) change them, e.g. for a benchmark.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from pathlib import Path

from parlib.core import paths
from parlib.core.errors import DataError, Problem
from parlib.ingest import textcheck

DEFAULT_MAX_ROWS = 2_000_000
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
HEADER_SEARCH_ROWS = 30  # how far down a misplaced header is looked for
MAX_LISTED = 50  # problems listed per check; the rest are counted in one more record
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
EXCEL_ERRORS = frozenset(
    "#NULL! #DIV/0! #VALUE! #REF! #NAME? #NUM! #N/A #GETTING_DATA #SPILL! #CALC! #FIELD! "
    "#BLOCKED! #CONNECT! #BUSY! #UNKNOWN!".split()
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def ascii_key(text: str) -> str:
    """Header/marker key: no diacritics, lower case, single spaces (``'Điểm  Tự chấm'`` → ``'diem tu cham'``)."""
    decomposed = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_]+", " ", stripped).strip().lower()


def column_letter(number: int) -> str:
    """Excel's name of the 1-based column ``number`` (1 → A, 27 → AA)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _limit(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise DataError(f"{name}={raw!r}: expected a whole number") from None
    return value if value > 0 else default


def max_rows() -> int:
    """Most data rows a table may have (``PARLIB_MAX_ROWS``, default 2,000,000)."""
    return _limit("PARLIB_MAX_ROWS", DEFAULT_MAX_ROWS)


def max_bytes() -> int:
    """Largest file accepted, in bytes (``PARLIB_MAX_BYTES``, default 200 MB)."""
    return _limit("PARLIB_MAX_BYTES", DEFAULT_MAX_BYTES)


def problem(check: str, path: Path, message: str, **fields) -> Problem:
    """A critical problem about ``path`` (``severity`` may be overridden in ``fields``)."""
    severity = fields.pop("severity", "critical")
    return Problem(severity, check, paths.display(path), message=message, **fields)


def refuse(path: Path, what: str, problems: list[Problem]) -> None:
    """Raise the ``problems`` (if any is critical) as one ``DataError`` about ``path``."""
    if any(p.severity == "critical" for p in problems):
        raise DataError(f"{paths.display(path)}: {what}", problems)


def more(first: Problem, count: int, limit: int = MAX_LISTED) -> Problem:
    """The record that stands for ``count`` more problems like ``first`` beyond the listed ones."""
    return Problem(
        first.severity,
        first.check,
        first.file,
        sheet=first.sheet,
        value=f"{count} more",
        expected=first.expected,
        expected_vi=first.expected_vi,
        message=f"{first.message} — and {count} more of the same problem (the first {limit} "
        "are listed)",
        message_vi=f"{first.message_vi or first.message} — và {count} trường hợp cùng lỗi nữa "
        f"({limit} trường hợp đầu được liệt kê)",
    )


def capped(problems: list[Problem], limit: int = MAX_LISTED) -> list[Problem]:
    """The first ``limit`` problems of each check, and for each check with more, one record
    counting the rest, so a sheet with 600,000 bad cells gives a readable report."""
    kept, counts, first = [], {}, {}
    for p in problems:
        counts[p.check] = counts.get(p.check, 0) + 1
        first.setdefault(p.check, p)
        if counts[p.check] <= limit:
            kept.append(p)
    return kept + [more(first[c], n - limit, limit) for c, n in counts.items() if n > limit]


def check_size(path: Path) -> None:
    """Refuse a file over ``max_bytes`` before opening it; refuse an empty file."""
    size = path.stat().st_size
    if size == 0:
        refuse(
            path,
            "empty file",
            [
                problem(
                    "unreadable_input",
                    path,
                    "the file is empty (0 bytes): it was not saved completely; save it again",
                    expected="a table with a header row",
                )
            ],
        )
    if size > max_bytes():
        refuse(
            path,
            "file too large",
            [
                problem(
                    "file_too_large",
                    path,
                    f"the file is {size:,} bytes, above the limit of {max_bytes():,} "
                    "(PARLIB_MAX_BYTES); check it is the right file, or raise the limit",
                    value=f"{size} bytes",
                    expected=f"at most {max_bytes()} bytes",
                )
            ],
        )


def too_many_rows(path: Path, rows: int, sheet: str = "", exact: bool = False) -> None:
    """Refuse a table with more than ``max_rows`` data rows (``rows``: the count when ``exact``,
    else a lower bound: a CSV is read no further than one row past the limit)."""
    if rows > max_rows():
        refuse(
            path,
            "too many rows",
            [
                problem(
                    "too_many_rows",
                    path,
                    f"the table has more than {max_rows():,} data rows (PARLIB_MAX_ROWS); "
                    "check it is the right file (one year of one dataset), or raise the limit",
                    sheet=sheet,
                    value=f"{rows} rows" if exact else f"more than {max_rows()} rows",
                    expected=f"at most {max_rows()} data rows",
                )
            ],
        )


def covers(cells: list, aliases: dict[str, list[str]], required: tuple[str, ...]) -> bool:
    """Does a row of header cells name every ``required`` column (through ``aliases``)?"""
    keys = {ascii_key(c) for c in cells if c is not None and str(c).strip()}
    return all(any(ascii_key(a) in keys for a in aliases[r]) for r in required)


def header_row(rows: list[list], aliases, required) -> int | None:
    """The 1-based number of the first of ``rows`` that names every required column."""
    if not aliases or not required:
        return None
    for number, cells in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        if covers(cells, aliases, required):
            return number
    return None


def misplaced_header(path: Path, rows: list[list], aliases, required, sheet: str = "") -> list:
    """A refusal when row 1 is not the header but a row below it is (title rows above it)."""
    found = header_row(rows, aliases, required)
    if found is None or found == 1:
        return []
    cells = [str(c) for c in rows[found - 1] if c is not None and str(c).strip()]
    above = "row 1" if found == 2 else f"rows 1–{found - 1}"
    return [
        problem(
            "header_not_in_row_1",
            path,
            f"row {found} looks like the header (it names the columns "
            f"{', '.join(required)}), but the header must be row 1: delete {above} above it "
            "(titles, notes, blank lines) and save the file again",
            sheet=sheet,
            row=found,
            value=", ".join(cells),
            expected="the header in row 1",
            message_vi=f"dòng {found} có vẻ là dòng tiêu đề cột, nhưng tiêu đề phải ở dòng 1: xoá "
            "các dòng phía trên (tên bảng, ghi chú, dòng trống) rồi lưu lại tệp",
        )
    ]


def fields_outside_quotes(line: str, delimiter: str) -> int:
    """How many fields ``line`` splits into at ``delimiter`` (quotes respected)."""
    return len(next(csv.reader([line], delimiter=delimiter), [""]))


def csv_delimiter(path: Path, lines: list[str]) -> tuple[str, list[Problem]]:
    """The delimiter of a CSV whose first lines are ``lines``: the only one of comma, semicolon
    and tab that the header line contains (outside quotes). A header with several kinds is
    refused, never guessed (a wrong split would read the wrong cells as scores)."""
    if not lines:
        return ",", []
    header = lines[0]
    present = [d for d in DELIMITERS if fields_outside_quotes(header, d) > 1]
    if len(present) <= 1:
        return (present or [","])[0], []
    names = " and ".join(DELIMITER_NAMES[d] for d in present)
    return ",", [
        problem(
            "ambiguous_delimiter",
            path,
            f"the header line contains both {names} separators, so the columns cannot be told "
            "apart safely: save the file again as 'CSV UTF-8 (comma delimited)'",
            row=1,
            value=header[:200],
            expected="one kind of separator (comma, semicolon or tab)",
        )
    ]


def duplicate_columns(headers: list, labels: list, lookup, path: Path, sheet: str) -> list:
    """Two or more columns whose headers map to the same field (``lookup``): critical, naming
    every header and its column. Never first-match-wins: one of them would be dropped silently,
    e.g. a hidden first-appraisal column beside the re-appraisal one."""
    groups: dict[str, list[int]] = {}
    for pos, col in enumerate(headers):
        canon = lookup(col)
        if canon:
            groups.setdefault(canon, []).append(pos)
    return [
        Problem(
            "critical",
            "duplicate_column",
            paths.display(path),
            sheet=sheet,
            row=1,
            criterion=canon,
            value=", ".join(f"{headers[p]!r} ({labels[p]})" for p in where),
            expected=f"one column for {canon}",
            message=f"{len(where)} columns map to the same field {canon!r}: "
            + " and ".join(f"{headers[p]!r} in {labels[p]}" for p in where)
            + "; the workbook cannot tell which one holds the figures, so it refuses rather than "
            "use one and drop the other: delete the column that must not count (hidden columns "
            "count too)",
            message_vi=f"{len(where)} cột cùng ứng với trường {canon!r}; xoá cột không dùng "
            "(kể cả cột bị ẩn)",
        )
        for canon, where in groups.items()
        if len(where) > 1
    ]


def suspicious_headers(headers: list, labels: list, path: Path, sheet: str) -> list:
    """A header with an invisible or look-alike character matches no field and would be dropped
    unseen while another column is read in its place (``Điểm thẩm\u200b định``): critical."""
    return [
        problem(
            "suspicious_header",
            path,
            f"the header of column {labels[pos]} hides {fault}: it matches no field, so the column "
            "would be ignored while another is read; retype the header",
            sheet=sheet,
            row=1,
            value=textcheck.escape(header),
            expected="a header of plain letters, digits and spaces",
            message_vi=f"tiêu đề cột {labels[pos]} chứa ký tự ẩn hoặc ký tự giống chữ; gõ lại tiêu đề",
        )
        for pos, header in enumerate(headers)
        if (fault := textcheck.id_fault(header))
    ]
