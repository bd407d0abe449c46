"""Measures: the sums every index table is made of, grouped on integer codes.

In: the ``points`` table and the framework's components. Out: per group (unit, unit × area, unit ×
node of the tree) the points achieved and the applicable maximum (in-maximum parts only: assessed and
measured), self-assessed points, each component's points and applicable maximum
(``c.points_column``, ``c.max_column``), the full maximum, the appraisal rounds' totals, the part
counts (``n_<id>_parts``, ``n_not_arising``, ``n_explanations``), the index and the points deducted.

Bonus and penalty parts are summed in their own columns and never enter ``max_points``; at unit
level ``compute`` adds the bonus and takes the penalty (after their caps), never here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from parlib.config import framework as fwk
from parlib.config.model import LEGACY_COMPONENTS, ComponentConfig
from parlib.score.arithmetic import index_pct
from parlib.score.points import sorted_codes

ROUND_POINTS = re.compile(r"^round_(\d+)_points$")
LEGACY_IDS = tuple(c.id for c in LEGACY_COMPONENTS)
ASSESSED_BASE = "_assessed_points"  # the points the self-assessment is compared with (dropped)


@dataclass(frozen=True)
class Measures:
    """The summed columns, one float block and one integer block, one column per points row."""

    floats: np.ndarray
    float_names: list[str]
    counts: np.ndarray
    count_names: list[str]


def measure_blocks(points: pd.DataFrame, components: tuple[ComponentConfig, ...]) -> Measures:
    """The summed columns of ``aggregate``: points and maxima (float), counts (integer).

    Legacy (appraisal + survey): ``achieved_points, max_points, self_points, appraised_points,
    survey_points, max_appraisal, max_survey, max_points_declared`` and ``n_appraisal_parts,
    n_survey_parts, n_not_arising``, the columns (and sums) the first datasets gave.
    """
    live = points["applicable"].to_numpy(bool)
    comp = points["component"].to_numpy(dtype=object)
    pts = points["points"].to_numpy("float64")
    mx = points["max_points"].to_numpy("float64")
    selfp = points["self_points"].to_numpy("float64")
    inmax = np.isin(comp, [c.id for c in components if c.in_maximum])
    of = {c.id: live & (comp == c.id) for c in components}
    assessed_ids = [c.id for c in components if c.self_assessed]
    base = live & np.isin(comp, assessed_ids)
    columns = [
        ("achieved_points", live & inmax, pts),
        ("max_points", live & inmax, mx),
        ("self_points", base, selfp),
        *[(c.points_column, of[c.id], pts) for c in components],
        *[(c.max_column, of[c.id], mx) for c in components],
        ("max_points_declared", inmax, mx),
        (ASSESSED_BASE, base, pts),
    ]
    numbers = sorted(int(m.group(1)) for c in points.columns if (m := ROUND_POINTS.match(c)))
    columns += [
        (f"round_{n}_points", base, points[f"round_{n}_points"].to_numpy()) for n in numbers
    ]
    floats = np.empty((len(columns), len(points)), dtype="float64")
    for i, (_, where, values) in enumerate(columns):
        floats[i] = np.where(where, values, 0.0)
    count_cols = [(f"n_{c.id}_parts", of[c.id]) for c in components] + [("n_not_arising", ~live)]
    if "explanation" in points.columns:
        said = points["explanation"].fillna("").astype("str").to_numpy(dtype=object) != ""
        count_cols.append(("n_explanations", said))
    counts = np.stack([w for _, w in count_cols]).astype("int64")
    return Measures(floats, [c[0] for c in columns], counts, [c[0] for c in count_cols])


def measures_frame(m: Measures, rows: np.ndarray | None = None) -> pd.DataFrame:
    """The summed columns, one row per points row (``rows``: which, repeated)."""
    floats, counts = m.floats, m.counts
    if rows is not None:
        floats, counts = floats[:, rows], counts[:, rows]
    # one float block, shared rather than copied column by column; the counts beside it
    out = pd.DataFrame(floats.T, columns=m.float_names, copy=False)
    for name, values in zip(m.count_names, counts):
        out[name] = values
    return out


def grouped_sums(
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
    out["points_deducted"] = (out["self_points"] - out[ASSESSED_BASE]).round(6)
    return out, group_codes


def aggregate(
    points: pd.DataFrame, by: list[str], components: tuple[ComponentConfig, ...] | None = None
) -> pd.DataFrame:
    """Sum applicable points and maxima over ``by``; adds the index and points deducted.

    Not-arising rows contribute neither points nor maximum, so they leave the index unchanged.
    Groups come sorted by ``by``; keys are grouped as integer codes (text is many times slower).
    ``components``: the framework's parts (default: appraisal and survey, then any other part
    the points name).
    """
    components = components or _components_named(points)
    out = grouped_sums(
        measures_frame(measure_blocks(points, components)),
        [(c, *sorted_codes(points[c])) for c in by],
    )[0]
    return out.drop(columns=ASSESSED_BASE)


def _components_named(points: pd.DataFrame) -> tuple[ComponentConfig, ...]:
    """The legacy parts (appraisal, survey), then any other the points name (as measured)."""
    ids = [i for i in dict.fromkeys(points["component"].astype(str)) if i not in LEGACY_IDS]
    return LEGACY_COMPONENTS + tuple(ComponentConfig(i, "measured", i, i) for i in ids)


def ancestor_rows(crit: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, tuple]:
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


def with_names(
    table: pd.DataFrame, key: str, names: pd.DataFrame, coded: tuple[np.ndarray, np.ndarray]
) -> pd.DataFrame:
    """``table.merge(names, left_on=key, right_index=True, how="left")``, looked up per code
    (``coded``: each row's code into the values coded, from ``grouped_sums``), in place."""
    if names.index.has_duplicates:
        return table.merge(names, left_on=key, right_index=True, how="left")
    codes, values = coded
    at = names.index.get_indexer(pd.Index(values, dtype=object))
    for col in names.columns:
        looked_up = names[col].to_numpy(dtype=object)[at]
        looked_up[at < 0] = np.nan
        table[col] = pd.Series(looked_up[codes], index=table.index, dtype=names[col].dtype)
    return table
