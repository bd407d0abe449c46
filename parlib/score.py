"""Score: tidy inputs → unit, area and criterion indexes, ranks, bands and points deducted.

In: ``YearInputs`` (validated). Out: ``Results`` with named tables:

- ``points``: one row per unit × leaf × component, with its maximum, whether it applies (KPS = not
  arising removes it), self-assessed and counted points;
- ``unit_index``: per unit, achieved ÷ applicable maximum × 100, rank (ties share the best rank),
  band, self / appraised / survey totals and points deducted (self − appraised);
- ``area_index`` and ``criterion_index``: the same ratio for every area and every node of the tree;
- ``reconciliation``: every published figure beside the computed one, with the rounding tolerance.

Formula (MoHA, e.g. QĐ 1149/QĐ-BNV): index (%) = points achieved ÷ maximum points × 100, the same for
each area and criterion. Units are only scored on criteria that arose for them, so maxima differ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from parlib import framework as fwk
from parlib.ingest import YearInputs

COMPONENT_TOTAL = {"appraisal": "appraised_points", "survey": "survey_points"}
PUBLISHED_FOR = {"self_points": "self_total", "appraised_points": "appraised_total",
                 "survey_points": "survey_total"}


def index_pct(achieved, maximum):
    """achieved ÷ maximum × 100; NaN where the maximum is 0 (nothing applicable)."""
    achieved = np.asarray(achieved, dtype="float64")
    maximum = np.asarray(maximum, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(maximum > 0, achieved / maximum * 100.0, np.nan)


def round_half_up(values, decimals: int):
    """Round half away from zero, as published tables (spreadsheet ROUND) do: 79.965 → 79.97.

    numpy and Python round halves to even on the binary value, which can differ from the printed
    figure by one in the last place. A tiny epsilon absorbs binary noise (79.965 is 79.96499…).
    """
    x = np.asarray(values, dtype="float64")
    scale = 10.0 ** decimals
    out = np.sign(x) * np.floor(np.abs(x) * scale + 0.5 + 1e-9) / scale
    return pd.Series(out, index=values.index) if isinstance(values, pd.Series) else out


def rank_desc(values: pd.Series) -> pd.Series:
    """1 = highest; ties share the best rank (1, 2, 2, 4); NaN stays unranked."""
    return values.rank(ascending=False, method="min").astype("Int64")


def assign_bands(index: pd.Series, bands: pd.DataFrame) -> pd.Series:
    """Band label for each index: ``lower_pct`` ≤ index < ``upper_pct``; empty bound = unbounded."""
    out = pd.Series("", index=index.index, dtype="str")
    for band in bands.itertuples():
        lower = -np.inf if pd.isna(band.lower_pct) else band.lower_pct
        upper = np.inf if pd.isna(band.upper_pct) else band.upper_pct
        out[(index >= lower) & (index < upper) & (out == "")] = band.band
    return out


def rounding_tolerance(n_parts: int, decimals: int) -> float:
    """Largest gap between a total printed to ``decimals`` and the sum of ``n_parts`` printed parts.

    Each printed figure is within ½·10⁻ᵈ of its true value: n parts plus the total itself.
    """
    return (n_parts + 1) * 0.5 * 10.0 ** (-decimals)


def points_table(inputs: YearInputs) -> pd.DataFrame:
    """One row per unit × leaf × component that exists for the leaf (its maximum is > 0)."""
    leaves = inputs.framework.loc[inputs.framework["is_leaf"],
                                  ["code", "area", "max_appraisal", "max_survey"]]
    scored = inputs.scores.merge(leaves, left_on="criterion", right_on="code", how="inner")
    parts = []
    for component, max_col, score_col, kps_col in (
            ("appraisal", "max_appraisal", "appraised_score", "appraised_kps"),
            ("survey", "max_survey", "survey_score", "survey_kps")):
        sub = scored[scored[max_col].fillna(0) > 0]
        parts.append(pd.DataFrame({
            "unit_id": sub["unit_id"].to_numpy(),
            "criterion": sub["criterion"].to_numpy(),
            "area": sub["area"].to_numpy(),
            "component": component,
            "max_points": sub[max_col].to_numpy(dtype="float64"),
            "applicable": ~sub[kps_col].to_numpy(dtype="bool"),
            "self_points": (sub["self_score"].to_numpy(dtype="float64") if component == "appraisal"
                            else np.full(len(sub), np.nan)),
            "points": sub[score_col].to_numpy(dtype="float64"),
        }))
    points = pd.concat(parts, ignore_index=True)
    points["component"] = points["component"].astype("str")
    return points.sort_values(["unit_id", "criterion", "component"], ignore_index=True)


def aggregate(points: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sum applicable points and maxima over ``by``; adds the index and points deducted.

    Not-arising rows contribute neither points nor maximum, so they leave the index unchanged.
    """
    p = points
    live = p["applicable"]
    appraisal = live & (p["component"] == "appraisal")
    survey = live & (p["component"] == "survey")
    frame = pd.DataFrame({
        **{col: p[col] for col in by},
        "achieved_points": p["points"].where(live, 0.0),
        "max_points": p["max_points"].where(live, 0.0),
        "self_points": p["self_points"].where(appraisal, 0.0),
        "appraised_points": p["points"].where(appraisal, 0.0),
        "survey_points": p["points"].where(survey, 0.0),
        "max_appraisal": p["max_points"].where(appraisal, 0.0),
        "max_survey": p["max_points"].where(survey, 0.0),
        "max_points_declared": p["max_points"],
        "n_appraisal_parts": appraisal.astype("int64"),
        "n_survey_parts": survey.astype("int64"),
        "n_not_arising": (~live).astype("int64"),
    })
    for col in by:  # categorical keys: grouping millions of rows by text is many times slower
        frame[col] = frame[col].astype("category")
    out = frame.groupby(by, sort=True, as_index=False, observed=True).sum()
    for col in by:
        out[col] = out[col].astype("str")
    out = out.rename(columns={"max_points_declared": "max_points_full"})
    out["index_pct_exact"] = index_pct(out["achieved_points"], out["max_points"])
    out["points_deducted"] = (out["self_points"] - out["appraised_points"]).round(6)
    return out


def reconcile(unit: pd.DataFrame, published: pd.DataFrame, decimals: int,
              prefer_published: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
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
        parts = {"self_points": u["n_appraisal_parts"], "appraised_points": u["n_appraisal_parts"],
                 "survey_points": u["n_survey_parts"]}
        for col, measure in PUBLISHED_FOR.items():
            if (u["unit_id"], measure) not in pub.index:
                continue
            value = float(pub[(u["unit_id"], measure)])
            computed = float(u[col])
            tol = rounding_tolerance(int(parts[col]), decimals)
            diff = round(computed - value, 6)
            status = "match" if abs(diff) < exact else ("within_rounding" if abs(diff) <= tol
                                                       else "mismatch")
            used = prefer_published and status == "within_rounding"
            if used:
                unit.at[i, col] = value
                unit.at[i, "totals_source"] = "published"
            rows.append({"unit_id": u["unit_id"], "measure": measure, "computed": computed,
                         "published": value, "difference": diff, "tolerance": tol,
                         "status": status, "published_used": used})
    adjusted = unit["totals_source"] == "published"
    unit.loc[adjusted, "achieved_points"] = (unit.loc[adjusted, "appraised_points"]
                                            + unit.loc[adjusted, "survey_points"])
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
        status = "match" if abs(diff) < exact else ("within_rounding" if abs(diff) <= tol
                                                   else "mismatch")
        rows.append({"unit_id": u.unit_id, "measure": "index_pct", "computed": u.index_pct_exact,
                     "published": value, "difference": diff, "tolerance": tol, "status": status,
                     "published_used": False,
                     "computed_from_parts": float(index_pct(u.achieved_from_parts, u.max_points))})
    recon = pd.DataFrame(rows, columns=["unit_id", "measure", "computed", "published", "difference",
                                        "tolerance", "status", "published_used",
                                        "computed_from_parts"])
    return unit, recon


def with_ancestors(points: pd.DataFrame) -> pd.DataFrame:
    """The points once per node they count towards: a leaf counts for itself and every ancestor
    (``1.2.3`` → ``1``, ``1.2``, ``1.2.3``); column ``code`` names the node."""
    leaves = points["criterion"].unique()
    depth = max((fwk.depth(c) for c in leaves), default=0)
    parts = []
    for level in range(1, depth + 1):
        mapping = {c: ".".join(c.split(".")[:level]) for c in leaves if fwk.depth(c) >= level}
        sub = points[points["criterion"].isin(list(mapping))]
        parts.append(sub.assign(code=sub["criterion"].map(mapping).astype("str")))
    return pd.concat(parts, ignore_index=True)


@dataclass
class Results:
    points: pd.DataFrame
    unit_index: pd.DataFrame
    area_index: pd.DataFrame
    criterion_index: pd.DataFrame
    reconciliation: pd.DataFrame

    TABLES = ("unit_index", "area_index", "criterion_index", "reconciliation", "points")


def compute(inputs: YearInputs) -> Results:
    """All indexes of one dataset-year."""
    yc = inputs.year
    decimals = yc.decimals
    points = points_table(inputs)
    units = inputs.units[["unit_id", "unit_name", "kind", "group"]]

    unit = aggregate(points, ["unit_id"])
    unit, recon = reconcile(unit, inputs.published, decimals, yc.prefer_published_totals)
    unit = units.merge(unit, on="unit_id", how="inner")
    unit.insert(0, "year", yc.year)
    unit["index_pct"] = round_half_up(unit["index_pct_exact"], decimals)
    unit["rank"] = rank_desc(unit["index_pct"])
    unit["rank_of"] = int(unit["index_pct"].notna().sum())
    unit["band"] = assign_bands(unit["index_pct"], inputs.bands)
    lead = ["year", "unit_id", "unit_name", "kind", "group", "achieved_points", "max_points",
            "index_pct", "rank", "rank_of", "band", "self_points", "appraised_points",
            "survey_points", "points_deducted", "max_appraisal", "max_survey", "max_points_full",
            "index_pct_exact", "achieved_from_parts", "totals_source", "n_appraisal_parts",
            "n_survey_parts", "n_not_arising"]
    unit = unit[lead].sort_values(["rank", "unit_id"], ignore_index=True)

    names = inputs.framework.set_index("code")[["name_vi", "name_en", "level"]]
    area = aggregate(points, ["unit_id", "area"])
    area = area.merge(names, left_on="area", right_index=True, how="left")
    area["index_pct"] = round_half_up(area["index_pct_exact"], decimals)
    area.insert(0, "year", yc.year)

    crit = aggregate(with_ancestors(points), ["unit_id", "code"])
    crit = crit.merge(names, left_on="code", right_index=True, how="left")
    crit["index_pct"] = round_half_up(crit["index_pct_exact"], decimals)
    crit.insert(0, "year", yc.year)

    recon.insert(0, "year", yc.year)
    return Results(points=points, unit_index=unit, area_index=area, criterion_index=crit,
                   reconciliation=recon)


def save(results: Results, out_dir) -> list:
    from pathlib import Path

    from parlib.storage import write_csv

    return [write_csv(getattr(results, name), Path(out_dir) / f"{name}.csv")
            for name in Results.TABLES]


def load_table(out_dir, name: str) -> pd.DataFrame:
    """Read back one of ``Results.TABLES`` with text columns as text (ids like ``'1.10'`` stay)."""
    from pathlib import Path

    text = {"unit_id": "str", "unit_name": "str", "kind": "str", "group": "str", "band": "str",
            "area": "str", "code": "str", "criterion": "str", "measure": "str", "status": "str",
            "component": "str", "totals_source": "str", "name_vi": "str", "name_en": "str",
            "level": "str"}
    df = pd.read_csv(Path(out_dir) / f"{name}.csv", dtype=text, keep_default_na=False,
                     na_values=[""])
    for col, dtype in text.items():
        if col in df.columns:
            df[col] = df[col].fillna("").astype(dtype)
    if "rank" in df.columns:
        df["rank"] = df["rank"].astype("Int64")
    return df
