"""Main points: what the overview (05) says first — per block (khối) the headline (units, mean
AND median index, the leader, the biggest movers up and down since last year with their change)
and, beside it, the caveats that qualify the block's figures, with links to the evidence; and the
rows of a block's key figures that describe its spread (``spread_items``: mean, median, Q1–Q3,
interquartile range).

In: a year's ``unit_index`` (``blocks.with_blocks`` applied), the previous year's ``unit_index``
(movers), the units whose series breaks, and the year's caveats (``caveats.collect``). Out: HTML
strings (escaped); pure functions, tested without papermill.

A year of published results only says the mean and median are of the units with a published
index; a block of one unit states its own figures (and its published rank when printed), never a
comparison with itself or "rank 1 of 1".
"""

from __future__ import annotations

import pandas as pd

from parlib.core.labels import number, number_range, t
from parlib.publish import blocks as bk
from parlib.publish import caveats as cv
from parlib.publish.markup import esc
from parlib.score.spread import spread

ANCHOR = "main-points"  # the section's id (methodology caveats link here)


def _para(text: str) -> str:
    return f"<p>{esc(text)}</p>" if text else ""


def published_rank(
    frame: pd.DataFrame, published: pd.DataFrame | None = None
) -> tuple[int, int] | None:
    """A one-unit block's published rank and out-of, or None: from the year's ``published``
    figures (measures ``rank`` and ``rank_of``, the primary source's), else from the unit's own
    row when its figures are as printed (``source`` published, ``rank_of`` known)."""
    if len(frame) != 1:
        return None
    r = frame.iloc[0]
    if published is not None and {"unit_id", "measure", "value"} <= set(published.columns):
        mine = published[published["unit_id"].astype(str) == str(r["unit_id"])]
        if "role" in mine.columns:
            role = mine["role"].fillna("").astype(str).str.lower()
            mine = mine[role.isin(["", "primary"])]
        values = dict(
            zip(mine["measure"].astype(str), pd.to_numeric(mine["value"], errors="coerce"))
        )
        if pd.notna(values.get("rank")) and pd.notna(values.get("rank_of")):
            return int(values["rank"]), int(values["rank_of"])
    rank = pd.to_numeric(r.get("rank"), errors="coerce")
    of = pd.to_numeric(r.get("rank_of"), errors="coerce")
    if pd.isna(rank) or pd.isna(of) or str(r.get("source", "")) != "published":
        return None
    return int(rank), int(of)


def spread_items(values: pd.Series, lang: str, published: bool = False) -> list[tuple[str, str]]:
    """Key-figure rows of a block's indexes: mean, median, then Q1–Q3 and the interquartile range
    (from ``spread.MIN_QUARTILE_UNITS`` units: ``score.spread.spread``); ``published``: each label
    says it is of the n units with a published index."""
    s = spread(values)
    end = "_published" if published else ""
    items = [
        (t(f"mean_index{end}", lang, n=s.n), number(s.mean, 2, lang)),
        (t(f"median_index{end}", lang, n=s.n), number(s.median, 2, lang)),
    ]
    if not pd.isna(s.iqr):
        items += [
            (t(f"quartiles_index{end}", lang, n=s.n), number_range(s.q1, s.q3, 2, lang)),
            (t(f"iqr_index{end}", lang, n=s.n), number(s.iqr, 2, lang)),
        ]
    return items


def headline(frame: pd.DataFrame, lang: str, published: pd.DataFrame | None = None) -> str:
    """One block's headline sentence (``published``: the year's published figures, for a one-unit
    block's published rank)."""
    indexed = frame.dropna(subset=["index_pct"])
    if len(frame) == 1:
        r = frame.iloc[0]
        printed = published_rank(frame, published)
        index = number(r["index_pct"], 2, lang) or "–"
        if printed:
            return t(
                "headline_single_rank",
                lang,
                unit=r["unit_name"],
                index=index,
                rank=printed[0],
                rank_of=printed[1],
            )
        return t("headline_single", lang, unit=r["unit_name"], index=index)
    published = bool((frame["source"] == "published").all())
    if indexed.empty:
        return t("headline_published_none", lang, n=len(frame))
    top = indexed.sort_values(["rank", "unit_id"], na_position="last").iloc[0]
    s = spread(indexed["index_pct"])
    values = {
        "n": len(frame),
        "mean": number(s.mean, 2, lang),
        "median": number(s.median, 2, lang),
        "leader": top["unit_name"],
        "index": number(top["index_pct"], 2, lang),
    }
    if published and len(indexed) == 1:
        return t("headline_published_one", lang, **values)
    if published:
        return t("headline_published", lang, n_pub=len(indexed), **values)
    return t("headline_block", lang, **values)


def _signed(value: float, lang: str) -> str:
    text = number(value, 2, lang)
    return f"+{text}" if value > 0 else text.replace("-", "−")


def movers_headline(moved: pd.DataFrame | None, previous_year: int | None, lang: str) -> str:
    """The biggest movers up and down since the previous year, with their change of rank and
    index, or why there are none (``sentences.movers_sentence``'s reasons)."""
    if previous_year is None or moved is None or moved.empty:
        return ""
    ranked = moved.dropna(subset=["rank_change"])
    if ranked.empty or (ranked["rank_change"] == 0).all():
        return t("headline_movers_none", lang, year=previous_year)
    up = ranked.sort_values(["rank_change", "unit_id"], ascending=[False, True]).iloc[0]
    down = ranked.sort_values(["rank_change", "unit_id"], ascending=[True, True]).iloc[0]
    return t(
        "headline_movers",
        lang,
        year=previous_year,
        up=up["unit_name"],
        up_places=f"+{int(up['rank_change'])}",
        up_change=_signed(float(up["index_change"]), lang),
        down=down["unit_name"],
        down_places=f"−{int(-down['rank_change'])}" if down["rank_change"] < 0 else "0",
        down_change=_signed(float(down["index_change"]), lang),
    )


def main_points_html(
    unit_index: pd.DataFrame,
    lang: str,
    caveats: list,
    *,
    blocks: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    previous_year: int | None = None,
    broken: set | frozenset = frozenset(),
    published: pd.DataFrame | None = None,
) -> str:
    """The overview's first section: the year's own caveats (no block), then per block its
    title (when the year names blocks), headline, movers and its caveats."""
    ui = bk.with_blocks(unit_index, blocks)
    order = bk.block_order(ui, blocks)
    split = bk.is_split(order)
    parts = [f'<h2 id="{ANCHOR}">{esc(t("main_points", lang))}</h2>']
    year_level = cv.for_block(caveats, "")
    if split:
        parts.append(cv.caveats_html(year_level, lang))
    for r in order.itertuples(index=False):
        frame = bk.members(ui, r.block)
        if split:
            parts.append(f"<h3>{esc(bk.block_title(r.name_vi, r.name_en, lang))}</h3>")
        parts.append(_para(headline(frame, lang, published)))
        if len(frame) > 1:
            moved = bk.block_movers(frame, previous, broken) if previous_year is not None else None
            parts.append(_para(movers_headline(moved, previous_year, lang)))
        mine = cv.for_block(caveats, r.block) if split else year_level
        parts.append(cv.caveats_html(mine, lang))
    return "".join(parts)
