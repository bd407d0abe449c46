"""Block pages: the ranking part of the index (03) and overview (05) reports, one section per
block (khối) — its name in Vietnamese with the English beside, key figures (mean, median,
quartiles and interquartile range, leader), bands, ranking with the core index beside the index
(a year with parts) and a column per part of its framework, movers — and, only when there are
several blocks, one section labelled "So sánh giữa các khối (cross-block view)".

On the overview the ranking carries, beside the official rank and the band, the rank in the
comparable-maximum group and the 5–95 % rank interval (``with_peers``, from the fairness step's
``fairness_groups`` and ``fairness_rank_intervals``) and one sentence saying which rank is official
and what the others are for; a block of one unit shows no key figures comparing it with itself.

In: ``unit_index`` (and, when saved, the results' ``blocks`` and ``components`` tables), the
previous year's ``unit_index`` for movers. Out: HTML strings (escaped through
``markup.html_table``) that the notebooks show as they are; pure functions, tested without
papermill. Units are named by their name; no page column shows a unit id.
"""

from __future__ import annotations

import pandas as pd

from parlib.core.labels import number, t
from parlib.publish import blocks as bk
from parlib.publish import group_text as gt
from parlib.publish import main_points, sentences
from parlib.publish.layouts import MOVER_COLUMNS
from parlib.publish.markup import Column, esc, html_table, note
from parlib.publish.navigation import search_box
from parlib.publish.pages import localized
from parlib.publish.views import with_profile_links

NUMERIC = {"achieved_points", "max_points", "self_points", "points_deducted"}


def heading(text: str, level: int) -> str:
    return f"<h{level}>{esc(text)}</h{level}>"


def para(text: str) -> str:
    return f"<p>{esc(text)}</p>" if text else ""


PEER_COLUMNS = [
    Column("group_rank_text"),
    Column("max_group_text"),
    Column("rank_interval_text"),
]


def with_peers(
    frame: pd.DataFrame,
    groups: pd.DataFrame | None,
    intervals: pd.DataFrame | None,
    lang: str,
) -> pd.DataFrame:
    """``frame`` plus the rank in its comparable-maximum group (``group_rank_text``, "2/7"), the
    group's range of maxima (``max_group_text``, in the page's number format) and the 5–95 % rank
    interval (``rank_interval_text``, "3–6"); empty where the fairness step has no row."""
    out = frame.copy()
    for col in ("group_rank_text", "max_group_text", "rank_interval_text"):
        out[col] = ""
    if groups is not None and len(groups):
        g = gt.with_group_bounds(groups).drop_duplicates("unit_id").set_index("unit_id")
        ids = out["unit_id"].astype(str)
        known = ids.isin(g.index.astype(str))
        g.index = g.index.astype(str)
        rank, size = g["rank_in_max_group"], g["size_max_group"]
        text = {
            u: f"{int(rank[u])}/{int(size[u])}"
            for u in g.index
            if pd.notna(rank[u]) and pd.notna(size[u])
        }
        out["group_rank_text"] = ids.map(text).fillna("").where(known, "")
        ranges = {
            u: gt.group_range(g.at[u, "max_group_lo"], g.at[u, "max_group_hi"], lang)
            for u in g.index
        }
        out["max_group_text"] = ids.map(ranges).fillna("")
    if intervals is not None and len(intervals):
        iv = intervals.drop_duplicates("unit_id").set_index(intervals["unit_id"].astype(str))
        text = {
            u: (
                f"{int(r.rank_p05)}"
                if r.rank_p05 == r.rank_p95
                else f"{int(r.rank_p05)}–{int(r.rank_p95)}"
            )
            for u, r in iv.iterrows()
            if pd.notna(r.rank_p05) and pd.notna(r.rank_p95)
        }
        out["rank_interval_text"] = out["unit_id"].astype(str).map(text).fillna("")
    return out


def ranking_columns(
    comps: pd.DataFrame, lang: str, known_self: bool, link: bool = True, peers: bool = False
) -> list[Column]:
    """Rank (official, within the block), unit, kind, index, core index (a year with parts),
    band, then (``peers``) the rank in the comparable group, its range of maxima and the rank
    interval, points achieved and maximum, then the self-assessed points (when known), a column
    per part (its label from ``components``: bonus and penalty included) and the points appraisal
    deducted and added, apart (when self-assessment is known; ``views.with_appraisal_split``)."""
    label = "label_vi" if lang == "vi" else "label_en"
    cols = [
        Column("rank", kind="int"),
        Column("unit_name", "unit", link="profile_href" if link else None),
        Column("kind", kind="label"),
        Column("index_pct", kind="num"),
        Column("core_pct", kind="num"),  # shown only when the year has parts (``shown_columns``)
        Column("band", kind="band"),
        *(PEER_COLUMNS if peers else []),
        Column("achieved_points", kind="num"),
        Column("max_points", kind="num"),
    ]
    if known_self:
        cols.append(Column("self_points", kind="num"))
    cols += [Column(r["points_column"], str(r[label]), kind="num") for _, r in comps.iterrows()]
    if known_self:  # deducted and added by appraisal apart, never a negative "deducted"
        cols += [Column("appraisal_deducted", kind="num"), Column("appraisal_added", kind="num")]
    return cols


def shown_columns(frame: pd.DataFrame, columns: list[Column]) -> list[Column]:
    """The columns ``frame`` has values in (a published-only year has no points achieved)."""
    out = []
    for c in columns:
        if c.name not in frame.columns:
            continue
        if c.kind == "num" and frame[c.name].isna().all():
            continue
        if c in PEER_COLUMNS and frame[c.name].astype(str).eq("").all():
            continue
        out.append(c)
    return out


def key_figures_html(
    frame: pd.DataFrame, lang: str, block_name: str = "", published: pd.DataFrame | None = None
) -> str:
    """Units, mean and median index, Q1–Q3 and interquartile range (from four units) and leader
    of one block (of every unit when ``block_name`` is empty). Published results only: the mean,
    median and quartiles say they are of the units with a published index. One unit: its own index (and published rank when printed), no mean, median
    or leader (a unit is not compared with itself)."""
    indexed = frame.dropna(subset=["index_pct"])
    items = []
    if block_name:
        items.append((t("block", lang), block_name))
    items.append((t("n_units", lang), str(len(frame))))
    if len(frame) == 1:
        r = frame.iloc[0]
        items.append((t("unit", lang), str(r["unit_name"])))
        items.append((t("unit_index_value", lang), number(r["index_pct"], 2, lang) or "–"))
        printed = main_points.published_rank(frame, published)
        if printed:
            items.append((t("published_rank_label", lang), f"{printed[0]}/{printed[1]}"))
    elif len(indexed) == 1:  # one published index: that unit's, no mean of one
        top = indexed.iloc[0]
        items.append(
            (
                t("only_published_index", lang),
                f"{top['unit_name']} ({number(top['index_pct'], 2, lang)})",
            )
        )
    elif len(indexed):
        top = indexed.sort_values(["rank", "unit_id"], na_position="last").iloc[0]
        published = bool(frame["source"].eq("published").all())
        items += main_points.spread_items(indexed["index_pct"], lang, published)
        items.append(
            (t("top_unit", lang), f"{top['unit_name']} ({number(top['index_pct'], 2, lang)})")
        )
    cells = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in items)
    return f'<table class="par-table">{cells}</table>'


def peers_reading(frame: pd.DataFrame, groups: pd.DataFrame | None, tol: float, lang: str) -> str:
    """Which rank is official and what the others are for, how groups are formed (the merge
    rule) and one worked example from the block's own units."""
    out = [para(t("ranks_explained", lang))]
    if groups is not None and len(groups):
        mine = groups[groups["unit_id"].isin(set(frame["unit_id"]))]
        out.append(para(gt.group_rule_sentence(mine, tol, lang)))
        out.append(para(gt.worked_example(mine, lang)))
    return "".join(out)


def block_section(
    frame: pd.DataFrame,
    comps: pd.DataFrame,
    lang: str,
    *,
    title: str = "",
    previous: pd.DataFrame | None = None,
    previous_year: int | None = None,
    links: bool = True,
    movers: bool = True,
    key_figures: bool = True,
    reading: str = "",
    broken: set | frozenset = frozenset(),
    peers: tuple | None = None,
    tolerance: float = 5.0,
    published: pd.DataFrame | None = None,
) -> str:
    """One block's section: heading (when ``title``), key figures, bands, the ranking, movers
    (``broken``: units whose series breaks since the previous year, left out of the movers).
    ``peers``: the fairness step's ``(groups, intervals)`` tables — the ranking then shows the
    rank in the comparable group and the rank interval beside the official rank, and says which
    one is official (``tolerance``: the grouping's, for the sentence on how groups are formed).
    A block of one unit has no rank column (a rank "1 of 1" says nothing; its published rank,
    from ``published``, is in the key figures)."""
    sub = 3 if title else 2
    parts = [heading(title, 2)] if title else []
    if frame["source"].eq("published").all():
        parts.append(note(t("published_figures_note", lang)))
    if key_figures:
        parts.append(heading(t("key_figures", lang), sub))
        parts.append(key_figures_html(frame, lang, title, published))
        bands = sentences.band_counts(frame)
        if bands:
            parts.append(para(t("band_counts", lang, counts=bands)))
    parts.append(heading(t("ranking", lang), sub))
    parts.append(para(reading or t("ranking_reading", lang)))
    known = bk.self_known(frame)
    if not known and frame["source"].ne("published").any():
        parts.append(para(t("self_unknown_ranking", lang)))
    table = with_profile_links(frame) if links else frame
    shows_peers = peers is not None and len(frame) > 1
    if shows_peers:
        table = with_peers(table, peers[0], peers[1], lang)
        shown = table["group_rank_text"].ne("").any() or table["rank_interval_text"].ne("").any()
        if shown:
            parts.append(peers_reading(frame, peers[0], tolerance, lang))
    columns = shown_columns(table, ranking_columns(comps, lang, known, links, shows_peers))
    if len(frame) == 1:
        columns = [c for c in columns if c.name != "rank"]
    if any(c.name == "core_pct" for c in columns):
        parts.append(para(t("core_reading", lang)))
    parts.append(html_table(table, columns, lang))
    if movers:
        moved = bk.block_movers(frame, previous, broken) if previous_year is not None else None
        parts.append(heading(t("movers", lang), sub))
        parts.append(para(sentences.movers_sentence(moved, previous_year, lang)))
        if moved is not None and len(moved):
            parts.append(html_table(moved, MOVER_COLUMNS, lang, max_rows=10))
    return "".join(parts)


CONFLICT_COLUMNS = [  # the year's conflicts between sources (03_index, ``#conflicts``)
    Column("unit_name", "unit"),
    Column("measure"),
    Column("value", kind="num"),
    Column("source"),
]


def fairness_summary_html(bias: pd.DataFrame, by_block: list, lang: str) -> str:
    """Per block, the max-points bias sentence with a link to its analysis on the fairness page
    (``04_fairness.html#max-bias``, ``#max-bias-<block>`` when the year has several blocks)."""
    parts = []
    split = any(title for title, _ in by_block)
    for title, frame in by_block:
        block = str(frame["block"].iloc[0])
        mine = bias[bias["block"].astype(str) == block] if "block" in bias.columns else bias
        if mine.empty or (mine["scope"] == "all").sum() == 0:
            continue
        href = (
            localized("04_fairness.html", lang)
            + "#"
            + ("max-bias-" + block if split else "max-bias")
        )
        text = (title + ": " if title else "") + sentences.bias_sentence(mine, lang)
        parts.append(
            f'<p>{esc(text)} <a href="{esc(href)}">{esc(t("caveat_evidence", lang))}</a></p>'
        )
    return "".join(parts)


CROSS_COLUMNS = [
    Column("rank_all", kind="int"),
    Column("unit_name", "unit"),
    Column("block_name", "block"),
    Column("rank", "rank_in_block", kind="int"),
    Column("index_pct", kind="num"),
    Column("band", kind="band"),
]


def cross_block_section(unit_index: pd.DataFrame, lang: str) -> str:
    """Every unit in one list, under the heading that says it is the cross-block view."""
    frame = bk.cross_block(unit_index)
    frame = frame.assign(block_name=frame[f"block_name_{lang}"])
    return (
        heading(t("cross_block_title", lang), 2)
        + para(t("cross_block_reading", lang))
        + html_table(frame, CROSS_COLUMNS, lang)
    )


def rankings_html(
    unit_index: pd.DataFrame,
    lang: str,
    *,
    blocks: pd.DataFrame | None = None,
    components: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    previous_year: int | None = None,
    links: bool = True,
    movers: bool = True,
    key_figures: bool = True,
    reading: str = "",
    breaks: tuple[set, list[str]] = (set(), []),
    peers: tuple | None = None,
    tolerance: float = 5.0,
    published: pd.DataFrame | None = None,
) -> str:
    """Every block's section in declared order, then the cross-block view when there are several
    blocks. A year of one implicit block (every dataset written before blocks) has no block
    heading: its page reads as before. ``breaks`` (``blocks.series_breaks``): the units whose
    series breaks since the previous year, left out of the movers, and the sentences saying so,
    shown first. ``peers``: the fairness step's ``(groups, intervals)`` (``block_section``)."""
    ui = bk.with_blocks(unit_index, blocks)
    order = bk.block_order(ui, blocks)
    split = bk.is_split(order)
    parts = [note(sentence) for sentence in breaks[1]] if movers else []
    for r in order.itertuples(index=False):
        frame = bk.members(ui, r.block)
        parts.append(
            block_section(
                frame,
                bk.block_components(components, r.block, frame),
                lang,
                title=bk.block_title(r.name_vi, r.name_en, lang) if split else "",
                previous=previous,
                previous_year=previous_year,
                links=links,
                movers=movers,
                key_figures=key_figures,
                reading=reading,
                broken=breaks[0],
                peers=peers,
                tolerance=tolerance,
                published=published,
            )
        )
    if len(order) > 1:
        parts.append(cross_block_section(ui, lang))
    return "".join(parts)


def skipped(key: str, lang: str, level: int = 2, title_key: str = "") -> str:
    """A section that does not apply this year: its heading and the one sentence saying why."""
    return (heading(t(title_key, lang), level) if title_key else "") + para(t(key, lang))


def per_block(unit_index: pd.DataFrame, blocks: pd.DataFrame | None, lang: str):
    """``(title, units in rank order)`` per block in declared order; the title is empty for a
    year of one implicit block (its page has no block headings)."""
    ui = bk.with_blocks(unit_index, blocks)
    order = bk.block_order(ui, blocks)
    split = bk.is_split(order)
    return [
        (bk.block_title(r.name_vi, r.name_en, lang) if split else "", bk.members(ui, r.block))
        for r in order.itertuples(index=False)
    ]


def unit_search(ranked: pd.DataFrame, lang: str) -> str:
    """The overview's unit search box: every unit of the year, linked to its profile
    (``units/<id>[.en].html``), with its block when the year has several."""
    linked = with_profile_links(ranked)
    several = "block" in linked.columns and linked["block"].nunique() > 1
    items = [
        (
            str(row["unit_name"]),
            localized(str(row["profile_href"]), lang),
            bk.block_title(row.get("block_name_vi", ""), row.get("block_name_en", ""), lang)
            if several
            else "",
        )
        for row in linked.to_dict("records")
    ]
    return str(search_box(items, lang))
