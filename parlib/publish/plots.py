"""Figures for the reports. Each function returns a matplotlib Figure with a title and axis labels.

Labels come from the catalogue; the font is DejaVu Sans, which carries every Vietnamese diacritic.
Text is never parsed as mathtext (``text.parse_math`` off in ``STYLE``): unit and criterion names
come from the provinces' files, and ``Sở $Tài chính$`` or an unbalanced ``$\\frac{$`` is drawn as
written instead of as a formula, or a crash.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator

from parlib.core.labels import maybe, number, t

STYLE = {
    "font.family": "DejaVu Sans",
    "figure.dpi": 110,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
    "text.parse_math": False,  # every Text: titles, tick labels, legends, annotations, colorbars
}
plt.rcParams.update(STYLE)


def reset_style() -> None:
    """Close every figure and restore the reports' matplotlib settings (a kernel that served one
    notebook starts the next one as a fresh kernel would)."""
    plt.close("all")
    matplotlib.rcdefaults()
    plt.rcParams.update(STYLE)


def vi_axis(ax, lang: str, axis: str = "both", decimals: int = 0) -> None:
    """Tick labels with a decimal comma in Vietnamese reports."""

    fmt = FuncFormatter(lambda v, _pos: number(v, decimals, lang))
    if axis in ("x", "both"):
        ax.xaxis.set_major_formatter(fmt)
    if axis in ("y", "both"):
        ax.yaxis.set_major_formatter(fmt)


def index_vs_max(unit_index: pd.DataFrame, bias: pd.DataFrame, lang: str, title: str):
    """Scatter of index against applicable maximum, one colour per unit kind, with the fitted line."""
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for kind, g in unit_index.groupby("kind", sort=True):
        ax.scatter(g["max_points"], g["index_pct"], label=maybe(kind, lang), alpha=0.8, s=30)
    overall = bias[bias["scope"] == "all"].iloc[0]
    if not np.isnan(overall["slope"]):
        xs = np.linspace(unit_index["max_points"].min(), unit_index["max_points"].max(), 50)
        ax.plot(
            xs,
            overall["intercept"] + overall["slope"] * xs,
            color="black",
            lw=1,
            ls="--",
            label=t("slope", lang).split(" (")[0],
        )
    ax.set_xlabel(t("max_points", lang))
    ax.set_ylabel(t("index_pct", lang))
    ax.set_title(title)
    ax.legend(title=t("kind", lang), fontsize=8)
    vi_axis(ax, lang)
    fig.tight_layout()
    return fig


def index_histogram(unit_index: pd.DataFrame, lang: str, title: str):
    fig, ax = plt.subplots(figsize=(7.5, 3.5))
    ax.hist(
        unit_index["index_pct"].dropna(),
        bins=min(20, max(5, len(unit_index) // 2)),
        color="#2b6cb0",
        edgecolor="white",
    )
    ax.set_xlabel(t("index_pct", lang))
    ax.set_ylabel(t("n_units", lang))
    ax.set_title(title)
    vi_axis(ax, lang)
    fig.tight_layout()
    return fig


def area_heatmap(area_index: pd.DataFrame, unit_names: pd.Series, lang: str, title: str):
    """Areas × units of sub-indexes (%); units in ranking order as given by ``unit_names``."""
    grid = area_index.pivot_table(index="unit_id", columns="area", values="index_pct")
    grid = grid.reindex(unit_names.index)
    height = max(2.5, 0.28 * len(grid) + 1.2)
    fig, ax = plt.subplots(figsize=(8, height))
    image = ax.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap="RdYlGn", vmin=0, vmax=100)
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns])
    ax.set_yticks(range(grid.shape[0]), list(unit_names.to_numpy()), fontsize=8)
    ax.set_xlabel(t("area", lang))
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label=t("index_pct", lang))
    fig.tight_layout()
    return fig


def self_vs_appraised(unit_index: pd.DataFrame, lang: str, title: str):
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.scatter(unit_index["appraised_points"], unit_index["self_points"], s=30, color="#c05621")
    lo = float(min(unit_index["appraised_points"].min(), unit_index["self_points"].min()))
    hi = float(max(unit_index["appraised_points"].max(), unit_index["self_points"].max()))
    ax.plot([lo, hi], [lo, hi], color="grey", lw=1, ls=":")
    ax.set_xlabel(t("appraised_points", lang))
    ax.set_ylabel(t("self_points", lang))
    ax.set_title(title)
    vi_axis(ax, lang, decimals=1)
    fig.tight_layout()
    return fig


# --- fairness and robustness (notebook 04) -------------------------------------------------------


def bias_by_kind(unit_index: pd.DataFrame, bias: pd.DataFrame, lang: str, title: str):
    """One panel per unit kind: index against applicable maximum with that kind's fitted line."""
    kinds = sorted(unit_index["kind"].astype(str).unique())
    fig, axes = plt.subplots(
        1, len(kinds), figsize=(max(4.0, 3.4 * len(kinds)), 3.6), sharey=True, squeeze=False
    )
    for ax, kind in zip(axes[0], kinds):
        g = unit_index[unit_index["kind"] == kind]
        ax.scatter(g["max_points"], g["index_pct"], s=26, alpha=0.85, color="#2b6cb0")
        row = bias[bias["scope"] == kind]
        if len(row) and not np.isnan(row.iloc[0]["slope"]):
            xs = np.linspace(g["max_points"].min(), g["max_points"].max(), 20)
            ax.plot(
                xs,
                row.iloc[0]["intercept"] + row.iloc[0]["slope"] * xs,
                color="black",
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
    axes[0][0].set_ylabel(t("index_pct", lang))
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def like_for_like(lfl: pd.DataFrame, lang: str, title: str):
    """Official index (x) against the like-for-like index (y), one colour per group, diagonal."""
    fig, ax = plt.subplots(figsize=(6.5, 5))
    for group, g in lfl.groupby("group", sort=True):
        ax.scatter(g["index_pct"], g["lfl_index_pct"], s=28, alpha=0.85, label=str(group))
    values = pd.concat([lfl["index_pct"], lfl["lfl_index_pct"]]).dropna()
    if len(values):
        lo, hi = float(values.min()), float(values.max())
        ax.plot([lo, hi], [lo, hi], color="grey", lw=1, ls=":")
    ax.set_xlabel(t("index_pct", lang))
    ax.set_ylabel(t("lfl_index_pct", lang))
    ax.set_title(title)
    ax.legend(title=t("group", lang), fontsize=8)
    vi_axis(ax, lang)
    fig.tight_layout()
    return fig


def alternative_ranks(wide: pd.DataFrame, names: list[tuple[str, str]], lang: str, title: str):
    """Rank of every unit (rows, official order) under each alternative (markers).

    ``names``: (alternative id, label) in display order, official first.
    """
    height = max(3.0, 0.26 * len(wide) + 1.4)
    fig, ax = plt.subplots(figsize=(8, height))
    y = np.arange(len(wide))
    markers = "o^sDvP*X"
    for i, (name, label) in enumerate(names):
        ranks = pd.to_numeric(wide[f"rank__{name}"], errors="coerce").to_numpy(dtype=float)
        if i == 0:  # official: a hollow ring, so markers of equal ranks stay visible inside it
            ax.scatter(
                ranks,
                y,
                marker="o",
                s=70,
                facecolors="none",
                edgecolors="black",
                linewidths=1.2,
                label=label,
                zorder=3,
            )
        else:
            ax.scatter(
                ranks, y, marker=markers[i % len(markers)], s=22, alpha=0.8, label=label, zorder=2
            )
    return finish_ranks(fig, ax, y, wide["unit_name"], lang, title)


def finish_ranks(fig, ax, y, unit_names, lang: str, title: str):
    """The end of a chart of ranks per unit: unit names down the side (best first), rank along."""
    ax.set_yticks(y, list(unit_names), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(t("rank", lang))
    ax.set_ylabel(t("unit", lang))
    ax.set_title(title)
    ax.grid(axis="x", color="#e2e8f0", lw=0.6)
    fig.tight_layout()
    legend_below(fig, ax)
    return fig


def finish(
    fig, ax, lang: str, title: str, xlabel: str, ylabel: str, numbers: str | None = None
) -> None:
    """What every figure ends with: axis labels, title, decimal commas on the numeric axis
    (``numbers`` = ``"x"`` or ``"y"``) in Vietnamese, tight layout, legend below the plot."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if numbers:
        vi_axis(ax, lang, axis=numbers)
    fig.tight_layout()
    legend_below(fig, ax)


def legend_below(fig, ax) -> None:
    """The legend under the figure, outside the axes (saved figures are cropped to fit it)."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(0.02, 0.0),
        ncol=1,
        frameon=False,
    )


def rank_intervals(intervals: pd.DataFrame, lang: str, title: str):
    """Each unit's 5th–95th percentile rank (bar), median (dot) and official rank (cross)."""
    data = intervals.dropna(subset=["rank_median"]).sort_values(["rank", "unit_id"])
    height = max(3.0, 0.26 * len(data) + 1.2)
    fig, ax = plt.subplots(figsize=(8, height))
    y = np.arange(len(data))
    lo = data["rank_p05"].astype(float).to_numpy()
    hi = data["rank_p95"].astype(float).to_numpy()
    ax.hlines(y, lo, hi, color="#90cdf4", lw=5, label=t("rank_interval", lang))
    ax.scatter(
        data["rank_median"].astype(float),
        y,
        color="#2b6cb0",
        s=22,
        zorder=3,
        label=t("rank_median", lang),
    )
    ax.scatter(
        data["rank"].astype(float),
        y,
        marker="x",
        color="#c53030",
        s=26,
        zorder=4,
        label=t("official_rank", lang),
    )
    return finish_ranks(fig, ax, y, data["unit_name"], lang, title)


def deductions_heatmap(matrix: pd.DataFrame, unit_names: pd.Series, lang: str, title: str):
    """Units (rows) × areas of points deducted at appraisal; darker = more points lost."""
    height = max(2.5, 0.26 * len(matrix) + 1.2)
    fig, ax = plt.subplots(figsize=(7.5, height))
    values = matrix.to_numpy(dtype=float)
    top = max(0.5, float(np.nanmax(values)) if np.isfinite(values).any() else 0.5)
    image = ax.imshow(np.clip(values, 0, None), aspect="auto", cmap="Oranges", vmin=0, vmax=top)
    ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns])
    ax.set_yticks(range(matrix.shape[0]), list(unit_names.reindex(matrix.index)), fontsize=8)
    ax.set_xlabel(t("area", lang))
    ax.set_ylabel(t("unit", lang))
    ax.set_title(title)

    bar = fig.colorbar(image, ax=ax, label=t("points_deducted", lang))
    bar.formatter = FuncFormatter(lambda v, _p: number(v, 1, lang))
    bar.update_ticks()
    fig.tight_layout()
    return fig


def deductions_by_criterion(by_criterion: pd.DataFrame, lang: str, title: str, top_n: int = 15):
    """The criteria that lost points in the most units: units losing points (bar) per criterion."""
    data = by_criterion.head(top_n).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.3 * len(data) + 1.2)))
    labels = [f"{c} {n}"[:60] for c, n in zip(data["criterion"], data["name"])]
    ax.barh(range(len(data)), data["n_units"], color="#e2e8f0", label=t("n_units_applicable", lang))
    ax.barh(
        range(len(data)),
        data["n_units_deducted"],
        color="#c05621",
        label=t("n_units_deducted", lang),
    )
    ax.set_yticks(range(len(data)), labels, fontsize=8)
    ax.xaxis.set_major_locator(integer_ticks())
    finish(fig, ax, lang, title, t("n_units", lang), t("criterion", lang))
    return fig


def survey_respondents(quality: pd.DataFrame, min_respondents: int, lang: str, title: str):
    """Respondents per unit, stacked by role, with the "too few" threshold as a dashed line."""
    data = quality.sort_values(["n_respondents", "unit_id"])
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.26 * len(data) + 1.2)))
    left = np.zeros(len(data))
    colours = {
        "leader": "#2c5282",
        "staff": "#63b3ed",
        "citizen": "#9ae6b4",
        "organisation": "#fbd38d",
    }
    for role, colour in colours.items():
        values = data[f"n_{role}"].to_numpy(dtype=float)
        if values.sum() > 0:
            ax.barh(
                range(len(data)), values, left=left, color=colour, label=t(f"role_{role}", lang)
            )
        left += values
    ax.axvline(min_respondents, color="#c53030", ls="--", lw=1, label=t("min_respondents", lang))
    ax.set_yticks(range(len(data)), list(data["unit_name"]), fontsize=8)
    ax.xaxis.set_major_locator(integer_ticks())
    finish(fig, ax, lang, title, t("n_respondents", lang), t("unit", lang))
    return fig


def integer_ticks():
    """Ticks on whole numbers only (counts of units or respondents)."""

    return MaxNLocator(integer=True)


# --- unit profiles and trends (notebooks 06, 07) --------------------------------------------------
