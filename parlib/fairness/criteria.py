"""Criterion review: which criteria still separate units, for whoever revises a methodology.

In: the score step's ``criterion_index`` (one row per unit × node of the criterion tree, with
``achieved_points``, ``max_points`` — the applicable maximum, 0 where the criterion did not arise —,
``max_points_full``, ``index_pct_exact``, ``points_deducted`` and ``block``), the ``unit_index``
(``self_known``: a self-assessment exists) and ``ReviewThresholds``. Out: ``CriterionReview`` —
``table`` (one row per block × criterion and sub-criterion; areas are not reviewed) and ``pairs``
(leaf pairs so correlated that they count the same thing twice), saved as
``criterion_review.csv`` and ``criterion_pairs.csv`` and read back with ``load``.

Measures, per criterion (over the units of its block whose framework has it):

- ceiling share = units at their maximum ÷ units where it arises (``max_points > 0``);
- not-arising share = units where it does not arise ÷ units whose framework has it;
- spread: standard deviation (n − 1) and interquartile range of the criterion's index (%);
- discrimination = item-rest correlation: Spearman's ρ of the criterion's index with the unit's
  index WITHOUT the criterion, (A − a) ÷ (M − m) × 100, over the units where it arises (A, M: the
  unit's points and maximum summed over its areas, bonus and penalty aside). Spearman, not Pearson:
  criterion scores take few values and pile up at the maximum, and the index is used to rank.
  NaN with fewer than ``min_units`` units or when either side has no variance;
- deducted share = the criterion's points deducted at appraisal ÷ all points deducted in the block
  (NaN without self-assessment);
- discrimination's upper bound: the upper end of its 95 % confidence interval (Fisher's z with
  the standard error 1.06 / √(n − 3) that Fieller, Hartley and Pearson give for Spearman's ρ);
- redundant pairs: leaves whose Spearman ρ over their common units is at least
  ``redundant_correlation`` in absolute value, over at least ``min_common_units`` units, each leaf
  below its maximum for at least ``min_varied_units`` of them (two leaves that nearly every unit
  scores in full, and the same one unit misses, give ρ = 1 and say nothing).

Flags (``FLAGS``): ``at_ceiling`` (ceiling share ≥ ``ceiling_share`` with ≥ ``min_units`` units),
``rarely_arises`` (not-arising share ≥ ``rare_share``), ``no_separation`` (even the upper bound of
the discrimination is below ``min_discrimination``: with 31 units a ρ measured at 0.05 may well be
0.3, and a flag on chance alone would send a methodology owner after noise; or no variance over ≥
``min_units`` units; never with ``at_ceiling``: the ceiling is the cause), ``redundant`` (in a redundant pair; ``same_as`` names the other leaves).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from parlib.core import paths
from parlib.core.storage import write_csv

FLAGS = ("at_ceiling", "rarely_arises", "no_separation", "redundant")
EPS = 1e-9  # points closer than this to the maximum are at the maximum


@dataclass(frozen=True)
class ReviewThresholds:
    """When a criterion is flagged as a candidate to revise (defaults: issue #15)."""

    ceiling_share: float = 0.9  # at ceiling: this share of units at their maximum, or more ...
    min_units: int = 5  # ... over at least this many units (also: the least for a correlation)
    rare_share: float = 0.8  # rarely arises: it does not arise for this share of units, or more
    min_discrimination: float = 0.1  # does not separate units: item-rest correlation below this
    redundant_correlation: float = 0.9  # counts the same: |ρ| of two leaves at least this ...
    min_common_units: int = 8  # ... over at least this many units where both arise ...
    min_varied_units: int = 3  # ... each leaf below its maximum for at least this many of them


COLUMNS = [
    "block",
    "code",
    "name_vi",
    "name_en",
    "level",
    "is_leaf",
    "n_units",
    "n_arising",
    "n_at_ceiling",
    "ceiling_share",
    "not_arising_share",
    "sd_index",
    "iqr_index",
    "discrimination",
    "discrimination_upper",
    "deducted_share",
    "flags",
    "same_as",
]
PAIR_COLUMNS = ["block", "code_a", "code_b", "n_common", "correlation"]


@dataclass
class CriterionReview:
    """One dataset-year's criterion review: ``table`` (``COLUMNS``), ``pairs`` (``PAIR_COLUMNS``),
    the thresholds it used and ``skipped`` (a reason key when the year has no criterion scores)."""

    table: pd.DataFrame
    pairs: pd.DataFrame
    thresholds: ReviewThresholds = field(default_factory=ReviewThresholds)
    skipped: str = ""
    block_names: dict[str, dict[str, str]] = field(default_factory=dict)  # block → lang → name

    def block_name(self, block: str, lang: str) -> str:
        """The block's name in ``lang`` (its code when the unit table named none)."""
        return self.block_names.get(block, {}).get(lang) or block

    FILES: ClassVar[dict[str, str]] = {"table": "criterion_review", "pairs": "criterion_pairs"}

    def flagged(self, flag: str) -> list[str]:
        """The codes carrying ``flag``, in the table's order."""
        has = self.table["flags"].fillna("").str.split(";").map(lambda f: flag in f)
        return list(self.table.loc[has, "code"])

    def save(self, out_dir: Path) -> list[Path]:
        """Write ``criterion_review.csv`` and ``criterion_pairs.csv`` into ``out_dir``."""
        return [
            write_csv(getattr(self, name), Path(out_dir) / f"{stem}.csv")
            for name, stem in self.FILES.items()
        ]

    @classmethod
    def load(cls, out_dir: Path) -> CriterionReview | None:
        """What ``save`` wrote (None: no review saved there)."""
        files = {name: Path(out_dir) / f"{stem}.csv" for name, stem in cls.FILES.items()}
        if not all(f.is_file() for f in files.values()):
            return None
        text = dict.fromkeys(("block", "code", "code_a", "code_b", "flags", "same_as"), str)
        table, pairs = (pd.read_csv(f, dtype=text) for f in files.values())
        for frame, names in ((table, ("block", "flags", "same_as")), (pairs, ("block",))):
            for name in names:
                frame[name] = frame[name].fillna("").astype(str)
        return cls(table, pairs)


def empty_review(reason: str, thresholds: ReviewThresholds | None = None) -> CriterionReview:
    """A review of a year without criterion scores; ``reason``: the label key saying why."""
    return CriterionReview(
        pd.DataFrame(columns=COLUMNS),
        pd.DataFrame(columns=PAIR_COLUMNS),
        thresholds or ReviewThresholds(),
        reason,
    )


def item_rest(score: pd.Series, rest: pd.Series, min_units: int) -> float:
    """Spearman's ρ of ``score`` and ``rest`` (aligned); NaN with fewer than ``min_units`` pairs
    or when either has no variance."""
    both = pd.DataFrame({"s": score, "r": rest}).dropna()
    if len(both) < min_units or both["s"].nunique() < 2 or both["r"].nunique() < 2:
        return float("nan")
    return float(both["s"].rank().corr(both["r"].rank()))


def upper_bound(rho: float, n: int, z: float = 1.959964) -> float:
    """The upper end of the 95 % interval of a Spearman ρ over ``n`` units (Fisher's z, standard
    error 1.06 / √(n − 3)); NaN when ρ is NaN or n ≤ 3."""
    if np.isnan(rho) or n <= 3:
        return float("nan")
    return float(np.tanh(np.arctanh(np.clip(rho, -0.999999, 0.999999)) + z * 1.06 / np.sqrt(n - 3)))


def _leaves(codes: pd.Series) -> set[str]:
    """The codes no other code descends from."""
    found = set(codes)
    parents = {c.rsplit(".", 1)[0] for c in found if "." in c}
    return found - parents


def _review_block(ci: pd.DataFrame, self_known: bool, th: ReviewThresholds):
    """The review rows and redundant pairs of one block's ``criterion_index``."""
    ci = ci.copy()
    ci["code"] = ci["code"].astype(str)
    depth = ci["code"].str.count(r"\.") + 1
    areas = ci[depth == 1]
    total_a = areas.groupby("unit_id")["achieved_points"].sum()
    total_m = areas.groupby("unit_id")["max_points"].sum()
    leaves = _leaves(ci["code"])
    crit = ci[depth > 1]
    total_deducted = crit.loc[crit["code"].isin(leaves), "points_deducted"].sum()
    rows = []
    for code, every in crit.groupby("code", sort=False):
        g = every[every["max_points_full"] > 0]  # a bonus or penalty criterion has no maximum
        live = g[g["max_points"] > EPS]
        n, n_live = len(g), len(live)
        at_max = int((live["achieved_points"] >= live["max_points"] - EPS).sum())
        index = live["index_pct_exact"]
        unit = live["unit_id"]
        rest_m = unit.map(total_m).to_numpy() - live["max_points"].to_numpy()
        rest_a = unit.map(total_a).to_numpy() - live["achieved_points"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            rest = pd.Series(np.where(rest_m > EPS, rest_a / rest_m * 100, np.nan), index.index)
        deducted = g["points_deducted"].sum()
        rows.append(
            {
                "code": code,
                "name_vi": every["name_vi"].iloc[0],
                "name_en": every["name_en"].iloc[0],
                "level": every["level"].iloc[0],
                "is_leaf": code in leaves,
                "n_units": n,
                "n_arising": n_live,
                "n_at_ceiling": at_max,
                "ceiling_share": at_max / n_live if n_live else np.nan,
                "not_arising_share": (n - n_live) / n if n else np.nan,
                "sd_index": index.std(ddof=1) if n_live > 1 else np.nan,
                "iqr_index": index.quantile(0.75) - index.quantile(0.25) if n_live else np.nan,
                "discrimination": (rho := item_rest(index, rest, th.min_units)),
                "discrimination_upper": upper_bound(rho, int(rest.notna().sum())),
                "deducted_share": deducted / total_deducted
                if self_known and total_deducted > EPS
                else np.nan,
            }
        )
    table = pd.DataFrame(
        rows, columns=[c for c in COLUMNS if c not in ("block", "flags", "same_as")]
    )
    pairs = redundant_pairs(crit[crit["code"].isin(leaves)], th)
    return table, pairs


def redundant_pairs(leaf_rows: pd.DataFrame, th: ReviewThresholds) -> pd.DataFrame:
    """Leaf pairs whose Spearman ρ over the units where both arise is at least
    ``redundant_correlation`` in absolute value, over ≥ ``min_common_units`` units."""
    live = leaf_rows[leaf_rows["max_points"] > EPS]
    wide = live.pivot_table(index="unit_id", columns="code", values="index_pct_exact")
    out = []
    codes = list(wide.columns)
    # every pair's ρ at once (pandas ranks each pair over the units where both arise), then the
    # few candidates checked one by one: a criterion list of 80 leaves has 3,160 pairs
    every = wide.corr(method="spearman", min_periods=th.min_common_units).to_numpy()
    for i, j in zip(
        *np.nonzero(np.abs(np.triu(np.nan_to_num(every), 1)) >= th.redundant_correlation - 1e-9)
    ):
        a, b = codes[i], codes[j]
        both = wide[[a, b]].dropna()
        varied = (both < 100 - EPS).sum()
        if len(both) < th.min_common_units or varied.min() < th.min_varied_units:
            continue
        rho = item_rest(both[a], both[b], th.min_common_units)
        if not np.isnan(rho) and abs(rho) >= th.redundant_correlation:
            out.append({"code_a": a, "code_b": b, "n_common": len(both), "correlation": rho})
    return pd.DataFrame(out, columns=PAIR_COLUMNS[1:])


def _flags(row: pd.Series, same_as: str, th: ReviewThresholds) -> str:
    flags = []
    ceiling = row["n_arising"] >= th.min_units and row["ceiling_share"] >= th.ceiling_share
    if ceiling:
        flags.append("at_ceiling")
    if row["not_arising_share"] >= th.rare_share:
        flags.append("rarely_arises")
    flat = row["n_arising"] >= th.min_units and not row["sd_index"] > EPS
    low = row["discrimination_upper"] < th.min_discrimination
    if not ceiling and (low or flat):
        flags.append("no_separation")
    if same_as:
        flags.append("redundant")
    return ";".join(flags)


def review(
    criterion_index: pd.DataFrame,
    unit_index: pd.DataFrame,
    thresholds: ReviewThresholds | None = None,
) -> CriterionReview:
    """The criterion review of one dataset-year (see the module's docstring), block by block."""
    th = thresholds or ReviewThresholds()
    if criterion_index.empty:
        return empty_review("skip_published_criteria", th)
    ci = criterion_index.copy()
    ci["block"] = ci.get("block", pd.Series("", index=ci.index)).fillna("").astype(str)
    known = unit_index.get("self_known", pd.Series(True, index=unit_index.index))
    self_known = bool(known.fillna(False).astype(bool).any())
    tables, pairs = [], []
    for block, part in ci.groupby("block", sort=False):
        table, found = _review_block(part, self_known, th)
        table.insert(0, "block", block)
        found.insert(0, "block", block)
        same = {}
        for p in found.itertuples(index=False):
            same.setdefault(p.code_a, []).append(p.code_b)
            same.setdefault(p.code_b, []).append(p.code_a)
        table["same_as"] = [";".join(same.get(c, [])) for c in table["code"]]
        table["flags"] = [_flags(r, r["same_as"], th) for _, r in table.iterrows()]
        tables.append(table)
        pairs.append(found)
    table = pd.concat(tables, ignore_index=True)[COLUMNS]
    pairs = pd.concat(pairs, ignore_index=True)[PAIR_COLUMNS]
    return CriterionReview(table, pairs, th, block_names=block_names(unit_index))


def block_names(unit_index: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Each block's name in each language, from the unit table's ``block_name_vi/en``."""
    if not {"block", "block_name_vi", "block_name_en"} <= set(unit_index.columns):
        return {}
    named = unit_index.drop_duplicates("block").set_index("block")
    names = named[["block_name_vi", "block_name_en"]].fillna("").astype(str)
    return {str(b): {"vi": r.block_name_vi, "en": r.block_name_en} for b, r in names.iterrows()}


def flag_history(history_root: Path, dataset: str, years: list[int]) -> pd.DataFrame:
    """The flags of every criterion over ``years`` of ``dataset``, read from the years'
    ``criterion_review.csv`` under ``history_root`` (a year without one is left out): one row per
    block × code × flag × year it was raised."""
    rows = []
    for year in years:
        found = CriterionReview.load(paths.year_dir(Path(history_root), dataset, year))
        if found is None:
            continue
        for r in found.table.itertuples(index=False):
            for flag in filter(None, str(r.flags).split(";")):
                rows.append({"block": r.block, "code": r.code, "flag": flag, "year": year})
    return pd.DataFrame(rows, columns=["block", "code", "flag", "year"])


def thresholds_dict(th: ReviewThresholds) -> dict[str, object]:
    """The thresholds by name, as a page's footer lists parameters."""
    return asdict(th)
