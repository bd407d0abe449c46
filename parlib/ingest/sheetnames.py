"""Sheet names: the worksheet a block names in ``dataset.toml`` (``[years.<y>.blocks.<b>] sheet``),
found in a workbook by its title compared without case, accents or spacing, or refused naming the
sheets the workbook has (``missing_sheet``).

In: an openpyxl workbook and the sheet's name. Out: the worksheet and no warnings.
"""

from __future__ import annotations

from pathlib import Path

from parlib.ingest import boundary as bd


def named(path: Path, wb, sheet: str) -> tuple:
    """The sheet titled ``sheet`` (compared without case, accents or spacing), or refused naming
    the sheets the workbook has."""
    for ws in wb.worksheets:
        if bd.ascii_key(ws.title) == bd.ascii_key(sheet):
            return ws, []
    listed = ", ".join(repr(ws.title) for ws in wb.worksheets)
    bd.refuse(
        path,
        "the sheet named in dataset.toml is not in the workbook",
        [
            bd.problem(
                "missing_sheet",
                path,
                f"no sheet {sheet!r} in the workbook (it has {listed})",
                value=sheet,
                expected=f"one of {listed}",
            )
        ],
    )
