"""One year's tables across its blocks: the framework table of every framework the year uses
(concatenated, a ``framework`` column naming each), the units with their block this year, and the
scores of every block's file or sheet (``block`` from the registry, ``file_block`` the block whose
file or sheet the row was read from, "" for the year's shared file).

In: the dataset and year config, the ``Notes`` of the read. Out: tidy tables for ``YearInputs``.
A year of published results only has an empty framework and empty scores with their columns.
Where the year knows no self-assessment (``self_assessment = false``), a self-assessed column
given anyway is never used: a warning ``self_assessment_ignored`` and the column emptied.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.config import framework as fwk
from parlib.config.dataset import DatasetConfig, YearConfig
from parlib.core.errors import Problem
from parlib.ingest import blocks as blk
from parlib.ingest import parts
from parlib.ingest.readers import Notes, read_framework, read_scores

FRAMEWORK_TEXT = ("code", "name_vi", "name_en", "applies_to", "framework", "source_file")


def components(yc: YearConfig):
    """Every part of the frameworks the year uses (the legacy two first)."""
    return parts.components_of(yc.frameworks.values() or ([yc.framework] if yc.framework else []))


def framework_table(yc: YearConfig, notes: Notes) -> pd.DataFrame:
    """Every framework of the year with criteria, one after the other."""
    tables = [
        read_framework(f.file, notes, f) for f in yc.frameworks.values() if f.file is not None
    ]
    if tables:
        return pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    cols = {c: pd.Series(dtype="str") for c in FRAMEWORK_TEXT}
    cols["source_row"] = pd.Series(dtype="int64")
    cols["max_points"] = pd.Series(dtype="float64")
    for c in components(yc):
        cols[c.max_column] = pd.Series(dtype="float64")
    return fwk.derive(pd.DataFrame(cols), components(yc))


def units_blocks(units: pd.DataFrame, yc: YearConfig) -> pd.DataFrame:
    """The registry with each unit's ``block`` this year and ``block_candidates``."""
    out = units.copy()
    out["block"], out["block_candidates"] = blk.assign(out, yc.blocks)
    return out


def _ignored(scores: pd.DataFrame, comps, notes: Notes) -> None:
    """Self-assessed cells given in a year without self-assessment: one warning per column,
    the cells emptied (never used)."""
    for c in comps:
        col = c.self_column
        if col not in scores.attrs.get("columns", []):
            continue
        s = parts.stem(col)
        given = (
            scores[col].notna() | scores[f"{s}_kps"] | (scores[f"{s}_unparsed"] != "")
        ).to_numpy(bool)
        if given.any():
            rows = scores.loc[given, "source_row"]
            notes.problems.append(
                Problem(
                    "warning",
                    "self_assessment_ignored",
                    scores["source_file"].iloc[0],
                    sheet=scores.attrs.get("sheet", ""),
                    row=int(rows.iloc[0]),
                    value=f"{col}: {int(given.sum())} cell(s)",
                    expected="no self-assessed scores (self_assessment = false this year)",
                    message=f"the year declares no self-assessment: column {col} is not used",
                    message_vi=f"năm này không có điểm tự đánh giá: cột {col} không được dùng",
                )
            )
        scores[col] = np.nan
        scores[f"{s}_kps"] = False
        scores[f"{s}_unparsed"] = ""


def scores_table(cfg: DatasetConfig, yc: YearConfig, units: pd.DataFrame, notes: Notes):
    """Every block's scores, one after the other, with ``block``, ``file_block`` and
    ``source_sheet``."""
    comps = components(yc)
    tables = []
    for path, sheet, block in blk.sources(yc):
        read = read_scores(path, notes, comps, sheet)
        if not yc.self_assessment:
            _ignored(read, comps, notes)
        read["file_block"] = block
        read["source_sheet"] = read.attrs.get("sheet", "")
        tables.append(read)
    if not tables:
        out = pd.DataFrame(
            {
                "source_file": pd.Series(dtype="str"),
                "source_row": pd.Series(dtype="int64"),
                "unit_id": pd.Series(dtype="str"),
                "criterion": pd.Series(dtype="str"),
                "unit_name": pd.Series(dtype="str"),
            }
        )
        parts.parse_parts(out, out, parts.score_columns(comps), {})
        out["file_block"] = pd.Series(dtype="str")
        out["source_sheet"] = pd.Series(dtype="str")
        tables = [out]
    scores = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    for col in [c for c in scores.columns if c.endswith("_unparsed")] + ["explanation"]:
        if col in scores.columns:
            scores[col] = scores[col].fillna("").astype("str")
    for col in [c for c in scores.columns if c.endswith("_kps")] + ["appraised_from_round"]:
        if col not in scores.columns:
            continue
        scores[col] = scores[col].fillna(False).astype("bool")
    registry = units.drop_duplicates("unit_id").set_index("unit_id")["block"]
    scores["block"] = scores["unit_id"].map(registry).fillna("").astype("str")
    if "source_file" in scores.columns and len(scores):
        scores["source_file"] = scores["source_file"].astype("str")
    scores.attrs = {}
    return scores
