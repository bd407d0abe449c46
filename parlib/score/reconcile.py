"""Reconcile: every published figure of a unit (self, appraised and survey totals, index) beside the
computed one, with its rounding tolerance and status (match, within rounding, mismatch), and the
published totals adopted where the dataset prefers them.

In: the unit table, the published figures, decimals. Out: the adjusted unit table and the
reconciliation table.
"""

from __future__ import annotations

import pandas as pd

from parlib.score.arithmetic import (
    index_pct,
    round_half_up,
    rounding_tolerance,
)

PUBLISHED_FOR = {
    "self_points": "self_total",
    "appraised_points": "appraised_total",
    "survey_points": "survey_total",
}


# a difference equal to the tolerance is within it: in floats the tolerance can come out a hair
# below its exact value (9 × 0.005 × 100 ÷ 100 + 0.005 = 0.049999999999999996)
COMPARISON_SLACK = 1e-9


def _status(diff: float, exact: float, tol: float) -> str:
    """``match`` (equal as printed), ``within_rounding`` (|diff| ≤ tol) or ``mismatch``."""
    if abs(diff) < exact:
        return "match"
    return "within_rounding" if abs(diff) <= tol + COMPARISON_SLACK else "mismatch"


def reconcile(
    unit: pd.DataFrame, published: pd.DataFrame, decimals: int, prefer_published: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compare published totals with the computed ones; optionally adopt close published totals.

    Returns the (possibly adjusted) unit table and one row per published figure with: computed
    value from the parts, published value, difference, rounding tolerance, status
    (``match`` / ``within_rounding`` / ``mismatch``) and whether the published value was used.
    """
    unit = unit.copy()
    unit["totals_source"] = "parts"
    unit["achieved_from_parts"] = unit["achieved_points"]
    rows = []
    pub = published.set_index(["unit_id", "measure"])["value"]
    exact = 0.5 * 10.0 ** (-decimals)
    published_units = set(published["unit_id"])
    for i, u in unit[unit["unit_id"].isin(published_units)].iterrows():
        parts = {
            "self_points": u["n_appraisal_parts"],
            "appraised_points": u["n_appraisal_parts"],
            "survey_points": u["n_survey_parts"],
        }
        for col, measure in PUBLISHED_FOR.items():
            if (u["unit_id"], measure) not in pub.index:
                continue
            value = float(pub[(u["unit_id"], measure)])
            computed = float(u[col])
            tol = rounding_tolerance(int(parts[col]), decimals)
            diff = round(computed - value, 6)
            status = _status(diff, exact, tol)
            used = prefer_published and status == "within_rounding"
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
    unit.loc[adjusted, "achieved_points"] = (
        unit.loc[adjusted, "appraised_points"] + unit.loc[adjusted, "survey_points"]
    )
    unit["index_pct_exact"] = index_pct(unit["achieved_points"], unit["max_points"])
    unit["points_deducted"] = (unit["self_points"] - unit["appraised_points"]).round(6)
    for u in unit[unit["unit_id"].isin(published_units)].itertuples():
        if (u.unit_id, "index_pct") not in pub.index:
            continue
        value = float(pub[(u.unit_id, "index_pct")])
        # the achieved points' rounding tolerance as a percentage, plus the index's own rounding
        n_parts = int(u.n_appraisal_parts + u.n_survey_parts)
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
    recon = pd.DataFrame(
        rows,
        columns=[
            "unit_id",
            "measure",
            "computed",
            "published",
            "difference",
            "tolerance",
            "status",
            "published_used",
            "computed_from_parts",
        ],
    )
    return unit, recon
