"""Blocks: one dataset-year's inputs split by block (khối), and the ``blocks`` and ``components``
tables of its results.

In: ``YearInputs``. Each block takes its framework's rows (the tidy framework's ``framework``
column), its units (the ``block`` column of the tidy units, else ``BlockConfig.holds`` on id and
kind), their score rows and published figures (their ``block`` column, else by unit), and its bands
(rows of a ``block`` column naming it, else the rows naming no block). Tables without these columns
(old tidy tables, hand-made inputs) make one block of everything, on the year's framework.
Out: ``BlockInputs`` per block; ``blocks_table`` and ``components_table``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from parlib.config.dataset import FrameworkConfig, YearConfig
from parlib.config.model import LEGACY_COMPONENTS, BlockConfig, ComponentConfig
from parlib.ingest.inputs import YearInputs
from parlib.score.core import CORE_COLUMNS

BLOCK_COLUMNS = ["block", "name_vi", "name_en", "framework", "methodology", "n_units"]
BLOCK_COLUMNS += ["published_only"]
BLOCK_COLUMNS_UNIT = ["block", "block_name_vi", "block_name_en", "framework"]
COMPONENT_COLUMNS = [
    "block",
    "component",
    "kind",
    "label_vi",
    "label_en",
    "max",
    "cap",
    "in_maximum",
    "self_assessed",
    "points_column",
    "max_column",
]


def unit_columns(components) -> list[str]:
    """The unit_index columns every year has, in order (for appraisal + survey: as before, with
    the core index after the band)."""
    return [
        "year",
        "unit_id",
        "unit_name",
        "kind",
        "group",
        "achieved_points",
        "max_points",
        "index_pct",
        "rank",
        "rank_of",
        "band",
        *CORE_COLUMNS,
        "self_points",
        *[c.points_column for c in components],
        "points_deducted",
        *[c.max_column for c in components],
        "max_points_full",
        "index_pct_exact",
        "achieved_from_parts",
        "totals_source",
        *[f"n_{c.id}_parts" for c in components],
        "n_not_arising",
    ]


TAIL = [*BLOCK_COLUMNS_UNIT, "self_known", "source"]


@dataclass
class BlockInputs:
    """The rows of one block: its framework, units, scores, published figures and bands."""

    block: BlockConfig
    framework_config: FrameworkConfig | None
    framework: pd.DataFrame
    units: pd.DataFrame
    scores: pd.DataFrame
    published: pd.DataFrame
    bands: pd.DataFrame

    @property
    def components(self) -> tuple[ComponentConfig, ...]:
        fwc = self.framework_config
        return fwc.components if fwc is not None else LEGACY_COMPONENTS


def _units_of(units: pd.DataFrame, block: BlockConfig, only: bool) -> pd.Series:
    if "block" in units.columns:
        return units["block"].fillna("").astype("str") == block.id
    if only:
        return pd.Series(True, index=units.index)
    kinds = units["kind"] if "kind" in units.columns else pd.Series("", index=units.index)
    return pd.Series(
        [block.holds(str(u), str(k)) for u, k in zip(units["unit_id"], kinds)], index=units.index
    )


def _rows_of(table: pd.DataFrame, block: BlockConfig, unit_ids: set, only: bool) -> pd.DataFrame:
    if table is None:  # a published-results-only year may have no score table at all
        return pd.DataFrame({"unit_id": pd.Series(dtype="str")})
    if "block" in table.columns and (table["block"].fillna("") != "").any():
        return table[table["block"].fillna("").astype("str") == block.id]
    if only:
        return table
    return table[table["unit_id"].isin(unit_ids)]


def bands_of(bands: pd.DataFrame, block_id: str) -> pd.DataFrame:
    """The block's bands: the rows naming it, else the rows naming no block."""
    if "block" not in bands.columns:
        return bands
    named = bands["block"].fillna("").astype("str")
    own = bands[named == block_id]
    return own if len(own) else bands[named == ""]


def split(inputs: YearInputs) -> list[BlockInputs]:
    """Every block's inputs, in the year's order of blocks."""
    yc: YearConfig = inputs.year
    blocks = yc.blocks
    only = len(blocks) == 1
    out = []
    for block in blocks:
        fwc = yc.block_framework(block)
        fw = inputs.framework
        if fw is not None and "framework" in fw.columns and fwc is not None:
            named = fw[fw["framework"].astype("str") == fwc.id]
            fw = named if len(named) or not only else fw  # one block: an unnamed table is its own
        units = inputs.units[_units_of(inputs.units, block, only)]
        ids = set(units["unit_id"])
        out.append(
            BlockInputs(
                block=block,
                framework_config=fwc,
                framework=fw,
                units=units,
                scores=_rows_of(inputs.scores, block, ids, only),
                published=_rows_of(inputs.published, block, ids, only),
                bands=bands_of(inputs.bands, block.id),
            )
        )
    return out


def blocks_table(
    yc: YearConfig, parts: list[BlockInputs], unit_index: pd.DataFrame
) -> pd.DataFrame:
    """One row per block: its names, framework, the decision it follows, units ranked, and
    whether the year is published results only."""
    rows = []
    for p in parts:
        fwc = p.framework_config
        n = int((unit_index["block"] == p.block.id).sum()) if "block" in unit_index else 0
        rows.append(
            {
                "block": p.block.id,
                "name_vi": p.block.name_vi,
                "name_en": p.block.name_en,
                "framework": fwc.id if fwc is not None else "",
                "methodology": fwc.decision if fwc is not None else "",
                "n_units": n,
                "published_only": bool(yc.published_only),
            }
        )
    return pd.DataFrame(rows, columns=BLOCK_COLUMNS).astype({"n_units": "int64"})


def components_table(parts: list[BlockInputs]) -> pd.DataFrame:
    """One row per block × component: kind, labels, maximum and cap, whether it counts in the
    maximum and is self-assessed, and the result columns holding its points and maximum."""
    return components_frame(
        (p.block.id, c) for p in parts if p.framework_config is not None for c in p.components
    )


def components_frame(pairs) -> pd.DataFrame:
    """The ``components`` table of (block id, ``ComponentConfig``) pairs (``COMPONENT_COLUMNS``)."""
    rows = [
        {
            "block": block,
            "component": c.id,
            "kind": c.kind,
            "label_vi": c.label_vi,
            "label_en": c.label_en,
            "max": c.max,
            "cap": c.cap,
            "in_maximum": c.in_maximum,
            "self_assessed": c.self_assessed,
            "points_column": c.points_column,
            "max_column": c.max_column,
        }
        for block, c in pairs
    ]
    return pd.DataFrame(rows, columns=COMPONENT_COLUMNS).astype(
        {"max": "float64", "cap": "float64"}
    )
