"""Fairness within blocks: every analysis run on one block's units and points at a time, so groups,
peers, ranks and alternatives never mix blocks (a department is never compared with a ward), and
what cannot be analysed is recorded with its reason instead of zeros.

In: the score step's ``Results`` (with a ``block`` column on its tables; without one, one block),
the year's decimals, whether it is published results only, the declared alternatives, the
``FairnessParameters`` and the report language. Out: the fairness tables (each with a ``block``
column, blocks in the year's order), the Monte Carlo rank intervals, and ``skipped``: one row per
block × analysis not run (``block, analysis, reason, reason_vi, reason_en``).

Skipped, with the reason: the deduction analyses of a block whose self-assessment is not known
(``self_unknown``: self − appraised would claim 0 points deducted); every analysis of a year of
published results only (``published_only``: no criteria, no parts to compare).
Bonus and penalty parts are outside the maximum: the part-level analyses (like-for-like,
alternatives, rank intervals) use the assessed and measured parts only.
"""

from __future__ import annotations

import pandas as pd

from parlib.config.alternatives import Alternatives
from parlib.fairness import bias, deductions, robustness
from parlib.fairness.parameters import FairnessParameters
from parlib.fairness.robustness import RankIntervals
from parlib.score.compute import Results

SKIPPED_COLUMNS = ["block", "analysis", "reason", "reason_vi", "reason_en"]
DEDUCTIONS = ("deductions_by_unit", "deductions_by_area", "deductions_by_criterion")
DEDUCTIONS += ("deductions_detail",)
PARTS = ("like_for_like", "alternatives", "rank_intervals")
ALL = ("bias", "groups", "group_summary", *PARTS, *DEDUCTIONS)
REASONS = {
    "self_unknown": (
        "không có điểm tự đánh giá năm này: không tính được điểm bị trừ khi thẩm định",
        "no self-assessment is known this year: points deducted at appraisal cannot be computed",
    ),
    "published_only": (
        "năm chỉ có kết quả công bố: không có điểm từng tiêu chí để phân tích",
        "a year of published results only: there are no criterion scores to analyse",
    ),
}


ALTERNATIVE_COLUMNS = ["unit_id", "unit_name", "kind", "alternative", "rule"]
ALTERNATIVE_COLUMNS += ["official_index_pct", "official_rank", "index_pct", "rank"]
ALTERNATIVE_COLUMNS += ["index_change", "rank_change"]
INTERVAL_COLUMNS = ["unit_id", "unit_name", "kind", "index_pct", "rank", "rank_of"]
INTERVAL_COLUMNS += ["rank_median", "rank_p05", "rank_p95", "interval_width"]
INTERVAL_COLUMNS += ["official_in_interval", "draws", "seed"]


def _empty(columns: list[str]) -> pd.DataFrame:
    text = {"unit_id", "unit_name", "kind", "alternative", "rule"}
    return pd.DataFrame({c: pd.Series(dtype="str" if c in text else "float64") for c in columns})


def skipped_table(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """``rows``: (block, analysis, reason key of ``REASONS``)."""
    return pd.DataFrame(
        [(b, a, r, *REASONS[r]) for b, a, r in rows], columns=SKIPPED_COLUMNS, dtype="str"
    )


def block_ids(results: Results) -> list[str]:
    """The year's blocks in order (one block ``all`` when the results name none)."""
    if len(results.blocks) and "block" in results.blocks.columns:
        return results.blocks["block"].astype("str").tolist()
    if "block" in results.unit_index.columns:
        return list(dict.fromkeys(results.unit_index["block"].astype("str")))
    return ["all"]


def _in_maximum(results: Results, block: str) -> pd.DataFrame:
    points = results.points
    comps = results.components
    if not len(comps) or "in_maximum" not in comps.columns:
        return points
    mine = comps[(comps["block"] == block) & comps["in_maximum"].astype(bool)]
    return points[points["component"].isin(mine["component"])].reset_index(drop=True)


def _not_self_assessed(sub: Results, unit_index: pd.DataFrame) -> pd.Series | None:
    """Per unit, the points the self-assessment does not cover: the other in-maximum parts, plus
    bonus, minus penalty (None: the legacy survey points)."""
    comps = sub.components
    if not len(comps) or "points_column" not in comps.columns:
        return None
    total = pd.Series(0.0, index=unit_index.index)
    for c in comps.drop_duplicates("component").itertuples():
        if bool(c.self_assessed) or c.points_column not in unit_index.columns:
            continue
        sign = -1.0 if c.kind == "penalty" else 1.0
        total = total + sign * unit_index[c.points_column].fillna(0.0)
    return total


def _one_block(
    sub: Results, points: pd.DataFrame, decimals: int, declared, p, lang: str, self_known: bool
) -> dict:
    unit_index = sub.unit_index
    groups = bias.group_ranks(unit_index, p.group_tolerance_points)
    out = {
        "bias": bias.max_bias(unit_index, p.alpha),
        "groups": groups,
        "group_summary": bias.group_summary(groups),
        "like_for_like": bias.like_for_like(
            points, unit_index, bias.grouping(groups, p.like_for_like_groups), decimals
        ),
    }
    if len(unit_index):
        out["alternatives"] = robustness.compare_alternatives(
            points, unit_index, declared, decimals
        )
        out["intervals"] = robustness.rank_intervals(
            points, unit_index, declared, decimals, p.mc_draws, p.mc_seed
        )
    else:  # nothing to simulate: the tables with their columns
        out["alternatives"] = _empty(ALTERNATIVE_COLUMNS)
        out["intervals"] = RankIntervals(_empty(INTERVAL_COLUMNS), declared.monte_carlo, 0.0)
    known = points if self_known else points.iloc[0:0]  # unknown: no rows, the columns kept
    out["deductions_by_unit"] = deductions.by_unit(
        known, unit_index, decimals, _not_self_assessed(sub, unit_index)
    )
    if not self_known:
        out["deductions_by_unit"] = out["deductions_by_unit"].iloc[0:0]
    out["deductions_by_area"] = deductions.by_unit_area(known)
    out["deductions_by_criterion"] = deductions.by_criterion(known, sub.criterion_index, lang)
    out["deductions_detail"] = deductions.detail(known)
    return out


def block_tables(
    results: Results,
    decimals: int,
    published_only: bool,
    declared: Alternatives,
    p: FairnessParameters,
    lang: str,
) -> tuple[dict[str, pd.DataFrame], RankIntervals, pd.DataFrame]:
    """Every block's fairness tables, concatenated with their ``block``; the rank intervals; the
    analyses skipped and why."""
    blocks = block_ids(results)
    parts, skipped = [], []
    for block in blocks:
        sub = results.block_of(block) if "block" in results.unit_index.columns else results
        if published_only:
            skipped += [(block, a, "published_only") for a in ALL]
            sub = Results(
                **{
                    **{n: getattr(sub, n) for n in Results.TABLES},
                    "unit_index": sub.unit_index.iloc[0:0],
                }
            )
        ui = sub.unit_index
        known = bool(ui["self_known"].all()) if "self_known" in ui.columns else True
        if not known and not published_only:
            skipped += [(block, a, "self_unknown") for a in DEDUCTIONS]
        tables = _one_block(sub, _in_maximum(sub, block), decimals, declared, p, lang, known)
        for name, table in tables.items():
            frame = table.table if name == "intervals" else table
            frame["block"] = block
        parts.append(tables)
    names = [n for n in parts[0] if n != "intervals"]
    out = {n: _concat([t[n] for t in parts]) for n in names}
    first = parts[0]["intervals"]
    intervals = RankIntervals(
        _concat([t["intervals"].table for t in parts]),
        first.settings,
        sum(t["intervals"].seconds for t in parts),
    )
    return out, intervals, skipped_table(skipped)


def _concat(tables: list[pd.DataFrame]) -> pd.DataFrame:
    if len(tables) == 1:
        return tables[0]
    kept = [t for t in tables if len(t)] or tables[:1]
    return pd.concat(kept, ignore_index=True, sort=False)
