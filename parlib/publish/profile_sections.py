"""The sections of a unit profile, main points first: each ``(ctx, unit_id) -> str`` an escaped
HTML fragment built from a ``ProfileContext`` (``parlib.publish.profile_data``) by lookups only.

Order (``parlib.publish.profile_doc.SECTIONS``): the headline (index, the official rank — the rank
in the block x/N, or the published rank where the dataset has it — and band) with the key
figures (the core index and its rank in the block beside the index, where the year has parts); the change since the previous year (index, rank, per area; or why there is no comparable
year); the unit's own caveats; the comparison with its block (median, mean, the leader — for the
leader, the runner-up: a unit is never compared with itself) and with the units of a comparable
maximum; areas (an SVG chart from zero); appraisal (points deducted and points added apart, the
same numbers as the key figures; the rounds and explanations where there are some); the trend
(every year named or its high and low; an SVG chart with gaps); published national results.
"""

from __future__ import annotations

from parlib.core.labels import number, t
from parlib.publish import blocks as bk
from parlib.publish import caveats as cv
from parlib.publish.markup import Column, esc, html_table
from parlib.publish.profile_data import _f, provinces_in

EPS = 0.005  # below half a hundredth a difference is shown as none (figures have 2 decimals)


def _h(text: str, anchor: str = "", level: int = 2) -> str:
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return f"<h{level}{ident}>{esc(text)}</h{level}>"


def _p(text: str) -> str:
    return f"<p>{esc(text)}</p>"


def _n(value: object, lang: str, decimals: int = 2) -> str:
    return number(value, decimals, lang)


def _table(rows: list[dict], columns: list[Column], lang: str) -> str:
    return html_table(_Rows(rows), columns, lang)


class _Rows:
    """The two methods ``markup.html_table`` uses of a DataFrame, on a list of dicts (no frame
    built per unit)."""

    def __init__(self, rows: list[dict]):
        self.rows = rows

    def head(self, n: int) -> _Rows:
        return _Rows(self.rows[:n])

    def to_dict(self, orient: str) -> list[dict]:
        return self.rows


def block_label(ctx, block: str) -> str:
    """The block's name in the page's language (lower-case first letter inside a sentence)."""
    if block == bk.ALL_UNITS_ID:
        return t("profile_all_units", ctx.lang)
    name = str(ctx.blocks[block][f"name_{ctx.lang}"])
    return name[:1].lower() + name[1:] if name[:1].isupper() and name[1:2].islower() else name


def published_rank(ctx, unit_id: str) -> str:
    """The unit's published national rank this year as text (``20/63``), "" when none."""
    row = ctx.rows[unit_id]
    if row["source"] == "published":
        rank, of = _f(row.get("rank")), _f(row.get("rank_of"))
        kind = str(row.get("kind", ""))
    else:
        found = [r for r in ctx.national.get(unit_id, []) if int(r["year"]) == ctx.year]
        if not found or _f(found[0].get("rank")) is None:
            return ""
        rank, of, kind = _f(found[0]["rank"]), None, "province"
    if rank is None:
        return ""
    if of is None and kind == "province":
        of = provinces_in(ctx.year)
    return t("rank_of_n", ctx.lang, rank=int(rank), n=int(of)) if of else str(int(rank))


def official_rank(ctx, unit_id: str) -> str:
    """The rank that counts, as text: printed (published) or x/N in the block."""
    row, block = ctx.rows[unit_id], ctx.block_of(unit_id)
    printed = published_rank(ctx, unit_id)
    if row["source"] == "published" or (block["n"] == 1 and printed):
        return printed
    if block["n"] == 1 or _f(row.get("rank")) is None:
        return ""
    return t("rank_of_n", ctx.lang, rank=int(row["rank"]), n=block["n"])


# --- 1. headline and key figures -------------------------------------------------------------


def headline(ctx, unit_id: str) -> str:
    lang, row = ctx.lang, ctx.rows[unit_id]
    block = ctx.block_of(unit_id)
    name, index = ctx.name(unit_id), _n(row["index_pct"], lang)
    rank = official_rank(ctx, unit_id)
    if row["source"] == "published":
        key = "profile_headline_published" if index else "profile_headline_published_rank"
        text = t(key, lang, unit=name, index=index, rank=rank or "–")
    elif block["n"] == 1:
        text = (
            t("profile_headline_single", lang, unit=name, index=index, rank=rank)
            if rank
            else t("profile_headline_alone", lang, unit=name, index=index)
        )
    else:
        text = t(
            "profile_headline",
            lang,
            unit=name,
            index=index,
            rank=rank,
            block=block_label(ctx, row["block"]),
        )
    band = row.get("band")
    if isinstance(band, str) and band:
        text += " " + t("profile_headline_band", lang, band=band)
    change = change_summary(ctx, unit_id)
    return (
        _h(t("profile_main_points", lang), "main-points")
        + f'<p class="par-headline"><strong>{esc(text)}</strong></p>'
        + (_p(change) if change else "")
        + _table(key_figures(ctx, unit_id), [Column("figure_item"), Column("value")], lang)
    )


def key_figures(ctx, unit_id: str) -> list[dict]:
    lang, row = ctx.lang, ctx.rows[unit_id]
    block = ctx.block_of(unit_id)
    items = [(t("index_pct", lang), _n(row["index_pct"], lang))]
    if block["n"] > 1 and _f(row.get("rank")) is not None and row["source"] != "published":
        items.append((t("profile_rank_official", lang), official_rank(ctx, unit_id)))
    items += core_items(row, lang)
    printed = published_rank(ctx, unit_id)
    if printed:
        key = "profile_rank_printed" if row["source"] == "published" else "profile_rank_national"
        items.append((t(key, lang), printed))
    if ctx.split:
        items.append((t("block", lang), bk.block_title(block["name_vi"], block["name_en"], lang)))
    group = row.get("group")
    grouped = ctx.group_rank.get(unit_id)
    if isinstance(group, str) and group and grouped and grouped[1] > 1:
        items.append(
            (
                t("group_rank", lang, group=group),
                t("rank_of_n", lang, rank=grouped[0], n=grouped[1]),
            )
        )
    band = row.get("band")
    if isinstance(band, str) and band:
        items.append((t("band", lang), band))
    for col in ("achieved_points", "max_points"):
        if _f(row.get(col)) is not None:
            items.append((t(col, lang), _n(row[col], lang)))
    label = "label_vi" if lang == "vi" else "label_en"
    for c in ctx.parts.get(row["block"], []):
        if _f(row.get(c["points_column"])) is not None:
            items.append((str(c[label]), _n(row[c["points_column"]], lang)))
    if row["source"] != "published":
        found = ctx.appraisal.get(unit_id)
        if found is None:
            items.append((t("profile_points_deducted", lang), t("self_unknown_figure", lang)))
        else:
            items.append((t("profile_points_deducted", lang), _n(found[0], lang)))
            items.append((t("profile_points_added", lang), _n(found[1], lang)))
    return [{"figure_item": k, "value": v} for k, v in items]


def core_items(row: dict, lang: str) -> list[tuple[str, str]]:
    """The core index beside the index (a year with parts) and its rank in the block (x/N, when
    the block ranks more than one unit by it); none where the unit has no core index."""
    if _f(row.get("core_pct")) is None:
        return []
    items = [(t("core_pct", lang), _n(row["core_pct"], lang))]
    rank, of = _f(row.get("core_rank")), _f(row.get("core_rank_of"))
    if rank is not None and of is not None and of > 1:
        items.append((t("core_rank", lang), t("rank_of_n", lang, rank=int(rank), n=int(of))))
    return items


# --- 2. change since the previous year -------------------------------------------------------


def _comparable(ctx, unit_id: str) -> tuple[dict | None, str]:
    """(the previous year's row, "") when comparable, else (None, the sentence saying why)."""
    lang, prev = ctx.lang, ctx.previous_year
    if prev is None:
        return None, t("profile_change_first_year", lang, year=ctx.year)
    if not ctx.previous:
        return None, t("profile_change_not_published", lang, prev=prev)
    before = ctx.previous.get(unit_id)
    if before is None or _f(before.get("index_pct")) is None and _f(before.get("rank")) is None:
        return None, t("profile_change_absent", lang, prev=prev)
    block = ctx.rows[unit_id]["block"]
    a, b = ctx.decision(prev, block), ctx.decision(ctx.year, block)
    if a != b:
        return None, t("profile_change_methodology", lang, prev=prev, a=a, b=b)
    return before, ""


def change_summary(ctx, unit_id: str) -> str:
    lang, row = ctx.lang, ctx.rows[unit_id]
    before, why = _comparable(ctx, unit_id)
    if before is None:
        return why
    now_i, then_i = _f(row["index_pct"]), _f(before.get("index_pct"))
    d = (now_i - then_i) if now_i is not None and then_i is not None else None
    if d is None:
        direction = "–"
    elif abs(d) < EPS:
        direction = t("profile_change_same", lang)
    else:
        key = "profile_change_up" if d > 0 else "profile_change_down"
        direction = t(key, lang, d=_n(abs(d), lang))
    r_now, r_then = _f(row.get("rank")), _f(before.get("rank"))
    n_now = ctx.block_of(unit_id)["n"]
    n_then = ctx.previous_n.get(str(before.get("block")), 0)
    if r_now is None or r_then is None:
        move = "–"
    elif r_now == r_then:
        move = t("profile_rank_same", lang)
    else:
        key = "profile_rank_up" if r_now < r_then else "profile_rank_down"
        move = t(key, lang, n=int(abs(r_now - r_then)))

    def shown(r, n):
        return t("rank_of_n", lang, rank=int(r), n=n) if r is not None and n else "–"

    return t(
        "profile_change_reading",
        lang,
        prev=ctx.previous_year,
        direction=direction,
        before=_n(then_i, lang) or "–",
        now=_n(now_i, lang) or "–",
        rank_move=move,
        rank_before=shown(r_then, n_then),
        rank_now=shown(r_now, n_now),
    )


def change(ctx, unit_id: str) -> str:
    lang = ctx.lang
    before, why = _comparable(ctx, unit_id)
    out = _h(t("profile_change", lang), "change")
    if before is None:
        return out + _p(why)
    out += _p(change_summary(ctx, unit_id))
    then = ctx.previous_areas.get(unit_id, {})
    name = "name_vi" if lang == "vi" else "name_en"
    rows = []
    for a in ctx.areas.get(unit_id, []):
        now_i, then_i = _f(a["index_pct"]), then.get(str(a["area"]))
        d = now_i - then_i if now_i is not None and then_i is not None else None
        rows.append({"name": a[name], "index_pct": now_i, "index_pct_previous": then_i, "d": d})
    moved = [r for r in rows if r["d"] is not None]
    if moved:
        up = max(moved, key=lambda r: r["d"])
        down = min(moved, key=lambda r: r["d"])
        parts = []
        if up["d"] > EPS:
            parts.append(t("profile_change_area_up", lang, area=up["name"], d=_n(up["d"], lang)))
        if down["d"] < -EPS:
            parts.append(
                t("profile_change_area_down", lang, area=down["name"], d=_n(-down["d"], lang))
            )
        key = "profile_change_areas" if parts else "profile_change_areas_none"
        out += _p(t(key, lang, parts=", ".join(parts)))
        cols = [
            Column("name", "area"),
            Column("index_pct_previous", kind="num"),
            Column("index_pct", kind="num"),
            Column("d", "profile_change_points", kind="num"),
        ]
        out += _table(rows, cols, lang)
    return out


# --- 3. the unit's own caveats ---------------------------------------------------------------


def caveats_box(ctx, unit_id: str) -> str:
    """The unit's own caveats, in the box every page uses (``caveats.caveats_html``, links to the
    evidence one folder up); a sentence when there are none."""
    mine = cv.for_unit(ctx.caveats, unit_id)
    out = _h(t("profile_caveats", ctx.lang), "caveats")
    if not mine:
        return out + _p(t("profile_caveats_none", ctx.lang))
    return out + cv.caveats_html(mine, ctx.lang, base="../")
