"""History figures: a unit's areas, its index and rank over the years, its benchmark against national
results, and every unit's index over time. Style and finishing come from ``plots``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator

from parlib.core.labels import t
from parlib.publish.plots import finish, legend_below, vi_axis


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


def index_over_time(hist: pd.DataFrame, lang: str, title: str, changes: list | None = None):
    """Every unit's index over the years (thin grey lines) and the mean of all units (bold)."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for _unit, g in hist.groupby("unit_id", sort=True):
        g = g.sort_values("year")
        ax.plot(g["year"], g["index_pct"], color="#a0aec0", lw=0.8, alpha=0.8)
    means = hist.groupby("year")["index_pct"].mean()
    ax.plot(
        means.index,
        means.to_numpy(),
        color="#2b6cb0",
        lw=2.5,
        marker="o",
        label=t("mean_index", lang),
    )
    for a, b, *_ in changes or []:
        ax.axvline((a + b) / 2, color="#c05621", ls="--", lw=1, label=t("methodology_change", lang))

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(t("year", lang))
    ax.set_ylabel(t("index_pct", lang))
    ax.set_title(title)
    vi_axis(ax, lang, axis="y", decimals=0)
    fig.tight_layout()
    legend_below(fig, ax)
    return fig
