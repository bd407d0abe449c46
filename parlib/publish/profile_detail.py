"""The later sections of a unit profile (after the main points, ``parlib.publish.profile_sections``):
the comparison with the block and with like-for-like peers, the areas, the appraisal (points
deducted and added apart); the trend and the national results are in ``profile_trend``. Each builder is
``(ctx, unit_id) -> str``, an escaped HTML fragment, built by lookups in a ``ProfileContext``.

A unit is never compared with itself: the leader of a block is compared with the runner-up and
said to lead; a one-unit block says there is nothing to compare; a year of published results for
part of a block computes no block median. The trend names every year (up to five) or the first,
last, highest and lowest, so no middle year is hidden.
"""

from __future__ import annotations

import re
import statistics

from parlib.core.labels import t
from parlib.publish import profile_page, profile_svg
from parlib.publish.markup import Column, esc
from parlib.publish.profile_data import _f
from parlib.publish.profile_sections import EPS, _h, _n, _p, _table, block_label


def code_key(code: object) -> list:
    """A criterion code's sort key: ``1.10`` after ``1.9``."""
    return [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in re.split(r"[.]", str(code))]


def _side(d: float, lang: str) -> str:
    return t("equal_to", lang) if abs(d) < EPS else t("above" if d > 0 else "below", lang)


def comparison(ctx, unit_id: str) -> str:
    lang, row = ctx.lang, ctx.rows[unit_id]
    block = ctx.block_of(unit_id)
    out = _h(t("profile_compare", lang), "comparison")
    if block["printed"] and block["n"] >= 1 and row["source"] == "published":
        return out + _p(t("profile_compare_printed", lang, n=block["n"]))
    if block["n"] == 1:
        return out + _p(t("profile_compare_alone", lang))
    pct = _f(row["index_pct"]) or 0.0
    best = next(u for u in block["top"] if u != unit_id)  # the best other unit: never itself
    best_pct = _f(ctx.rows[best]["index_pct"]) or 0.0
    values = {
        "block": block_label(ctx, row["block"]),
        "n": block["n"],
        "median": _n(block["median"], lang),
        "mean": _n(block["mean"], lang),
    }
    if pct >= best_pct - EPS:
        first = best  # the runner-up (or the unit it shares the lead with)
        key = "profile_compare_coleader" if abs(best_pct - pct) < EPS else "profile_compare_leader"
        text = t(
            key,
            lang,
            runner=ctx.name(first),
            runner_pct=_n(ctx.rows[first]["index_pct"], lang),
            gap=_n(pct - best_pct, lang),
            **values,
        )
        versus = (t("profile_runner_up", lang, name=ctx.name(first)), ctx.rows[first])
    else:
        text = t(
            "profile_compare_other",
            lang,
            pct=_n(pct, lang),
            side_median=_side(pct - block["median"], lang),
            gap_median=_n(abs(pct - block["median"]), lang),
            side_mean=_side(pct - block["mean"], lang),
            gap_mean=_n(abs(pct - block["mean"]), lang),
            best=ctx.name(best),
            best_pct=_n(best_pct, lang),
            gap_best=_n(best_pct - pct, lang),
            **values,
        )
        versus = (t("block_leader", lang, name=ctx.name(best)), ctx.rows[best])
    rows = [
        {
            "who": ctx.name(unit_id),
            "index_pct": pct,
            "achieved_points": row.get("achieved_points"),
            "max_points": row.get("max_points"),
        },
        {"who": t("block_median", lang), "index_pct": block["median"]},
        {"who": t("block_mean", lang), "index_pct": block["mean"]},
        {
            "who": versus[0],
            "index_pct": versus[1]["index_pct"],
            "achieved_points": versus[1].get("achieved_points"),
            "max_points": versus[1].get("max_points"),
        },
    ]
    cols = [Column("who", "unit"), Column("index_pct", kind="num")]
    if _f(row.get("max_points")) is not None:
        cols += [Column("achieved_points", kind="num"), Column("max_points", kind="num")]
    return out + _p(text) + _table(rows, cols, lang) + peers(ctx, unit_id)


def peers(ctx, unit_id: str) -> str:
    """Against the block's units of a comparable applicable maximum (``fairness_groups``)."""
    lang = ctx.lang
    group = ctx.peers.get(unit_id)
    if group is None:
        return ""
    out = _h(t("profile_peers", lang), "peers", level=3)
    members = group["members"]
    if len(members) < 2:
        return out + _p(t("profile_peers_alone", lang))
    ids = [str(m["unit_id"]) for m in members]
    mine = members[ids.index(unit_id)]
    med = statistics.median(float(m["index_pct"]) for m in members)
    values = {
        "n": len(members),
        "lo": _n(group["lo"], lang),
        "hi": _n(group["hi"], lang),
        "median": _n(med, lang),
    }
    if ids[0] == unit_id:
        runner = members[1]
        text = t(
            "profile_peers_leader",
            lang,
            runner=runner["unit_name"],
            runner_pct=_n(runner["index_pct"], lang),
            gap=_n(mine["index_pct"] - runner["index_pct"], lang),
            **values,
        )
    else:
        better = sum(1 for m in members if m["index_pct"] > mine["index_pct"] + EPS)
        text = t(
            "profile_peers_other",
            lang,
            rank=better + 1,
            best=members[0]["unit_name"],
            best_pct=_n(members[0]["index_pct"], lang),
            **values,
        )
    return out + _p(text)


def areas(ctx, unit_id: str) -> str:
    lang, row = ctx.lang, ctx.rows[unit_id]
    mine = ctx.areas.get(unit_id, [])
    if row["source"] == "published" or not mine:
        return profile_page_skip("skip_published_areas", "profile_areas", lang)
    name = "name_vi" if lang == "vi" else "name_en"
    block = row["block"]
    alone = ctx.blocks[block]["n"] < 2  # a one-unit block's median is the unit itself
    rows = [
        {
            "name": a[name],
            "index_pct": _f(a["index_pct"]),
            "median": None if alone else ctx.area_median.get((block, str(a["area"]))),
        }
        for a in mine
    ]
    scored = [r for r in rows if r["index_pct"] is not None]
    out = _h(t("profile_areas", lang), "areas")
    if scored:
        best = max(scored, key=lambda r: r["index_pct"])
        worst = min(scored, key=lambda r: r["index_pct"])
        out += _p(
            t(
                "profile_areas_reading",
                lang,
                best=best["name"],
                best_pct=_n(best["index_pct"], lang),
                worst=worst["name"],
                worst_pct=_n(worst["index_pct"], lang),
            )
        )
    alt = t(
        "profile_areas_alt_alone" if alone else "profile_areas_alt", lang, unit=ctx.name(unit_id)
    )
    svg = profile_svg.areas(
        rows,
        lang,
        t("profile_areas", lang),
        alt,
        ctx.name(unit_id),
        t("block_median", lang),
        t("profile_area_not_arising", lang),
        ident=f"areas-{ctx.position[unit_id]}",
    )
    reading = "profile_areas_svg_alone" if alone else "profile_areas_svg_reading"
    out += f"<figure>{svg}<figcaption><em>{esc(t(reading, lang))}</em></figcaption></figure>"
    cols = [Column("name", "area"), Column("index_pct", kind="num")]
    if not alone:
        cols.append(Column("median", "block_median", kind="num"))
    # the chart's own figures as a table: on screen beside the chart, left out of print
    return out + f'<div class="par-chart-data">{_table(rows, cols, lang)}</div>'


PRINT_ROWS = 5  # rows of a long criteria list a printed profile keeps (it fits on two A4 pages)


def print_top(table: str, rows: int, lang: str) -> str:
    """A table sorted most important first, whole on screen; printed, its first ``PRINT_ROWS``
    rows and a line saying how many more the page on screen lists."""
    if rows <= PRINT_ROWS:
        return table
    more = t("print_more_rows", lang, shown=PRINT_ROWS, n=rows)
    return f'<div class="par-print-top">{table}<p class="par-print-only">{esc(more)}</p></div>'


def profile_page_skip(key: str, title_key: str, lang: str) -> str:
    return _h(t(title_key, lang)) + _p(t(key, lang))


def appraisal(ctx, unit_id: str) -> str:
    lang, row = ctx.lang, ctx.rows[unit_id]
    if row["source"] == "published":
        return profile_page_skip("skip_published_deductions", "profile_appraisal", lang)
    found = ctx.appraisal.get(unit_id)
    if found is None:
        return profile_page_skip("skip_self_unknown", "profile_appraisal", lang)
    deducted, added = found
    leaves = ctx.leaves.get(unit_id, [])
    name = "name_vi" if lang == "vi" else "name_en"
    lost, gained = [], []
    for c in leaves:
        s, a = _f(c.get("self_points")), _f(c.get("appraised_points"))
        if s is None or a is None:
            continue
        rec = {"code": c["code"], "name": c[name], "self_points": s, "appraised_points": a}
        if s - a > 1e-9:
            lost.append({**rec, "points": s - a})
        elif a - s > 1e-9:
            gained.append({**rec, "points": a - s})
    d_text = (
        t("profile_deducted_some", lang, points=_n(deducted, lang), n=len(lost))
        if lost
        else t("profile_deducted_none", lang)
    )
    a_text = (
        t("profile_added_some", lang, points=_n(added, lang), n=len(gained))
        if gained
        else t("profile_added_none", lang)
    )
    out = _h(t("profile_appraisal", lang), "appraisal")
    out += _p(t("profile_appraisal_reading", lang, deducted=d_text, added=a_text))
    net = deducted - added
    out += _p(
        t("profile_appraisal_equal", lang)
        if abs(net) < EPS
        else t(
            "profile_appraisal_net",
            lang,
            side=t("below" if net > 0 else "above", lang),
            net=_n(abs(net), lang),
        )
    )
    for title, items, label in (
        ("profile_deducted_table", lost, "profile_points_deducted"),
        ("profile_added_table", gained, "points_added"),
    ):
        if items:
            items.sort(key=lambda r: (-r["points"], code_key(r["code"])))
            cols = [
                Column("code", "criterion", kind="code"),
                Column("name"),
                Column("self_points", kind="num"),
                Column("appraised_points", kind="num"),
                Column("points", label, kind="num"),
            ]
            out += _h(t(title, lang), level=3) + print_top(
                _table(items, cols, lang), len(items), lang
            )
    rounds = ctx.rounds.get(unit_id)
    if rounds is not None:
        out += _h(t("rounds_title", lang), level=3) + _p(profile_page.rounds_sentence(rounds, lang))
        if len(rounds):
            known = bool(ctx.rows[unit_id].get("self_known"))
            out += _table(
                rounds.to_dict("records"), profile_page.rounds_columns(rounds, known, lang), lang
            )
    return out


# --- the trend -----------------------------------------------------------------------------
