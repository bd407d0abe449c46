"""Score: tidy inputs → unit, area and criterion indexes, ranks, bands and points deducted.

In: ``YearInputs`` (validated). Out: ``Results`` with named tables:

- ``points``: one row per unit × leaf × component, with its maximum, whether it applies (KPS = not
  arising removes it), self-assessed and counted points;
- ``unit_index``: per unit, achieved ÷ applicable maximum × 100, rank (ties share the best rank),
  band, self / appraised / survey totals and points deducted (self − appraised);
- ``area_index`` and ``criterion_index``: the same ratio for every area and every node of the tree;
- ``reconciliation``: every published figure beside the computed one, with the rounding tolerance.

``compute`` is the stage's entry point; ``Results.save`` writes the tables as ``<name>.csv`` and
``Results.load`` reads them back (one of them: ``load_table``).

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
)
from parlib.score.reconcile import reconcile
from parlib.score.tables import load_table

COMPONENT_TOTAL = {"appraisal": "appraised_points", "survey": "survey_points"}


def _points_table(inputs: YearInputs):
    """The ``points`` table (one row per unit × leaf × component, sorted by unit, criterion and
    component) and, per row, the sorted-order codes of its unit and criterion (with the sorted
    values), which the index tables group by."""
    leaves = inputs.framework.loc[
        inputs.framework["is_leaf"], ["code", "area", "max_appraisal", "max_survey"]
    ]
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
    for c, max_col in enumerate(("max_appraisal", "max_survey")):  # the appraisal, the survey
        maxima = np.nan_to_num(leaves[max_col].to_numpy("float64"), nan=0.0)
        rows = np.flatnonzero((leaf >= 0) & (maxima[leaf] > 0))
        parts.append((c, rows, maxima))
    component = np.concatenate([np.full(len(rows), c, dtype="int64") for c, rows, _ in parts])
    rows = np.concatenate([rows for _, rows, _ in parts])
    # stable, as sort_values: one integer key (unit, criterion, component), near sorted already
    key = (unit_codes[rows] * max(len(crits), 1) + crit_codes[rows]) * 2 + component
    order = np.argsort(key, kind="stable")
    component, rows = component[order], rows[order]
    appraisal = component == 0
    at = leaf[rows]
    max_points = np.where(appraisal, parts[0][2][at], parts[1][2][at])
    kps = np.where(
        appraisal,
        scores["appraised_kps"].to_numpy(bool)[rows],
        scores["survey_kps"].to_numpy(bool)[rows],
    )
    points = np.where(
        appraisal,
        scores["appraised_score"].to_numpy("float64")[rows],
        scores["survey_score"].to_numpy("float64")[rows],
    )
    self_points = np.where(appraisal, scores["self_score"].to_numpy("float64")[rows], np.nan)
    out = pd.DataFrame(
        {
            "unit_id": pd.Series(np.asarray(units, dtype=object)[unit_codes[rows]], dtype="str"),
            "criterion": pd.Series(np.asarray(crits, dtype=object)[crit_codes[rows]], dtype="str"),
            "area": pd.Series(area[at], dtype="str"),
            "component": pd.Series(
                np.array(["appraisal", "survey"], dtype=object)[component], dtype="str"
            ),
            "max_points": max_points,
            "applicable": ~kps,
            "self_points": self_points,
            "points": points,
        }
    )
    return (
        out,
        (unit_codes[rows], np.asarray(units, dtype=object)),
        (crit_codes[rows], np.asarray(crits, dtype=object)),
    )


def _points_table_joined(scores: pd.DataFrame, leaves: pd.DataFrame) -> pd.DataFrame:
    scored = scores.merge(leaves, left_on="criterion", right_on="code", how="inner")
    parts = []
    for component, max_col, score_col, kps_col in (
        ("appraisal", "max_appraisal", "appraised_score", "appraised_kps"),
        ("survey", "max_survey", "survey_score", "survey_kps"),
    ):
        sub = scored[scored[max_col].fillna(0) > 0]
        parts.append(
            pd.DataFrame(
                {
                    "unit_id": sub["unit_id"].to_numpy(),
                    "criterion": sub["criterion"].to_numpy(),
                    "area": sub["area"].to_numpy(),
                    "component": component,
                    "max_points": sub[max_col].to_numpy(dtype="float64"),
                    "applicable": ~sub[kps_col].to_numpy(dtype="bool"),
                    "self_points": (
                        sub["self_score"].to_numpy(dtype="float64")
                        if component == "appraisal"
                        else np.full(len(sub), np.nan)
                    ),
                    "points": sub[score_col].to_numpy(dtype="float64"),
                }
            )
        )
    points = pd.concat(parts, ignore_index=True)
    points["component"] = points["component"].astype("str")
    return points.sort_values(["unit_id", "criterion", "component"], ignore_index=True)


FLOAT_MEASURES = (
    "achieved_points",
    "max_points",
    "self_points",
    "appraised_points",
    "survey_points",
    "max_appraisal",
    "max_survey",
    "max_points_declared",
)
COUNT_MEASURES = ("n_appraisal_parts", "n_survey_parts", "n_not_arising")


def _measure_blocks(points: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The summed columns of ``aggregate`` as two blocks, one column per points row: the points
    and maxima (``FLOAT_MEASURES``, float) and the counts (``COUNT_MEASURES``, integer)."""
    live = points["applicable"].to_numpy(bool)
    comp = points["component"].to_numpy(dtype=object)
    appraisal = live & (comp == "appraisal")
    survey = live & (comp == "survey")
    pts = points["points"].to_numpy("float64")
    mx = points["max_points"].to_numpy("float64")
    selfp = points["self_points"].to_numpy("float64")
    floats = np.empty((len(FLOAT_MEASURES), len(points)), dtype="float64")
    for i, (where, values) in enumerate(
        (
            (live, pts),
            (live, mx),
            (appraisal, selfp),
            (appraisal, pts),
            (survey, pts),
            (appraisal, mx),
            (survey, mx),
        )
    ):
        floats[i] = np.where(where, values, 0.0)
    floats[7] = mx
    counts = np.stack([appraisal, survey, ~live]).astype("int64")
    return floats, counts


def _measures(
    points: pd.DataFrame,
    rows: np.ndarray | None = None,
    blocks: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """The summed columns of ``aggregate``, one row per points row (``rows``: which, repeated);
    ``blocks``: ``_measure_blocks(points)`` when already computed."""
    floats, counts = blocks if blocks is not None else _measure_blocks(points)
    if rows is not None:
        floats, counts = floats[:, rows], counts[:, rows]
    # one float block, shared rather than copied column by column; the counts beside it
    out = pd.DataFrame(floats.T, columns=list(FLOAT_MEASURES), copy=False)
    for name, values in zip(COUNT_MEASURES, counts):
        out[name] = values
    return out


def _grouped_sums(
    measures: pd.DataFrame, keys: list[tuple[str, np.ndarray, np.ndarray]]
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Sum ``measures`` by the keys (name, integer code per row in sorted order, the sorted values),
    groups sorted by the keys; pandas' grouped sum (compensated, in row order) on one integer key.
    Also returns, per key, the code of each group's value (into the key's values)."""
    key = np.zeros(len(measures), dtype="int64")
    ok = np.ones(len(measures), dtype=bool)
    for _, codes, values in keys:
        key = key * max(len(values), 1) + codes
        ok &= codes >= 0
    if not ok.all():  # missing keys form no group (as groupby's dropna)
        measures, key = measures[ok], key[ok]
    sums = measures.groupby(key, sort=True).sum()
    group = sums.index.to_numpy()
    out, group_codes = {}, {}
    for name, _, values in reversed(keys):
        n = max(len(values), 1)
        group_codes[name] = group % n
        out[name] = pd.Series(np.asarray(values, dtype=object)[group_codes[name]], dtype="str")
        group = group // n
    renamed = {"max_points_declared": "max_points_full"}
    out = pd.DataFrame(
        {
            **{name: out[name] for name, _, _ in keys},
            **{renamed.get(c, c): sums[c].to_numpy() for c in sums.columns},
        }
    )
    out["index_pct_exact"] = index_pct(out["achieved_points"], out["max_points"])
    out["points_deducted"] = (out["self_points"] - out["appraised_points"]).round(6)
    return out, group_codes


def _sorted_codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, values = pd.factorize(series, sort=True)
    return codes.astype("int64"), np.asarray(values, dtype=object)


def aggregate(points: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sum applicable points and maxima over ``by``; adds the index and points deducted.

    Not-arising rows contribute neither points nor maximum, so they leave the index unchanged.
    Groups come sorted by ``by``; keys are grouped as integer codes (text is many times slower).
    """
    return _grouped_sums(_measures(points), [(c, *_sorted_codes(points[c])) for c in by])[0]


def _ancestor_rows(crit: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, tuple]:
    """Every points row once per node of the tree it counts towards (its area, each criterion
    above its leaf, the leaf itself: level 1 first, then deeper), without copying the table:
    which points rows, in that order, and the node of each repetition (sorted-order codes and
    values). ``crit``: the points' criterion codes and values."""
    codes, leaves = crit
    leaves = [str(c) for c in leaves]
    depth = max((fwk.depth(c) for c in leaves), default=0)
    rows, nodes = [], []
    for level in range(1, depth + 1):
        node = np.array(
            [".".join(c.split(".")[:level]) if fwk.depth(c) >= level else "" for c in leaves],
            dtype=object,
        )
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


def _with_names(
    table: pd.DataFrame, key: str, names: pd.DataFrame, coded: tuple[np.ndarray, np.ndarray]
) -> pd.DataFrame:
    """``table.merge(names, left_on=key, right_index=True, how="left")``, looked up per code
    (``coded``: each row's code into the values coded, from ``_grouped_sums``), in place."""
    if names.index.has_duplicates:
        return table.merge(names, left_on=key, right_index=True, how="left")
    codes, values = coded
    at = names.index.get_indexer(pd.Index(values, dtype=object))
    for col in names.columns:
        looked_up = names[col].to_numpy(dtype=object)[at]
        looked_up[at < 0] = np.nan
        table[col] = pd.Series(looked_up[codes], index=table.index, dtype=names[col].dtype)
    return table


@dataclass
class Results:
    """The score step's tables of one dataset-year; each saved as ``<name>.csv`` (``TABLES``)."""

    points: pd.DataFrame
    unit_index: pd.DataFrame
    area_index: pd.DataFrame
    criterion_index: pd.DataFrame
    reconciliation: pd.DataFrame

    TABLES = ("unit_index", "area_index", "criterion_index", "reconciliation", "points")

    def save(self, out_dir: Path) -> list[Path]:
        """Write every table to ``out_dir/<name>.csv``."""
        return [
            write_csv(getattr(self, name), Path(out_dir) / f"{name}.csv") for name in self.TABLES
        ]

    @classmethod
    def load(cls, out_dir: Path) -> Results:
        """Read back what ``save`` wrote (text columns as text, ranks as integers)."""
        return cls(**{name: load_table(out_dir, name) for name in cls.TABLES})


def compute(inputs: YearInputs) -> Results:
    """All indexes of one dataset-year."""
    yc = inputs.year
    decimals = yc.decimals
    points, unit_codes, crit = _points_table(inputs)
    units = inputs.units[["unit_id", "unit_name", "kind", "group"]]

    blocks = _measure_blocks(points)
    measures = _measures(points, blocks=blocks)
    unit = _grouped_sums(measures, [("unit_id", *unit_codes)])[0]
    unit, recon = reconcile(unit, inputs.published, decimals, yc.prefer_published_totals)
    unit = units.merge(unit, on="unit_id", how="inner")
    unit.insert(0, "year", yc.year)
    unit["index_pct"] = round_half_up(unit["index_pct_exact"], decimals)
    unit["rank"] = rank_desc(unit["index_pct"])
    unit["rank_of"] = int(unit["index_pct"].notna().sum())
    unit["band"] = assign_bands(unit["index_pct"], inputs.bands)
    lead = [
        "year",
        "unit_id",
        "unit_name",
        "kind",
        "group",
        "achieved_points",
        "max_points",
        "index_pct",
        "rank",
        "rank_of",
        "band",
        "self_points",
        "appraised_points",
        "survey_points",
        "points_deducted",
        "max_appraisal",
        "max_survey",
        "max_points_full",
        "index_pct_exact",
        "achieved_from_parts",
        "totals_source",
        "n_appraisal_parts",
        "n_survey_parts",
        "n_not_arising",
    ]
    unit = unit[lead].sort_values(["rank", "unit_id"], ignore_index=True)

    # area and criterion tables grouped by integer codes (the values are looked up per criterion)
    names = inputs.framework.set_index("code")[["name_vi", "name_en", "level"]]
    area_of = np.empty(len(crit[1]), dtype=object)
    area_of[crit[0]] = points["area"].to_numpy(dtype=object)  # a leaf's area follows from its code
    area_codes, area_values = pd.factorize(area_of, sort=True)
    area_values = np.asarray(area_values, dtype=object)
    area, group_codes = _grouped_sums(
        measures,
        [("unit_id", *unit_codes), ("area", area_codes.astype("int64")[crit[0]], area_values)],
    )
    area = _with_names(area, "area", names, (group_codes["area"], area_values))
    area["index_pct"] = round_half_up(area["index_pct_exact"], decimals)
    area.insert(0, "year", yc.year)

    # every node of the tree from the rows of its leaves (each row repeated per ancestor)
    rows, nodes = _ancestor_rows(crit)
    crit, group_codes = _grouped_sums(
        _measures(points, rows, blocks),
        [("unit_id", unit_codes[0][rows], unit_codes[1]), ("code", *nodes)],
    )
    crit = _with_names(crit, "code", names, (group_codes["code"], nodes[1]))
    crit["index_pct"] = round_half_up(crit["index_pct_exact"], decimals)
    crit.insert(0, "year", yc.year)

    recon.insert(0, "year", yc.year)
    return Results(
        points=points, unit_index=unit, area_index=area, criterion_index=crit, reconciliation=recon
    )


def save(results: Results, out_dir) -> list:
    """``results.save(out_dir)`` (the name notebooks used before ``Results.save``)."""
    return results.save(out_dir)
