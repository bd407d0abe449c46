"""Block pages: the ranking part of the index (03) and overview (05) reports, one section per
block (khối) — its name in Vietnamese with the English beside, key figures and leader, bands,
ranking with a column per part of its framework, movers — and, only when there are several
blocks, one section labelled "So sánh giữa các khối (cross-block view)".

In: ``unit_index`` (and, when saved, the results' ``blocks`` and ``components`` tables), the
previous year's ``unit_index`` for movers. Out: HTML strings (escaped through
``markup.html_table``) that the notebooks show as they are; pure functions, tested without
papermill. Units are named by their name; no page column shows a unit id.
"""

from __future__ import annotations

import pandas as pd

from parlib.core.labels import number, t
from parlib.publish import blocks as bk
from parlib.publish import sentences
from parlib.publish.layouts import MOVER_COLUMNS
from parlib.publish.markup import Column, esc, html_table, note
from parlib.publish.views import with_profile_links

NUMERIC = {"achieved_points", "max_points", "self_points", "points_deducted"}


def heading(text: str, level: int) -> str:
    return f"<h{level}>{esc(text)}</h{level}>"


def para(text: str) -> str:
    return f"<p>{esc(text)}</p>" if text else ""


def ranking_columns(
    comps: pd.DataFrame, lang: str, known_self: bool, link: bool = True
) -> list[Column]:
    """Rank (within the block), unit, kind, index, band, points achieved and maximum, then the
    self-assessed points (when known), a column per part (its label from ``components``: bonus
    and penalty included) and the points deducted (when self-assessment is known)."""
    label = "label_vi" if lang == "vi" else "label_en"
    cols = [
        Column("rank", kind="int"),
        Column("unit_name", "unit", link="profile_href" if link else None),
        Column("kind", kind="label"),
        Column("index_pct", kind="num"),
        Column("band", kind="band"),
        Column("achieved_points", kind="num"),
        Column("max_points", kind="num"),
    ]
    if known_self:
        cols.append(Column("self_points", kind="num"))
    cols += [Column(r["points_column"], str(r[label]), kind="num") for _, r in comps.iterrows()]
    if known_self:
        cols.append(Column("points_deducted", kind="num"))
    return cols


def shown_columns(frame: pd.DataFrame, columns: list[Column]) -> list[Column]:
    """The columns ``frame`` has values in (a published-only year has no points achieved)."""
    out = []
    for c in columns:
        if c.name not in frame.columns:
            continue
        if c.kind == "num" and frame[c.name].isna().all():
            continue
        out.append(c)
    return out


def key_figures_html(frame: pd.DataFrame, lang: str, block_name: str = "") -> str:
    """Units, mean index and leader of one block (of every unit when ``block_name`` is empty)."""
    top = frame.sort_values(["rank", "unit_id"], na_position="last").iloc[0]
    items = []
    if block_name:
        items.append((t("block", lang), block_name))
    items += [
        (t("n_units", lang), str(len(frame))),
        (t("mean_index", lang), number(frame["index_pct"].mean(), 2, lang)),
        (t("top_unit", lang), f"{top['unit_name']} ({number(top['index_pct'], 2, lang)})"),
    ]
    cells = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in items)
    return f'<table class="par-table">{cells}</table>'


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
) -> str:
    """One block's section: heading (when ``title``), key figures, bands, the ranking, movers
    (``broken``: units whose series breaks since the previous year, left out of the movers)."""
    sub = 3 if title else 2
    parts = [heading(title, 2)] if title else []
    if frame["source"].eq("published").all():
        parts.append(note(t("published_figures_note", lang)))
    if key_figures:
        parts.append(heading(t("key_figures", lang), sub))
        parts.append(key_figures_html(frame, lang, title))
        bands = sentences.band_counts(frame)
        if bands:
            parts.append(para(t("band_counts", lang, counts=bands)))
    parts.append(heading(t("ranking", lang), sub))
    parts.append(para(reading or t("ranking_reading", lang)))
    known = bk.self_known(frame)
    if not known and frame["source"].ne("published").any():
        parts.append(para(t("self_unknown_ranking", lang)))
    table = with_profile_links(frame) if links else frame
    columns = shown_columns(table, ranking_columns(comps, lang, known, links))
    parts.append(html_table(table, columns, lang))
    if movers:
        moved = bk.block_movers(frame, previous, broken) if previous_year is not None else None
        parts.append(heading(t("movers", lang), sub))
        parts.append(para(sentences.movers_sentence(moved, previous_year, lang)))
        if moved is not None and len(moved):
            parts.append(html_table(moved, MOVER_COLUMNS, lang, max_rows=10))
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
) -> str:
    """Every block's section in declared order, then the cross-block view when there are several
    blocks. A year of one implicit block (every dataset written before blocks) has no block
    heading: its page reads as before. ``breaks`` (``blocks.series_breaks``): the units whose
    series breaks since the previous year, left out of the movers, and the sentences saying so,
    shown first."""
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
