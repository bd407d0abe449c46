"""Fairness: does a unit's index depend on how many criteria arose for it, and who moves when
units are ranked against peers with comparable maxima?

In: a ``unit_index`` table (one row per unit: ``index_pct``, ``max_points``, ``kind``, ``group``).
Out: ``max_bias`` (rank correlation of index with applicable maximum, per scope), comparable-maximum
groups, and ranks within declared and comparable groups beside the overall rank.

Why: an index is achieved ÷ *applicable* maximum, and practitioners report that units with few
applicable tasks (small maxima) tend to score higher. Ranking within groups of comparable maxima is
the remedy they propose (see docs/methodology.md).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from parlib.score import rank_desc


def spearman(x: pd.Series, y: pd.Series) -> tuple[float, float]:
    """Spearman's rank correlation and its two-sided p-value; NaN when fewer than 3 pairs or
    either variable is constant."""
    from scipy import stats

    pair = pd.DataFrame({"x": x, "y": y}).dropna()
    if len(pair) < 3 or pair["x"].nunique() < 2 or pair["y"].nunique() < 2:
        return math.nan, math.nan
    result = stats.spearmanr(pair["x"], pair["y"])
    return float(result.statistic), float(result.pvalue)


def fitted_line(x: pd.Series, y: pd.Series) -> tuple[float, float]:
    """Least-squares slope and intercept of y on x (index points per point of maximum)."""
    pair = pd.DataFrame({"x": x, "y": y}).dropna()
    if len(pair) < 2 or pair["x"].nunique() < 2:
        return math.nan, math.nan
    slope, intercept = np.polyfit(pair["x"].to_numpy(float), pair["y"].to_numpy(float), 1)
    return float(slope), float(intercept)


def max_bias(unit_index: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Rank correlation of index with applicable maximum: all units, then each unit kind.

    ``finding`` is ``negative`` (smaller maxima, higher indexes: the reported bias), ``positive``,
    ``none`` (not significant at ``alpha``) or ``too_few`` (fewer than 3 units or no spread).
    """
    scopes = [("all", unit_index)] + [(kind, g) for kind, g in unit_index.groupby("kind", sort=True)]
    rows = []
    for scope, g in scopes:
        rho, p = spearman(g["max_points"], g["index_pct"])
        slope, intercept = fitted_line(g["max_points"], g["index_pct"])
        if math.isnan(rho):
            finding = "too_few"
        elif p < alpha:
            finding = "negative" if rho < 0 else "positive"
        else:
            finding = "none"
        rows.append({"scope": scope, "n_units": len(g), "max_min": g["max_points"].min(),
                     "max_max": g["max_points"].max(), "spearman_rho": rho, "p_value": p,
                     "slope": slope, "intercept": intercept, "finding": finding})
    return pd.DataFrame(rows)


def comparable_groups(max_points: pd.Series, tolerance_points: float = 5.0) -> pd.Series:
    """Group units whose applicable maxima lie within ``tolerance_points`` of the group's smallest.

    Method (greedy, deterministic): sort maxima ascending; a unit starts a new group when its maximum
    exceeds the current group's smallest maximum by more than ``tolerance_points``. Groups are named
    by their range of maxima, e.g. ``'84–88'``; the same maxima always give the same groups.
    """
    if tolerance_points < 0:
        raise ValueError("tolerance_points must be ≥ 0")
    order = max_points.sort_values(kind="mergesort")
    group_id = pd.Series(0, index=max_points.index, dtype="int64")
    current, start = 0, None
    for idx, value in order.items():
        if start is None or value - start > tolerance_points + 1e-9:
            current += 1
            start = value
        group_id[idx] = current
    ranges = max_points.groupby(group_id).agg(["min", "max"])
    names = {gid: (_fmt(r["min"]) if r["min"] == r["max"] else f"{_fmt(r['min'])}–{_fmt(r['max'])}")
             for gid, r in ranges.iterrows()}
    return group_id.map(names).astype("str")


def _fmt(x: float) -> str:
    return format(round(float(x), 2), "g")


def group_ranks(unit_index: pd.DataFrame, tolerance_points: float = 5.0) -> pd.DataFrame:
    """Overall rank beside ranks within the declared group and within comparable-maximum groups.

    Declared group: the ``group`` column where given, else the unit ``kind``. A rank within a group
    is comparable across groups only as a percentile, so ``*_pct_rank`` (0 = best, 1 = last) is given
    too, and ``moves`` says whether the unit's relative position changes by ≥ 25 percentage points.
    """
    out = unit_index[["unit_id", "unit_name", "kind", "group", "max_points", "index_pct",
                      "rank", "rank_of"]].copy()
    out["declared_group"] = out["group"].where(out["group"].fillna("").str.strip() != "",
                                               out["kind"]).astype("str")
    out["max_group"] = comparable_groups(out["max_points"], tolerance_points)
    for col in ("declared_group", "max_group"):
        out[f"rank_in_{col}"] = out.groupby(col)["index_pct"].transform(rank_desc).astype("Int64")
        out[f"size_{col}"] = out.groupby(col)["unit_id"].transform("count").astype("int64")
        out[f"{col}_pct_rank"] = _pct(out[f"rank_in_{col}"], out[f"size_{col}"])
    out["overall_pct_rank"] = _pct(out["rank"], out["rank_of"])
    out["shift_in_max_group"] = (out["overall_pct_rank"] - out["max_group_pct_rank"]).round(4)
    out["moves"] = out["shift_in_max_group"].abs() >= 0.25
    return out.sort_values(["rank", "unit_id"], ignore_index=True)


def _pct(rank: pd.Series, size: pd.Series) -> pd.Series:
    """Relative position 0 (best) … 1 (last); a group of one is at 0."""
    denom = (size - 1).where(size > 1, 1)
    return ((rank.astype("float64") - 1) / denom).round(4)
