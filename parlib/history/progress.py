"""In-year tracking (issue #15, item 3): interim self-assessments by period against last year's
final result and against the improvement plan.

In: one snapshot per period (quarter or month), a CSV ``unit_id, criterion, self_score`` of the
points a unit has secured so far on each self-assessed leaf criterion (empty: not assessed yet),
read strictly by ``read_snapshot``; last year's ``criterion_index`` (the baseline) and, optionally,
the plan (``plan``: ``unit_id, code`` and ``points_lost``, from last year's action list or its
``plans.csv``). Out (``progress``): per unit and period the points secured so far, the applicable
maximum of the tracked criteria, last year's final on the same criteria, the plan's target
(last year's final + the planned points) and the gaps; ``at_risk``: per unit the criteria of the
latest period below last year's final, planned but not recovered, or not assessed in the last
period, with the points at stake (maximum − secured); ``by_owner`` sums them per owner;
``shortlist`` keeps each unit's ``SHORTLIST`` criteria with the most points at stake.

Tracked criteria: the leaves of the baseline with an appraised maximum above 0 (survey points are
not self-assessed, so no snapshot carries them). Every figure is in points, never rounded here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parlib.core import paths
from parlib.core.errors import DataError, Problem
from parlib.fairness.plans import leaves, owner_of
from parlib.ingest.tables import parse_number, read_text_table

SHORTLIST = 3  # criteria per unit on the list for the next meeting
RISKS = ("below_last_year", "planned_not_recovered", "not_assessed")


def _bad(
    check: str, shown: str, row: int, unit: str, code: str, value: str, expected: str, vi: str
):
    return Problem(
        "critical",
        check,
        shown,
        row=row,
        unit_id=unit,
        criterion=code,
        value=value,
        expected=expected,
        expected_vi=vi,
        message=f"interim self-assessment: {check.replace('_', ' ')}",
        message_vi="bảng tự đánh giá giữa kỳ có lỗi",
    )


def tracked(baseline: pd.DataFrame) -> pd.DataFrame:
    """The baseline's tracked leaves: ``unit_id, code, max_points, final`` (last year's achieved
    points, appraised part) for every leaf with an appraised maximum above 0."""
    leaf = leaves(baseline)
    leaf = leaf[leaf["max_appraisal"].fillna(0) > 0]
    out = leaf[["unit_id", "code"]].astype(str).copy()
    out["max_points"] = leaf["max_appraisal"].to_numpy(dtype=float)
    out["final"] = leaf["appraised_points"].fillna(0).to_numpy(dtype=float)
    return out.reset_index(drop=True)


def read_snapshot(path: Path, period: str, criteria: pd.DataFrame) -> pd.DataFrame:
    """One period's snapshot checked against the tracked ``criteria``: ``period, unit_id, code,
    secured`` (NaN: not assessed yet). Refuses, with one located ``Problem`` per row, an unknown
    unit or criterion, a repeated row, a score that is not a number, negative or above the
    criterion's maximum for that unit."""
    shown = paths.display(path)
    table = read_text_table(
        path, ("unit_id", "criterion", "self_score"), "interim_missing_column", "interim"
    )
    maxima = {
        (u, c): m for u, c, m in criteria[["unit_id", "code", "max_points"]].itertuples(index=False)
    }
    units = set(criteria["unit_id"])
    seen: set = set()
    problems, records = [], []
    for row in table.to_dict("records"):
        unit, code, raw = row["unit_id"].strip(), row["criterion"].strip(), row["self_score"]

        def refuse(check, value, expected, vi, n=row["source_row"], unit=unit, code=code):
            problems.append(_bad(check, shown, n, unit, code, value, expected, vi))

        key = (unit, code)
        if unit not in units:
            refuse("interim_unknown_unit", unit, "a unit of last year", "đơn vị có trong năm trước")
            continue
        if key not in maxima:
            refuse(
                "interim_unknown_criterion",
                code,
                "a self-assessed leaf criterion of the unit",
                "tiêu chí thành phần tự chấm của đơn vị",
            )
            continue
        if key in seen:
            refuse(
                "interim_duplicate_row",
                code,
                "each unit and criterion once",
                "mỗi đơn vị và tiêu chí một lần",
            )
            continue
        seen.add(key)
        try:
            value = parse_number(raw)
        except ValueError:
            value = float("nan")
            refuse(
                "interim_not_a_number",
                str(raw)[:40],
                "a number of points or empty",
                "một số điểm hoặc để trống",
            )
        if value is not None and value == value and not 0 <= value <= maxima[key] + 1e-9:
            refuse(
                "interim_out_of_range",
                str(raw)[:40],
                f"0 to {maxima[key]:g}",
                f"từ 0 đến {maxima[key]:g}".replace(".", ","),
            )
        records.append(
            {
                "period": period,
                "unit_id": unit,
                "code": code,
                "secured": float("nan") if value is None else value,
            }
        )
    if problems:
        raise DataError(f"{shown}: the interim self-assessment has problems", problems)
    return pd.DataFrame.from_records(records, columns=["period", "unit_id", "code", "secured"])


def progress(
    snapshots: dict[str, pd.DataFrame], criteria: pd.DataFrame, plan: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per unit and period (``snapshots``: period → ``read_snapshot`` frame, in order): ``secured`` (Σ points so far), ``assessed``
    (criteria assessed), ``max_points`` (Σ applicable maxima of the tracked criteria), ``final``
    (last year's final on them), ``target`` (final + the plan's points lost, capped at the maximum
    per criterion), ``vs_final`` = secured − final, ``vs_target`` = secured − target, and
    ``secured_pct`` = secured ÷ max_points × 100."""
    planned = _planned(criteria, plan)
    base = criteria.groupby("unit_id").agg(max_points=("max_points", "sum"), final=("final", "sum"))
    base["target"] = planned.groupby("unit_id")["target"].sum()
    rows = []
    for period, snap in snapshots.items():
        merged = criteria[["unit_id", "code"]].merge(snap, on=["unit_id", "code"], how="left")
        got = merged.groupby("unit_id").agg(
            secured=("secured", "sum"), assessed=("secured", "count")
        )
        part = base.join(got).reset_index()
        part.insert(0, "period", period)
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    out["vs_final"] = out["secured"] - out["final"]
    out["vs_target"] = out["secured"] - out["target"]
    out["secured_pct"] = out["secured"] / out["max_points"] * 100
    return out


def _planned(criteria: pd.DataFrame, plan: pd.DataFrame | None) -> pd.DataFrame:
    """The tracked criteria with ``planned`` (in the plan) and ``target``: the maximum where
    planned (the plan recovers its points in full), else last year's final."""
    out = criteria.copy()
    keys = (
        set() if plan is None else set(zip(plan["unit_id"].astype(str), plan["code"].astype(str)))
    )
    out["planned"] = [(u, c) in keys for u, c in zip(out["unit_id"], out["code"])]
    out["target"] = out["final"].where(~out["planned"], out["max_points"])
    return out


def at_risk(
    last: pd.DataFrame, criteria: pd.DataFrame, plan=None, final_period: bool = False, owners=None
) -> pd.DataFrame:
    """The criteria at risk in the ``last`` snapshot: ``unit_id, code, risk, secured, final,
    max_points, at_stake, owner``. A criterion is at risk when its points so far are below last
    year's final (``below_last_year``), when it is planned and not yet at its maximum
    (``planned_not_recovered``) or, in the year's ``final_period``, when it is not assessed."""
    df = _planned(criteria, plan).merge(
        last[["unit_id", "code", "secured"]], on=["unit_id", "code"], how="left"
    )
    assessed = df["secured"].notna()
    risk = pd.Series("", index=df.index, dtype=object)
    risk[df["planned"] & (df["secured"].fillna(0) < df["max_points"] - 1e-9)] = RISKS[1]
    risk[assessed & (df["secured"] < df["final"] - 1e-9)] = RISKS[0]
    if final_period:
        risk[~assessed & (risk == "")] = RISKS[2]
    df["risk"] = risk
    df["at_stake"] = df["max_points"] - df["secured"].fillna(0)
    df["owner"] = [owner_of(c, owners or {})[0] for c in df["code"]]
    df = df[df["risk"] != ""].sort_values(
        ["unit_id", "at_stake", "code"], ascending=[True, False, True]
    )
    return df[
        ["unit_id", "code", "risk", "secured", "final", "max_points", "at_stake", "owner"]
    ].reset_index(drop=True)


def by_owner(risky: pd.DataFrame) -> pd.DataFrame:
    """Per owner: criteria at risk, units concerned and points at stake, most points first."""
    out = risky.groupby("owner").agg(
        criteria=("code", "count"), units=("unit_id", "nunique"), at_stake=("at_stake", "sum")
    )
    return out.sort_values("at_stake", ascending=False).reset_index()


def shortlist(risky: pd.DataFrame, n: int = SHORTLIST) -> pd.DataFrame:
    """Each unit's ``n`` criteria at risk with the most points at stake: the next meeting's list."""
    return risky.groupby("unit_id", group_keys=False).head(n).reset_index(drop=True)
