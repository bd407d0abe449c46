"""Fairness: does a unit's index depend on how many criteria arose for it, and who moves when
units are ranked against peers with comparable maxima?

In: a ``unit_index`` table (one row per unit: ``index_pct``, ``max_points``, ``kind``, ``group``) and,
for the like-for-like index, the ``points`` table (unit × leaf × component).
Out: ``max_bias`` (rank correlation of index with applicable maximum per scope, with its p-value and
confidence interval), comparable-maximum groups, ranks within declared and comparable groups beside
the overall rank (``group_ranks``, ``group_summary``), and the like-for-like index over the parts
applicable to every unit of a group (``like_for_like``).

Why: an index is achieved ÷ *applicable* maximum, and practitioners report that units with few
applicable tasks (small maxima) tend to score higher. Ranking within groups of comparable maxima is
the remedy they propose (see docs/methodology.md).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from parlib.core.errors import UsageError
from parlib.score.arithmetic import index_pct, rank_desc, round_half_up

GROUPINGS = ("declared", "max", "all")  # groups the like-for-like index can be computed within


def spearman(x: pd.Series, y: pd.Series) -> tuple[float, float]:
    """Spearman's rank correlation and its two-sided p-value; NaN when fewer than 3 pairs or
    either variable is constant."""

    pair = pd.DataFrame({"x": x, "y": y}).dropna()
    if len(pair) < 3 or pair["x"].nunique() < 2 or pair["y"].nunique() < 2:
        return math.nan, math.nan
    result = stats.spearmanr(pair["x"], pair["y"])
    return float(result.statistic), float(result.pvalue)


def spearman_ci(rho: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval of Spearman's ρ by Fisher's z with the Bonett–Wright standard error.

    z = atanh(ρ), se = √((1 + ρ²/2) ÷ (n − 3)), interval = tanh(z ± q · se), where q is the
    standard normal quantile at (1 + level) ÷ 2 (1.96 for 95 %).
    Empty (NaN) when ρ is NaN or n < 4 (the formula needs n − 3 > 0).
    """

    if math.isnan(rho) or n < 4:
        return math.nan, math.nan
    quantile = float(stats.norm.ppf(0.5 + level / 2))
    se = math.sqrt((1 + rho * rho / 2) / (n - 3))
    with np.errstate(divide="ignore"):
        z = float(np.arctanh(np.clip(rho, -1.0, 1.0)))
    return float(np.tanh(z - quantile * se)), float(np.tanh(z + quantile * se))


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
    ``ci_low``/``ci_high``: the (1 − ``alpha``) confidence interval of ρ (``spearman_ci``).
    """
    scopes = [("all", unit_index)] + [
        (kind, g) for kind, g in unit_index.groupby("kind", sort=True)
    ]
    rows = []
    for scope, g in scopes:
        rho, p = spearman(g["max_points"], g["index_pct"])
        n_pairs = int(g[["max_points", "index_pct"]].dropna().shape[0])
        ci_low, ci_high = spearman_ci(rho, n_pairs, 1 - alpha)
        slope, intercept = fitted_line(g["max_points"], g["index_pct"])
        if math.isnan(rho):
            finding = "too_few"
        elif p < alpha:
            finding = "negative" if rho < 0 else "positive"
        else:
            finding = "none"
        rows.append(
            {
                "scope": scope,
                "n_units": len(g),
                "max_min": g["max_points"].min(),
                "max_max": g["max_points"].max(),
                "spearman_rho": rho,
                "ci_low": ci_low,
                "ci_high": ci_high,
                "ci_level": round(1 - alpha, 6),
                "p_value": p,
                "slope": slope,
                "intercept": intercept,
                "finding": finding,
            }
        )
    return pd.DataFrame(rows)


def comparable_bounds(max_points: pd.Series, tolerance_points: float = 5.0) -> pd.DataFrame:
    """Comparable-maximum groups of units, with their bounds: ``max_group`` (the group's name),
    ``max_group_lo`` and ``max_group_hi`` (its smallest and largest maximum, numbers, so pages
    format them in their language) and ``max_group_merged`` (the group took in a unit of a group
    of one), indexed like ``max_points``.

    Method (greedy, deterministic): sort maxima ascending; a unit starts a new group when its
    maximum exceeds the current group's smallest maximum by more than ``tolerance_points``.
    **Merge rule** (no group of one unit: its rank in group would be "1/1"): while some group has
    a single unit, the one with the smallest maximum joins the neighbouring group whose nearest
    bound is closest to its maximum (on a tie, the group of smaller maxima); a merged group may
    span more than ``tolerance_points``. A year of one unit keeps its one group. Groups are named
    by their range of maxima, e.g. ``'84–88'`` (decimal points: a name in data, not a page's
    text); the same maxima always give the same groups.
    """
    if tolerance_points < 0:
        raise ValueError("tolerance_points must be ≥ 0")
    order = max_points.dropna().sort_values(kind="mergesort")
    groups: list[dict] = []
    for idx, value in order.items():
        if not groups or value - groups[-1]["lo"] > tolerance_points + 1e-9:
            groups.append({"lo": value, "hi": value, "members": [], "merged": False})
        groups[-1]["members"].append(idx)
        groups[-1]["hi"] = value
    while len(groups) > 1 and any(len(g["members"]) == 1 for g in groups):
        i = next(k for k, g in enumerate(groups) if len(g["members"]) == 1)
        x = groups[i]["lo"]
        below = x - groups[i - 1]["hi"] if i > 0 else math.inf
        above = groups[i + 1]["lo"] - x if i + 1 < len(groups) else math.inf
        j = i - 1 if below <= above else i + 1
        into, lone = groups[j], groups.pop(i)
        into["members"] = sorted(into["members"] + lone["members"], key=lambda m: order[m])
        into["lo"], into["hi"] = min(into["lo"], lone["lo"]), max(into["hi"], lone["hi"])
        into["merged"] = True
    rows = {}
    for g in groups:
        name = _fmt(g["lo"]) if g["lo"] == g["hi"] else f"{_fmt(g['lo'])}–{_fmt(g['hi'])}"
        for m in g["members"]:
            rows[m] = (name, float(g["lo"]), float(g["hi"]), g["merged"])
    out = pd.DataFrame.from_dict(
        rows,
        orient="index",
        columns=["max_group", "max_group_lo", "max_group_hi", "max_group_merged"],
    )
    out = out.reindex(max_points.index)
    out["max_group"] = out["max_group"].fillna("").astype("str")
    out["max_group_merged"] = out["max_group_merged"].fillna(False).astype(bool)
    return out


def comparable_groups(max_points: pd.Series, tolerance_points: float = 5.0) -> pd.Series:
    """The name of each unit's comparable-maximum group (``comparable_bounds``, merge rule
    included), e.g. ``'84–88'``."""
    return comparable_bounds(max_points, tolerance_points)["max_group"]


def _fmt(x: float) -> str:
    return format(round(float(x), 2), "g")


def group_ranks(unit_index: pd.DataFrame, tolerance_points: float = 5.0) -> pd.DataFrame:
    """Overall rank beside ranks within the declared group and within comparable-maximum groups.

    Declared group: the ``group`` column where given, else the unit ``kind``. Comparable-maximum
    group: ``comparable_bounds`` (no group of one unit; ``max_group_lo``/``max_group_hi`` its
    bounds, ``max_group_merged`` whether it took in a unit by the merge rule). A rank within a group
    is comparable across groups only as a percentile, so ``*_pct_rank`` (0 = best, 1 = last) is given
    too, and ``moves`` says whether the unit's relative position changes by ≥ 25 percentage points.
    """
    out = unit_index[
        ["unit_id", "unit_name", "kind", "group", "max_points", "index_pct", "rank", "rank_of"]
    ].copy()
    out["declared_group"] = (
        out["group"].where(out["group"].fillna("").str.strip() != "", out["kind"]).astype("str")
    )
    bounds = comparable_bounds(out["max_points"], tolerance_points)
    for col in bounds.columns:
        out[col] = bounds[col]
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


def group_summary(groups: pd.DataFrame) -> pd.DataFrame:
    """One row per comparable-maximum group (from ``group_ranks``): size, range of maxima, the unit
    kinds it mixes, mean and median index, how many of its units move, its best unit and whether
    it took in a unit by the merge rule (``merged``)."""
    rows = []
    for name, g in groups.groupby("max_group", sort=False):
        best = g.sort_values(["rank_in_max_group", "unit_id"]).iloc[0]
        rows.append(
            {
                "max_group": name,
                "n_units": len(g),
                "max_min": g["max_points"].min(),
                "max_max": g["max_points"].max(),
                "kinds": ", ".join(sorted(g["kind"].astype(str).unique())),
                "mean_index": g["index_pct"].mean(),
                "median_index": g["index_pct"].median(),
                "n_moves": int(g["moves"].sum()),
                "best_unit": best["unit_name"],
                "merged": bool(g.get("max_group_merged", pd.Series(False)).any()),
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "max_group",
            "n_units",
            "max_min",
            "max_max",
            "kinds",
            "mean_index",
            "median_index",
            "n_moves",
            "best_unit",
            "merged",
        ],
    )
    return out.sort_values(["max_min", "max_group"], ignore_index=True)


def grouping(groups: pd.DataFrame, which: str) -> pd.Series:
    """The group of each unit (indexed by ``unit_id``) for ``which`` ∈ ``GROUPINGS``: the declared
    group, the comparable-maximum group, or one group of all units."""
    if which not in GROUPINGS:
        raise UsageError(f"grouping must be one of {GROUPINGS}, not {which!r}")
    if which == "all":
        return pd.Series("all", index=groups["unit_id"].to_numpy(), dtype="str")
    column = "declared_group" if which == "declared" else "max_group"
    return pd.Series(groups[column].to_numpy(), index=groups["unit_id"].to_numpy(), dtype="str")


def like_for_like(
    points: pd.DataFrame, unit_index: pd.DataFrame, group_of: pd.Series, decimals: int = 2
) -> pd.DataFrame:
    """Each unit's index over only the parts (leaf × component) applicable to every unit of its group.

    For group G, the common set C(G) = the parts with a = 1 for every unit in G; then
    like-for-like index = Σ_{C(G)} p ÷ Σ_{C(G)} M × 100 (NaN when C(G) is empty). A unit whose whole
    applicable set is common keeps its official index (which may use published totals, §7).
    Ranks (ties share the best) are within the group, for the official and like-for-like indexes.
    """
    units = unit_index[["unit_id", "unit_name", "kind", "index_pct", "rank"]].copy()
    units["group"] = units["unit_id"].map(group_of).fillna("").astype("str")
    pts = points.merge(units[["unit_id", "group"]], on="unit_id", how="inner")
    pts["part"] = pts["criterion"].astype(str) + "|" + pts["component"].astype(str)
    common = pts.groupby(["group", "part"])["applicable"].all().rename("common").reset_index()
    pts = pts.merge(common, on=["group", "part"], how="left")
    live = pts["applicable"]
    pts["common_points"] = pts["points"].where(pts["common"] & live, 0.0)
    pts["common_max"] = pts["max_points"].where(pts["common"] & live, 0.0)
    pts["is_common"] = (pts["common"] & live).astype("int64")
    pts["is_applicable"] = live.astype("int64")
    sums = pts.groupby("unit_id", as_index=False)[
        ["common_points", "common_max", "is_common", "is_applicable"]
    ].sum()
    out = units.merge(sums, on="unit_id", how="left")
    out = out.rename(columns={"is_common": "n_common_parts", "is_applicable": "n_applicable_parts"})
    exact = index_pct(out["common_points"], out["common_max"])
    whole = out["n_common_parts"] == out["n_applicable_parts"]
    out["lfl_index_pct"] = np.where(whole, out["index_pct"], round_half_up(exact, decimals))
    out["size_group"] = out.groupby("group")["unit_id"].transform("count").astype("int64")
    out["rank_in_group"] = out.groupby("group")["index_pct"].transform(rank_desc).astype("Int64")
    out["lfl_rank_in_group"] = (
        out.groupby("group")["lfl_index_pct"].transform(rank_desc).astype("Int64")
    )
    out["lfl_rank_change"] = (out["rank_in_group"] - out["lfl_rank_in_group"]).astype("Int64")
    out["lfl_difference"] = (out["lfl_index_pct"] - out["index_pct"]).round(decimals)
    cols = [
        "unit_id",
        "unit_name",
        "kind",
        "group",
        "size_group",
        "index_pct",
        "rank",
        "rank_in_group",
        "n_applicable_parts",
        "n_common_parts",
        "common_max",
        "lfl_index_pct",
        "lfl_difference",
        "lfl_rank_in_group",
        "lfl_rank_change",
    ]
    return out[cols].sort_values(["group", "rank_in_group", "unit_id"], ignore_index=True)
