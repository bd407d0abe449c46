"""Profile charts as inline SVG from Jinja2 templates: cheap enough to draw for every unit of a
national year in one execution (no matplotlib figure per unit).

``areas``: the unit's area sub-indexes as horizontal bars from zero to 100, each labelled with the
area's name and value, with a marker for the block's median of that area (both legend items are
drawn; the marker's legend only when a marker is). ``trend``: the unit's index over every year of
the dataset (each year on the axis, even one without a figure), lines broken where a year is
missing, filled points for figures the workbook computed and hollow ones for published figures
(each legend item only when drawn). Both carry ``<title>`` and ``<desc>`` (alt text for screen
readers) and take their colours from ``parlib.publish.palette``. Text from data is escaped by the
templates (autoescape).
"""

from __future__ import annotations

import math

from parlib.core.labels import number
from parlib.publish import palette, shell

AREA_BAR_H = 16
AREA_ROW = 26
AREA_LABEL_W = 330
AREA_PLOT_W = 360
NAME_CHARS = 48  # an area's name is cut (with "…") to fit the label column


def _short(text: str, limit: int = NAME_CHARS) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def areas(
    rows: list[dict],
    lang: str,
    title: str,
    alt: str,
    legend_unit: str,
    legend_marker: str,
    empty: str,
    ident: str = "par-areas",
) -> str:
    """Bars of ``rows`` (dicts with ``name``, ``index_pct`` (None: no index) and ``median``
    (None: no marker)), from zero, scale 0–100."""
    x0 = AREA_LABEL_W + 10
    top = 10
    bars = []
    has_marker = False
    for i, r in enumerate(rows):
        y = top + i * AREA_ROW
        pct = r.get("index_pct")
        med = r.get("median")
        known = pct is not None and not (isinstance(pct, float) and math.isnan(pct))
        mark = med is not None and not (isinstance(med, float) and math.isnan(med))
        has_marker = has_marker or mark
        width = max(0.0, min(float(pct), 100.0)) / 100 * AREA_PLOT_W if known else None
        bars.append(
            {
                "y": y,
                "name": _short(r["name"]),
                "w": round(width, 1) if width is not None else None,
                "value": number(pct, 2, lang) if known else empty,
                "value_x": round(x0 + (width or 0) + 4, 1),
                "tip": f"{r['name']}: {number(pct, 2, lang)}" if known else str(r["name"]),
                "m": round(x0 + max(0.0, min(float(med), 100.0)) / 100 * AREA_PLOT_W, 1)
                if mark
                else None,
                "mtip": f"{legend_marker}: {number(med, 2, lang)}" if mark else "",
            }
        )
    bottom = top + len(rows) * AREA_ROW
    ticks = [
        {"x": round(x0 + v / 100 * AREA_PLOT_W, 1), "label": number(v, 0, lang)}
        for v in (0, 25, 50, 75, 100)
    ]
    width = x0 + AREA_PLOT_W + 60
    return shell.render(
        "profile_areas.svg.j2",
        ident=ident,
        width=width,
        height=bottom + 44,
        title=title,
        alt=alt,
        ticks=ticks,
        bars=bars,
        bar_h=AREA_BAR_H,
        label_right=AREA_LABEL_W,
        x0=x0,
        top=top,
        bottom=bottom,
        colour=palette.HIGHLIGHT,
        marker=palette.OKABE_ITO["orange"],
        legend_y=bottom + 36,
        legend_unit=legend_unit,
        legend_marker=legend_marker,
        legend_x2=x0 + 40 + 7 * len(legend_unit),
        has_marker=has_marker,
    )


TREND_W = 640
TREND_H = 230


def trend(
    years: list[int],
    values: dict[int, tuple[float, bool]],
    lang: str,
    title: str,
    alt: str,
    legend_computed: str,
    legend_published: str,
    ident: str = "par-trend",
) -> str:
    """The index over ``years`` (every year on the axis); ``values``: year → (index, computed?).
    Consecutive years with a value are joined; a year without one breaks the line."""
    left, right, top, bottom = 48, TREND_W - 16, 22, TREND_H - 52
    known = [v for v, _ in values.values()]
    lo = min(known) if known else 0.0
    hi = max(known) if known else 100.0
    lo = max(0.0, math.floor((lo - 5) / 10) * 10)  # an index chart may start above zero: the
    hi = min(100.0, math.ceil((hi + 2) / 10) * 10)  # axis says where, every year is on it
    if hi <= lo:
        lo, hi = max(0.0, hi - 10), max(hi, 10.0)
    span = len(years) - 1

    def x(year: int) -> float:
        i = years.index(year)
        inner = 28  # the first and last points clear the axis labels
        return round(left + inner + (i / span if span else 0.5) * (right - left - 2 * inner), 1)

    def y(v: float) -> float:
        return round(bottom - (v - lo) / (hi - lo) * (bottom - top), 1)

    segments, current = [], []
    for year in years:
        if year in values:
            current.append(f"{x(year)},{y(values[year][0])}")
        else:
            if len(current) > 1:
                segments.append(" ".join(current))
            current = []
    if len(current) > 1:
        segments.append(" ".join(current))
    points = [
        {
            "x": x(year),
            "y": y(v),
            "filled": computed,
            "label": number(v, 2, lang),
            "tip": f"{year}: {number(v, 2, lang)}",
        }
        for year, (v, computed) in sorted(values.items())
    ]
    step = 10 if hi - lo > 20 else 5  # round ticks: 70, 80, 90, 100
    yticks = [
        {"y": y(v), "label": number(v, 0, lang)}
        for v in range(int(math.ceil(lo / step) * step), int(hi) + 1, step)
    ]
    xticks = [{"x": x(year), "label": str(year), "has": year in values} for year in years]
    kinds = {computed for _, computed in values.values()}
    legend, lx = [], left
    for filled, text in ((True, legend_computed), (False, legend_published)):
        if filled in kinds:
            legend.append({"x": lx, "filled": filled, "text": text})
            lx += 30 + 7 * len(text)
    return shell.render(
        "profile_trend.svg.j2",
        ident=ident,
        width=TREND_W,
        height=TREND_H,
        title=title,
        alt=alt,
        left=left,
        right=right,
        bottom=bottom,
        yticks=yticks,
        xticks=xticks,
        segments=segments,
        points=points,
        legend=legend,
        legend_y=TREND_H - 12,
        colour=palette.HIGHLIGHT,
    )
