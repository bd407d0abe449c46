"""Tile layouts of Vietnam's provinces: one square per province, placed to keep the country's shape.

In: the shipped approximate positions of the 63 provincial administrative centres of 2012–2024
(``geo/vn_province_centres.csv``, see ``geo/SOURCES.md``) and, for the provinces of later years, a
dataset's declared lineage (``parlib.history.lineage``: which provinces make up a new one, from
when). Out: ``Layout``, one ``Tile`` (unit id, name, short label, grid column and row) for each
province on the map at the end of a year: 63 up to 2024, 34 from 1 July 2025 with the national
dataset's lineage.

How (``grid_cells``): a position (latitude, longitude; a merged province's is the mean of its
predecessors') is projected to grid units, x = longitude × cos 16° (the country's middle
latitude) ÷ cell, y = −latitude ÷ cell, the cell being ``CELL_DEGREES`` for 63 provinces and
larger for fewer (× √(63 ÷ n)) so the map keeps its size. Each province then gets one cell of the
surrounding grid so that the sum of squared distances from positions to cells is least (an optimal
assignment, ``scipy.optimize.linear_sum_assignment`` over provinces sorted by id: deterministic,
no two tiles share a cell, and no two provinces trade places along the line between them, since
swapping their cells would cost more). Empty rows and columns are removed last (``close_up``) so
the tiles close up; a monotone squeeze, so north stays north and west stays west.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from parlib.core import paths
from parlib.core.errors import DataError, Problem
from parlib.history.lineage import Lineage

CENTRES = Path(__file__).with_name("geo") / "vn_province_centres.csv"
CENTRE_COLUMNS = ["unit_id", "unit_name", "centre", "lat", "lon", "abbr"]
CELL_DEGREES = 0.6  # one tile per 0.6° of latitude for the 63 provinces (about 67 km)
MID_LATITUDE = 16.0  # degrees: longitude is shrunk by its cosine, as on a map of the country
MARGIN_CELLS = 2  # candidate cells around the positions' bounding box
BOUNDS = {"lat": (8.0, 24.0), "lon": (102.0, 110.0)}  # Vietnam's mainland, roughly
PREFIX = re.compile(r"^\s*(?:TP\.|Thành phố|Tỉnh)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Tile:
    """One province's square: where it is (``col`` from the west, ``row`` from the north)."""

    unit_id: str
    name: str
    abbr: str
    lat: float
    lon: float
    col: int
    row: int


@dataclass(frozen=True)
class Layout:
    """The tiles of one map, sorted by unit id, and the grid's size."""

    tiles: tuple[Tile, ...]

    @property
    def columns(self) -> int:
        return max(t.col for t in self.tiles) + 1

    @property
    def rows(self) -> int:
        return max(t.row for t in self.tiles) + 1

    def by_id(self) -> dict[str, Tile]:
        """Unit id → its tile."""
        return {t.unit_id: t for t in self.tiles}


def centres() -> pd.DataFrame:
    """The shipped positions (a copy: callers may change it)."""
    return _centres().copy()


@cache
def _centres() -> pd.DataFrame:
    """The shipped positions of the 63 provinces of 2012–2024, checked: one row per unit id, a
    position inside Vietnam, a unique non-empty label of at most four letters."""
    table = pd.read_csv(CENTRES, dtype=str, keep_default_na=False, encoding="utf-8")
    shown = paths.display(CENTRES)
    problems = [
        Problem("critical", "centres_missing_column", shown, value=c, expected="a column " + c)
        for c in CENTRE_COLUMNS
        if c not in table.columns
    ]
    if problems:
        raise DataError(f"{shown}: missing columns", problems)
    for col in ("lat", "lon"):
        table[col] = pd.to_numeric(table[col], errors="coerce")
    for row_no, row in enumerate(table.itertuples(index=False), start=2):
        for col, (low, high) in BOUNDS.items():
            value = getattr(row, col)
            if not low <= value <= high:  # NaN fails too
                problems.append(
                    Problem(
                        "critical",
                        "centre_outside_vietnam",
                        shown,
                        row=row_no,
                        unit_id=row.unit_id,
                        value=str(value),
                        expected=f"{col} between {low} and {high}",
                        message="the position is not in Vietnam",
                    )
                )
        if not row.unit_id or not 1 <= len(row.abbr) <= 4:
            problems.append(
                Problem(
                    "critical",
                    "centre_bad_label",
                    shown,
                    row=row_no,
                    unit_id=row.unit_id,
                    value=row.abbr,
                    expected="a unit id and a label of 1 to 4 letters",
                )
            )
    for col in ("unit_id", "abbr"):
        for row_no in table.index[table.duplicated(col, keep=False)]:
            problems.append(
                Problem(
                    "critical",
                    f"centre_duplicate_{col}",
                    shown,
                    row=int(row_no) + 2,
                    unit_id=table.at[row_no, "unit_id"],
                    value=table.at[row_no, col],
                    expected=f"one row per {col}",
                )
            )
    if problems:
        raise DataError(f"{shown}: the province positions have problems", problems)
    return table[CENTRE_COLUMNS].sort_values("unit_id").reset_index(drop=True)


def _plain(name: str) -> str:
    """A name without its ``TP.`` / ``Thành phố`` / ``Tỉnh`` prefix, for comparing names."""
    return PREFIX.sub("", str(name)).strip().casefold()


def abbreviation(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A short label made from a name: a one-word name itself (``Huế``), else the initials of its
    words (``Hà Nội`` → ``HN``); letters of the last word are added while the label is ``taken``."""
    words = re.findall(r"[^\W\d_]+", PREFIX.sub("", str(name)))
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:4]
    label = "".join(w[0].upper() for w in words)[:4]
    for extra in range(1, len(words[-1])):
        if label not in taken:
            break
        label = "".join(w[0].upper() for w in words[:-1]) + words[-1][: extra + 1]
    return label


def _effective(row) -> str:
    """The ISO date a lineage row takes effect: its ``date`` (a year alone is its 1 January),
    else 1 January of ``from_year``."""
    date = str(getattr(row, "date", "") or "").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return date
    year = date if re.fullmatch(r"\d{4}", date) else str(int(row.from_year))
    return f"{year}-01-01"


def provinces_at(year: int, lineage: Lineage | pd.DataFrame | None = None) -> pd.DataFrame:
    """The provinces on the map at the end of ``year``: the shipped 63, then every lineage event
    that takes effect by 31 December of ``year``, one date after another (the events of one date
    together, so that a split reads its predecessor before the merger removes it). A successor's
    position is the mean of its predecessors' on the map; its label is that of the predecessor of
    the same name, else one made from its name. Rows whose predecessors are not on the map (the
    ministries' reorganisation) are left out. Columns ``unit_id, unit_name, lat, lon, abbr``."""
    state = {r.unit_id: r._asdict() for r in centres().itertuples(index=False)}
    table = getattr(lineage, "table", lineage)
    if table is None or table.empty:
        return _frame(state)
    rows = table.assign(_when=[_effective(r) for r in table.itertuples(index=False)])
    rows = rows[rows["_when"] <= f"{int(year)}-12-31"]
    for _, batch in rows.groupby("_when", sort=True):
        new, gone = {}, set()
        for unit_id, group in batch.groupby("unit_id", sort=True):
            preds = sorted(p for p in set(group["predecessor_id"]) if p in state)  # order-free
            if not preds:
                continue
            name = str(group["unit_name"].iloc[0])
            same = [p for p in preds if _plain(state[p]["unit_name"]) == _plain(name)]
            new[unit_id] = {
                "unit_id": unit_id,
                "unit_name": name,
                "lat": round(float(np.mean([state[p]["lat"] for p in preds])), 6),
                "lon": round(float(np.mean([state[p]["lon"] for p in preds])), 6),
                "abbr": state[same[0]]["abbr"] if same else "",
            }
            gone.update(preds)
        for unit_id in gone:
            state.pop(unit_id)
        taken = {v["abbr"] for v in state.values()} | {v["abbr"] for v in new.values()}
        for entry in new.values():
            if not entry["abbr"]:
                entry["abbr"] = abbreviation(entry["unit_name"], taken)
                taken.add(entry["abbr"])
        state.update(new)
    return _frame(state)


def _frame(state: dict[str, dict]) -> pd.DataFrame:
    columns = ["unit_id", "unit_name", "lat", "lon", "abbr"]
    rows = [{c: v[c] for c in columns} for v in state.values()]
    return pd.DataFrame(rows, columns=columns).sort_values("unit_id").reset_index(drop=True)


def projected(points: pd.DataFrame, cell: float) -> np.ndarray:
    """Positions in grid units (x east, y south), in the order of ``points``."""
    shrink = math.cos(math.radians(MID_LATITUDE))
    return np.column_stack(
        [points["lon"].to_numpy(float) * shrink / cell, -points["lat"].to_numpy(float) / cell]
    )


def assign_cells(xy: np.ndarray) -> np.ndarray:
    """One distinct integer cell per point (rows of ``xy``), the sum of squared distances from
    points to their cells least; cells are drawn from the points' bounding box plus a margin."""
    low = np.floor(xy.min(axis=0)) - MARGIN_CELLS
    high = np.ceil(xy.max(axis=0)) + MARGIN_CELLS
    xs = np.arange(low[0], high[0] + 1)
    ys = np.arange(low[1], high[1] + 1)
    cells = np.array([(x, y) for y in ys for x in xs])
    cost = ((xy[:, None, :] - cells[None, :, :]) ** 2).sum(axis=2)
    points, chosen = linear_sum_assignment(cost)
    out = np.empty_like(xy)
    out[points] = cells[chosen]
    return out.astype(int)


def close_up(cells: np.ndarray) -> np.ndarray:
    """The cells with every empty column and row removed, counted from 0 (west, north)."""
    cols = np.unique(cells[:, 0])
    rows = np.unique(cells[:, 1])
    return np.column_stack([np.searchsorted(cols, cells[:, 0]), np.searchsorted(rows, cells[:, 1])])


def cell_degrees(n: int) -> float:
    """The cell size for a map of ``n`` provinces: ``CELL_DEGREES`` at 63, × √(63 ÷ n)."""
    return CELL_DEGREES * math.sqrt(len(centres()) / max(n, 1))


def grid_cells(points: pd.DataFrame) -> np.ndarray:
    """(column, row) of each row of ``points`` (``lat``, ``lon``), tiles closed up."""
    return close_up(assign_cells(projected(points, cell_degrees(len(points)))))


def layout(year: int, lineage: Lineage | pd.DataFrame | None = None) -> Layout:
    """The tile layout of the provinces on the map at the end of ``year`` (``provinces_at``)."""
    points = provinces_at(year, lineage)
    cells = grid_cells(points)
    return Layout(
        tuple(
            Tile(r.unit_id, r.unit_name, r.abbr, r.lat, r.lon, int(c), int(w))
            for r, (c, w) in zip(points.itertuples(index=False), cells, strict=True)
        )
    )
