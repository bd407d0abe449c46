"""Figures for the reports. Each function returns a matplotlib Figure with a title, axis labels and
its alt text (``chart_kit.describe``: what it draws, for the ``<img alt>``).

Rules every figure keeps (issue #13, checked by ``tests/test_charts.py``): bars start at zero; a
scatter axis that does not start at zero says so in its label (``chart_kit.axis_from``); colours from
``palette`` (Okabe–Ito; heat maps cividis and a single-hue orange ramp); areas by name, not number;
the unit a chart singles out labelled directly; every legend entry is something drawn; decimal commas
on Vietnamese pages. Style, sizes and shared helpers are in ``chart_kit``, the fairness figures in
``fairness_plots`` (both re-exported here under their old names: ``plots.reset_style``,
``plots.rank_intervals`` …); the history figures are in ``history_plots``.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from parlib.core.labels import maybe, number, t
from parlib.publish import palette
from parlib.publish.chart_kit import STYLE as STYLE  # the old names, re-exported
from parlib.publish.chart_kit import (
    WIDTH,
    alt,
    area_label,
    area_names,
    axis_from,
    count_axis,
    describe,
    heat_cells,
    heatmap_alt,
    max_scatter_alt,
    missing_legend,
    names_sentence,
    scatter_alt,
    short,
    vi_axis,
)
from parlib.publish.chart_kit import area_order as area_order
from parlib.publish.chart_kit import finish as finish
from parlib.publish.chart_kit import finish_ranks as finish_ranks
from parlib.publish.chart_kit import integer_ticks as integer_ticks
from parlib.publish.chart_kit import legend_below as legend_below
from parlib.publish.chart_kit import reset_style as reset_style
from parlib.publish.fairness_plots import (  # noqa: F401  (notebook 04's figures, re-exported)
    alternative_ranks,
    bias_by_kind,
    deductions_by_criterion,
    deductions_heatmap,
    like_for_like,
    rank_intervals,
    survey_respondents,
)


def index_vs_max(unit_index: pd.DataFrame, bias: pd.DataFrame, lang: str, title: str):
    """Scatter of index against applicable maximum, one colour and marker per unit kind, with the
    fitted line."""
    fig, ax = plt.subplots(figsize=(WIDTH, 4.2))
    for i, (kind, g) in enumerate(unit_index.groupby("kind", sort=True)):
        ax.scatter(
            g["max_points"],
            g["index_pct"],
            label=maybe(kind, lang),
            alpha=0.85,
            s=30,
            color=palette.SEQUENCE[i % len(palette.SEQUENCE)],
            marker=palette.MARKERS[i % len(palette.MARKERS)],
        )
    overall = bias[bias["scope"] == "all"].iloc[0]
    if not np.isnan(overall["slope"]):
        xs = np.linspace(unit_index["max_points"].min(), unit_index["max_points"].max(), 50)
        ax.plot(
            xs,
            overall["intercept"] + overall["slope"] * xs,
            color=palette.REFERENCE,
            lw=1,
            ls="--",
            label=t("slope", lang).split(" (")[0],
        )
    ax.set_xlabel(t("max_points", lang))
    ax.set_ylabel(t("index_pct", lang))
    ax.set_title(title)
    ax.legend(title=t("kind", lang))
    vi_axis(ax, lang)
    axis_from(ax, "x", lang)
    axis_from(ax, "y", lang)
    fig.tight_layout()
    return max_scatter_alt(fig, unit_index, lang)


def bin_edges(values: pd.Series) -> np.ndarray:
    """Histogram bins on round numbers: 5 points wide over a wide spread, 2 or 1 over a narrow one."""
    lo, hi = float(values.min()), float(values.max())
    step = 5.0 if hi - lo > 25 else 2.0 if hi - lo > 8 else 1.0
    start = math.floor(lo / step) * step
    stop = max(math.ceil(hi / step) * step, start + step)
    return np.arange(start, stop + step / 2, step)


def index_histogram(unit_index: pd.DataFrame, lang: str, title: str):
    """How many units (bars from zero) have an index in each band of round width."""
    values = unit_index["index_pct"].dropna().astype(float)
    fig, ax = plt.subplots(figsize=(WIDTH, 3.0))
    if len(values):
        edges = bin_edges(values)
        ax.hist(values, bins=edges, color=palette.HIGHLIGHT, edgecolor="white")
        every = max(1, math.ceil((len(edges) - 1) / 10))
        ax.set_xticks(edges[::every])
        ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel(t("index_pct", lang))
    ax.set_ylabel(t("n_units", lang))
    ax.set_title(title)
    vi_axis(ax, lang, axis="x")
    count_axis(ax, lang, "y")
    axis_from(ax, "x", lang)
    fig.tight_layout()
    if values.empty:
        return fig
    text = alt(
        "chart_alt_hist",
        lang,
        n=len(values),
        lo=number(values.min(), 2, lang),
        hi=number(values.max(), 2, lang),
    )
    return describe(fig, text)


def area_heatmap(area_index: pd.DataFrame, unit_names: pd.Series, lang: str, title: str):
    """Areas (columns, by name) × units (rows, in ranking order as given by ``unit_names``) of
    sub-indexes (%), cividis from 0 to 100; white where the area did not arise for the unit."""
    grid = area_index.pivot_table(index="unit_id", columns="area", values="index_pct")
    grid = grid.reindex(index=unit_names.index, columns=area_order(grid.columns))
    names = area_names(area_index, lang)
    values = grid.to_numpy(dtype=float)
    height = max(2.8, 0.24 * len(grid) + 2.0)
    fig, ax = plt.subplots(figsize=(WIDTH, height))
    bar = heat_cells(ax, fig, values, palette.HEATMAP, 0, 100, lang, 0)
    bar.set_label(t("index_pct", lang))
    ax.set_xticks(
        range(grid.shape[1]),
        [area_label(c, names) for c in grid.columns],
        rotation=40,
        ha="right",
        rotation_mode="anchor",
    )
    ax.set_yticks(range(grid.shape[0]), list(unit_names.to_numpy()))
    ax.set_xlabel(t("area", lang))
    ax.set_title(title)
    missing_legend(fig, ax, values, lang)
    fig.tight_layout()
    return heatmap_alt(fig, values, t("index_pct", lang), lang)


def self_vs_appraised(unit_index: pd.DataFrame, lang: str, title: str):
    """Self-assessed (y) against appraised points (x), one dot per unit, the diagonal where they
    agree, and the unit with the most points deducted named beside its dot."""
    x = unit_index["appraised_points"].astype(float)
    y = unit_index["self_points"].astype(float)
    fig, ax = plt.subplots(figsize=(WIDTH * 0.75, 4.6))
    ax.scatter(x, y, s=30, color=palette.HIGHLIGHT, label=t("unit", lang), zorder=3)
    lo, hi = float(min(x.min(), y.min())), float(max(x.max(), y.max()))
    pad = max(0.5, (hi - lo) * 0.05)
    ax.plot(
        [lo, hi], [lo, hi], color=palette.REFERENCE, lw=1, ls=":", label=t("chart_diagonal", lang)
    )
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_ylim(lo - pad, hi + pad)
    named = []
    gap = y - x
    if "unit_name" in unit_index.columns and gap.notna().any() and gap.max() > 0:
        worst = gap.idxmax()
        named.append(str(unit_index.loc[worst, "unit_name"]))
        ax.annotate(
            short(named[0], 28, 2),
            (x[worst], y[worst]),
            xytext=(6, -4),
            textcoords="offset points",
            va="top",
            color=palette.HIGHLIGHT,
        )
    ax.set_xlabel(t("appraised_points", lang))
    ax.set_ylabel(t("self_points", lang))
    ax.set_title(title)
    vi_axis(ax, lang, decimals=0)
    axis_from(ax, "x", lang)
    axis_from(ax, "y", lang)
    fig.tight_layout()
    legend_below(fig, ax)
    text = scatter_alt(x, y, t("appraised_points", lang), t("self_points", lang), lang, 2)
    return describe(fig, text + names_sentence(named, lang))
