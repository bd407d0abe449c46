"""History figures: a unit's areas, its index and rank over the years, its benchmark against national
results, and a block's trend (``block_trend``: each unit's series by
name with gaps left as gaps, the national average and the block's median, methodology changes and
lineage events marked at their place, a colour-blind-safe palette). Style and finishing come from
``plots``; the block trend's tables and labels from ``trends_page``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator

from parlib.core.labels import t
from parlib.publish import trends_page as tp
from parlib.publish.plots import finish, legend_below, vi_axis
from parlib.publish.trends_labels import label as page_label

# Okabe & Ito's colour-blind-safe palette without black (kept for the national average) and
# yellow (too pale on white); a marker per colour as a second cue.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#7F6000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
GREY = "#BBBBBB"


def unit_areas(areas: pd.DataFrame, unit_name: str, lang: str, title: str):
    """One unit's area sub-indexes (bars) against the average (dot) and best (tick) of all units."""
    data = areas.sort_values("area", key=lambda s: s.map(lambda c: [int(x) for x in c.split(".")]))
    fig, ax = plt.subplots(figsize=(8, max(2.8, 0.42 * len(data) + 1.2)))
    y = np.arange(len(data))
    labels = [f"{a} {n}"[:48] for a, n in zip(data["area"], data["name"])]
    ax.barh(y, data["index_pct"], color="#2b6cb0", label=unit_name)
    ax.scatter(
        data["average"], y, color="#dd6b20", zorder=3, s=30, label=t("average_all_units", lang)
    )
    ax.scatter(
        data["best"], y, color="black", marker="|", s=160, zorder=3, label=t("best_value", lang)
    )
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 105)
    finish(fig, ax, lang, title, t("index_pct", lang), t("area", lang), numbers="x")
    return fig


def trend_lines(series: pd.DataFrame, lang: str, title: str, changes: list | None = None):
    """Index (left) and rank (right, 1 at the top) over the years, one line per unit or
    predecessor; published figures hollow, computed ones filled; dashed verticals where the
    methodology changed."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for (_line_id, line), g in series.groupby(["line_id", "line"], sort=True):
        for source, marker_face in (("computed", None), ("published", "none")):
            part = g[g["source"] == source].sort_values("year")
            if part.empty:
                continue
            label = f"{line} ({t(source, lang)})"
            idx = part.dropna(subset=["index_pct"])
            if len(idx):
                left.plot(idx["year"], idx["index_pct"], marker="o", mfc=marker_face, label=label)
            rk = part.dropna(subset=["rank"])
            if len(rk):
                right.plot(
                    rk["year"], rk["rank"].astype(float), marker="s", mfc=marker_face, label=label
                )
    for a, b, *_ in changes or []:
        for ax in (left, right):
            ax.axvline((a + b) / 2, color="#c05621", ls="--", lw=1)
    right.invert_yaxis()
    left.set_xlabel(t("year", lang))
    left.set_ylabel(t("index_pct", lang))
    left.set_title(t("index_pct", lang), fontsize=10)
    right.set_xlabel(t("year", lang))
    right.set_ylabel(t("rank", lang))
    right.set_title(t("rank", lang), fontsize=10)

    for ax in (left, right):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    right.yaxis.set_major_locator(MaxNLocator(integer=True))
    vi_axis(left, lang, axis="y", decimals=1)
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    legend_below(fig, left)
    return fig


def benchmark_bars(bench: pd.DataFrame, unit_name: str, lang: str, title: str):
    """Per year: the unit's published index against the national and regional averages and the top."""
    data = bench.dropna(subset=["index_pct"])
    fig, ax = plt.subplots(figsize=(8, 3.8))
    x = np.arange(len(data))
    width = 0.2
    series = [
        (data["index_pct"], unit_name, "#2b6cb0"),
        (data["national_average"], t("national_average", lang), "#a0aec0"),
        (data["region_average"], t("region_average", lang), "#68d391"),
        (data["top_index"], t("top_index", lang), "#dd6b20"),
    ]
    for i, (values, label, colour) in enumerate(series):
        ax.bar(x + (i - 1.5) * width, values.astype(float), width, label=label, color=colour)
    ax.set_xticks(x, [str(y) for y in data["year"]])
    low = float(
        np.nanmin(
            data[["index_pct", "national_average", "region_average", "top_index"]].to_numpy(
                dtype=float
            )
        )
    )
    ax.set_ylim(max(0, low - 10), 100)
    finish(fig, ax, lang, title, t("year", lang), t("index_pct", lang), numbers="y")
    return fig


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
    ``len(PALETTE)``), every other unit in grey, the published national average (black, dashed)
    and the block's median (dotted), a dashed vertical and its decision at each methodology change
    (``trends_page.method_marks``) and a solid vertical and its label at each lineage event date
    (``trends_page.event_marks``). A year without a figure is NaN: the line stops there (a gap),
    and a lone year is still drawn as its marker. The legend lists only what is drawn. Returns the
    figure and the y range ``(lo, hi)`` (the page states it)."""
    wide = tp.series(rows)
    names = tp.line_names(rows)
    years = list(wide.index)
    fig, ax = plt.subplots(figsize=(9, 4.8))
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
    for i, unit in enumerate(u for u in labelled if u in wide.columns):
        ax.plot(
            years,
            wide[unit].to_numpy(dtype=float),
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
            color="black",
            ls="--",
            lw=1.6,
            marker="o",
            ms=4,
            zorder=4,
            label=page_label("national_average", lang),
        )
        drawn.append(values)
    med = tp.median_by_year(rows)
    if med["median"].notna().any():
        ax.plot(
            med["year"],
            med["median"].to_numpy(dtype=float),
            color="#444444",
            ls=":",
            lw=1.8,
            zorder=2,
            label=page_label("block_median", lang),
        )
    lo, hi = tp.y_range(np.concatenate(drawn))
    ax.set_ylim(lo, hi + 4)
    xs = list(years)
    for kind, marks, style in (
        ("methodology_change", methods, "--"),
        ("series_break", events, "-"),
    ):
        if marks is None or marks.empty:
            continue
        colour = "#882255" if kind == "methodology_change" else "#117733"
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
                fontsize=7,
                color=colour,
            )
            xs.append(m.x)
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    finish(
        fig, ax, lang, title, page_label("year", lang), page_label("index_pct", lang), numbers="y"
    )
    return fig, (lo, hi)
