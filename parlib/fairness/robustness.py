"""Robustness of the ranking: methodology alternatives declared as data, and rank intervals.

In: the ``points`` table (unit × leaf × component: maximum, applicable, points), the ``unit_index``
table (official index and rank), and the dataset's optional ``alternatives.toml``.
Out: ``compare_alternatives`` (each unit's index and rank under every declared alternative, long
format) and ``rank_intervals`` (a seeded Monte Carlo: each unit's median rank and its 5th–95th
percentile interval over plausible variations of the method).

Why: a rank is only as firm as the choices behind it (area weights, how a missing survey is treated,
noise in survey points). Two units whose intervals overlap should not be read as different.

Alternatives (``[alternatives.<name>]``, ``rule = ...``), for unit *u*, parts *k* with maximum *M*,
points *p*, applicable *a*, area weight *w* (1 unless varied):

- ``official``: Σ w·a·p ÷ Σ w·a·M × 100 (not-arising parts leave the maximum);
- ``rescale_missing_component``: component sub-indexes I_c = Σ_c w·a·p ÷ Σ_c w·a·M weighted by the
  framework's component shares S_c = Σ_c w·M (e.g. 84/16); a component with nothing applicable is
  dropped and the others rescaled to 100 (Hà Nội's practice): Σ S_c·I_c ÷ Σ S_c over present c;
- ``impute_not_applicable`` (``component``): not-applicable parts of the component count, scored at
  the mean rate Σ_u a·p ÷ Σ_u a·M of the units where that part applied;
- ``not_applicable_as_zero`` (``component``): not-applicable parts of the component keep their
  maximum and score 0 (ranking on points out of the framework total, e.g. 84 of 100);
- ``area_weights`` (``weights = "equal"`` or a table area → multiplier): w multiplied per area;
  ``"equal"`` gives every area the same weight whatever its points (multiplier = mean area maximum ÷
  area maximum).

Monte Carlo (``[monte_carlo]``): each draw multiplies every area's weight by an independent
U(1 − r, 1 + r) factor, adds N(0, sd²) points to every applicable survey part (clipped to
[0, M]), and picks one alternative uniformly from ``alternatives``. Indexes are rounded to the
year's decimals and ranked highest first, ties sharing the best rank, as the official ranking is.
Everything is vectorised (draws × units × parts) and seeded with ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from parlib.config.alternatives import _NEEDS_COMPONENT, Alternative, Alternatives, MonteCarlo
from parlib.core.errors import UsageError
from parlib.score.arithmetic import round_half_up

CHUNK = 50  # draws computed at once: bounds memory at CHUNK × units × survey parts floats


@dataclass(frozen=True)
class Parts:
    """Units × parts (leaf × component) as arrays; a missing row counts as not present."""

    unit_ids: np.ndarray  # U
    areas: np.ndarray  # R area codes
    points: np.ndarray  # U × K points counted (0 where not applicable or not present)
    applicable: np.ndarray  # U × K
    present: np.ndarray  # U × K: the unit has a row for the part
    maximum: np.ndarray  # K
    survey: np.ndarray  # K: the part is a survey component
    area_of: np.ndarray  # K: index into ``areas``

    @property
    def cell_of(self) -> np.ndarray:
        """Aggregation cell of each part: area × component (2 per area)."""
        return self.area_of * 2 + self.survey.astype(int)


def parts_matrix(points: pd.DataFrame) -> Parts:
    """Pivot the ``points`` table into ``Parts`` (units in sorted id order)."""
    p = points.assign(part=points["criterion"].astype(str) + "|" + points["component"].astype(str))
    p = p.assign(
        live=p["applicable"].astype(bool),
        counted=p["points"].where(p["applicable"].astype(bool), 0.0).fillna(0.0),
    )
    meta = p.drop_duplicates("part").set_index("part")
    parts = sorted(meta.index)
    units = sorted(p["unit_id"].astype(str).unique())
    counted = p.pivot(index="unit_id", columns="part", values="counted").reindex(
        index=units, columns=parts
    )
    live = p.pivot(index="unit_id", columns="part", values="live").reindex(
        index=units, columns=parts
    )
    areas = np.array(
        sorted(
            meta["area"].astype(str).unique(),
            key=lambda c: [int(x) if x.isdigit() else x for x in c.split(".")],
        )
    )
    area_pos = {a: i for i, a in enumerate(areas)}
    return Parts(
        unit_ids=np.array(units),
        areas=areas,
        points=counted.fillna(0.0).to_numpy(dtype="float64"),
        applicable=live.fillna(False).to_numpy(dtype=bool),
        present=live.notna().to_numpy(),
        maximum=meta.loc[parts, "max_points"].to_numpy(dtype="float64"),
        survey=(meta.loc[parts, "component"] == "survey").to_numpy(),
        area_of=np.array([area_pos[a] for a in meta.loc[parts, "area"].astype(str)]),
    )


def _area_multipliers(parts: Parts, alt: Alternative) -> np.ndarray:
    """Fixed per-area multipliers of an ``area_weights`` alternative (1 elsewhere)."""
    if alt.rule != "area_weights":
        return np.ones(len(parts.areas))
    if alt.weights == "equal":
        area_max = np.bincount(parts.area_of, weights=parts.maximum, minlength=len(parts.areas))
        return np.where(area_max > 0, area_max.mean() / np.where(area_max > 0, area_max, 1), 1.0)
    return np.array([float(alt.weights.get(a, 1.0)) for a in parts.areas])


def _indexes(parts: Parts, alt: Alternative, weights: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Index (%) of every unit under ``alt`` for a batch of draws.

    ``weights``: C × R area weights; ``points``: C × U × K counted points. Returns C × U (NaN where
    nothing counts).
    """
    n_cells = 2 * len(parts.areas)
    onehot = np.zeros((len(parts.maximum), n_cells))
    onehot[np.arange(len(parts.maximum)), parts.cell_of] = 1.0
    weights = weights * _area_multipliers(parts, alt)[None, :]
    w_cell = np.repeat(weights, 2, axis=1)  # C × G: both components of an area share its weight
    live = parts.applicable.astype(float)
    ach = points @ onehot  # C × U × G
    mx = (live * parts.maximum) @ onehot  # U × G
    full = (parts.present * parts.maximum) @ onehot  # U × G
    is_survey_cell = np.tile([False, True], len(parts.areas))
    if alt.rule in _NEEDS_COMPONENT:
        target = (
            np.ones(len(parts.maximum), bool)
            if alt.component == "all"
            else parts.survey
            if alt.component == "survey"
            else ~parts.survey
        )
        missing = parts.present & ~parts.applicable & target[None, :]  # U × K
        mx = mx + (missing * parts.maximum) @ onehot
        if alt.rule == "impute_not_applicable":
            got = (points * live[None]).sum(axis=1)  # C × K
            possible = (live * parts.maximum).sum(axis=0)  # K
            rate = np.divide(got, possible, out=np.zeros_like(got), where=possible > 0)
            ach = ach + (missing[None] * (rate * parts.maximum)[:, None, :]) @ onehot
    with np.errstate(divide="ignore", invalid="ignore"):
        if alt.rule == "rescale_missing_component":
            total = np.zeros(ach.shape[:2])
            shares = np.zeros(ach.shape[:2])
            for survey in (False, True):
                cells = is_survey_cell == survey
                num = (ach[:, :, cells] * w_cell[:, None, cells]).sum(axis=2)
                den = (mx[None, :, cells] * w_cell[:, None, cells]).sum(axis=2)
                share = (full[None, :, cells] * w_cell[:, None, cells]).sum(axis=2)
                present = den > 0
                total += np.where(present, share * num / np.where(present, den, 1), 0.0)
                shares += np.where(present, share, 0.0)
            return np.where(shares > 0, total / shares * 100.0, np.nan)
        num = (ach * w_cell[:, None, :]).sum(axis=2)
        den = (mx[None] * w_cell[:, None, :]).sum(axis=2)
        return np.where(den > 0, num / den * 100.0, np.nan)


def _ranks(index: np.ndarray, decimals: int) -> np.ndarray:
    """Rank each row (draw) of units on the rounded index: 1 = highest, ties share the best."""

    rounded = round_half_up(index, decimals)
    return rankdata(-rounded, method="min", axis=1, nan_policy="omit")


def alternative_index(parts: Parts, alt: Alternative) -> np.ndarray:
    """Index (%) of every unit (``parts.unit_ids`` order) under one alternative, no variation."""
    ones = np.ones((1, len(parts.areas)))
    return _indexes(parts, alt, ones, parts.points[None])[0]


def compare_alternatives(
    points: pd.DataFrame, unit_index: pd.DataFrame, config: Alternatives, decimals: int = 2
) -> pd.DataFrame:
    """Every unit's index and rank under every declared alternative, beside the official ones.

    Long format: one row per unit × alternative. The ``official`` rows are the published workbook
    figures (``unit_index``); the others are computed from the parts. ``rank_change`` =
    official rank − rank under the alternative (positive: the unit climbs).
    """
    parts = parts_matrix(points)
    base = unit_index[["unit_id", "unit_name", "kind", "index_pct", "rank"]].rename(
        columns={"index_pct": "official_index_pct", "rank": "official_rank"}
    )
    rows = []
    for alt in config.items:
        if alt.rule == "official" and alt.name == "official":
            idx = base.set_index("unit_id")["official_index_pct"].reindex(parts.unit_ids)
            values = idx.to_numpy(dtype="float64")
        else:
            values = round_half_up(alternative_index(parts, alt), decimals)
        ranks = _ranks(values[None], decimals)[0]
        rows.append(
            pd.DataFrame(
                {
                    "unit_id": parts.unit_ids,
                    "alternative": alt.name,
                    "rule": alt.rule,
                    "index_pct": values,
                    "rank": ranks,
                }
            )
        )
    out = pd.concat(rows, ignore_index=True).merge(base, on="unit_id", how="inner")
    out["rank"] = pd.array(out["rank"], dtype="Float64").round().astype("Int64")
    out["rank_change"] = (out["official_rank"] - out["rank"]).astype("Int64")
    out["index_change"] = (out["index_pct"] - out["official_index_pct"]).round(decimals)
    order = {a.name: i for i, a in enumerate(config.items)}
    out = (
        out.assign(_o=out["alternative"].map(order))
        .sort_values(["_o", "official_rank", "unit_id"])
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    return out[
        [
            "unit_id",
            "unit_name",
            "kind",
            "alternative",
            "rule",
            "official_index_pct",
            "official_rank",
            "index_pct",
            "rank",
            "index_change",
            "rank_change",
        ]
    ]


def alternatives_wide(long: pd.DataFrame, config: Alternatives) -> pd.DataFrame:
    """One row per unit (official order): index and rank under each alternative side by side
    (``index__<name>``, ``rank__<name>``) and the largest absolute rank change."""
    wide = long.pivot(index="unit_id", columns="alternative", values=["index_pct", "rank"])
    out = long.drop_duplicates("unit_id").set_index("unit_id")[
        ["unit_name", "kind", "official_rank", "official_index_pct"]
    ]
    for alt in config.items:
        out[f"index__{alt.name}"] = wide[("index_pct", alt.name)]
        out[f"rank__{alt.name}"] = wide[("rank", alt.name)].astype("Int64")
    out["max_rank_change"] = long.assign(a=long["rank_change"].abs()).groupby("unit_id")["a"].max()
    return out.reset_index().sort_values(["official_rank", "unit_id"], ignore_index=True)


def alternatives_summary(long: pd.DataFrame, config: Alternatives) -> pd.DataFrame:
    """Per alternative: how many units change rank, the largest move and whose it is."""
    rows = []
    for alt in config.items:
        g = long[long["alternative"] == alt.name]
        moved = g[g["rank_change"].fillna(0) != 0]
        top = (
            g.assign(a=g["rank_change"].abs())
            .sort_values(["a", "unit_id"], ascending=[False, True])
            .iloc[0]
            if len(g)
            else None
        )
        rows.append(
            {
                "alternative": alt.name,
                "rule": alt.rule,
                "label_vi": alt.label("vi"),
                "label_en": alt.label("en"),
                "n_units_moved": len(moved),
                "max_abs_rank_change": int(moved["rank_change"].abs().max()) if len(moved) else 0,
                "most_moved_unit": top["unit_name"] if len(moved) else "",
                "most_moved_from": top["official_rank"] if len(moved) else pd.NA,
                "most_moved_to": top["rank"] if len(moved) else pd.NA,
            }
        )
    return pd.DataFrame(rows)


@dataclass
class RankIntervals:
    table: pd.DataFrame  # one row per unit
    settings: MonteCarlo
    seconds: float
    ranks: np.ndarray | None = None  # draws × units, when asked for


def simulate_ranks(
    parts: Parts, alternatives: list[Alternative], mc: MonteCarlo, decimals: int = 2
) -> np.ndarray:
    """Ranks of every unit in every draw (draws × units), seeded by ``mc.seed``."""
    rng = np.random.default_rng(mc.seed)
    n_areas, n_units = len(parts.areas), len(parts.unit_ids)
    factors = rng.uniform(
        1 - mc.area_weight_range, 1 + mc.area_weight_range, size=(mc.draws, n_areas)
    )
    choice = rng.integers(0, len(alternatives), size=mc.draws)
    survey_cols = np.flatnonzero(parts.survey)
    survey_live = parts.applicable[:, survey_cols]
    survey_max = parts.maximum[survey_cols]
    ranks = np.empty((mc.draws, n_units))
    for start in range(0, mc.draws, CHUNK):
        stop = min(start + CHUNK, mc.draws)
        batch = np.repeat(parts.points[None], stop - start, axis=0)
        if mc.survey_noise_sd > 0 and len(survey_cols):
            noise = rng.normal(
                0.0, mc.survey_noise_sd, size=(stop - start, n_units, len(survey_cols))
            )
            noisy = np.clip(batch[:, :, survey_cols] + noise, 0.0, survey_max)
            batch[:, :, survey_cols] = np.where(survey_live[None], noisy, 0.0)
        index = np.full((stop - start, n_units), np.nan)
        for i, alt in enumerate(alternatives):
            pick = choice[start:stop] == i
            if pick.any():
                index[pick] = _indexes(parts, alt, factors[start:stop][pick], batch[pick])
        ranks[start:stop] = _ranks(index, decimals)
    return ranks


def rank_intervals(
    points: pd.DataFrame,
    unit_index: pd.DataFrame,
    config: Alternatives,
    decimals: int = 2,
    draws: int | None = None,
    seed: int | None = None,
    keep_ranks: bool = False,
) -> RankIntervals:
    """Each unit's median rank and 5th–95th percentile rank over ``draws`` seeded draws.

    Quantiles are empirical (inverted CDF), so every bound is a rank that occurred and
    p05 ≤ median ≤ p95. ``draws``/``seed`` override the declared settings (notebook parameters);
    None keeps the declared one.
    ``official_in_interval``: whether the official rank lies within [p05, p95].
    """
    mc = config.monte_carlo
    if draws is not None:
        if draws < 1:
            raise UsageError(f"mc_draws must be ≥ 1 (or None: as declared), not {draws!r}")
        mc = MonteCarlo(**{**mc.__dict__, "draws": int(draws)})
    if seed is not None:
        if seed < 0:
            raise UsageError(f"mc_seed must be ≥ 0 (or None: as declared), not {seed!r}")
        mc = MonteCarlo(**{**mc.__dict__, "seed": int(seed)})
    started = time.perf_counter()
    parts = parts_matrix(points)
    ranks = simulate_ranks(parts, [config.get(n) for n in mc.alternatives], mc, decimals)
    p05, median, p95 = np.nanquantile(ranks, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf")
    seconds = time.perf_counter() - started
    table = pd.DataFrame(
        {"unit_id": parts.unit_ids, "rank_median": median, "rank_p05": p05, "rank_p95": p95}
    )
    base = unit_index[["unit_id", "unit_name", "kind", "index_pct", "rank", "rank_of"]]
    table = base.merge(table, on="unit_id", how="left")
    for col in ("rank_median", "rank_p05", "rank_p95"):
        table[col] = pd.array(table[col], dtype="Float64").round().astype("Int64")
    table["interval_width"] = (table["rank_p95"] - table["rank_p05"]).astype("Int64")
    table["official_in_interval"] = (
        (table["rank"] >= table["rank_p05"]) & (table["rank"] <= table["rank_p95"])
    ).fillna(False)
    table["draws"] = mc.draws
    table["seed"] = mc.seed
    table = table.sort_values(["rank", "unit_id"], ignore_index=True)
    return RankIntervals(table, mc, seconds, ranks if keep_ranks else None)


def synthetic_points(n_units: int, n_criteria: int, seed: int = 0) -> pd.DataFrame:
    """A random ``points`` table (for timing and property tests): 8 areas, the last survey-only,
    about 15 % of parts not applicable."""
    rng = np.random.default_rng(seed)
    codes = [f"{1 + k * 8 // n_criteria}.{k + 1}" for k in range(n_criteria)]
    maxima = rng.choice([0.5, 1.0, 1.5, 2.0, 3.0], size=n_criteria)
    rows = []
    for u in range(n_units):
        live = rng.random(n_criteria) > 0.15
        share = rng.uniform(0.5, 1.0, n_criteria)
        for k, code in enumerate(codes):
            area = code.split(".")[0]
            rows.append(
                {
                    "unit_id": f"u{u:03d}",
                    "criterion": code,
                    "area": area,
                    "component": "survey" if area == "8" else "appraisal",
                    "max_points": maxima[k],
                    "applicable": bool(live[k]),
                    "self_points": math.nan,
                    "points": round(maxima[k] * share[k], 2),
                }
            )
    return pd.DataFrame(rows)
