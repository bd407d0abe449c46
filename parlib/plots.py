"""Figures for the reports. Each function returns a matplotlib Figure with a title and axis labels.

Labels come from the catalogue; the font is DejaVu Sans, which carries every Vietnamese diacritic.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from parlib.labels import number, t  # noqa: E402

plt.rcParams.update({"font.family": "DejaVu Sans", "figure.dpi": 110, "axes.spines.top": False,
                     "axes.spines.right": False, "axes.titleweight": "bold"})


def _vi_axis(ax, lang: str, axis: str = "both", decimals: int = 0) -> None:
    """Tick labels with a decimal comma in Vietnamese reports."""
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _pos: number(v, decimals, lang))
    if axis in ("x", "both"):
        ax.xaxis.set_major_formatter(fmt)
    if axis in ("y", "both"):
        ax.yaxis.set_major_formatter(fmt)


def index_vs_max(unit_index: pd.DataFrame, bias: pd.DataFrame, lang: str, title: str):
    """Scatter of index against applicable maximum, one colour per unit kind, with the fitted line."""
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for kind, g in unit_index.groupby("kind", sort=True):
        ax.scatter(g["max_points"], g["index_pct"], label=str(kind), alpha=0.8, s=30)
    overall = bias[bias["scope"] == "all"].iloc[0]
    if not np.isnan(overall["slope"]):
        xs = np.linspace(unit_index["max_points"].min(), unit_index["max_points"].max(), 50)
        ax.plot(xs, overall["intercept"] + overall["slope"] * xs, color="black", lw=1, ls="--",
                label=t("slope", lang).split(" (")[0])
    ax.set_xlabel(t("max_points", lang))
    ax.set_ylabel(t("index_pct", lang))
    ax.set_title(title)
    ax.legend(title=t("kind", lang), fontsize=8)
    _vi_axis(ax, lang)
    fig.tight_layout()
    return fig


def index_histogram(unit_index: pd.DataFrame, lang: str, title: str):
    fig, ax = plt.subplots(figsize=(7.5, 3.5))
    ax.hist(unit_index["index_pct"].dropna(), bins=min(20, max(5, len(unit_index) // 2)),
            color="#2b6cb0", edgecolor="white")
    ax.set_xlabel(t("index_pct", lang))
    ax.set_ylabel(t("n_units", lang))
    ax.set_title(title)
    _vi_axis(ax, lang)
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
    _vi_axis(ax, lang, decimals=1)
    fig.tight_layout()
    return fig
