"""Corrections: declared fixes of known errors in source data, applied with an audit trail.

In: ``corrections.csv`` in the dataset folder (optional) and the raw tables as read. Out: the tables
with each declared cell replaced, plus an audit table (what, where, old → new, source, reason) that the
reports show. A correction applies only if the cell still holds the declared old value; otherwise
the run stops — a source file that changed under a correction must be looked at by a person, never
patched blindly. Nothing is corrected in code: every fix is a row of data with its source.

| column | meaning |
|---|---|
| ``year`` | the year the correction applies to (empty = every year) |
| ``table`` | ``scores``, ``framework``, ``units`` or ``published`` |
| ``unit_id`` | the unit (scores, units, published) |
| ``criterion`` | the criterion code (scores, framework) or the measure (published) |
| ``column`` | the column to correct, e.g. ``appraised_score``, ``max_points``, ``unit_name``, ``value`` |
| ``old_value`` | the value in the source file, as printed |
| ``new_value`` | the corrected value |
| ``source`` | where the correct value comes from (document, decision, minutes) |
| ``reason`` | why |
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from parlib.core import paths
from parlib.core.errors import DataError, Problem
from parlib.ingest.tables import parse_cell, read_text_table

TABLES = {  # table → the key columns that find a row, in the table's canonical names
    "scores": ("unit_id", "criterion"),
    "framework": ("code",),
    "units": ("unit_id",),
    "published": ("unit_id", "measure"),
}
COLUMNS = (
    "year",
    "table",
    "unit_id",
    "criterion",
    "column",
    "old_value",
    "new_value",
    "source",
    "reason",
)
AUDIT_COLUMNS = (
    "table",
    "file",
    "row",
    "unit_id",
    "criterion",
    "column",
    "old_value",
    "new_value",
    "source",
    "reason",
)


def read(path: Path | None, year: int) -> pd.DataFrame:
    """The corrections for ``year`` (rows with an empty year apply to all years)."""
    if path is None:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in COLUMNS})

    df = read_text_table(path, COLUMNS, what="the corrections file")
    problems = []
    for r in df.itertuples():
        if r.table not in TABLES:
            problems.append(
                Problem(
                    "critical",
                    "correction_bad_table",
                    paths.display(path),
                    row=r.source_row,
                    value=r.table,
                    expected=" | ".join(TABLES),
                    message="unknown table in a correction",
                )
            )
        if not r.source.strip() or not r.reason.strip():
            problems.append(
                Problem(
                    "critical",
                    "correction_undocumented",
                    paths.display(path),
                    row=r.source_row,
                    unit_id=r.unit_id,
                    criterion=r.criterion,
                    expected="a source and a reason",
                    message="every correction must say where the right value comes from and why",
                    message_vi="mỗi hiệu chỉnh phải ghi rõ nguồn và lý do",
                )
            )
    if problems:
        raise DataError(f"{paths.display(path)}: corrections have problems", problems)
    df["file"] = paths.display(path)
    return df[(df["year"].str.strip() == "") | (df["year"].str.strip() == str(year))]


def _same(cell: object, declared: str) -> bool:
    """Does the source cell hold the declared old value? Numbers compare by value (8,75 = 8.75)."""

    a, b = parse_cell(cell), parse_cell(declared)
    if not (a.unparsed or b.unparsed) and not (math.isnan(a.value) or math.isnan(b.value)):
        return abs(a.value - b.value) < 1e-9
    text = "" if cell is None or (isinstance(cell, float) and math.isnan(cell)) else str(cell)
    return text.strip() == declared.strip()


def apply(
    raw: pd.DataFrame, table: str, corrections: pd.DataFrame, file: str
) -> tuple[pd.DataFrame, list[dict]]:
    """Apply the corrections of ``table`` to a raw table (canonical columns, cells as read).

    Returns the corrected table and its audit rows. A correction whose row, column or old value is not
    found raises ``DataError`` naming the correction and what the file holds.
    """
    mine = corrections[corrections["table"] == table]
    if mine.empty:
        return raw, []
    out = raw.copy()
    keys = TABLES[table]
    audit, problems = [], []
    for c in mine.itertuples():
        wanted = {
            "unit_id": c.unit_id,
            "criterion": c.criterion,
            "code": c.criterion,
            "measure": c.criterion,
        }
        mask = pd.Series(True, index=out.index)
        for key in keys:
            mask &= out[key].astype(str).str.strip() == wanted[key].strip()
        where = f"{table} {' '.join(wanted[k] for k in keys)}"
        base = dict(
            severity="critical",
            file=c.file,
            row=c.source_row,
            unit_id=c.unit_id,
            criterion=c.criterion,
        )
        if c.column not in out.columns:
            problems.append(
                Problem(
                    **base,
                    check="correction_no_column",
                    value=c.column,
                    expected=f"a column of {file}",
                    message=f"the correction names a column {file} does not have",
                )
            )
            continue
        if mask.sum() != 1:
            problems.append(
                Problem(
                    **base,
                    check="correction_no_row",
                    value=where,
                    expected=f"exactly one row in {file}",
                    message=f"the correction matches {int(mask.sum())} rows",
                )
            )
            continue
        index = out.index[mask][0]
        current = out.at[index, c.column]
        if not _same(current, c.old_value):
            problems.append(
                Problem(
                    **base,
                    check="correction_stale",
                    value=str(current),
                    expected=f"the declared old value {c.old_value!r}",
                    message=f"{file} no longer holds the value the correction was "
                    "written for; check the source and update or remove the "
                    "correction",
                    message_vi="tệp nguồn không còn chứa giá trị mà hiệu chỉnh nhắm "
                    "tới; kiểm tra lại nguồn rồi sửa hoặc bỏ hiệu chỉnh",
                )
            )
            continue
        out[c.column] = out[c.column].astype(object)
        out.at[index, c.column] = c.new_value
        audit.append(
            {
                "table": table,
                "file": file,
                "row": int(out.at[index, "source_row"]),
                "unit_id": c.unit_id,
                "criterion": c.criterion,
                "column": c.column,
                "old_value": c.old_value,
                "new_value": c.new_value,
                "source": c.source,
                "reason": c.reason,
            }
        )
    if problems:
        raise DataError(f"{corrections['file'].iloc[0]}: corrections do not apply", problems)
    return out, audit
