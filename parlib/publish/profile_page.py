"""The unit profile (06) against its block: key figures with the rank in its block (x/N, "in
khối …"), a figure per part of its framework, the unit against the block's mean, median and
leader, and the appraisal rounds where points changed, with the unit's explanation.

In: a dataset-year's ``unit_index`` (``blocks.with_blocks`` applied), its ``points`` table and the
unit id. Out: small tables and sentences for notebook ``06_unit_profile``. A unit is compared with
its own block only; where self-assessment is unknown, the figure says so instead of "0,00 points
deducted"; a published-only year shows its figures as printed.
"""

from __future__ import annotations

import re

import pandas as pd

from parlib.core.labels import number, t
from parlib.history import profile
from parlib.publish import blocks as bk
from parlib.publish.markup import Column


def block_of(unit_index: pd.DataFrame, unit_id: str) -> pd.DataFrame:
    """The units of ``unit_id``'s block, in rank order: the only units it is compared with."""
    block = unit_index.loc[unit_index["unit_id"] == unit_id, "block"].iloc[0]
    return bk.members(unit_index, block)


def block_name(frame: pd.DataFrame, lang: str, both: bool = True) -> str:
    """The block's name in the page's language, with the other beside when ``both``."""
    row = frame.iloc[0]
    if not both:
        return str(row[f"block_name_{lang}"])
    return bk.block_title(row["block_name_vi"], row["block_name_en"], lang)


def key_figures(
    block: pd.DataFrame, unit_id: str, comps: pd.DataFrame, lang: str, split: bool
) -> pd.DataFrame:
    """(figure, value) rows as text: index, rank in the block x/N, the core index (a year with
    parts), the block's name, the rank in the declared group, band, points achieved and maximum,
    a row per part, and the points deducted or, when self-assessment is unknown, that they are
    not known."""
    row = profile.unit_row(block, unit_id)
    items = [(t("index_pct", lang), number(row["index_pct"], 2, lang))]
    if pd.notna(row["rank"]):
        rank = t("rank_of_n", lang, rank=int(row["rank"]), n=len(block))
        if split:
            items.append((t("rank_in_block_of", lang, block=block_name(block, lang, False)), rank))
        else:
            items.append((t("rank", lang), rank))
    if pd.notna(row.get("core_pct")):
        items.append((t("core_pct", lang), number(row["core_pct"], 2, lang)))
    if split:
        items.append((t("block", lang), block_name(block, lang)))
    if "group" in block.columns:
        grouped = profile.group_rank(block, unit_id)
        if grouped:
            items.append(
                (
                    t("group_rank", lang, group=row["group"]),
                    t("rank_of_n", lang, rank=grouped[0], n=grouped[1]),
                )
            )
    if isinstance(row.get("band", ""), str) and row.get("band", ""):
        items.append((t("band", lang), str(row["band"])))
    for col in ("achieved_points", "max_points"):
        if pd.notna(row.get(col)):
            items.append((t(col, lang), number(row[col], 2, lang)))
    label = "label_vi" if lang == "vi" else "label_en"
    for _, c in comps.iterrows():
        if pd.notna(row.get(c["points_column"])):
            items.append((str(c[label]), number(row[c["points_column"]], 2, lang)))
    if row["source"] != "published":
        if bk.self_known(block.loc[block["unit_id"] == unit_id]):
            items.append((t("points_deducted", lang), number(row["points_deducted"], 2, lang)))
        else:
            items.append((t("points_deducted", lang), t("self_unknown_figure", lang)))
    return pd.DataFrame(items, columns=["figure_item", "value"])


COMPARED = ["index_pct", "achieved_points", "max_points", "points_deducted"]


def comparison(block: pd.DataFrame, unit_id: str, lang: str) -> pd.DataFrame:
    """The unit, its block's mean and median and the block's leader (index, points; points
    deducted only when self-assessment is known: NaN otherwise, shown empty)."""
    row = profile.unit_row(block, unit_id)
    best = block.iloc[0]
    known = bk.self_known(block)
    whole = block["block"].iloc[0] == bk.ALL_UNITS_ID  # one implicit block: every unit
    mean_label = t("average_all_units" if whole else "block_mean", lang)
    median_label = t("median_all_units" if whole else "block_median", lang)
    best_label = t("best_unit_named" if whole else "block_leader", lang, name=best["unit_name"])
    cols = [c for c in COMPARED if c in block.columns]

    def values(get) -> dict:
        out = {c: get(c) for c in cols}
        if not known:
            out["points_deducted"] = float("nan")
        return out

    return pd.DataFrame(
        [
            {"who": row["unit_name"], **values(lambda c: row[c])},
            {"who": mean_label, **values(lambda c: block[c].mean())},
            {"who": median_label, **values(lambda c: block[c].median())},
            {"who": best_label, **values(lambda c: best[c])},
        ]
    )


def comparison_sentence(block: pd.DataFrame, unit_id: str, lang: str) -> str:
    """The unit against its block's mean, median and leader (against every unit, as before,
    when the year has one implicit block)."""
    if block["block"].iloc[0] == bk.ALL_UNITS_ID:
        return profile.comparison_sentence(block, unit_id, lang)
    row = profile.unit_row(block, unit_id)
    mean, median = block["index_pct"].mean(), block["index_pct"].median()
    best = block["index_pct"].max()
    values = {
        "n": len(block),
        "block": block_name(block, lang, False),
        "gap": number(abs(row["index_pct"] - mean), 2, lang),
        "median": number(median, 2, lang),
        "gap_best": number(best - row["index_pct"], 2, lang),
    }
    if row["index_pct"] >= best and len(block) > 1:
        return t("profile_block_leader", lang, **values)
    side = t("above" if row["index_pct"] >= mean else "below", lang)
    return t("profile_block_reading", lang, side=side, **values)


def round_columns(points: pd.DataFrame) -> list[str]:
    """``round_1_points``, ``round_2_points``… present in ``points``, in round order."""
    found = [c for c in points.columns if re.fullmatch(r"round_\d+_points", c)]
    return sorted(found, key=lambda c: int(c.split("_")[1]))


def rounds(
    points: pd.DataFrame, criterion_index: pd.DataFrame, unit_id: str, lang: str
) -> pd.DataFrame | None:
    """The unit's criteria whose points changed between appraisal rounds: self-assessed (when
    known), each round, the final points and the explanation. None when there are no rounds."""
    cols = round_columns(points)
    if not cols:
        return None
    mine = points[points["unit_id"] == unit_id].copy()
    steps = mine[cols + ["points"]].apply(pd.to_numeric, errors="coerce")
    changed = steps.apply(lambda r: r.dropna().round(6).nunique() > 1, axis=1)
    mine = mine[changed.to_numpy()]
    names = {}
    if {"code", "name_vi", "name_en"} <= set(criterion_index.columns):
        name_col = "name_vi" if lang == "vi" else "name_en"
        # the unit's own criteria: blocks' frameworks may give one code two names
        own = criterion_index
        if "unit_id" in own.columns:
            own = own[own["unit_id"] == unit_id]
        names = dict(zip(own["code"].astype(str), own[name_col]))
    out = pd.DataFrame(
        {
            "code": mine["criterion"].astype(str),
            "name": mine["criterion"].astype(str).map(names).fillna(""),
            **({"self_points": mine["self_points"]} if "self_points" in mine.columns else {}),
            **{c: mine[c] for c in cols},
            "final_points": mine["points"],
            "explanation": mine["explanation"].fillna("") if "explanation" in mine else "",
        }
    )
    return out.sort_values("code", key=_code_key, ignore_index=True)


def _code_key(codes: pd.Series) -> pd.Series:
    return codes.map(lambda c: [int(x) if x.isdigit() else x for x in re.split(r"[.]", str(c))])


def rounds_columns(table: pd.DataFrame, known_self: bool, lang: str) -> list[Column]:
    """The columns of the rounds table: criterion, name, self (when known), each round, final,
    explanation."""
    cols = [Column("code", "criterion", kind="code"), Column("name")]
    if known_self and "self_points" in table.columns:
        cols.append(Column("self_points", kind="num"))
    for c in table.columns:
        if re.fullmatch(r"round_\d+_points", c):
            cols.append(Column(c, t("round_points", lang, n=c.split("_")[1]), kind="num"))
    return cols + [Column("final_points", kind="num"), Column("explanation")]


def rounds_sentence(table: pd.DataFrame, lang: str) -> str:
    return t("rounds_reading", lang, n=len(table)) if len(table) else t("rounds_none", lang)
