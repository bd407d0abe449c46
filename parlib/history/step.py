"""The history step: what a dataset-year's reports read across the dataset's years.

In: the dataset's config, the folder of its published years (``history_root``: every year's
``unit_index.csv``), optionally the year being built and its ``unit_index`` (still in staging), and
the dataset's optional ``lineage.csv`` and ``national_results.csv``. Out: ``History`` — the stacked
results of every published year up to that year, the lineage, the national results and the
previous year — with the views the reports show (movers since the previous year, one unit's
lineage-aware series, benchmarks, conflicts between sources, the series breaks of the lineage events
and each block's national trend). Nothing is saved: the history is
read from published outputs and shown, and ``gather`` is cheap (a few small tables).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from parlib.config.dataset import DatasetConfig
from parlib.history import breaks, lineage, trends
from parlib.history.lineage import Lineage


@dataclass(frozen=True)
class History:
    """A dataset across its years, as a report reads it."""

    table: pd.DataFrame  # every published year's unit results (``trends.HISTORY_COLUMNS``)
    lineage: Lineage | None  # the declared lineage (None: the dataset declares none)
    national: pd.DataFrame | None  # published national results (None: none declared)
    year: int | None  # the year the history runs up to (None: every published year)
    previous_year: int | None  # the dataset's declared year before ``year``
    method: str | None = None  # the declared ``lineage_method`` (None: no merged index, ever)
    config: DatasetConfig | None = None  # the dataset's config (for methodology per block)

    def previous(self) -> pd.DataFrame | None:
        """The previous year's published unit results (None when it has none)."""
        if self.previous_year is None:
            return None
        rows = self.table[self.table["year"] == self.previous_year]
        return rows.reset_index(drop=True) if len(rows) else None

    def movers(self, current: pd.DataFrame) -> pd.DataFrame | None:
        """Rank and index change of every unit since the previous year (``trends.movers``), or
        None when the previous year has no published results."""
        before = self.previous()
        return trends.movers(current, before) if before is not None else None

    def unit_series(self, unit_id: str) -> pd.DataFrame:
        """One unit's series with its predecessors and published figures (``trends.unit_series``)."""
        return trends.unit_series(unit_id, self.table, self.lineage, self.national)

    def benchmark(self, unit_id: str, region: str) -> pd.DataFrame | None:
        """The unit against the national and regional averages (None: no national results)."""
        return (
            trends.benchmark(self.national, unit_id, region) if self.national is not None else None
        )

    def conflicts(self) -> pd.DataFrame | None:
        """The conflicts between sources of the national results (None: no national results)."""
        return trends.conflicts(self.national) if self.national is not None else None

    def breaks(self) -> pd.DataFrame:
        """Every lineage event with the sentence on how a series compares across it
        (``breaks.EVENT_COLUMNS``)."""
        return breaks.events(self.lineage, self.table, self.method)

    def breaks_since_previous(self) -> pd.DataFrame:
        """The events between the previous year and this one (units compared across them are not
        movers: their series break)."""
        if self.year is None or self.previous_year is None:
            return pd.DataFrame(columns=breaks.EVENT_COLUMNS)
        return breaks.between(self.breaks(), self.previous_year, self.year)

    def unit_breaks(self, unit_id: str) -> pd.DataFrame:
        """The events one unit's series goes through, as successor or predecessor."""
        return breaks.unit_breaks(self.breaks(), unit_id)

    def trend(self) -> pd.DataFrame:
        """Each block's national trend across the years (``breaks.TREND_COLUMNS``), with the
        methodology changes and series breaks marked; empty without the config."""
        if self.config is None:
            return pd.DataFrame(columns=breaks.TREND_COLUMNS)
        return breaks.national_trend(self.config, self.table, self.national, self.breaks())

    def units_with_published(self, units: pd.DataFrame | None = None) -> list[tuple[str, str]]:
        """(unit id, name) of the units with published national figures."""
        return trends.units_with_published(self.table, self.national, units)


def gather(
    cfg: DatasetConfig,
    history_root: Path,
    year: int | None = None,
    current: pd.DataFrame | None = None,
) -> History:
    """The history of ``cfg``'s dataset up to ``year`` (every published year when None).

    ``current``: the ``unit_index`` of ``year`` as just built, used instead of that year's
    published table (a year's report depends only on itself and earlier years).
    """
    return History(
        table=trends.history(cfg, history_root, current, year),
        lineage=lineage.load_lineage(cfg),
        national=trends.load_national(cfg),
        year=year,
        previous_year=trends.previous_year(cfg, year) if year is not None else None,
        method=breaks.lineage_method(cfg),
        config=cfg,
    )
