"""One unit's profile: its figures, strengths and weaknesses, deductions and comparison with others.

In: one dataset-year's result tables (``unit_index``, ``area_index``, ``criterion_index``) and a
unit id. Out: small tables and plain sentences for notebook ``06_unit_profile`` — key figures with
the rank within the unit's declared group, areas and criteria from strongest to weakest, the
criteria that lost points at appraisal, and the unit against the average and the best unit.
"""

from __future__ import annotations

import pandas as pd

from parlib.core.errors import UsageError
from parlib.core.labels import number, t
from parlib.score.arithmetic import rank_desc


def pick_unit(unit_index: pd.DataFrame, unit_id: str = "") -> str:
    """``unit_id`` if given (it must exist), else the first unit in rank order."""
    ordered = unit_index.sort_values(["rank", "unit_id"])
    if not unit_id:
        return str(ordered["unit_id"].iloc[0])
    if unit_id not in set(unit_index["unit_id"]):
        raise UsageError(
            f"unit {unit_id!r} has no results this year; units: "
            f"{', '.join(ordered['unit_id'].head(10))}…"
        )
    return unit_id


def unit_row(unit_index: pd.DataFrame, unit_id: str) -> pd.Series:
    return unit_index.set_index("unit_id").loc[unit_id]


def group_rank(unit_index: pd.DataFrame, unit_id: str) -> tuple[int, int] | None:
    """(rank within the unit's declared group, units in the group), or None without a group."""
    group = unit_row(unit_index, unit_id)["group"]
    if not group:
        return None
    members = unit_index[unit_index["group"] == group]
    ranks = rank_desc(members["index_pct"]).set_axis(members["unit_id"])
    return int(ranks[unit_id]), len(members)


def key_figures(unit_index: pd.DataFrame, unit_id: str, lang: str) -> pd.DataFrame:
    """Rows of (figure, value) as text, formatted for ``lang``."""
    row = unit_row(unit_index, unit_id)
    items = [
        (t("index_pct", lang), number(row["index_pct"], 2, lang)),
        (t("rank", lang), t("rank_of_n", lang, rank=int(row["rank"]), n=len(unit_index))),
    ]
    grouped = group_rank(unit_index, unit_id)
    if grouped:
        items.append(
            (
                t("group_rank", lang, group=row["group"]),
                t("rank_of_n", lang, rank=grouped[0], n=grouped[1]),
            )
        )
    if row.get("band", ""):
        items.append((t("band", lang), str(row["band"])))
    items += [
        (t("achieved_points", lang), number(row["achieved_points"], 2, lang)),
        (t("max_points", lang), number(row["max_points"], 2, lang)),
        (t("points_deducted", lang), number(row["points_deducted"], 2, lang)),
    ]
    return pd.DataFrame(items, columns=["figure_item", "value"])


def _name_column(lang: str) -> str:
    return "name_vi" if lang == "vi" else "name_en"


def areas_ranked(area_index: pd.DataFrame, unit_id: str, lang: str) -> pd.DataFrame:
    """The unit's areas from strongest to weakest sub-index, with the average and best of all units."""
    mine = area_index[area_index["unit_id"] == unit_id]
    stats = area_index.groupby("area")["index_pct"].agg(average="mean", best="max")
    out = (
        mine[["area", _name_column(lang), "index_pct", "max_points", "points_deducted"]]
        .rename(columns={_name_column(lang): "name"})
        .merge(stats, left_on="area", right_index=True)
    )
    return out.sort_values(["index_pct", "area"], ascending=[False, True], ignore_index=True)


def leaf_criteria(criterion_index: pd.DataFrame, unit_id: str) -> pd.DataFrame:
    """The unit's scored leaves (codes that are no other code's prefix) that applied to it."""
    mine = criterion_index[criterion_index["unit_id"] == unit_id]
    codes = set(mine["code"])
    leaves = [c for c in mine["code"] if not any(o.startswith(c + ".") for o in codes)]
    out = mine[mine["code"].isin(leaves) & (mine["max_points"] > 0)]
    # areas scored as one leaf (the 2012 provincial framework) are criteria here too
    return out


def criteria_ranked(criterion_index: pd.DataFrame, unit_id: str, lang: str) -> pd.DataFrame:
    """Applicable leaf criteria from weakest to strongest sub-index, then by points lost."""
    leaves = leaf_criteria(criterion_index, unit_id)
    out = leaves[["code", _name_column(lang), "index_pct", "achieved_points", "max_points"]].rename(
        columns={_name_column(lang): "name"}
    )
    out = out.assign(points_lost=(out["max_points"] - out["achieved_points"]).round(6))
    return out.sort_values(
        ["index_pct", "points_lost", "code"], ascending=[True, False, True], ignore_index=True
    )


def deductions(criterion_index: pd.DataFrame, unit_id: str, lang: str) -> pd.DataFrame:
    """Leaf criteria where appraisal took points off the self-assessment, most points first."""
    leaves = leaf_criteria(criterion_index, unit_id)
    lost = leaves[leaves["points_deducted"] > 0]
    out = lost[
        ["code", _name_column(lang), "self_points", "appraised_points", "points_deducted"]
    ].rename(columns={_name_column(lang): "name"})
    return out.sort_values(["points_deducted", "code"], ascending=[False, True], ignore_index=True)


def strengths_sentence(areas: pd.DataFrame, criteria: pd.DataFrame, lang: str) -> str:
    # an area whose criteria did not arise for the unit has no index: it is neither best nor worst
    scored = areas.dropna(subset=["index_pct"])
    best, worst = scored.iloc[0], scored.iloc[-1]
    text = t(
        "profile_areas_reading",
        lang,
        best=f"{best['area']} {best['name']}",
        best_pct=number(best["index_pct"], 2, lang),
        worst=f"{worst['area']} {worst['name']}",
        worst_pct=number(worst["index_pct"], 2, lang),
    )
    weak = criteria[criteria["index_pct"] < 100]
    if len(weak):
        text += " " + t(
            "profile_criteria_reading",
            lang,
            n=len(weak),
            first=f"{weak.iloc[0]['code']} {weak.iloc[0]['name']}",
            pct=number(weak.iloc[0]["index_pct"], 2, lang),
        )
    else:
        text += " " + t("profile_all_full", lang)
    return text


def deductions_sentence(lost: pd.DataFrame, lang: str) -> str:
    if lost.empty:
        return t("profile_no_deductions", lang)
    return t(
        "profile_deductions_reading",
        lang,
        total=number(lost["points_deducted"].sum(), 2, lang),
        n=len(lost),
        first=f"{lost.iloc[0]['code']} {lost.iloc[0]['name']}",
        points=number(lost.iloc[0]["points_deducted"], 2, lang),
    )


def comparison(unit_index: pd.DataFrame, unit_id: str) -> pd.DataFrame:
    """The unit, the average of all units and the best unit: index, points and points deducted."""
    row = unit_row(unit_index, unit_id)
    best = unit_index.sort_values(["rank", "unit_id"]).iloc[0]
    cols = ["index_pct", "achieved_points", "max_points", "points_deducted"]
    return pd.DataFrame(
        [
            {"who": row["unit_name"], **{c: row[c] for c in cols}},
            {"who": "average", **{c: unit_index[c].mean() for c in cols}},
            {"who": f"best:{best['unit_name']}", **{c: best[c] for c in cols}},
        ]
    )


def comparison_labels(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The ``who`` column in words: the unit's name, "average of all units", "best: <name>"."""

    def label(who: str) -> str:
        if who == "average":
            return t("average_all_units", lang)
        if who.startswith("best:"):
            return t("best_unit_named", lang, name=who[5:])
        return who

    return frame.assign(who=frame["who"].map(label))


def comparison_sentence(unit_index: pd.DataFrame, unit_id: str, lang: str) -> str:
    row = unit_row(unit_index, unit_id)
    mean = unit_index["index_pct"].mean()
    best = unit_index["index_pct"].max()
    key = "profile_above_average" if row["index_pct"] >= mean else "profile_below_average"
    return t(
        key,
        lang,
        gap=number(abs(row["index_pct"] - mean), 2, lang),
        gap_best=number(best - row["index_pct"], 2, lang),
    )
