"""The block trend chart's middle: the block's median line and its interquartile band.

In: the axes of ``history_plots.block_trend``, the block's figures per year
(``trends_page.median_by_year``: ``year``, ``median``, ``q1``, ``q3``) and the page's language. Out:
the median drawn dotted, the band from Q1 to Q3 shaded under every line (``palette.SPREAD``,
translucent), each with its legend entry, only where there is something to draw (a year without a
quartile is a gap in the band); and the alt-text sentence saying what the band shows, with its
latest year's Q1 and Q3 (``chart_kit.alt``).
"""

from __future__ import annotations

import pandas as pd

from parlib.core.labels import number
from parlib.publish import palette
from parlib.publish.chart_kit import alt
from parlib.publish.trends_labels import label as page_label

MEDIAN_COLOUR = "#444444"  # dark grey: the dotted median line


def draw(ax, med: pd.DataFrame, lang: str) -> str:
    """Draw the median line and the interquartile band on ``ax``; returns the alt-text sentence
    of the band (" …", empty when no year has quartiles)."""
    years = med["year"].to_numpy(dtype=float)
    q1, q3 = med["q1"].to_numpy(dtype=float), med["q3"].to_numpy(dtype=float)
    said = ""
    if med["iqr"].notna().any():
        ax.fill_between(
            years,
            q1,
            q3,
            color=palette.SPREAD,
            alpha=palette.SPREAD_ALPHA,
            lw=0,
            zorder=0.5,
            label=page_label("block_iqr", lang),
        )
        last = med.dropna(subset=["iqr"]).iloc[-1]
        said = " " + alt(
            "chart_alt_iqr_band",
            lang,
            year=int(last["year"]),
            q1=number(last["q1"], 2, lang),
            q3=number(last["q3"], 2, lang),
        )
    if med["median"].notna().any():
        ax.plot(
            years,
            med["median"].to_numpy(dtype=float),
            color=MEDIAN_COLOUR,
            ls=":",
            lw=1.8,
            zorder=2,
            label=page_label("block_median", lang),
        )
    return said
