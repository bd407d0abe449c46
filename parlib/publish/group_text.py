"""Comparable-maximum groups as a reader sees them: a group's range of maxima in the page's
number format (decimal commas on a Vietnamese page), how groups are formed and the merge rule
(no group of one unit), and one worked example from the year's own units.

In: the fairness step's ``fairness_groups`` table (``bias.group_ranks``: ``max_group``,
``max_group_lo``, ``max_group_hi``, ``max_group_merged``, ranks and sizes). Out: strings and
display frames; no computation of results.
"""

from __future__ import annotations

import pandas as pd

from parlib.core.labels import number, t

MIN_UNITS = 3  # a worked example prefers a group of at least this many units


def group_range(lo: object, hi: object, lang: str) -> str:
    """A group's range of maxima in the page's number format ("77,25–82" on a Vietnamese page;
    one number when both bounds are equal); as few decimals as the bounds need (at most 2)."""
    if pd.isna(lo) or pd.isna(hi):
        return ""

    def fmt(x: object) -> str:
        x = round(float(x), 2)
        decimals = next(d for d in (0, 1, 2) if abs(round(x, d) - x) < 1e-9)
        return number(x, decimals, lang)

    return fmt(lo) if float(lo) == float(hi) else f"{fmt(lo)}–{fmt(hi)}"


def with_group_bounds(groups: pd.DataFrame) -> pd.DataFrame:
    """``groups`` (``fairness_groups``) with ``max_group_lo``/``max_group_hi`` always present:
    tables saved before the bounds were stored get them from their group's maxima."""
    if {"max_group_lo", "max_group_hi"} <= set(groups.columns):
        return groups
    keys = ["block", "max_group"] if "block" in groups.columns else ["max_group"]
    by = groups.groupby(keys)["max_points"]
    return groups.assign(max_group_lo=by.transform("min"), max_group_hi=by.transform("max"))


def groups_table(groups: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The group ranks with each group's range in the page's number format."""
    g = with_group_bounds(groups)
    text = [group_range(a, b, lang) for a, b in zip(g["max_group_lo"], g["max_group_hi"])]
    return g.assign(max_group_text=text)


def group_rule_sentence(groups: pd.DataFrame, tol: float, lang: str) -> str:
    """How groups are formed, the merge rule, and which groups took in a unit by it."""
    text = t("group_rule", lang, tol=number(tol, 1, lang))
    g = with_group_bounds(groups)
    if "max_group_merged" in g.columns:
        merged = g[g["max_group_merged"].astype(str).str.lower().isin(["true", "1"])]
        ranges = list(
            dict.fromkeys(
                group_range(a, b, lang)
                for a, b in zip(merged["max_group_lo"], merged["max_group_hi"])
            )
        )
        if ranges:
            text += " " + t("group_rule_merged", lang, n=len(ranges), groups="; ".join(ranges))
    return text


def example_unit(groups: pd.DataFrame) -> pd.Series | None:
    """The unit a worked example follows: the one whose position moves most in a group of at
    least ``MIN_UNITS`` (else of two) units; ties by rank."""
    for size in (MIN_UNITS, 2):
        real = groups[groups["size_max_group"] >= size]
        if len(real):
            shift = real["shift_in_max_group"].abs().fillna(0)
            return (
                real.assign(_a=shift)
                .sort_values(["_a", "rank", "unit_id"], ascending=[False, True, True])
                .iloc[0]
            )
    return None


def worked_example(groups: pd.DataFrame, lang: str, shown: int = 6) -> str:
    """One real unit of the year: its maximum, its group's range and members, its rank in the
    group beside its official rank."""
    g = with_group_bounds(groups)
    unit = example_unit(g)
    if unit is None:
        return ""
    mates = g[g["max_group"] == unit["max_group"]]
    if "block" in g.columns:
        mates = mates[mates["block"].astype(str) == str(unit["block"])]
    mates = mates.sort_values(["rank_in_max_group", "unit_id"])
    names = [str(n) for n in mates["unit_name"]]
    members = ", ".join(names[:shown])
    if len(names) > shown:
        members += ", " + t("and_more", lang, n=len(names) - shown)

    def fmt(x: object) -> str:
        return group_range(x, x, lang)

    return t(
        "group_example",
        lang,
        unit=unit["unit_name"],
        max=fmt(unit["max_points"]),
        k=len(mates),
        lo=fmt(unit["max_group_lo"]),
        hi=fmt(unit["max_group_hi"]),
        members=members,
        index=number(unit["index_pct"], 2, lang),
        group_rank=int(unit["rank_in_max_group"]),
        rank=int(unit["rank"]),
        rank_of=int(unit["rank_of"]),
    )
