"""Leaves per framework: which leaf of the year's framework table each score row is scored on,
looked up in the framework of the row's block (codes may repeat across the blocks' frameworks).

In: ``YearInputs``. Out: per score row, its framework id (``row_frameworks``) and the position of its
leaf in ``inputs.framework`` (``leaf_positions``; -1 when none); the (unit, leaf) cells each unit
must have a row for when units are scored on different leaves (``block_grid``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.config import framework as fwk
from parlib.ingest.inputs import YearInputs


def row_frameworks(inputs: YearInputs) -> pd.Series:
    """The framework id each score row is scored on: its block's ("" when unknown)."""
    yc = inputs.year
    by_block = {
        b.id: (yc.block_framework(b).id if yc.block_framework(b) else "") for b in yc.blocks
    }
    sc = inputs.scores
    block = sc["block"] if "block" in sc.columns else pd.Series("", index=sc.index)
    fallback = sc["file_block"] if "file_block" in sc.columns else pd.Series("", index=sc.index)
    block = block.where(block != "", fallback)
    if len(by_block) == 1 and not yc.declared_blocks:
        return pd.Series(next(iter(by_block.values())), index=sc.index, dtype="str")
    return block.map(by_block).fillna("").astype("str")


def leaf_positions(inputs: YearInputs) -> np.ndarray:
    """Per score row: the position of its leaf in ``inputs.framework`` (-1 when none), looked up
    in the row's block's framework (by code alone when the framework table names none)."""
    fw = inputs.framework
    leaves = fw.index[fw["is_leaf"].to_numpy(bool)]
    named = "framework" in fw.columns and (fw["framework"] != "").any()
    keys = (fw.loc[leaves, "framework"] + "\x1f" if named else "") + fw.loc[leaves, "code"]
    first = pd.Series(leaves, index=keys.to_numpy())
    first = first[~first.index.duplicated()]
    sc = inputs.scores
    wanted = (row_frameworks(inputs) + "\x1f" if named else "") + sc["criterion"]
    at = first.reindex(wanted.to_numpy()).to_numpy()
    return np.where(pd.isna(at), -1, at).astype("int64")


def specific(inputs: YearInputs) -> bool:
    """Whether units are scored on different leaves: several frameworks, or unit-specific
    criteria (``applies_to``)."""
    fw = inputs.framework
    several = len(inputs.year.frameworks) > 1
    return several or ("applies_to" in fw.columns and (fw["applies_to"] != "").any())


def block_grid(inputs: YearInputs, assessed) -> pd.DataFrame:
    """Every (assessed unit, leaf of its block's framework that applies to it), with whether it
    has a row."""
    yc, fw = inputs.year, inputs.framework
    by_block = {
        b.id: (yc.block_framework(b).id if yc.block_framework(b) else "") for b in yc.blocks
    }
    reg = inputs.units.drop_duplicates("unit_id").set_index("unit_id")
    units = pd.DataFrame({"unit_id": pd.Series(assessed, dtype=object)})
    units["kind"] = units["unit_id"].map(reg["kind"]).fillna("")
    block = units["unit_id"].map(reg["block"]) if "block" in reg else "all"
    units["framework"] = pd.Series(block).map(by_block).fillna("")
    leaves = fw.loc[fw["is_leaf"], ["framework", "code", "applies_to"]].drop_duplicates(
        ["framework", "code"]
    )
    if len(by_block) == 1 or (leaves["framework"] == "").all():
        leaves = leaves.assign(framework=units["framework"].iloc[0] if len(units) else "")
    optional = {c.id for f in yc.frameworks.values() for c in f.components if not c.in_maximum}
    leaves = leaves[~fw.loc[leaves.index, "component"].isin(optional)]  # bonus, penalty: optional
    grid = units.merge(leaves, on="framework", how="inner")
    keep = [
        fwk.applies(a, u, k)
        for a, u, k in zip(grid["applies_to"], grid["unit_id"], grid["kind"], strict=True)
    ]
    grid = grid[np.asarray(keep, dtype=bool)].rename(columns={"code": "criterion"})
    rows = set(zip(inputs.scores["unit_id"], inputs.scores["criterion"], strict=True))
    has = [(u, c) in rows for u, c in zip(grid["unit_id"], grid["criterion"], strict=True)]
    out = grid[["unit_id", "criterion"]].astype("str").reset_index(drop=True)
    out["has_row"] = np.asarray(has, dtype=bool)
    return out
