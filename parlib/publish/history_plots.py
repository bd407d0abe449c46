"""History figures: a unit's areas, its index and rank over the years, its benchmark against national
results, and a block's trend (``block_trend``: each unit's series by name with gaps left as gaps,
the labelled units in colour and named at the end of their line, every other unit in grey, the
national average, the block's median and its interquartile band (``trend_spread``), methodology
changes and lineage events marked at their place). Every year is on the axis as an integer; a year without a figure is a gap (NaN), never a
segment across it; bars start at zero; a value axis that does not start at zero says so in its
label; colours from ``palette``. ``trend_reading`` is the caption of ``trend_lines`` that explains
only the marks the chart draws. Style and finishing come from ``chart_kit``; the block trend's
tables and labels from ``trends_page``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from parlib.core.labels import number, t
from parlib.publish import palette, trend_spread
from parlib.publish import trends_page as tp
from parlib.publish.chart_kit import (
    WIDTH,
    alt,
    axis_from,
    describe,
    finish,
    legend_below,
    lower_first,
    names_sentence,
    short,
    vi_axis,
    year_axis,
)
from parlib.publish.trends_labels import label as page_label

PALETTE = palette.SEQUENCE  # the labelled lines' colours, in order
MARKERS = palette.MARKERS  # a marker per colour as a second cue
GREY = "#BBBBBB"  # the other units' lines (lighter than palette.CONTEXT: many lines)


def unit_areas(areas: pd.DataFrame, unit_name: str, lang: str, title: str):
    """One unit's area sub-indexes (bars from zero, areas by name) against the average (dot) and
    best (tick) of the units it is compared with."""
    data = areas.sort_values("area", key=lambda s: s.map(lambda c: [int(x) for x in c.split(".")]))
    fig, ax = plt.subplots(figsize=(WIDTH, max(2.8, 0.42 * len(data) + 1.4)))
    y = np.arange(len(data))
    labels = [short(f"{a}. {n}", 32, 2) for a, n in zip(data["area"], data["name"])]
    ax.barh(y, data["index_pct"], color=palette.HIGHLIGHT, label=unit_name)
    ax.scatter(
        data["average"], y, color=palette.ACCENT, zorder=3, s=30, label=t("average_all_units", lang)
    )
    ax.scatter(
        data["best"],
        y,
        color=palette.REFERENCE,
        marker="|",
        s=160,
        zorder=3,
        label=t("best_value", lang),
    )
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 105)
    finish(fig, ax, lang, title, t("index_pct", lang), t("area", lang), numbers="x")
    values = data["index_pct"].dropna()
    if values.empty:
        return fig
    text = alt(
        "chart_alt_hbars",
        lang,
        what=f"{t('index_pct', lang)} — {unit_name}",
        n=len(data),
        items=alt("chart_alt_items_areas", lang),
        lo=number(values.min(), 2, lang),
        hi=number(values.max(), 2, lang),
    )
    return describe(fig, text)


def _every_year(part: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """``part`` (one line, one source) on every year of ``years``: NaN where it has no row."""
    return part.drop_duplicates("year").set_index("year").reindex(years)


def trend_lines(series: pd.DataFrame, lang: str, title: str, changes: list | None = None):
    """Index (left) and rank (right, 1 at the top, down to the number ranked) over every year of
    the range, one colour per unit or predecessor; published figures hollow, computed ones filled;
    a year without a figure is a gap; dashed verticals where the methodology changed."""
    years = list(range(int(series["year"].min()), int(series["year"].max()) + 1))
    fig, (left, right) = plt.subplots(1, 2, figsize=(WIDTH, 3.4))
    groups = series.groupby(["line_id", "line"], sort=True)
    for i, ((_line_id, line), g) in enumerate(groups):
        colour = PALETTE[i % len(PALETTE)]
        for source, marker_face in (("computed", None), ("published", "none")):
            part = g[g["source"] == source]
            if part.empty:
                continue
            full = _every_year(part, years)
            label = f"{line} ({t(source, lang)})"
            style = dict(color=colour, marker=MARKERS[i % len(MARKERS)], mfc=marker_face)
            if full["index_pct"].notna().any():
                left.plot(years, full["index_pct"].astype(float), label=label, **style)
            ranks = pd.to_numeric(full["rank"], errors="coerce").astype(float)
            if ranks.notna().any():
                right.plot(years, ranks.to_numpy(), label=label, **style)
    marked = False
    for a, b, *_ in changes or []:
        for ax in (left, right):
            ax.axvline(
                (a + b) / 2,
                color=palette.ALERT,
                ls="--",
                lw=1,
                label="_nolegend_" if marked else t("chart_method_change", lang),
            )
            marked = True
    worst = field_size(series)
    if worst:  # the whole field: 1 at the top, the last rank at the bottom, whole numbers only
        right.set_ylim(worst + 0.5, 0.5)
        right.set_yticks(rank_ticks(worst))
    index_span(left, series["index_pct"])
    left.set_title(t("index_pct", lang), fontsize=10)
    right.set_title(t("rank", lang), fontsize=10)
    for ax, ylabel in ((left, t("index_pct", lang)), (right, t("rank", lang))):
        ax.set_xlabel(t("year", lang))
        ax.set_ylabel(ylabel)
        year_axis(ax, years, rotate=len(years) > 6)
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    vi_axis(left, lang, axis="y", decimals=0 if np.ptp(left.get_ylim()) >= 5 else 1)
    axis_from(left, "y", lang)
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    legend_below(fig, left)
    n = len(groups)
    what = f"{t('index_pct', lang)}, {lower_first(t('rank', lang))}"
    text = alt("chart_alt_lines", lang, first=years[0], last=years[-1], what=what, n=n)
    return describe(fig, text)


def field_size(series: pd.DataFrame) -> int:
    """How many units were ranked: the largest ``rank_of`` or, without it, the largest rank."""
    sizes = [
        pd.to_numeric(series[c], errors="coerce").max() for c in ("rank_of", "rank") if c in series
    ]
    sizes = [int(v) for v in sizes if pd.notna(v)]
    return max(sizes) if sizes else 0


MIN_SPAN = 10.0  # index points: a smaller change is not drawn across the whole height


def index_span(ax, values: pd.Series) -> None:
    """An index axis at least ``MIN_SPAN`` points high, centred on the values (within 0–100), so
    that a change of a tenth of a point does not fill the chart."""
    finite = pd.to_numeric(values, errors="coerce").dropna()
    if finite.empty or finite.max() - finite.min() >= MIN_SPAN:
        return
    mid = (finite.max() + finite.min()) / 2
    span = MIN_SPAN * 1.1  # a margin: no point on the axis's edge
    lo = min(max(0.0, mid - span / 2), 100.0 - span)
    ax.set_ylim(lo, lo + span)


def rank_ticks(worst: int) -> list[int]:
    """Rank ticks from 1 to ``worst`` (both shown), about five whole numbers between."""
    step = max(1, round(worst / 5))
    between = [r for r in range(step, worst, step) if worst - r >= step / 2 and r > 1]
    return sorted({1, worst, *between})


def trend_reading(series: pd.DataFrame, changes: list | None, lang: str) -> str:
    """The caption of ``trend_lines``: the panels, then only the marks it draws (hollow published,
    filled computed, dashed changes of methodology)."""
    drawn = series.dropna(subset=["index_pct"], how="all")
    sources = set(drawn["source"]) if "source" in drawn else set()
    parts = [t("trend_lines_panels", lang)]
    if "published" in sources:
        parts.append(t("trend_lines_published", lang))
    if "computed" in sources and "published" in sources:
        parts.append(t("trend_lines_computed", lang))
    if changes:
        parts.append(t("trend_lines_changes", lang))
    return " ".join(parts)


def benchmark_bars(bench: pd.DataFrame, unit_name: str, lang: str, title: str):
    """Per year of the range (a year without figures left empty), bars from zero: the unit's
    published index against the national and regional averages and the top."""
    data = bench.dropna(subset=["index_pct"])
    years = list(range(int(data["year"].min()), int(data["year"].max()) + 1)) if len(data) else []
    full = data.drop_duplicates("year").set_index("year").reindex(years)
    fig, ax = plt.subplots(figsize=(WIDTH, 3.4))
    width = 0.2
    series = [
        ("index_pct", unit_name, palette.HIGHLIGHT),
        ("national_average", t("national_average", lang), palette.CONTEXT),
        ("region_average", t("region_average", lang), palette.OKABE_ITO["sky_blue"]),
        ("top_index", t("top_index", lang), palette.ACCENT),
    ]
    drawn = []
    for i, (column, label, colour) in enumerate(series):
        values = pd.to_numeric(full.get(column), errors="coerce") if column in full else None
        if values is None or values.isna().all():
            continue  # nothing to draw: no bar, no legend entry
        ax.bar(
            np.array(years) + (i - 1.5) * width,
            values.astype(float),
            width,
            label=label,
            color=colour,
        )
        drawn.append(label)
    year_axis(ax, years, rotate=len(years) > 10)
    ax.set_ylim(0, 100)
    finish(fig, ax, lang, title, t("year", lang), t("index_pct", lang), numbers="y")
    if not years:
        return fig
    text = alt("chart_alt_year_bars", lang, first=years[0], last=years[-1], series=", ".join(drawn))
    return describe(fig, text)


def _spread(ys: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Label heights at least ``gap`` apart, as near their lines as can be, within ``lo``–``hi``."""
    order = sorted(range(len(ys)), key=lambda i: -ys[i])
    placed = [0.0] * len(ys)
    last = None
    for i in order:
        y = min(ys[i], hi) if last is None else min(ys[i], last - gap)
        placed[i] = last = y
    low = min(placed) if placed else lo
    if low < lo:  # pushed below the axis: shift the lowest labels up
        for i in sorted(order, key=lambda j: placed[j]):
            placed[i] = max(placed[i], lo)
            lo += gap
    return placed


def label_line_ends(ax, lines: list[tuple[str, str, np.ndarray, np.ndarray]], lo, hi) -> list:
    """Name each line (name, colour, x, y) at the right of the axes, level with its last point
    and joined to it by a thin line; returns the annotations."""
    ends = []
    for name, colour, x, y in lines:
        finite = np.flatnonzero(~np.isnan(y))
        if finite.size:
            ends.append((name, colour, float(x[finite[-1]]), float(y[finite[-1]])))
    heights = _spread([e[3] for e in ends], (hi - lo) * 0.06, lo, hi)
    out = []
    for (name, colour, x, y), h in zip(ends, heights):
        out.append(
            ax.annotate(
                short(name, 26, 1),
                xy=(x, y),
                xytext=(1.02, h),
                textcoords=ax.get_yaxis_transform(),
                va="center",
                color=colour,
                fontsize=9,
                arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.6, "shrinkA": 0},
                annotation_clip=False,
            )
        )
    return out


def block_trend(
    rows: pd.DataFrame,
    lang: str,
    title: str,
    labelled: list[str],
    average: pd.Series | None = None,
    methods: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
):
    """A block's index over its years: the labelled units' lines in colour (at most
    ``len(PALETTE)``), every other unit in grey, the published national average (black, dashed),
    the block's median (dotted) and its Q1–Q3 band (shaded; ``trend_spread.draw``), a dashed vertical and its decision at each methodology change
    (``trends_page.method_marks``) and a solid vertical and its label at each lineage event date
    (``trends_page.event_marks``). A year without a figure is NaN: the line stops there (a gap),
    and a lone year is still drawn as its marker. The labelled units are named at the end of their
    lines; the legend lists only what is drawn; every year is on the axis. Returns the figure and
    the y range ``(lo, hi)`` (the page states it; the axis label too when it is not from 0)."""
    wide = tp.series(rows)
    names = tp.line_names(rows)
    years = list(wide.index)
    fig, ax = plt.subplots(figsize=(WIDTH, 4.2))
    others = [u for u in wide.columns if u not in labelled]
    for i, unit in enumerate(others):
        ax.plot(
            years,
            wide[unit].to_numpy(dtype=float),
            color=GREY,
            lw=0.8,
            marker=".",
            ms=3,
            zorder=1,
            label=page_label("other_units", lang, n=len(others)) if i == 0 else "_nolegend_",
        )
    ends = []
    for i, unit in enumerate(u for u in labelled if u in wide.columns):
        values = wide[unit].to_numpy(dtype=float)
        ends.append((names[unit], PALETTE[i % len(PALETTE)], np.array(years, float), values))
        ax.plot(
            years,
            values,
            color=PALETTE[i % len(PALETTE)],
            marker=MARKERS[i % len(MARKERS)],
            lw=1.8,
            ms=5,
            zorder=3,
            label=names[unit],
        )
    drawn = [wide.to_numpy(dtype=float).ravel()]
    if average is not None and average.notna().any():
        values = average.reindex(years).to_numpy(dtype=float)
        ax.plot(
            years,
            values,
            color=palette.REFERENCE,
            ls="--",
            lw=1.6,
            marker="o",
            ms=4,
            zorder=4,
            label=page_label("national_average", lang),
        )
        drawn.append(values)
    band = trend_spread.draw(ax, tp.median_by_year(rows), lang)  # median line, Q1–Q3 band
    lo, hi = tp.y_range(np.concatenate(drawn))
    ax.set_ylim(lo, hi + 4)
    xs = list(years)
    for kind, marks, style in (
        ("methodology_change", methods, "--"),
        ("series_break", events, "-"),
    ):
        if marks is None or marks.empty:
            continue
        colour = (
            palette.ALERT if kind == "methodology_change" else palette.OKABE_ITO["reddish_purple"]
        )
        for j, m in enumerate(marks.itertuples(index=False)):
            ax.axvline(
                m.x,
                color=colour,
                ls=style,
                lw=1.2,
                zorder=0,
                label=page_label(kind, lang) if j == 0 else "_nolegend_",
            )
            ax.text(
                m.x,
                hi + 3.5,
                f" {m.label}",
                rotation=90,
                va="top",
                ha="right",
                fontsize=9,
                color=colour,
                bbox={"facecolor": "white", "alpha": 0.75, "lw": 0, "pad": 0.5},
            )
            xs.append(m.x)
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    year_axis(ax, years, rotate=len(years) > 12)
    label_line_ends(ax, ends, lo, hi)
    finish(
        fig, ax, lang, title, page_label("year", lang), page_label("index_pct", lang), numbers="y"
    )
    text = alt(
        "chart_alt_lines",
        lang,
        first=years[0],
        last=years[-1],
        what=page_label("index_pct", lang),
        n=wide.shape[1],
    )
    return describe(fig, text + band + names_sentence([e[0] for e in ends], lang)), (lo, hi)
