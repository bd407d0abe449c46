"""Score: tidy inputs → unit, area and criterion indexes, ranks, bands and points deducted, per block.

In: ``YearInputs`` (validated). Out: ``Results`` with named tables:

- ``points``: one row per unit × leaf × component, with its maximum, whether it applies (KPS = not
  arising removes it), self-assessed and counted points (appraisal rounds where they exist);
- ``unit_index``: per unit, achieved ÷ applicable maximum × 100, rank within its block (ties share
  the best rank) and across blocks (``rank_all``), band, the core index on the appraised parts only
  (``core.core_index``), self-assessed points and every component's points and maximum, points
  deducted (self − appraised; NaN when no self-assessment is known);
- ``area_index`` and ``criterion_index``: the same ratio for every area and every node of the tree;
- ``reconciliation``: every published figure beside the computed one, with the rounding tolerance;
  ``conflicts``: the figures other sources published for the same unit and measure;
- ``blocks`` and ``components``: the blocks ranked and the parts each block's framework combines.

``compute`` is the stage's entry point; ``Results.save`` writes the tables as ``<name>.csv`` and
``Results.load`` reads them back (one of them: ``load_table``).

Formula (MoHA, e.g. QĐ 1149/QĐ-BNV): index (%) = points achieved ÷ maximum points × 100, the same for
each area and criterion. Units are only scored on criteria that arose for them, so maxima differ.
Points achieved = assessed and measured parts + bonus − penalty (each at most its cap); the maximum
is the assessed and measured parts' only; the index is at most the framework's ``index_cap``.
Each block is computed on its own framework, rows and bands (``blocks.split``); a year of
published results only is read from the published figures (``published.results``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from parlib.core import paths
from parlib.core.storage import write_csv
from parlib.ingest.inputs import YearInputs
from parlib.score import published as published_only
from parlib.score.arithmetic import assign_bands, rank_desc, round_half_up
from parlib.score.blocks import BlockInputs, blocks_table, components_table, split, unit_columns
from parlib.score.core import core_index
from parlib.score.measures import (
    ASSESSED_BASE,
    aggregate,
    ancestor_rows,
    grouped_sums,
    measure_blocks,
    measures_frame,
    with_names,
)
from parlib.score.points import points_table, self_known
from parlib.score.reconcile import conflicts, reconcile
from parlib.score.tables import load_table

__all__ = ["Results", "aggregate", "compute", "save"]


def _outside_maximum(unit: pd.DataFrame, components) -> None:
    """Bonus and penalty points at most their caps, added to / taken from the points achieved."""
    for c in components:
        if c.kind not in ("bonus", "penalty"):
            continue
        col = c.points_column
        if c.cap is not None:
            unit[f"{col}_before_cap"] = unit[col]
            unit[col] = np.minimum(unit[col], float(c.cap))
        sign = 1.0 if c.kind == "bonus" else -1.0
        unit["achieved_points"] = unit["achieved_points"] + sign * unit[col]


def _block(b: BlockInputs, inputs: YearInputs) -> dict[str, pd.DataFrame]:
    """Every table of one block, from its own rows."""
    yc = inputs.year
    decimals = yc.decimals
    comps = b.components
    fwc = b.framework_config
    known = self_known(comps, b.scores, yc.self_assessment)
    points, unit_codes, crit = points_table(b.framework, b.scores, comps, known)
    m = measure_blocks(points, comps)
    measures = measures_frame(m)
    unit = grouped_sums(measures, [("unit_id", *unit_codes)])[0]
    _outside_maximum(unit, comps)
    if not any(known):  # no self-assessment this year: nothing deducted can be said
        unit["self_points"] = np.nan
    published = b.published
    if "source_file" not in published.columns:
        shown = paths.display(yc.published) if yc.published is not None else ""
        published = published.assign(source_file=shown)
    cap = fwc.index_cap if fwc is not None else None
    unit, recon = reconcile(unit, published, decimals, yc.prefer_published_totals, comps, cap)
    units = b.units[["unit_id", "unit_name", "kind", "group"]]
    names = units.drop_duplicates("unit_id").set_index("unit_id")["unit_name"]
    recon["unit_name"] = recon["unit_id"].map(names).fillna("").astype("str")
    recon["block"] = b.block.id
    unit = units.merge(unit, on="unit_id", how="inner")
    unit.insert(0, "year", yc.year)
    unit["index_pct"] = round_half_up(unit["index_pct_exact"], decimals)
    unit["rank"] = rank_desc(unit["index_pct"])
    unit["rank_of"] = int(unit["index_pct"].notna().sum())
    unit["band"] = assign_bands(unit["index_pct"], b.bands)
    unit = core_index(unit, comps, decimals)
    extra = [c for c in unit.columns if c.startswith("round_") or c.endswith("_before_cap")]
    extra += ["n_explanations"] if "n_explanations" in unit.columns else []
    unit = unit[unit_columns(comps) + extra].sort_values(["rank", "unit_id"], ignore_index=True)
    _name_block(unit, b)
    unit["self_known"] = bool(any(known))
    unit["source"] = "computed"

    # area and criterion tables grouped by integer codes (the values are looked up per criterion)
    fw_names = b.framework.drop_duplicates("code").set_index("code")[
        ["name_vi", "name_en", "level"]
    ]
    area_of = np.empty(len(crit[1]), dtype=object)
    area_of[crit[0]] = points["area"].to_numpy(dtype=object)  # a leaf's area follows from its code
    area_codes, area_values = pd.factorize(area_of, sort=True)
    area_values = np.asarray(area_values, dtype=object)
    area, group_codes = grouped_sums(
        measures,
        [("unit_id", *unit_codes), ("area", area_codes.astype("int64")[crit[0]], area_values)],
    )
    area = with_names(
        area.drop(columns=ASSESSED_BASE), "area", fw_names, (group_codes["area"], area_values)
    )
    area["index_pct"] = round_half_up(area["index_pct_exact"], decimals)
    area.insert(0, "year", yc.year)
    area["block"] = b.block.id

    # every node of the tree from the rows of its leaves (each row repeated per ancestor)
    rows, nodes = ancestor_rows(crit)
    node, group_codes = grouped_sums(
        measures_frame(m, rows),
        [("unit_id", unit_codes[0][rows], unit_codes[1]), ("code", *nodes)],
    )
    node = with_names(
        node.drop(columns=ASSESSED_BASE), "code", fw_names, (group_codes["code"], nodes[1])
    )
    node["index_pct"] = round_half_up(node["index_pct_exact"], decimals)
    node.insert(0, "year", yc.year)
    node["block"] = b.block.id

    points["block"] = b.block.id
    recon.insert(0, "year", yc.year)
    return {
        "points": points,
        "unit_index": unit,
        "area_index": area,
        "criterion_index": node,
        "reconciliation": recon,
    }


def _name_block(unit: pd.DataFrame, b: BlockInputs) -> None:
    unit["block"] = b.block.id
    unit["block_name_vi"] = b.block.name_vi
    unit["block_name_en"] = b.block.name_en
    unit["framework"] = b.framework_config.id if b.framework_config is not None else ""


def combine(tables: list[dict[str, pd.DataFrame]], name: str) -> pd.DataFrame:
    """One table of every block's, in the order of blocks (one block: its table as it is)."""
    if len(tables) == 1:
        return tables[0][name]
    parts = [t[name] for t in tables if len(t[name])] or [tables[0][name]]
    return pd.concat(parts, ignore_index=True, sort=False)


def rank_across(unit: pd.DataFrame) -> pd.DataFrame:
    """``rank_all`` / ``rank_all_of``: the rank among every unit of the year, whatever its block
    (shown only in a view labelled cross-block)."""
    unit["rank_all"] = rank_desc(unit["index_pct"])
    unit["rank_all_of"] = int(unit["index_pct"].notna().sum())
    return unit


@dataclass
class Results:
    """The score step's tables of one dataset-year; each saved as ``<name>.csv`` (``TABLES``)."""

    points: pd.DataFrame
    unit_index: pd.DataFrame
    area_index: pd.DataFrame
    criterion_index: pd.DataFrame
    reconciliation: pd.DataFrame
    blocks: pd.DataFrame = field(default_factory=pd.DataFrame)
    components: pd.DataFrame = field(default_factory=pd.DataFrame)
    conflicts: pd.DataFrame = field(default_factory=pd.DataFrame)

    TABLES = (
        "unit_index",
        "area_index",
        "criterion_index",
        "reconciliation",
        "points",
        "blocks",
        "components",
        "conflicts",
    )
    OPTIONAL = ("blocks", "components", "conflicts")  # results saved before issue #12 lack them

    def save(self, out_dir: Path) -> list[Path]:
        """Write every table to ``out_dir/<name>.csv``."""
        return [
            write_csv(getattr(self, name), Path(out_dir) / f"{name}.csv") for name in self.TABLES
        ]

    @classmethod
    def load(cls, out_dir: Path) -> Results:
        """Read back what ``save`` wrote (text columns as text, ranks as integers)."""
        return cls(
            **{
                name: load_table(out_dir, name)
                for name in cls.TABLES
                if name not in cls.OPTIONAL or (Path(out_dir) / f"{name}.csv").is_file()
            }
        )

    def block_of(self, block: str) -> Results:
        """The tables of one block only (its units, points, indexes and published figures)."""

        def rows(table: pd.DataFrame) -> pd.DataFrame:
            if "block" not in table.columns:
                return table
            return table[table["block"] == block].reset_index(drop=True)

        return Results(**{name: rows(getattr(self, name)) for name in self.TABLES})


def compute(inputs: YearInputs) -> Results:
    """All indexes of one dataset-year, block by block."""
    parts = split(inputs)
    if inputs.year.published_only:
        tables = [published_only.block_results(b, inputs) for b in parts]
    else:
        tables = [_block(b, inputs) for b in parts]
    unit = rank_across(combine(tables, "unit_index"))
    return Results(
        points=combine(tables, "points"),
        unit_index=unit,
        area_index=combine(tables, "area_index"),
        criterion_index=combine(tables, "criterion_index"),
        reconciliation=combine(tables, "reconciliation"),
        blocks=blocks_table(inputs.year, parts, unit),
        components=components_table(parts),
        conflicts=conflicts(inputs.published),
    )


def save(results: Results, out_dir) -> list:
    """``results.save(out_dir)`` (the name notebooks used before ``Results.save``)."""
    return results.save(out_dir)
