"""Self-assessment versus appraisal: where points were deducted, who over-claims, what to fix.

In: the ``points`` table (unit × leaf × component with ``self_points`` and appraised ``points``),
the ``unit_index`` table (official index and rank), and the framework's leaf names.
Out: points deducted per unit (``by_unit``), per unit × area (``by_unit_area``), per criterion
across units (``by_criterion``: the list units act on), and every unit × criterion with a
difference (``detail``).

Only applicable appraisal parts count: self-assessment covers the appraisal component, never the
survey. Deducted d = self − appraised on each part (negative where the appraisal raised a
self-score). Over-claim = Σ d ÷ applicable appraisal maximum × 100, so units with large maxima are
not the "worst" merely because they had more to lose.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.score.arithmetic import index_pct, rank_desc, round_half_up


def _appraisal(points: pd.DataFrame) -> pd.DataFrame:
    """Applicable appraisal parts with ``deducted`` = self − appraised (rounded to 1e-6)."""
    p = points[(points["component"] == "appraisal") & points["applicable"].astype(bool)].copy()
    p["deducted"] = (p["self_points"] - p["points"]).round(6)
    return p


def by_unit(
    points: pd.DataFrame,
    unit_index: pd.DataFrame,
    decimals: int = 2,
    others: pd.Series | None = None,
) -> pd.DataFrame:
    """Per unit: self, appraised, deducted, over-claim (% of the appraisal maximum), criteria that
    lost or gained points, and the rank the unit would have had if every self-score were accepted.

    claimed index = (self + survey points) ÷ applicable maximum × 100; ``claimed_rank`` ranks it the
    way official ranks are made; ``rank_drop`` = official rank − claimed rank (positive: the
    appraisal cost the unit places). ``others``: per row of ``unit_index``, the points that are
    not self-assessed (default its ``survey_points``; with other parts: the measured parts + bonus
    − penalty).
    """
    p = _appraisal(points)
    agg = p.groupby("unit_id").agg(
        self_points=("self_points", "sum"),
        appraised_points=("points", "sum"),
        max_appraisal=("max_points", "sum"),
        points_deducted=("deducted", "sum"),
        n_parts=("deducted", "size"),
        n_deducted=("deducted", lambda d: int((d > 0).sum())),
        n_raised=("deducted", lambda d: int((d < 0).sum())),
    )
    agg["points_deducted"] = agg["points_deducted"].round(6)
    base = unit_index[["unit_id", "unit_name", "kind", "index_pct", "rank", "max_points"]].copy()
    base["_others"] = (unit_index["survey_points"] if others is None else others).to_numpy()
    out = base.merge(agg.reset_index(), on="unit_id", how="left")
    out["overclaim_pct"] = round_half_up(
        index_pct(out["points_deducted"], out["max_appraisal"]), decimals
    )
    claimed = index_pct(out["self_points"] + out["_others"].fillna(0.0), out["max_points"])
    out["claimed_index_pct"] = round_half_up(claimed, decimals)
    out["claimed_rank"] = rank_desc(out["claimed_index_pct"])
    out["rank_drop"] = (out["rank"] - out["claimed_rank"]).astype("Int64")
    for col in ("n_parts", "n_deducted", "n_raised"):
        out[col] = out[col].fillna(0).astype("int64")
    cols = [
        "unit_id",
        "unit_name",
        "kind",
        "self_points",
        "appraised_points",
        "max_appraisal",
        "points_deducted",
        "overclaim_pct",
        "n_parts",
        "n_deducted",
        "n_raised",
        "claimed_index_pct",
        "claimed_rank",
        "index_pct",
        "rank",
        "rank_drop",
    ]
    return out[cols].sort_values(
        ["overclaim_pct", "unit_id"], ascending=[False, True], ignore_index=True, na_position="last"
    )


def by_unit_area(points: pd.DataFrame) -> pd.DataFrame:
    """Per unit × area: self, appraised and deducted points on applicable appraisal parts."""
    p = _appraisal(points)
    out = p.groupby(["unit_id", "area"], as_index=False).agg(
        self_points=("self_points", "sum"),
        appraised_points=("points", "sum"),
        max_appraisal=("max_points", "sum"),
        points_deducted=("deducted", "sum"),
    )
    out["points_deducted"] = out["points_deducted"].round(6)
    return out


def by_criterion(
    points: pd.DataFrame, names: pd.DataFrame | None = None, lang: str = "vi"
) -> pd.DataFrame:
    """Per leaf criterion across units: how many units it applied to, how many lost points on it,
    their share, the total and mean deduction. Sorted so the criteria that lose points in most
    units come first (ties: larger total first) — the list units act on.

    ``names``: the framework (``code``, ``name_vi``, ``name_en``) for the criterion's name.
    """
    p = _appraisal(points)
    out = p.groupby("criterion", as_index=False).agg(
        area=("area", "first"),
        max_points=("max_points", "first"),
        n_units=("unit_id", "nunique"),
        n_units_deducted=("deducted", lambda d: int((d > 0).sum())),
        points_deducted=("deducted", "sum"),
    )
    out["points_deducted"] = out["points_deducted"].round(6)
    out["share_units_deducted"] = (out["n_units_deducted"] / out["n_units"]).round(4)
    out["mean_deducted"] = (out["points_deducted"] / out["n_units"]).round(4)
    name_col = "name_vi" if lang == "vi" else "name_en"
    if names is not None and name_col in names.columns:
        out["name"] = out["criterion"].map(
            names.drop_duplicates("code").set_index("code")[name_col]
        )
    else:
        out["name"] = ""
    out["name"] = out["name"].fillna("").astype("str")
    cols = [
        "criterion",
        "name",
        "area",
        "max_points",
        "n_units",
        "n_units_deducted",
        "share_units_deducted",
        "points_deducted",
        "mean_deducted",
    ]
    return out[cols].sort_values(
        ["n_units_deducted", "points_deducted", "criterion"],
        ascending=[False, False, True],
        ignore_index=True,
    )


def detail(points: pd.DataFrame) -> pd.DataFrame:
    """Every unit × criterion whose appraised score differs from the self-score."""
    p = _appraisal(points)
    p = p[p["deducted"] != 0]
    return (
        p[["unit_id", "criterion", "area", "max_points", "self_points", "points", "deducted"]]
        .rename(columns={"points": "appraised_points", "deducted": "points_deducted"})
        .sort_values(["unit_id", "criterion"], ignore_index=True)
    )


def area_matrix(by_area: pd.DataFrame, unit_order: pd.Series) -> pd.DataFrame:
    """Units (in ``unit_order``, a Series unit_id → name) × areas of points deducted."""
    grid = by_area.pivot_table(
        index="unit_id", columns="area", values="points_deducted", aggfunc="sum"
    ).reindex(unit_order.index)
    areas = sorted(
        grid.columns, key=lambda c: [int(x) if x.isdigit() else x for x in str(c).split(".")]
    )
    return grid[areas].astype("float64").fillna(np.nan)
