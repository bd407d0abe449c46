"""Published figures (``published/<year>.csv``): units × measures as a results table printed them
(index, rank, band, totals of every part), each with its source, optionally the unit's printed name,
its block, a note and its role (``primary``: the figure used; ``alternative``: another source's
figure, kept and shown as a conflict).

In: the file and the components of the year's frameworks (their ``<stem>_total`` measures). Out: the
tidy published table: ``unit_id, measure, value, source, unit_name, block, note, role, value_text,
source_row, source_file`` (``value_text``: the cell as written; a band is text, its ``value`` NaN).
Two primary figures for one unit and measure are refused naming both rows (``duplicate_published``);
an unknown measure or role is refused.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parlib.config.model import LEGACY_COMPONENTS
from parlib.core import paths
from parlib.core.errors import DataError, Problem
from parlib.ingest.cellcheck import check_cells, refuse_critical
from parlib.ingest.readers import Notes, _numbers, _text
from parlib.ingest.tables import canonical_columns, read_table

PUBLISHED_ALIASES = {
    "unit_id": ["unit_id", "ma don vi"],
    "measure": ["measure", "chi tieu"],
    "value": ["value", "gia tri"],
    "source": ["source", "nguon"],
    "unit_name": ["unit_name", "ten don vi"],
    "block": ["block", "khoi"],
    "note": ["note", "ghi chu"],
    "role": ["role", "vai tro"],
}

BASE_MEASURES = (
    "self_total",
    "appraised_total",
    "survey_total",
    "index_pct",
    "rank",
    "rank_of",
    "band",
    "achieved_total",
    "max_total",
)
PUBLISHED_MEASURES = BASE_MEASURES[:6]  # the measures of the first datasets (kept for callers)
ROLES = ("primary", "alternative")
TEXT_MEASURES = ("band",)
COLUMNS = (
    "unit_id",
    "measure",
    "value",
    "source",
    "unit_name",
    "block",
    "note",
    "role",
    "value_text",
    "source_row",
    "source_file",
)


def measures(components=LEGACY_COMPONENTS) -> tuple[str, ...]:
    """Every measure a published file may give: the base ones and each part's total."""
    return tuple(dict.fromkeys((*BASE_MEASURES, *(c.total_measure for c in components))))


def empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(
                dtype="float64" if c == "value" else "int64" if c == "source_row" else "str"
            )
            for c in COLUMNS
        }
    )


def _problem(path, sheet, r, check, value, expected, message) -> Problem:
    return Problem(
        "critical",
        check,
        paths.display(path),
        sheet=sheet,
        row=int(r.source_row),
        unit_id=r.unit_id,
        value=value,
        expected=expected,
        message=message,
    )


def read_published(
    path: Path | None, notes: Notes | None = None, components=LEGACY_COMPONENTS
) -> pd.DataFrame:
    if path is None:
        return empty()
    raw = read_table(path, PUBLISHED_ALIASES, ("unit_id", "measure", "value"))
    df = canonical_columns(raw, PUBLISHED_ALIASES, path, ("unit_id", "measure", "value"))
    checked = refuse_critical(path, check_cells(df, path, ids=("unit_id",)))
    if notes:
        notes.normalised(raw, path, checked)
        df = notes.correct(df, "published", path)
    sheet = raw.attrs.get("sheet", "")
    problems: list[Problem] = []
    df["unit_id"] = _text(df["unit_id"])
    df["measure"] = _text(df["measure"])
    df["value_text"] = _text(df["value"])
    for col in ("source", "unit_name", "block", "note", "role"):
        df[col] = _text(df[col]) if col in df.columns else ""
    df["role"] = df["role"].where(df["role"] != "", "primary")
    numeric = ~df["measure"].isin(TEXT_MEASURES)
    values = pd.Series(float("nan"), index=df.index, dtype="float64")
    values[numeric] = _numbers(df[numeric], "value", path, problems, key="unit_id")
    df["value"] = values
    primary = df[df["role"] == "primary"]
    dup = primary[primary.duplicated(["unit_id", "measure"], keep=False)]
    rows = dup.groupby(["unit_id", "measure"])["source_row"].apply(list)
    problems += [
        _problem(
            path,
            sheet,
            r,
            "duplicate_published",
            r.measure,
            "one primary value per unit and measure (another source's figure: role = alternative)",
            f"the same published figure is given twice (rows "
            f"{', '.join(map(str, rows[(r.unit_id, r.measure)]))})",
        )
        for r in dup.itertuples()
    ]
    known = measures(components)
    problems += [
        _problem(
            path,
            sheet,
            r,
            "unknown_measure",
            r.measure,
            " | ".join(known),
            "unknown published measure",
        )
        for r in df[~df["measure"].isin(known)].itertuples()
    ]
    problems += [
        _problem(
            path,
            sheet,
            r,
            "unknown_role",
            r.role,
            " | ".join(ROLES),
            "unknown role of a published figure",
        )
        for r in df[~df["role"].isin(ROLES)].itertuples()
    ]
    if problems:
        raise DataError(f"{paths.display(path)}: published totals have problems", problems)
    df["source_file"] = paths.display(path)
    df["source_row"] = df["source_row"].astype("int64")
    return df[list(COLUMNS)].reset_index(drop=True)
