"""Reconcile: every published figure of a unit (self total, each component's total, achieved and
maximum totals, index) beside the computed one, with its rounding tolerance and status (match,
within rounding, mismatch), and the published totals adopted where the dataset prefers them.

In: the unit table, the published figures (primary rows only: alternative-role rows are other
sources' figures, kept as ``conflicts``), decimals, the framework's components. Out: the adjusted
unit table and the reconciliation table: exactly one row per published figure reconciled, naming
its unit, block, published file, row and measure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.config.model import LEGACY_COMPONENTS, ComponentConfig
from parlib.score.arithmetic import (
    bounded_index,
    index_pct,
    round_half_up,
    rounding_tolerance,
)

# a difference equal to the tolerance is within it: in floats the tolerance can come out a hair
# below its exact value (9 × 0.005 × 100 ÷ 100 + 0.005 = 0.049999999999999996)
COMPARISON_SLACK = 1e-9

COLUMNS = [
    "unit_id",
    "measure",
    "computed",
    "published",
    "difference",
    "tolerance",
    "status",
    "published_used",
    "computed_from_parts",
    "unit_name",
    "block",
    "source_file",
    "source_row",
]


def _status(diff: float, exact: float, tol: float) -> str:
    """``match`` (equal as printed), ``within_rounding`` (|diff| ≤ tol) or ``mismatch``."""
    if abs(diff) < exact:
        return "match"
    return "within_rounding" if abs(diff) <= tol + COMPARISON_SLACK else "mismatch"


def primary(published: pd.DataFrame) -> pd.DataFrame:
    """The figures used: rows whose ``role`` is ``primary`` or empty (every row without the column)."""
    if "role" not in published.columns:
        return published
    role = published["role"].fillna("").astype("str").str.strip().str.lower()
    return published[role.isin(["", "primary"])]


def conflicts(published: pd.DataFrame) -> pd.DataFrame:
    """Every unit × measure published by more than one source (a primary row and alternative-role
    rows), each figure with its source, file and row, and whether the values differ."""
    cols = ["unit_id", "measure", "value", "role", "source", "source_file", "source_row"]
    if "role" not in published.columns or published.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="float64" if c == "value" else "str") for c in cols}
        )
    pub = published.assign(role=published["role"].fillna("").replace("", "primary"))
    for col in ("source", "source_file"):
        if col not in pub.columns:
            pub[col] = ""
    if "source_row" not in pub.columns:
        pub["source_row"] = pd.NA
    many = pub[pub.duplicated(["unit_id", "measure"], keep=False)]
    out = (
        many[cols]
        .assign(_alt=many["role"] != "primary")  # the figure used first, then the others
        .sort_values(["unit_id", "measure", "_alt", "source_row"], ignore_index=True)
        .drop(columns="_alt")
    )
    spread = out.groupby(["unit_id", "measure"])["value"].transform(lambda v: v.max() - v.min())
    out["values_differ"] = spread.round(6) != 0
    return out


def _parts_of(u, components: tuple[ComponentConfig, ...]) -> dict[str, tuple[str, int]]:
    """measure → (unit column, number of printed parts it sums)."""
    n = {c.id: int(getattr(u, f"n_{c.id}_parts", 0) or 0) for c in components}
    self_parts = sum(n[c.id] for c in components if c.self_assessed)
    in_max = sum(n[c.id] for c in components if c.in_maximum)
    out = {"self_total": ("self_points", self_parts)}
    out.update({c.total_measure: (c.points_column, n[c.id]) for c in components})
    out["achieved_total"] = ("achieved_points", sum(n.values()))
    out["max_total"] = ("max_points", in_max)
    return out


def reconcile(
    unit: pd.DataFrame,
    published: pd.DataFrame,
    decimals: int,
    prefer_published: bool,
    components: tuple[ComponentConfig, ...] = LEGACY_COMPONENTS,
    index_cap: float | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compare published totals with the computed ones; optionally adopt close published totals.

    Returns the (possibly adjusted) unit table and one row per published figure with: computed
    value from the parts, published value, difference, rounding tolerance, status
    (``match`` / ``within_rounding`` / ``mismatch``) and whether the published value was used.
    Adopted (``prefer_published``): a component total within rounding; the achieved points are
    then the in-maximum parts + bonus − penalty again. The index is at most ``index_cap`` and,
    where bonus or penalty points count, at least 0.
    """
    unit = unit.copy()
    unit["totals_source"] = "parts"
    unit["achieved_from_parts"] = unit["achieved_points"]
    published = primary(published)
    rows = []
    located = published.drop_duplicates(["unit_id", "measure"]).set_index(["unit_id", "measure"])
    pub = located["value"]
    exact = 0.5 * 10.0 ** (-decimals)
    published_units = set(published["unit_id"])
    adoptable = {"self_points", *(c.points_column for c in components)}
    for i, u in unit[unit["unit_id"].isin(published_units)].iterrows():
        for measure, (col, n_parts) in _parts_of(u, components).items():
            if (u["unit_id"], measure) not in pub.index:
                continue
            value = float(pub[(u["unit_id"], measure)])
            computed = float(u[col])
            if measure == "self_total" and np.isnan(computed):
                continue  # no self-assessment known this year: nothing to reconcile it with
            tol = rounding_tolerance(int(n_parts), decimals)
            diff = round(computed - value, 6)
            status = _status(diff, exact, tol)
            used = prefer_published and status == "within_rounding" and col in adoptable
            if used:
                unit.at[i, col] = value
                unit.at[i, "totals_source"] = "published"
            rows.append(
                {
                    "unit_id": u["unit_id"],
                    "measure": measure,
                    "computed": computed,
                    "published": value,
                    "difference": diff,
                    "tolerance": tol,
                    "status": status,
                    "published_used": used,
                }
            )
    adjusted = unit["totals_source"] == "published"
    if adjusted.any():
        achieved = sum(unit.loc[adjusted, c.points_column] for c in components if c.in_maximum)
        for c in components:
            if c.kind in ("bonus", "penalty"):
                sign = 1.0 if c.kind == "bonus" else -1.0
                achieved = achieved + sign * unit.loc[adjusted, c.points_column]
        unit.loc[adjusted, "achieved_points"] = achieved
    outside = any(c.kind in ("bonus", "penalty") for c in components)
    unit["index_pct_exact"] = bounded_index(
        unit["achieved_points"], unit["max_points"], index_cap, floor=outside
    )
    assessed = [c.points_column for c in components if c.self_assessed]
    base = sum(unit[col] for col in assessed) if assessed else unit["_assessed_points"]
    unit["points_deducted"] = (unit["self_points"] - base).round(6)
    for u in unit[unit["unit_id"].isin(published_units)].itertuples():
        if (u.unit_id, "index_pct") not in pub.index:
            continue
        value = float(pub[(u.unit_id, "index_pct")])
        # the achieved points' rounding tolerance as a percentage, plus the index's own rounding
        n_parts = int(sum(getattr(u, f"n_{c.id}_parts", 0) for c in components))
        tol = rounding_tolerance(n_parts, decimals) * 100.0 / u.max_points + exact
        diff = round(float(round_half_up(u.index_pct_exact, decimals)) - value, 6)
        status = _status(diff, exact, tol)
        rows.append(
            {
                "unit_id": u.unit_id,
                "measure": "index_pct",
                "computed": u.index_pct_exact,
                "published": value,
                "difference": diff,
                "tolerance": tol,
                "status": status,
                "published_used": False,
                "computed_from_parts": float(index_pct(u.achieved_from_parts, u.max_points)),
            }
        )
    recon = pd.DataFrame(rows, columns=COLUMNS[:9])
    return unit, locate(recon, located, unit)


def locate(recon: pd.DataFrame, located: pd.DataFrame, unit: pd.DataFrame) -> pd.DataFrame:
    """The unit's name and block, the published file and row of every reconciliation row."""
    key = pd.MultiIndex.from_frame(recon[["unit_id", "measure"]].astype("str"))
    names = unit.drop_duplicates("unit_id").set_index("unit_id")
    for col in ("unit_name", "block"):
        looked = recon["unit_id"].map(names[col]) if col in names.columns else None
        recon[col] = (looked if looked is not None else pd.Series("", index=recon.index)).fillna("")
        recon[col] = recon[col].astype("str")
    for col in ("source_file", "source_row"):
        if col in located.columns:
            recon[col] = located[col].reindex(key).to_numpy()
        else:
            recon[col] = "" if col == "source_file" else np.nan
    recon["source_file"] = recon["source_file"].fillna("").astype("str")
    recon["source_row"] = pd.to_numeric(recon["source_row"], errors="coerce").astype("Int64")
    return recon[COLUMNS]
