"""Points: tidy scores × framework leaves → the ``points`` table, one row per unit × leaf × component.

In: the tidy framework (one ``max_<component>`` column per component), the tidy scores (per
component ``<stem>_score``, ``<stem>_kps``; ``self_score`` / ``self_<id>_score``; optional appraisal
rounds ``round_<n>_score`` and ``explanation``), the framework's components and whether the
self-assessment is known. Out: the points table (``unit_id, criterion, area, component, max_points,
applicable, self_points, points`` and, where rounds exist, ``round_<n>_points`` and
``explanation``) and, per row, the sorted-order integer codes of its unit and criterion, which the
index tables group by.

A row exists for every score row whose leaf has a positive maximum for that component (a leaf
without a maximum for a part is not scored on it). Rows are sorted by unit, criterion and the
component's order of declaration (for the two legacy parts, appraisal then survey: alphabetical, as
before). Penalty points are positive numbers (points taken away); the component says which they are.

Rounds: the final appraised score is the last round present on a row; ``round_<n>_points`` is the
score as it stood after round n (the latest round ≤ n present on the row, else the final score), so
the last round's total is the appraised total.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from parlib.config.model import ComponentConfig

ROUND = re.compile(r"^round_(\d+)_score$")


def round_numbers(scores: pd.DataFrame) -> list[int]:
    """The appraisal rounds the scores carry (``round_<n>_score`` columns), in order."""
    return sorted(int(m.group(1)) for c in scores.columns if (m := ROUND.match(str(c))))


def rounds_component(components: tuple[ComponentConfig, ...]) -> int | None:
    """The position of the component rounds belong to: the appraisal (else the first assessed part)."""
    for i, c in enumerate(components):
        if c.id == "appraisal":
            return i
    return next((i for i, c in enumerate(components) if c.kind == "assessed"), None)


def self_known(
    components: tuple[ComponentConfig, ...], scores: pd.DataFrame, self_assessment: bool
) -> list[bool]:
    """Per component: whether its self-assessed score is known (declared self-assessed, the year
    has self-assessment, and the score file has its self column)."""
    return [
        bool(self_assessment and c.self_assessed and c.self_column in scores.columns)
        for c in components
    ]


def _floats(scores: pd.DataFrame, column: str) -> np.ndarray:
    if column in scores.columns:
        return scores[column].to_numpy("float64")
    return np.full(len(scores), np.nan)


def _kps(scores: pd.DataFrame, component: ComponentConfig) -> np.ndarray:
    column = f"{component.stem}_kps"
    if column in scores.columns:
        return scores[column].to_numpy(bool)
    return np.zeros(len(scores), dtype=bool)


def _maxima(leaves: pd.DataFrame, component: ComponentConfig) -> np.ndarray:
    if component.max_column not in leaves.columns:
        return np.zeros(len(leaves), dtype="float64")
    return np.nan_to_num(leaves[component.max_column].to_numpy("float64"), nan=0.0)


def points_table(
    framework: pd.DataFrame,
    scores: pd.DataFrame,
    components: tuple[ComponentConfig, ...],
    known: list[bool],
):
    """The points table and, per row, ``(codes, values)`` of its unit and of its criterion."""
    leaves = framework.loc[framework["is_leaf"].astype(bool)]
    if leaves["code"].duplicated().any():  # refused by validation; joined as before, row by row
        points = _joined(scores, leaves, components, known)
        return points, sorted_codes(points["unit_id"]), sorted_codes(points["criterion"])
    # the join and the sort on integer codes: a million rows name ten thousand units, a hundred leaves
    crit_codes, crits = pd.factorize(scores["criterion"], sort=True, use_na_sentinel=False)
    unit_codes, units = pd.factorize(scores["unit_id"], sort=True, use_na_sentinel=False)
    leaf = pd.Index(leaves["code"]).get_indexer(pd.Index(crits))[crit_codes]  # -1: not a leaf
    area = leaves["area"].to_numpy(dtype=object)
    n = len(components)
    maxima = np.stack([_maxima(leaves, c) for c in components]) if n else np.zeros((0, len(leaves)))
    parts = [np.flatnonzero((leaf >= 0) & (maxima[c][leaf] > 0)) for c in range(n)]
    component = np.concatenate([np.full(len(r), c, dtype="int64") for c, r in enumerate(parts)])
    rows = np.concatenate(parts).astype("int64")
    # stable, as sort_values: one integer key (unit, criterion, component), near sorted already
    key = (unit_codes[rows] * max(len(crits), 1) + crit_codes[rows]) * max(n, 1) + component
    order = np.argsort(key, kind="stable")
    component, rows = component[order], rows[order]
    at = leaf[rows]
    kps = np.stack([_kps(scores, c) for c in components])[component, rows]
    pts = np.stack([_floats(scores, c.score_column) for c in components])[component, rows]
    nan = np.full(len(scores), np.nan)
    selfs = np.stack(
        [_floats(scores, c.self_column) if k else nan for c, k in zip(components, known)]
    )
    ids = np.array([c.id for c in components], dtype=object)
    out = pd.DataFrame(
        {
            "unit_id": pd.Series(np.asarray(units, dtype=object)[unit_codes[rows]], dtype="str"),
            "criterion": pd.Series(np.asarray(crits, dtype=object)[crit_codes[rows]], dtype="str"),
            "area": pd.Series(area[at], dtype="str"),
            "component": pd.Series(ids[component], dtype="str"),
            "max_points": maxima[component, at],
            "applicable": ~kps,
            "self_points": selfs[component, rows],
            "points": pts,
        }
    )
    _add_rounds(out, scores, rows, component == rounds_component(components))
    return (
        out,
        (unit_codes[rows], np.asarray(units, dtype=object)),
        (crit_codes[rows], np.asarray(crits, dtype=object)),
    )


def _add_rounds(out: pd.DataFrame, scores: pd.DataFrame, rows: np.ndarray, mine: np.ndarray):
    """``round_<n>_points`` (the score after round n) and ``explanation`` on the rounds' component
    rows (NaN / "" on the others), when the scores carry rounds or explanations."""
    numbers = round_numbers(scores)
    if not numbers and "explanation" not in scores.columns:
        return
    current = out["points"].to_numpy("float64").copy()  # no round present: the final score
    latest = np.full(len(out), np.nan)
    for n in numbers:
        value = scores[f"round_{n}_score"].to_numpy("float64")[rows]
        latest = np.where(np.isnan(value), latest, value)
        after = np.where(np.isnan(latest), current, latest)
        out[f"round_{n}_points"] = np.where(mine, after, np.nan)
    if "explanation" in scores.columns:
        text = scores["explanation"].fillna("").astype("str").to_numpy(dtype=object)[rows]
        out["explanation"] = pd.Series(np.where(mine, text, ""), dtype="str")
    else:
        out["explanation"] = pd.Series([""] * len(out), dtype="str")


def _joined(
    scores: pd.DataFrame,
    leaves: pd.DataFrame,
    components: tuple[ComponentConfig, ...],
    known: list[bool],
) -> pd.DataFrame:
    keep = ["code", "area", *[c.max_column for c in components if c.max_column in leaves]]
    scored = scores.merge(leaves[keep], left_on="criterion", right_on="code", how="inner")
    parts = []
    for order, (c, k) in enumerate(zip(components, known)):
        mx = _maxima(scored, c)
        sub = scored[mx > 0]
        parts.append(
            pd.DataFrame(
                {
                    "unit_id": sub["unit_id"].to_numpy(),
                    "criterion": sub["criterion"].to_numpy(),
                    "area": sub["area"].to_numpy(),
                    "component": c.id,
                    "max_points": mx[mx > 0],
                    "applicable": ~_kps(sub, c),
                    "self_points": _floats(sub, c.self_column) if k else np.full(len(sub), np.nan),
                    "points": _floats(sub, c.score_column),
                    "_order": order,
                }
            )
        )
    points = pd.concat(parts, ignore_index=True)
    points["component"] = points["component"].astype("str")
    points = points.sort_values(["unit_id", "criterion", "_order"], ignore_index=True)
    return points.drop(columns="_order")


def sorted_codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, values = pd.factorize(series, sort=True)
    return codes.astype("int64"), np.asarray(values, dtype=object)
