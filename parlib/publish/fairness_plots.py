"""Fairness and robustness figures (notebook 04, ``fairness_page``): the max-points bias by unit
kind, the like-for-like index, ranks under the methodology alternatives, Monte Carlo rank
intervals, points deducted by unit and area or by criterion, and the survey's respondents.

Same rules as ``plots`` (re-exported there under their old names): palette colours, bars from zero,
axes not from zero said in their label, areas by name, every legend entry drawn, alt text.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from parlib.core.labels import maybe, number, t
from parlib.publish import palette
from parlib.publish.chart_kit import (
    WIDTH,
    alt,
    area_label,
    axis_from,
    count_axis,
    describe,
    finish,
    finish_ranks,
    heat_cells,
    heatmap_alt,
    legend_below,
    max_scatter_alt,
    missing_legend,
    scatter_alt,
    short,
    vi_axis,
)


def bias_by_kind(unit_index: pd.DataFrame, bias: pd.DataFrame, lang: str, title: str):
    """One panel per unit kind: index against applicable maximum with that kind's fitted line."""
    kinds = sorted(unit_index["kind"].astype(str).unique())
    width = WIDTH if len(kinds) <= 3 else 2.3 * len(kinds)
    fig, axes = plt.subplots(1, len(kinds), figsize=(width, 3.4), sharey=True, squeeze=False)
    for ax, kind in zip(axes[0], kinds):
        g = unit_index[unit_index["kind"] == kind]
        ax.scatter(g["max_points"], g["index_pct"], s=26, alpha=0.85, color=palette.HIGHLIGHT)
        row = bias[bias["scope"] == kind]
        if len(row) and not np.isnan(row.iloc[0]["slope"]):
            xs = np.linspace(g["max_points"].min(), g["max_points"].max(), 20)
            ax.plot(
                xs,
                row.iloc[0]["intercept"] + row.iloc[0]["slope"] * xs,
                color=palette.REFERENCE,
                lw=1,
                ls="--",
            )
            ax.set_title(
                f"{maybe(kind, lang)}\nρ = {number(row.iloc[0]['spearman_rho'], 2, lang)}",
                fontsize=9,
            )
        else:
            ax.set_title(maybe(kind, lang), fontsize=9)
        ax.set_xlabel(t("max_points", lang))
        vi_axis(ax, lang)
        axis_from(ax, "x", lang)
    axes[0][0].set_ylabel(t("index_pct", lang))
    axis_from(axes[0][0], "y", lang)
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return max_scatter_alt(fig, unit_index, lang)


def like_for_like(lfl: pd.DataFrame, lang: str, title: str):
    """Official index (x) against the like-for-like index (y), one colour and marker per group,
    diagonal."""
    fig, ax = plt.subplots(figsize=(WIDTH * 0.85, 4.8))
    for i, (group, g) in enumerate(lfl.groupby("group", sort=True)):
        ax.scatter(
            g["index_pct"],
            g["lfl_index_pct"],
            s=28,
            alpha=0.85,
            label=str(group),
            color=palette.SEQUENCE[i % len(palette.SEQUENCE)],
            marker=palette.MARKERS[(i // len(palette.SEQUENCE)) % len(palette.MARKERS)],
        )
    values = pd.concat([lfl["index_pct"], lfl["lfl_index_pct"]]).dropna()
    if len(values):
        lo, hi = float(values.min()), float(values.max())
        ax.plot(
            [lo, hi],
            [lo, hi],
            color=palette.REFERENCE,
            lw=1,
            ls=":",
            label=t("chart_diagonal_equal", lang),
        )
    ax.set_xlabel(t("index_pct", lang))
    ax.set_ylabel(t("lfl_index_pct", lang))
    ax.set_title(title)
    vi_axis(ax, lang)
    axis_from(ax, "x", lang)
    axis_from(ax, "y", lang)
    fig.tight_layout()
    legend_below(fig, ax, title=t("group", lang))
    text = scatter_alt(
        lfl["index_pct"],
        lfl["lfl_index_pct"],
        t("index_pct", lang),
        t("lfl_index_pct", lang),
        lang,
    )
    return describe(fig, text)


def alternative_ranks(wide: pd.DataFrame, names: list[tuple[str, str]], lang: str, title: str):
    """Rank of every unit (rows, official order) under each alternative (markers).

    ``names``: (alternative id, label) in display order, official first.
    """
    height = max(3.0, 0.24 * len(wide) + 1.6)
    fig, ax = plt.subplots(figsize=(WIDTH, height))
    y = np.arange(len(wide))
    for i, (name, label) in enumerate(names):
        ranks = pd.to_numeric(wide[f"rank__{name}"], errors="coerce").to_numpy(dtype=float)
        if i == 0:  # official: a hollow ring, so markers of equal ranks stay visible inside it
            ax.scatter(
                ranks,
                y,
                marker="o",
                s=70,
                facecolors="none",
                edgecolors=palette.REFERENCE,
                linewidths=1.2,
                label=label,
                zorder=3,
            )
        else:
            ax.scatter(
                ranks,
                y,
                marker=palette.MARKERS[i % len(palette.MARKERS)],
                color=palette.SEQUENCE[(i - 1) % len(palette.SEQUENCE)],
                s=22,
                alpha=0.85,
                label=label,
                zorder=2,
            )
    fig = finish_ranks(fig, ax, y, wide["unit_name"], lang, title)
    return describe(fig, alt("chart_alt_ranks", lang, what=title, n=len(wide)))


def rank_intervals(intervals: pd.DataFrame, lang: str, title: str):
    """Each unit's 5th–95th percentile rank (bar), median (dot) and official rank (cross)."""
    data = intervals.dropna(subset=["rank_median"]).sort_values(["rank", "unit_id"])
    height = max(3.0, 0.24 * len(data) + 1.4)
    fig, ax = plt.subplots(figsize=(WIDTH, height))
    y = np.arange(len(data))
    lo = data["rank_p05"].astype(float).to_numpy()
    hi = data["rank_p95"].astype(float).to_numpy()
    ax.hlines(y, lo, hi, color=palette.OKABE_ITO["sky_blue"], lw=5, label=t("rank_interval", lang))
    ax.scatter(
        data["rank_median"].astype(float),
        y,
        color=palette.HIGHLIGHT,
        s=22,
        zorder=3,
        label=t("rank_median", lang),
    )
    ax.scatter(
        data["rank"].astype(float),
        y,
        marker="x",
        color=palette.ALERT,
        s=26,
        zorder=4,
        label=t("official_rank", lang),
    )
    fig = finish_ranks(fig, ax, y, data["unit_name"], lang, title)
    return describe(fig, alt("chart_alt_ranks", lang, what=title, n=len(data)))


def deductions_heatmap(
    matrix: pd.DataFrame,
    unit_names: pd.Series,
    lang: str,
    title: str,
    area_names: dict | None = None,
):
    """Units (rows) × areas (columns; by name when ``area_names``, code → name, is given) of points
    deducted at appraisal, a single-hue orange ramp from 0: darker = more points lost."""
    height = max(2.8, 0.24 * len(matrix) + 2.0)
    fig, ax = plt.subplots(figsize=(WIDTH, height))
    values = matrix.to_numpy(dtype=float)
    top = max(0.5, float(np.nanmax(values)) if np.isfinite(values).any() else 0.5)
    bar = heat_cells(ax, fig, np.clip(values, 0, None), palette.DEDUCTIONS, 0, top, lang, 1)
    bar.set_label(t("points_deducted", lang))
    ax.set_xticks(
        range(matrix.shape[1]),
        [area_label(c, area_names) for c in matrix.columns],
        rotation=40 if area_names else 0,
        ha="right" if area_names else "center",
        rotation_mode="anchor",
    )
    ax.set_yticks(range(matrix.shape[0]), list(unit_names.reindex(matrix.index)))
    ax.set_xlabel(t("area", lang))
    ax.set_ylabel(t("unit", lang))
    ax.set_title(title)
    missing_legend(fig, ax, values, lang)
    fig.tight_layout()
    return heatmap_alt(fig, values, t("points_deducted", lang), lang)


def deductions_by_criterion(by_criterion: pd.DataFrame, lang: str, title: str, top_n: int = 15):
    """The criteria that lost points in the most units: units losing points (bar) per criterion."""
    data = by_criterion.head(top_n).iloc[::-1]
    fig, ax = plt.subplots(figsize=(WIDTH, max(2.6, 0.32 * len(data) + 1.4)))
    labels = [short(f"{c} {n}", 40, 1) for c, n in zip(data["criterion"], data["name"])]
    ax.barh(range(len(data)), data["n_units"], color="#D9D9D9", label=t("n_units_applicable", lang))
    ax.barh(
        range(len(data)),
        data["n_units_deducted"],
        color=palette.ACCENT,
        label=t("n_units_deducted", lang),
    )
    ax.set_yticks(range(len(data)), labels)
    count_axis(ax, lang, "x")
    finish(fig, ax, lang, title, t("n_units", lang), t("criterion", lang))
    if data.empty:
        return fig
    text = alt(
        "chart_alt_hbars",
        lang,
        what=t("n_units_deducted", lang),
        n=len(data),
        items=alt("chart_alt_items_criteria", lang),
        lo=int(data["n_units_deducted"].min()),
        hi=int(data["n_units_deducted"].max()),
    )
    return describe(fig, text)


ROLE_COLOURS = {
    "leader": palette.OKABE_ITO["blue"],
    "staff": palette.OKABE_ITO["sky_blue"],
    "citizen": palette.OKABE_ITO["bluish_green"],
    "organisation": palette.OKABE_ITO["orange"],
}


def survey_respondents(quality: pd.DataFrame, min_respondents: int, lang: str, title: str):
    """Respondents per unit, stacked by role from zero, with the "too few" threshold as a dashed
    line."""
    data = quality.sort_values(["n_respondents", "unit_id"])
    fig, ax = plt.subplots(figsize=(WIDTH, max(2.6, 0.24 * len(data) + 1.4)))
    left = np.zeros(len(data))
    for role, colour in ROLE_COLOURS.items():
        values = data[f"n_{role}"].to_numpy(dtype=float)
        if values.sum() > 0:
            ax.barh(
                range(len(data)), values, left=left, color=colour, label=t(f"role_{role}", lang)
            )
        left += values
    ax.axvline(
        min_respondents, color=palette.ALERT, ls="--", lw=1, label=t("min_respondents", lang)
    )
    ax.set_yticks(range(len(data)), list(data["unit_name"]))
    count_axis(ax, lang, "x")
    finish(fig, ax, lang, title, t("n_respondents", lang), t("unit", lang))
    if data.empty:
        return fig
    text = alt(
        "chart_alt_hbars",
        lang,
        what=t("n_respondents", lang),
        n=len(data),
        items=alt("chart_alt_items_units", lang),
        lo=int(data["n_respondents"].min()),
        hi=int(data["n_respondents"].max()),
    )
    return describe(fig, text)
