"""Chart kit: what every figure of the reports shares — style, sizes, axes, labels and alt text.

Sizes: figures are drawn ``WIDTH`` inches wide (the text width of an A4 page with 20 mm margins) with
text of at least 9 pt, and shown at their size in inches (``Session.figure`` sets the image's CSS
width from ``png``), so 9 pt stays 9 pt in print; on a 390 px phone the image shrinks to the screen.
``DPI`` keeps a figure's pixels below what they were (804 px wide, was 880): no slower to draw.

Axes: ``vi_axis`` puts decimal commas on a Vietnamese page's numeric ticks; ``axis_from`` says in the
axis label where a value axis starts when it does not start at zero (bars always start at zero);
``year_axis`` puts every year on the axis as an integer. Labels: ``short`` wraps and abbreviates a
name for a tick label. Alt text: a chart function states what it drew with ``describe``;
``alt_text`` gives it back (or a sentence from the figure's title) for the ``<img alt>``.

Text is never parsed as mathtext (``text.parse_math`` off in ``STYLE``): unit and criterion names
come from the provinces' files, and ``Sở $Tài chính$`` is drawn as written.

Shared ends: ``finish`` (labels, decimal commas, layout, legend below), ``finish_ranks`` (a chart
of ranks per unit), ``legend_below`` (only drawn, labelled artists), area names (``area_names``,
``area_label``), heat-map cells with "did not arise" shown and explained (``heat_cells``,
``missing_legend``) and a scatter's alt text (``scatter_alt``).
"""

from __future__ import annotations

import math
import textwrap
import weakref

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import cycler  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator  # noqa: E402

from parlib.core.labels import number, t  # noqa: E402
from parlib.publish import figure_png, palette  # noqa: E402

WIDTH = 6.7  # inches: 170 mm, an A4 page's text width
DPI = 120  # pixels per inch of the PNG: 6.7 in → 804 px (was 8 in × 110 = 880 px)
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.title_fontsize": 9,
    "figure.titlesize": 11,
    "figure.dpi": DPI,  # laid out at the dpi it is saved at: layout and render share text sizes
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
    "axes.prop_cycle": cycler(color=palette.SEQUENCE),
    "image.cmap": palette.HEATMAP,
    "text.parse_math": False,  # every Text: titles, tick labels, legends, annotations, colorbars
}
plt.rcParams.update(STYLE)
figure_png.install_metrics_cache()

_ALT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def reset_style() -> None:
    """Close every figure and restore the reports' matplotlib settings (a kernel that served one
    notebook starts the next one as a fresh kernel would)."""
    plt.close("all")
    matplotlib.rcdefaults()
    plt.rcParams.update(STYLE)
    figure_png.forget_metrics()


def vi_axis(ax, lang: str, axis: str = "both", decimals: int = 0) -> None:
    """Tick labels with a decimal comma in Vietnamese reports."""
    fmt = FuncFormatter(lambda v, _pos: number(v, decimals, lang))
    if axis in ("x", "both"):
        ax.xaxis.set_major_formatter(fmt)
    if axis in ("y", "both"):
        ax.yaxis.set_major_formatter(fmt)


def count_axis(ax, lang: str, axis: str = "y") -> None:
    """An axis of counts (units, respondents): whole-number ticks from zero."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(integer=True))
    vi_axis(ax, lang, axis=axis)
    if axis == "y":
        ax.set_ylim(bottom=0)
    else:
        ax.set_xlim(left=0)


def axis_from(ax, axis: str, lang: str, decimals: int = 0) -> None:
    """Append "axis from <lo>" to the axis label when a value axis does not start at zero."""
    lo = (ax.get_ylim() if axis == "y" else ax.get_xlim())[0]
    if lo <= 0:
        return
    target = ax.yaxis if axis == "y" else ax.xaxis
    text = t("chart_axis_from", lang, label=target.get_label_text(), lo=number(lo, decimals, lang))
    target.set_label_text(text)


def year_axis(ax, years, rotate: bool = False) -> None:
    """Every year on the axis, as an integer (no 2012.5, none skipped)."""
    shown = sorted({int(y) for y in years})
    ax.xaxis.set_major_locator(FixedLocator(shown))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: str(int(round(v)))))
    if rotate:
        ax.tick_params(axis="x", labelrotation=45)


def short(text: object, width: int = 18, lines: int = 2) -> str:
    """A name for a tick label: wrapped at ``width`` characters on at most ``lines`` lines, the
    last cut with "…" when the name is longer."""
    words = textwrap.wrap(str(text), width) or [""]
    if len(words) > lines:
        words = words[:lines]
        words[-1] = words[-1][: max(1, width - 1)].rstrip(" ,;") + "…"
    return "\n".join(words)


def describe(fig, text: str):
    """Record what ``fig`` draws (its alt text); returns the figure."""
    _ALT[fig] = text
    return fig


def alt_text(fig, lang: str) -> str:
    """What the figure draws: the sentence its function recorded, else one from its title."""
    if fig in _ALT:
        return _ALT[fig]
    title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    if not title:
        title = next((ax.get_title() for ax in fig.axes if ax.get_title()), "")
    return t("chart_alt_figure", lang, title=title) if title else ""


def lower_first(text: str) -> str:
    """A label inside a sentence: ``Chỉ số (%)`` → ``chỉ số (%)`` (the rest as written)."""
    return text[:1].lower() + text[1:]


def alt(key: str, lang: str, **values: object) -> str:
    """An alt-text sentence ``key`` with the labels it quotes (``what``, ``x``, ``y``) in lower
    case at their start, as inside a sentence."""
    for name in ("what", "x", "y"):
        if isinstance(values.get(name), str):
            values[name] = lower_first(values[name])
    return t(key, lang, **values)


def max_scatter_alt(fig, unit_index, lang: str):
    """Record the alt text of a chart of index against applicable maximum on ``fig``."""
    text = scatter_alt(
        unit_index["max_points"],
        unit_index["index_pct"],
        t("max_points", lang),
        t("index_pct", lang),
        lang,
    )
    return describe(fig, text)


def heatmap_alt(fig, values: np.ndarray, what: str, lang: str):
    """Record a heat map's alt text (``what`` it shows, rows × columns, its range) on ``fig``;
    a map with no value gets none."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return fig
    text = alt(
        "chart_alt_heatmap",
        lang,
        what=what,
        n=values.shape[0],
        k=values.shape[1],
        lo=number(finite.min(), 2, lang),
        hi=number(finite.max(), 2, lang),
    )
    return describe(fig, text)


def names_sentence(names, lang: str) -> str:
    """ "Labelled directly: A, B, C." ("" when no name)."""
    names = [str(n) for n in names if str(n)]
    return " " + t("chart_alt_named", lang, names=", ".join(names)) if names else ""


def png(fig) -> tuple[bytes, float]:
    """The figure as PNG (cropped to what it draws, drawn once: ``figure_png``) and its width in
    inches; closes the figure."""
    data, width = figure_png.png(fig, DPI)
    plt.close(fig)
    return data, width / DPI


# --- areas, scatters, heat maps, ranks and the end of a figure ---------------------------------


def area_order(codes) -> list[str]:
    """Area codes in their natural order (``2`` before ``10``, ``1.2`` before ``1.10``)."""
    return sorted(
        {str(c) for c in codes},
        key=lambda c: [int(x) if x.isdigit() else math.inf for x in c.split(".")] + [c],
    )


def area_names(area_index: pd.DataFrame, lang: str) -> dict[str, str]:
    """Area code → its name in ``lang`` (``name_vi``/``name_en``; the code when a table has none)."""
    column = "name_vi" if lang == "vi" else "name_en"
    if column not in area_index.columns:
        column = "name_vi" if "name_vi" in area_index.columns else None
    if column is None:
        return {}
    named = area_index.dropna(subset=[column]).drop_duplicates("area")
    return {str(a): str(n) for a, n in zip(named["area"], named[column])}


def area_label(code: object, names: dict | None, width: int = 28, lines: int = 1) -> str:
    """``1. Công tác chỉ đạo, điều…``: an area's code and its (shortened) name."""
    name = (names or {}).get(str(code), "")
    return short(f"{code}. {name}", width, lines) if name else str(code)


def scatter_alt(x, y, xlabel: str, ylabel: str, lang: str, d: int = 1) -> str:
    x, y = pd.Series(x, dtype=float).dropna(), pd.Series(y, dtype=float).dropna()
    if x.empty or y.empty:
        return ""
    return alt(
        "chart_alt_scatter",
        lang,
        x=xlabel,
        y=ylabel,
        n=len(x),
        xlo=number(x.min(), d, lang),
        xhi=number(x.max(), d, lang),
        ylo=number(y.min(), d, lang),
        yhi=number(y.max(), d, lang),
    )


def heat_cells(ax, fig, values, cmap, vmin, vmax, lang, decimals):
    """An image of ``values`` and its colour bar; a NaN cell (the area does not apply) is hatched
    white, told apart from the lightest colour, and the legend explains it when there is one."""
    colours = plt.get_cmap(cmap).with_extremes(bad=palette.MISSING)
    image = ax.imshow(values, aspect="auto", cmap=colours, vmin=vmin, vmax=vmax)
    for i, j in zip(*np.nonzero(np.isnan(values))):
        ax.add_patch(
            Rectangle(
                (j - 0.5, i - 0.5),
                1,
                1,
                facecolor=palette.MISSING,
                edgecolor=palette.CONTEXT,
                hatch="///",
                lw=0,
            )
        )
    bar = fig.colorbar(image, ax=ax, pad=0.02)
    bar.formatter = FuncFormatter(lambda v, _p: number(v, decimals, lang))
    bar.update_ticks()
    return bar


def missing_legend(fig, ax, values, lang: str) -> None:
    """A legend entry for hatched cells, only when the grid has one."""
    if np.isnan(values).any():
        cell = Patch(
            facecolor=palette.MISSING,
            edgecolor=palette.CONTEXT,
            hatch="///",
            label=t("chart_no_index", lang),
        )
        fig.legend(handles=[cell], loc="upper left", bbox_to_anchor=(0.02, 0.0), frameon=False)


def finish_ranks(fig, ax, y, unit_names, lang: str, title: str):
    """The end of a chart of ranks per unit: unit names down the side (best first), rank along."""
    ax.set_yticks(y, list(unit_names))
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(integer_ticks())
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
    (``numbers`` = ``"x"`` or ``"y"``) in Vietnamese and the axis's start when it is not zero,
    tight layout, legend below the plot."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if numbers:
        vi_axis(ax, lang, axis=numbers)
        axis_from(ax, numbers, lang)
    fig.tight_layout()
    legend_below(fig, ax)


def legend_below(fig, ax, title: str | None = None) -> None:
    """The legend under the figure, outside the axes (saved figures are cropped to fit it); only
    the artists drawn with a label are in it, and none when there is none."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    fig.legend(
        handles,
        labels,
        title=title,
        loc="upper left",
        bbox_to_anchor=(0.02, 0.0),
        ncol=1 if len(handles) <= 6 else 2,
        frameon=False,
    )


def integer_ticks():
    """Ticks on whole numbers only (counts of units or respondents, ranks)."""
    return MaxNLocator(integer=True)
