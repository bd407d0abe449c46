"""The trend sections of a unit profile: the unit's series across the published years (every
year named up to five, else the first, last, highest and lowest, so no middle year is hidden; a
missing year is a gap in the chart) and the comparison with the published national results. Each
builder is ``(ctx, unit_id) -> str``, an escaped HTML fragment (``parlib.publish.profile_detail``
has the sections before them).
"""

from __future__ import annotations

from parlib.core.labels import number, t
from parlib.history import trends
from parlib.publish import profile_svg, sentences
from parlib.publish.layouts import BENCHMARK_COLUMNS, conflict_columns
from parlib.publish.markup import Column, esc
from parlib.publish.profile_data import _f, provinces_in
from parlib.publish.profile_sections import _h, _p, _table

ALL_YEARS_NAMED = 5  # a series of up to this many years is told year by year


def series(ctx, unit_id: str) -> list[dict]:
    """The unit's own rows of every year up to this one, and its published national figures
    (``source`` computed / published), one per year and source, oldest first."""
    rows = []
    province = str(ctx.rows[unit_id].get("kind")) == "province"
    for r in ctx.history.get(unit_id, []):
        if int(r["year"]) <= ctx.year:
            published = str(r.get("source")) == "published"
            n = ctx.history_n.get((int(r["year"]), r["block"]), 0)  # a one-unit table ranks nothing
            if published:  # as printed: of the printed count, or of the country's provinces
                n = _f(r.get("rank_of")) or (provinces_in(int(r["year"])) if province else None)
            rows.append(
                {
                    "year": int(r["year"]),
                    "line": r["unit_name"],
                    "index_pct": _f(r["index_pct"]),
                    "rank": _f(r["rank"]) if published or n > 1 else None,
                    "n": int(n) if n else None,
                    "source": "published" if published else "computed",
                }
            )
    have = {(r["year"], r["source"]) for r in rows}
    for r in ctx.national.get(unit_id, []):
        y = int(r["year"])
        if y <= ctx.year and (y, "published") not in have:
            rows.append(
                {
                    "year": y,
                    "line": r["unit_name"],
                    "index_pct": _f(r["index_pct"]),
                    "rank": _f(r["rank"]),
                    "n": provinces_in(y),
                    "source": "published",
                }
            )
    rows = [r for r in rows if r["index_pct"] is not None or r["rank"] is not None]
    return sorted(rows, key=lambda r: (r["year"], r["source"]))


def trend_sentence(values: dict[int, float], lang: str) -> str:
    """Every year named (up to ``ALL_YEARS_NAMED``), else first → last with the high and low."""
    years = sorted(values)
    if len(years) < 2:
        return t("trend_one_year", lang)
    if len(years) <= ALL_YEARS_NAMED:
        steps = " → ".join(f"{y} {number(values[y], 2, lang)}%" for y in years)
        return t("profile_trend_all", lang, steps=steps)
    high = max(years, key=lambda y: (values[y], -y))
    low = min(years, key=lambda y: (values[y], y))
    return t(
        "profile_trend_extremes",
        lang,
        n=len(years),
        first=years[0],
        first_pct=number(values[years[0]], 2, lang),
        last=years[-1],
        last_pct=number(values[years[-1]], 2, lang),
        high=high,
        high_pct=number(values[high], 2, lang),
        low=low,
        low_pct=number(values[low], 2, lang),
    )


def trend(ctx, unit_id: str) -> str:
    lang = ctx.lang
    rows = series(ctx, unit_id)
    values: dict[int, tuple[float, bool]] = {}
    for r in rows:  # the workbook's figure where it has one, else the published one
        if r["index_pct"] is not None and (r["year"] not in values or r["source"] == "computed"):
            values[r["year"]] = (r["index_pct"], r["source"] == "computed")
    out = _h(t("profile_trend", lang), "trend")
    out += _p(trend_sentence({y: v for y, (v, _) in values.items()}, lang))
    shown_years = sorted(set(ctx.years) | {r["year"] for r in rows})
    if values:
        span = list(range(min(values), max(max(values), ctx.year) + 1))
        missing = [y for y in span if y not in values]
        if missing and len(values) > 1:
            out += _p(t("profile_trend_missing", lang, years=", ".join(map(str, missing))))
        shown_years = sorted(set(span) | set(shown_years))
    years_in = [r["year"] for r in rows]
    changes = trends.methodology_changes(ctx.cfg, years_in) if years_in else []
    out += sentences.methodology_warnings(changes, lang)
    out += sentences.undeclared_warning(trends.undeclared_years(ctx.cfg, years_in), lang)
    for successor, year, others in ctx.successors.get(unit_id, []):
        out += _p(
            t(
                "lineage_successor",
                lang,
                unit=ctx.name(unit_id),
                successor=successor,
                year=year,
                others=others or t("lineage_alone", lang),
            )
        )
    if len(values) > 1:
        svg = profile_svg.trend(
            shown_years,
            values,
            lang,
            t("profile_trend", lang),
            t(
                "profile_trend_alt",
                lang,
                unit=ctx.name(unit_id),
                first=shown_years[0],
                last=shown_years[-1],
            ),
            t("profile_legend_computed", lang),
            t("profile_legend_published", lang),
            ident=f"trend-{ctx.position[unit_id]}",
        )
        kinds = {computed for _, computed in values.values()}  # the caption names drawn marks only
        reading = {
            frozenset({True}): "profile_trend_svg_computed",
            frozenset({False}): "profile_trend_svg_published",
        }.get(frozenset(kinds), "profile_trend_svg_reading")
        # on paper the trend reads as its sentence above (every year named): the chart stays on
        # screen, so that a printed profile keeps to two A4 pages
        out += (
            f'<figure class="par-screen-only">{svg}'
            f"<figcaption><em>{esc(t(reading, lang))}</em></figcaption></figure>"
        )
    table = [
        {
            **r,
            "rank_text": t("rank_of_n", lang, rank=int(r["rank"]), n=r["n"])
            if r["rank"] and r["n"]
            else (str(int(r["rank"])) if r["rank"] else ""),
        }
        for r in rows
    ]
    cols = [
        Column("year", kind="int"),
        Column("line", "unit"),
        Column("index_pct", kind="num"),
        Column("rank_text", "rank"),
        Column("source", kind="label"),
    ]
    if not table:
        return out
    shown = _table(table, cols, lang)
    # the chart's own figures as a table: on screen beside the chart, left out of print
    return out + (f'<div class="par-chart-data">{shown}</div>' if len(values) > 1 else shown)


def benchmark(ctx, unit_id: str) -> str:
    """The unit against the published national and regional averages (national results only)."""
    lang = ctx.lang
    if ctx.national_table is None or unit_id not in ctx.national:
        return ""
    bench = trends.benchmark(ctx.national_table, unit_id, ctx.regions.get(unit_id, ""))
    bench = bench[bench["year"] <= ctx.year]
    if bench.empty:
        return ""
    out = _h(t("benchmark", lang), "benchmark")
    out += _p(sentences.benchmark_sentence(bench, ctx.name(unit_id), lang))
    out += _table(bench.to_dict("records"), BENCHMARK_COLUMNS, lang)
    found = ctx.conflicts_in(list(bench["year"]))
    if len(found):
        out += _h(t("conflicts", lang), level=3) + _p(t("conflicts_reading", lang))
        out += _table(found.to_dict("records"), conflict_columns(lang), lang)
    return out
