"""Lineage: units that merge, split or are renamed over the years (the 2025 province merger), as
declared in a dataset's ``lineage.csv``, and how a unit's series follows them.

In: the dataset's config. Out: ``Lineage`` (events, successors, the merged table) or None.
Optional columns ``event`` (``merge`` | ``split`` | ``rename`` | ``status_change`` | ``create`` |
``abolish``; empty = ``merge``) and ``date`` (ISO ``2025-07-01`` or a year; empty = ``from_year``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from parlib.config.dataset import DatasetConfig
from parlib.core import paths
from parlib.core.errors import DataError, Problem
from parlib.ingest.tables import read_text_table
from parlib.validate.validity import bound

LINEAGE_COLUMNS = [
    "unit_id",
    "unit_name",
    "predecessor_id",
    "predecessor_name",
    "from_year",
    "source",
]
OPTIONAL_COLUMNS = ["event", "date"]  # defaults: "merge", "" (the event's year is ``from_year``)
EVENTS = ("merge", "split", "rename", "status_change", "create", "abolish")


@dataclass(frozen=True)
class Lineage:
    """Declared lineage: which predecessor units make up a unit from ``from_year``."""

    table: pd.DataFrame  # LINEAGE_COLUMNS

    def predecessors(self, unit_id: str) -> pd.DataFrame:
        return self.table[self.table["unit_id"] == unit_id]

    def successor(self, unit_id: str) -> pd.DataFrame:
        """The rows where ``unit_id`` is a predecessor of another unit (a merger it went into)."""
        return self.table[
            (self.table["predecessor_id"] == unit_id) & (self.table["unit_id"] != unit_id)
        ]

    def merged(self) -> pd.DataFrame:
        """Successors made of more than one predecessor, with the predecessors' names joined."""
        counts = self.table.groupby("unit_id")["predecessor_id"].transform("count")
        rows = self.table[counts > 1]
        return rows.groupby(["unit_id", "unit_name", "from_year"], as_index=False, sort=True).agg(
            predecessors=("predecessor_name", ", ".join)
        )


def lineage_path(cfg: DatasetConfig) -> Path | None:
    path = cfg.folder / "lineage.csv"
    return path if path.is_file() else None


def load_lineage(cfg: DatasetConfig) -> Lineage | None:
    """``lineage.csv`` of the dataset, checked; None when the dataset declares no lineage."""
    path = lineage_path(cfg)
    if path is None:
        return None
    table = read_text_table(path, LINEAGE_COLUMNS, "lineage_missing_column", "lineage.csv")
    problems = []
    for row_no, row in enumerate(table.itertuples(index=False), start=2):
        if not row.unit_id or not row.predecessor_id:
            problems.append(
                Problem(
                    "critical",
                    "lineage_missing_id",
                    paths.display(path),
                    row=row_no,
                    value="",
                    expected="unit_id and predecessor_id",
                    message="a lineage row needs both ids",
                )
            )
        if not re.fullmatch(r"\d{4}", row.from_year.strip()):
            problems.append(
                Problem(
                    "critical",
                    "lineage_bad_year",
                    paths.display(path),
                    row=row_no,
                    unit_id=row.unit_id,
                    value=row.from_year,
                    expected="a four-digit year",
                    message="from_year is a year",
                )
            )
    for col, default in zip(OPTIONAL_COLUMNS, ("merge", "")):
        if col not in table.columns:
            table[col] = default
    table["event"] = table["event"].str.strip().replace("", "merge")
    table["date"] = table["date"].str.strip()
    for row_no, row in enumerate(table.itertuples(index=False), start=2):
        if row.event not in EVENTS:
            problems.append(
                Problem(
                    "critical",
                    "lineage_bad_event",
                    paths.display(path),
                    row=row_no,
                    unit_id=row.unit_id,
                    value=row.event,
                    expected=" | ".join(EVENTS),
                    message="event is one of the lineage events",
                )
            )
        if row.date and math.isnan(bound(row.date, False)):  # 2025-02-30 included
            problems.append(
                Problem(
                    "critical",
                    "lineage_bad_date",
                    paths.display(path),
                    row=row_no,
                    unit_id=row.unit_id,
                    value=row.date,
                    expected="an ISO date (2025-07-01) or a year",
                    message="date is an ISO date or a year",
                )
            )
    duplicated = table.duplicated(["unit_id", "predecessor_id"], keep=False)
    for row_no in table.index[duplicated]:
        problems.append(
            Problem(
                "critical",
                "lineage_duplicate",
                paths.display(path),
                row=int(row_no) + 2,
                unit_id=table.at[row_no, "unit_id"],
                value=table.at[row_no, "predecessor_id"],
                expected="one row per unit and predecessor",
                message="duplicated lineage row",
            )
        )
    problems += _cycles(table, paths.display(path))
    if problems:
        raise DataError(f"{paths.display(path)}: the lineage has problems", problems)
    table["from_year"] = table["from_year"].astype(int)
    return Lineage(table[LINEAGE_COLUMNS + OPTIONAL_COLUMNS].reset_index(drop=True))


def successor_sentence_data(lineage: Lineage | None, unit_id: str) -> list[tuple[str, int, str]]:
    """(successor name, from year, the other predecessors' names) for each merger the unit went
    into."""
    if lineage is None:
        return []
    out = []
    for row in lineage.successor(unit_id).itertuples(index=False):
        others = lineage.predecessors(row.unit_id)
        names = [
            n for i, n in zip(others["predecessor_id"], others["predecessor_name"]) if i != unit_id
        ]
        out.append((row.unit_name, int(row.from_year), ", ".join(names)))
    return out


def _cycles(table: pd.DataFrame, shown: str) -> list[Problem]:
    """A unit that is, through its predecessors, its own predecessor (A → B → A): the series would
    follow itself for ever. A row naming a unit as its own predecessor (a province unchanged by a
    merger, as vn-provinces declares them) is no cycle."""
    before: dict[str, set[str]] = {}
    for unit, pred in zip(table["unit_id"], table["predecessor_id"], strict=True):
        if unit and pred and unit != pred:
            before.setdefault(unit, set()).add(pred)
    problems, reported = [], set()
    for start in sorted(before):
        stack, seen = list(before[start]), set()
        while stack:
            unit = stack.pop()
            if unit == start and start not in reported:
                reported.add(start)
                row = int(table.index[table["unit_id"] == start][0]) + 2
                problems.append(
                    Problem(
                        "critical",
                        "lineage_cycle",
                        shown,
                        row=row,
                        unit_id=start,
                        value=", ".join(sorted(before[start])),
                        expected="predecessors that do not lead back to the unit",
                        message="the unit is, through its predecessors, its own predecessor",
                        message_vi="đơn vị này, qua các đơn vị tiền thân, lại là tiền thân của "
                        "chính nó",
                    )
                )
            if unit not in seen:
                seen.add(unit)
                stack.extend(before.get(unit, ()))
    return problems
