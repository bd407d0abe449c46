"""Published results only: a year whose figures are read as printed (no score file, no criteria).

In: a block's inputs (``blocks.BlockInputs``) of a ``published_only`` year: its units and its
published figures (``index_pct``, ``rank``, ``rank_of``, ``band``, component totals). Out: the
block's tables: ``unit_index`` from the published figures (``source`` = ``published``); ``points``,
``area_index`` and ``criterion_index`` empty with their columns; ``reconciliation`` only where the
block's framework is parts only with every in-maximum part's ``max`` (or its ``declared_total``)
declared, so the index can be computed from the printed parts (Σ parts + bonus − penalty ÷ Σ
maxima, or ÷ the declared total, × 100) and set beside the
printed index, within n printed parts × ½·10⁻ᵈ (as a percentage of the maximum) + ½·10⁻ᵈ.

The index shown is the printed one; where none is printed, the one computed from the parts. Ranks
are the printed ones, else made within the block from the index; bands likewise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.core import paths
from parlib.ingest.inputs import YearInputs
from parlib.score.arithmetic import assign_bands, bounded_index, rank_desc, round_half_up
from parlib.score.blocks import TAIL, BlockInputs, unit_columns
from parlib.score.core import core_index
from parlib.score.reconcile import COLUMNS, _status, primary

POINTS_COLUMNS = ["unit_id", "criterion", "area", "component", "max_points", "applicable"]
POINTS_COLUMNS += ["self_points", "points", "block"]


def _sums_columns(components, key: str) -> list[str]:
    return [
        "year",
        "unit_id",
        key,
        "achieved_points",
        "max_points",
        "self_points",
        *[c.points_column for c in components],
        *[c.max_column for c in components],
        "max_points_full",
        *[f"n_{c.id}_parts" for c in components],
        "n_not_arising",
        "index_pct_exact",
        "points_deducted",
        "name_vi",
        "name_en",
        "level",
        "index_pct",
        "block",
    ]


def _empty(columns: list[str]) -> pd.DataFrame:
    text = {"unit_id", "criterion", "area", "code", "component", "name_vi", "name_en", "level"}
    text |= {"block"}
    return pd.DataFrame(
        {
            c: pd.Series(dtype="str" if c in text else ("bool" if c == "applicable" else "float64"))
            for c in columns
        }
    )


def _band_text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def block_results(b: BlockInputs, inputs: YearInputs) -> dict[str, pd.DataFrame]:
    """The tables of one block of a published-results-only year."""
    yc = inputs.year
    decimals = yc.decimals
    exact = 0.5 * 10.0 ** (-decimals)
    comps = b.components if b.framework_config is not None else ()
    pub = primary(b.published).drop_duplicates(["unit_id", "measure"])
    wide = pub.pivot(index="unit_id", columns="measure", values="value")
    units = b.units[["unit_id", "unit_name", "kind", "group"]]
    unit = units[units["unit_id"].isin(wide.index)].reset_index(drop=True)
    got = wide.reindex(unit["unit_id"])

    def printed(measure: str) -> np.ndarray:
        if measure not in got.columns:
            return np.full(len(unit), np.nan)
        return pd.to_numeric(got[measure], errors="coerce").to_numpy("float64")

    in_max = [c for c in comps if c.in_maximum]
    parts_known = len(in_max) > 0 and all(c.max is not None for c in in_max)
    # the published maxima of the parts unknown, the framework's declared total is the denominator
    # (the 2020 provincial results: four printed parts of a 100-point index)
    declared = b.framework_config.declared_total if b.framework_config is not None else None
    known = parts_known or (len(in_max) > 0 and declared is not None)
    achieved = np.zeros(len(unit))
    for c in comps:
        part = printed(c.total_measure)
        if c.kind in ("bonus", "penalty"):
            part = np.nan_to_num(part, nan=0.0)
            part = np.minimum(part, c.cap) if c.cap is not None else part
            achieved = achieved + (part if c.kind == "bonus" else -part)
        else:
            achieved = achieved + part  # NaN when a part is not printed
        unit[c.points_column] = part
        unit[c.max_column] = float(c.max) if c.max is not None else np.nan
        unit[f"n_{c.id}_parts"] = (~np.isnan(printed(c.total_measure))).astype("int64")
    maximum = float(sum(c.max for c in in_max)) if parts_known else (declared or np.nan)
    if known:
        cap = b.framework_config.index_cap
        outside = any(c.kind in ("bonus", "penalty") for c in comps)
        computed = bounded_index(achieved, np.full(len(unit), maximum), cap, floor=outside)
    else:
        computed = np.full(len(unit), np.nan)
        achieved = printed("achieved_total")
        maximum = printed("max_total")
    index_printed = printed("index_pct")
    unit.insert(0, "year", yc.year)
    unit["achieved_points"] = achieved
    unit["max_points"] = maximum
    unit["index_pct_exact"] = np.where(np.isnan(computed), index_printed, computed)
    unit["index_pct"] = np.where(
        np.isnan(index_printed), round_half_up(computed, decimals), index_printed
    )
    rank = printed("rank")
    if len(unit) and not np.isnan(rank).any():
        unit["rank"] = pd.array(rank.round(), dtype="Int64")
    else:
        unit["rank"] = rank_desc(unit["index_pct"])
    rank_of = printed("rank_of")
    count = int(unit["index_pct"].notna().sum())
    # a printed rank is out of every unit ranked that year, not of the few units found here: the
    # count is kept only where the rank was made here (unknown, never "63 of 11", otherwise)
    ranks_printed = len(unit) > 0 and not np.isnan(rank).any()
    of = np.where(np.isnan(rank_of), np.nan if ranks_printed else count, rank_of)
    unit["rank_of"] = pd.array(pd.Series(of).round(), dtype="Int64")
    bands = got["band"].map(_band_text) if "band" in got.columns else None
    computed_bands = assign_bands(unit["index_pct"], b.bands)
    if bands is not None:
        unit["band"] = np.where(bands.to_numpy() != "", bands.to_numpy(), computed_bands)
    else:
        unit["band"] = computed_bands
    unit["band"] = unit["band"].astype("str")
    unit = core_index(unit, (), decimals)  # printed totals, not parts scored on the leaves: NaN
    unit["self_points"] = np.nan
    unit["points_deducted"] = np.nan
    unit["max_points_full"] = unit["max_points"]
    unit["achieved_from_parts"] = unit["achieved_points"] if known else np.nan
    unit["totals_source"] = "published"
    unit["n_not_arising"] = 0
    unit["block"] = b.block.id
    unit["block_name_vi"] = b.block.name_vi
    unit["block_name_en"] = b.block.name_en
    unit["framework"] = b.framework_config.id if b.framework_config is not None else ""
    unit["self_known"] = False
    unit["source"] = "published"
    unit = unit[unit_columns(comps) + TAIL].sort_values(["rank", "unit_id"], ignore_index=True)

    rows = []
    if known:
        where = pub.set_index(["unit_id", "measure"])
        for u in unit.itertuples():
            parts_printed = all(getattr(u, f"n_{c.id}_parts") for c in in_max)
            if not parts_printed or (u.unit_id, "index_pct") not in where.index:
                continue
            value = float(where.at[(u.unit_id, "index_pct"), "value"])
            n_parts = int(sum(getattr(u, f"n_{c.id}_parts") for c in comps))
            # n printed parts, no printed total between them and the index (reconcile.py counts one)
            tol = n_parts * exact * 100.0 / u.max_points + exact
            diff = round(float(round_half_up(u.index_pct_exact, decimals)) - value, 6)
            rows.append(
                {
                    "unit_id": u.unit_id,
                    "measure": "index_pct",
                    "computed": u.index_pct_exact,
                    "published": value,
                    "difference": diff,
                    "tolerance": tol,
                    "status": _status(diff, exact, tol),
                    "published_used": False,
                    "computed_from_parts": u.index_pct_exact,
                    "unit_name": u.unit_name,
                    "block": b.block.id,
                    "source_file": _cell(where, u.unit_id, "source_file", yc),
                    "source_row": _cell(where, u.unit_id, "source_row", yc),
                }
            )
    recon = pd.DataFrame(rows, columns=COLUMNS)
    recon["source_row"] = pd.to_numeric(recon["source_row"], errors="coerce").astype("Int64")
    recon.insert(0, "year", yc.year)
    return {
        "points": _empty(POINTS_COLUMNS),
        "unit_index": unit,
        "area_index": _empty(_sums_columns(comps, "area")),
        "criterion_index": _empty(_sums_columns(comps, "code")),
        "reconciliation": recon,
    }


def _cell(where: pd.DataFrame, unit_id: str, column: str, yc):
    if column in where.columns:
        return where.at[(unit_id, "index_pct"), column]
    if column == "source_file":
        return paths.display(yc.published) if yc.published is not None else ""
    return np.nan
