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
from pathlib import Path

import numpy as np
import pandas as pd

from parlib.config import framework as fwk
from parlib.core.storage import write_csv
from parlib.ingest.inputs import YearInputs
from parlib.score.arithmetic import (
    assign_bands,
    index_pct,
    rank_desc,
    round_half_up,
    rounding_tolerance,
)

COMPONENT_TOTAL = {"appraisal": "appraised_points", "survey": "survey_points"}


PUBLISHED_FOR = {"self_points": "self_total", "appraised_points": "appraised_total",
                 "survey_points": "survey_total"}


def _points_table(inputs: YearInputs):
    """``points_table`` and, per row, the sorted-order codes of its unit and criterion (with the
    sorted values), which the index tables group by."""
    leaves = inputs.framework.loc[inputs.framework["is_leaf"],
                                  ["code", "area", "max_appraisal", "max_survey"]]
    scores = inputs.scores
    if leaves["code"].duplicated().any():  # refused by validation; joined as before, row by row
        points = _points_table_joined(scores, leaves)
        return points, _sorted_codes(points["unit_id"]), _sorted_codes(points["criterion"])
    # the join and the sort on integer codes: a million rows name ten thousand units, a hundred leaves
    crit_codes, crits = pd.factorize(scores["criterion"], sort=True, use_na_sentinel=False)
    unit_codes, units = pd.factorize(scores["unit_id"], sort=True, use_na_sentinel=False)
    leaf = pd.Index(leaves["code"]).get_indexer(pd.Index(crits))[crit_codes]  # -1: not a leaf
    area = leaves["area"].to_numpy(dtype=object)
    parts = []
    for c, (max_col, _score_col, _kps_col) in enumerate((
            ("max_appraisal", "appraised_score", "appraised_kps"),
            ("max_survey", "survey_score", "survey_kps"))):
        maxima = np.nan_to_num(leaves[max_col].to_numpy("float64"), nan=0.0)
        rows = np.flatnonzero((leaf >= 0) & (maxima[leaf] > 0))
        parts.append((c, rows, maxima))
    component = np.concatenate([np.full(len(rows), c, dtype="int64") for c, rows, _ in parts])
    rows = np.concatenate([rows for _, rows, _ in parts])
    order = np.lexsort((component, crit_codes[rows], unit_codes[rows]))  # stable, as sort_values
    component, rows = component[order], rows[order]
    appraisal = component == 0
    at = leaf[rows]
    max_points = np.where(appraisal, parts[0][2][at], parts[1][2][at])
    kps = np.where(appraisal, scores["appraised_kps"].to_numpy(bool)[rows],
                   scores["survey_kps"].to_numpy(bool)[rows])
    points = np.where(appraisal, scores["appraised_score"].to_numpy("float64")[rows],
                      scores["survey_score"].to_numpy("float64")[rows])
    self_points = np.where(appraisal, scores["self_score"].to_numpy("float64")[rows], np.nan)
    out = pd.DataFrame({
        "unit_id": pd.Series(np.asarray(units, dtype=object)[unit_codes[rows]], dtype="str"),
        "criterion": pd.Series(np.asarray(crits, dtype=object)[crit_codes[rows]], dtype="str"),
        "area": pd.Series(area[at], dtype="str"),
        "component": pd.Series(np.array(["appraisal", "survey"], dtype=object)[component],
                               dtype="str"),
        "max_points": max_points,
        "applicable": ~kps,
        "self_points": self_points,
        "points": points,
    })
    return (out, (unit_codes[rows], np.asarray(units, dtype=object)),
            (crit_codes[rows], np.asarray(crits, dtype=object)))


def _points_table_joined(scores: pd.DataFrame, leaves: pd.DataFrame) -> pd.DataFrame:
    scored = scores.merge(leaves, left_on="criterion", right_on="code", how="inner")
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


def _measures(points: pd.DataFrame, rows: np.ndarray | None = None) -> pd.DataFrame:
    """The summed columns of ``aggregate``, one row per points row (``rows``: which, repeated)."""
    def take(values):
        return values if rows is None else values[rows]

    live = take(points["applicable"].to_numpy(bool))
    comp = take(points["component"].to_numpy(dtype=object))
    appraisal = live & (comp == "appraisal")
    survey = live & (comp == "survey")
    pts = take(points["points"].to_numpy("float64"))
    mx = take(points["max_points"].to_numpy("float64"))
    selfp = take(points["self_points"].to_numpy("float64"))
    return pd.DataFrame({
        "achieved_points": np.where(live, pts, 0.0),
        "max_points": np.where(live, mx, 0.0),
        "self_points": np.where(appraisal, selfp, 0.0),
        "appraised_points": np.where(appraisal, pts, 0.0),
        "survey_points": np.where(survey, pts, 0.0),
        "max_appraisal": np.where(appraisal, mx, 0.0),
        "max_survey": np.where(survey, mx, 0.0),
        "max_points_declared": mx,
        "n_appraisal_parts": appraisal.astype("int64"),
        "n_survey_parts": survey.astype("int64"),
        "n_not_arising": (~live).astype("int64"),
    })


def _grouped_sums(measures: pd.DataFrame, keys: list[tuple[str, np.ndarray, np.ndarray]]
                  ) -> pd.DataFrame:
    """Sum ``measures`` by the keys (name, integer code per row in sorted order, the sorted values),
    groups sorted by the keys; pandas' grouped sum (compensated, in row order) on one integer key."""
    key = np.zeros(len(measures), dtype="int64")
    ok = np.ones(len(measures), dtype=bool)
    for _, codes, values in keys:
        key = key * max(len(values), 1) + codes
        ok &= codes >= 0
    if not ok.all():  # missing keys form no group (as groupby's dropna)
        measures, key = measures[ok], key[ok]
    sums = measures.groupby(key, sort=True).sum()
    group = sums.index.to_numpy()
    out = {}
    for name, _, values in reversed(keys):
        n = max(len(values), 1)
        out[name] = pd.Series(np.asarray(values, dtype=object)[group % n], dtype="str")
        group = group // n
    out = pd.DataFrame({**{name: out[name] for name, _, _ in keys},
                        **{c: sums[c].to_numpy() for c in sums.columns}})
    out = out.rename(columns={"max_points_declared": "max_points_full"})
    out["index_pct_exact"] = index_pct(out["achieved_points"], out["max_points"])
    out["points_deducted"] = (out["self_points"] - out["appraised_points"]).round(6)
    return out


def _sorted_codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, values = pd.factorize(series, sort=True)
    return codes.astype("int64"), np.asarray(values, dtype=object)


def aggregate(points: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sum applicable points and maxima over ``by``; adds the index and points deducted.

    Not-arising rows contribute neither points nor maximum, so they leave the index unchanged.
    Groups come sorted by ``by``; keys are grouped as integer codes (text is many times slower).
    """
    return _grouped_sums(_measures(points), [(c, *_sorted_codes(points[c])) for c in by])


def reconcile(
unit: pd.DataFrame, published: pd.DataFrame, decimals: int,
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


def _ancestor_rows(crit: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, tuple]:
    """``with_ancestors`` without copying the table: which points rows it repeats, in its order,
    and the node each repetition counts towards (sorted-order codes and values). ``crit``: the
    points' criterion codes and values."""
    codes, leaves = crit
    leaves = [str(c) for c in leaves]
    depth = max((fwk.depth(c) for c in leaves), default=0)
    rows, nodes = [], []
    for level in range(1, depth + 1):
        node = np.array([".".join(c.split(".")[:level]) if fwk.depth(c) >= level else ""
                         for c in leaves], dtype=object)
        at = np.flatnonzero(np.array([fwk.depth(c) >= level for c in leaves], dtype=bool)[codes])
        rows.append(at)
        nodes.append(node)
    if not rows:
        return np.zeros(0, dtype="int64"), (np.zeros(0, dtype="int64"), np.zeros(0, dtype=object))
    # node codes per (level, leaf), then per row
    node_codes, node_values = pd.factorize(np.concatenate(nodes), sort=True)
    node_codes = node_codes.reshape(len(nodes), len(leaves))
    per_row = np.concatenate([node_codes[level][codes[at]] for level, at in enumerate(rows)])
    return np.concatenate(rows), (per_row.astype("int64"), np.asarray(node_values, dtype=object))


def _with_names(table: pd.DataFrame, key: str, names: pd.DataFrame) -> pd.DataFrame:
    """``table.merge(names, left_on=key, right_index=True, how="left")``, looked up per code."""
    if names.index.has_duplicates:
        return table.merge(names, left_on=key, right_index=True, how="left")
    codes, values = pd.factorize(table[key], use_na_sentinel=False)
    at = names.index.get_indexer(pd.Index(values, dtype=object))
    out = table.copy()
    for col in names.columns:
        looked_up = names[col].to_numpy(dtype=object)[at]
        looked_up[at < 0] = np.nan
        out[col] = pd.Series(looked_up[codes], index=table.index, dtype=names[col].dtype)
    return out


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
    points, unit_codes, crit = _points_table(inputs)
    units = inputs.units[["unit_id", "unit_name", "kind", "group"]]

    measures = _measures(points)
    unit = _grouped_sums(measures, [("unit_id", *unit_codes)])
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

    # area and criterion tables grouped by integer codes (the values are looked up per criterion)
    names = inputs.framework.set_index("code")[["name_vi", "name_en", "level"]]
    area_of = np.empty(len(crit[1]), dtype=object)
    area_of[crit[0]] = points["area"].to_numpy(dtype=object)  # a leaf's area follows from its code
    area_codes, area_values = pd.factorize(area_of, sort=True)
    area = _grouped_sums(measures, [("unit_id", *unit_codes),
                                    ("area", area_codes.astype("int64")[crit[0]],
                                     np.asarray(area_values, dtype=object))])
    area = _with_names(area, "area", names)
    area["index_pct"] = round_half_up(area["index_pct_exact"], decimals)
    area.insert(0, "year", yc.year)

    # every node of the tree from the rows of its leaves, as with_ancestors(points) lays them out
    rows, nodes = _ancestor_rows(crit)
    crit = _grouped_sums(_measures(points, rows), [("unit_id", unit_codes[0][rows], unit_codes[1]),
                                                   ("code", *nodes)])
    crit = _with_names(crit, "code", names)
    crit["index_pct"] = round_half_up(crit["index_pct_exact"], decimals)
    crit.insert(0, "year", yc.year)

    recon.insert(0, "year", yc.year)
    return Results(points=points, unit_index=unit, area_index=area, criterion_index=crit,
                   reconciliation=recon)


def save(results: Results, out_dir) -> list:


    return [write_csv(getattr(results, name), Path(out_dir) / f"{name}.csv")
            for name in Results.TABLES]


def load_table(out_dir, name: str) -> pd.DataFrame:
    """Read back one of ``Results.TABLES`` with text columns as text (ids like ``'1.10'`` stay)."""

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
