"""Charts a statistician would sign (issue #13, item 6): the matplotlib Figures the reports draw,
inspected — bars from zero, an axis not from zero says so, palette colours (Okabe–Ito, cividis, band
colours told apart under deuteranopia), a gap (NaN) for a missing year and every year on the axis,
decimal commas on Vietnamese ticks, areas by name, highlighted units named, every legend entry
drawn, 9 pt text at print size, and the alt text that ``Session.figure`` puts in ``<img alt>``."""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text

from parlib.publish import chart_kit, history_plots, palette, plots
from parlib.publish import trends_page as tp
from parlib.publish.session import Session

AREAS = pd.DataFrame(
    [
        (u, a, v, n_vi, n_en)
        for u, base in (("u1", 90.0), ("u2", 75.0), ("u3", 62.5))
        for a, v, n_vi, n_en in (
            ("1", base, "Công tác chỉ đạo, điều hành CCHC", "Steering and direction of PAR"),
            ("2", base - 5, "Cải cách thủ tục hành chính", "Administrative procedures"),
            ("10", base + 2.5, "Hiện đại hóa hành chính", "Modernising administration"),
        )
        if not (u == "u3" and a == "2")  # the area does not apply to u3: a white cell
    ],
    columns=["unit_id", "area", "index_pct", "name_vi", "name_en"],
)
NAMES = pd.Series(["Sở A", "Sở B", "Xã C"], index=["u1", "u2", "u3"])
UNITS = pd.DataFrame(
    {
        "unit_id": ["u1", "u2", "u3", "u4"],
        "unit_name": ["Sở A", "Sở B", "Xã C", "Cục Thuế tỉnh"],
        "index_pct": [92.5, 81.25, 74.0, 71.0],
        "appraised_points": [70.0, 62.0, 55.5, 50.0],
        "self_points": [71.0, 64.0, 56.0, 59.0],  # Cục Thuế over-claims most (+9)
    }
)


def series(years, values, source="computed", rank_of=31) -> pd.DataFrame:
    """A unit's series as ``History.unit_series`` gives it."""
    return pd.DataFrame(
        {
            "line_id": "u1",
            "line": "Sở A",
            "year": years,
            "index_pct": values,
            "rank": pd.array([5] * len(years), dtype="Int64"),
            "rank_of": rank_of,
            "source": source,
        }
    )


def bench(years, unit, national, region=None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": years,
            "index_pct": unit,
            "national_average": national,
            "region_average": region if region is not None else [np.nan] * len(years),
            "top_index": [95.0] * len(years),
        }
    )


def ticks(ax, axis: str = "x") -> list[str]:
    ax.figure.canvas.draw()
    labels = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [label.get_text() for label in labels if label.get_text()]


def legend_texts(fig) -> list[str]:
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    return [text.get_text() for legend in legends for text in legend.get_texts()]


def drawn_labels(fig) -> set[str]:
    """The labels of the artists the axes draw with some data."""
    out = set()
    for ax in fig.axes:
        for line in ax.get_lines():
            if np.isfinite(np.asarray(line.get_ydata(), float)).any():
                out.add(line.get_label())
        for coll in ax.collections:
            if len(coll.get_offsets()) or isinstance(coll, LineCollection):
                out.add(coll.get_label())
        for container in ax.containers:
            if any(np.isfinite(p.get_height()) and p.get_height() for p in container.patches):
                out.add(container.get_label())
    return out


@pytest.fixture(autouse=True)
def _close():
    plots.reset_style()
    yield
    plt.close("all")


# --- bars from zero, and an axis not from zero says so -----------------------------------------
def test_benchmark_bars_start_at_zero_even_when_every_value_is_high():
    fig = history_plots.benchmark_bars(
        bench([2022, 2023], [88.0, 90.0], [85.0, 86.0]), "Sở A", "vi", "t"
    )
    assert fig.axes[0].get_ylim()[0] == 0


def test_every_bar_chart_starts_at_zero():
    profile = AREAS[AREAS["unit_id"] == "u1"].rename(columns={"name_vi": "name"})
    profile = profile.assign(average=80.0, best=95.0)
    quality = pd.DataFrame(
        {
            "unit_id": ["u1", "u2"],
            "unit_name": ["Sở A", "Sở B"],
            "n_respondents": [12, 30],
            **{f"n_{r}": [3, 7] for r in ("leader", "staff", "citizen")},
            "n_organisation": [3, 9],
        }
    )
    figures = {
        "histogram y": (plots.index_histogram(UNITS, "vi", "t"), "y"),
        "areas x": (history_plots.unit_areas(profile, "Sở A", "vi", "t"), "x"),
        "respondents x": (plots.survey_respondents(quality, 10, "vi", "t"), "x"),
    }
    for name, (fig, axis) in figures.items():
        ax = fig.axes[0]
        low = ax.get_ylim()[0] if axis == "y" else ax.get_xlim()[0]
        assert low == 0, name


def test_a_scatter_axis_not_from_zero_says_so_in_its_label():
    fig = plots.self_vs_appraised(UNITS, "vi", "t")
    ax = fig.axes[0]
    assert ax.get_xlim()[0] > 0 and ax.get_ylim()[0] > 0
    assert "trục từ" in ax.get_xlabel() and "trục từ" in ax.get_ylabel()
    fig = plots.self_vs_appraised(UNITS, "en", "t")
    assert "axis from" in fig.axes[0].get_xlabel()


def test_an_axis_from_zero_says_nothing():
    fig = history_plots.benchmark_bars(bench([2022], [88.0], [85.0]), "Sở A", "vi", "t")
    assert "trục từ" not in fig.axes[0].get_ylabel()


# --- palette -------------------------------------------------------------------------------------
def _deuteranopia(colour: str) -> np.ndarray:
    """Machado et al. (2009), severity 1, on linear RGB; back to sRGB 0–255."""
    rgb = np.array(mcolors.to_rgb(colour))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    matrix = np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.01182, 0.04294, 0.968881],
        ]
    )
    out = np.clip(matrix @ linear, 0, 1)
    return 255 * np.where(out <= 0.0031308, 12.92 * out, 1.055 * out ** (1 / 2.4) - 0.055)


def bands_told_apart(colours) -> bool:
    """Every pair of band colours at least 25 sRGB units apart as a deuteranope sees them."""
    seen = [_deuteranopia(c) for c in colours]
    return all(np.linalg.norm(a - b) >= 25 for i, a in enumerate(seen) for b in seen[i + 1 :])


def test_band_colours_are_ordered_and_told_apart_without_red_green_vision():
    assert bands_told_apart(palette.BAND_COLOURS)
    # what the page had: green A … red D, which a deuteranope cannot tell apart
    assert not bands_told_apart(["#c6f6d5", "#bee3f8", "#fefcbf", "#fed7d7"])
    light = [mcolors.rgb_to_hsv(mcolors.to_rgb(c))[2] for c in palette.BAND_COLOURS]
    assert min(light) > 0.85  # light tints: black text stays readable on every band


def test_band_css_gives_every_band_its_palette_colour():
    css = palette.band_css()
    for band, colour in zip(palette.BAND_NAMES, palette.BAND_COLOURS):
        assert f".band-{band} {{background: {colour};}}" in css
    assert "#c6f6d5" not in css and "#fed7d7" not in css


def test_every_colour_a_chart_draws_is_from_the_palette():
    allowed = {mcolors.to_hex(c) for c in palette.OKABE_ITO.values()}
    allowed |= {mcolors.to_hex(c) for c in palette.SEQUENCE}
    allowed |= {mcolors.to_hex(c) for c in (palette.CONTEXT, history_plots.GREY, "#444444")}
    allowed |= {"#ffffff", "#d9d9d9"}
    figures = [
        history_plots.benchmark_bars(
            bench([2022, 2023], [88.0, 90.0], [85.0, 86.0], [80.0, 81.0]), "Sở A", "vi", "t"
        ),
        plots.self_vs_appraised(UNITS, "vi", "t"),
        history_plots.trend_lines(series([2020, 2021], [80.0, 82.0]), "vi", "t"),
        plots.index_histogram(UNITS, "vi", "t"),
    ]
    for fig in figures:
        for ax in fig.axes:
            colours = [line.get_color() for line in ax.get_lines()]
            colours += [p.get_facecolor() for p in ax.patches if isinstance(p, Rectangle)]
            colours += [c for coll in ax.collections for c in coll.get_facecolor()]
            shown = {mcolors.to_hex(c) for c in colours if mcolors.to_rgba(c)[3] > 0}
            assert shown <= allowed, shown - allowed


def test_heat_maps_use_a_perceptually_uniform_map_with_names_on_the_areas():
    fig = plots.area_heatmap(AREAS, NAMES, "vi", "t")
    ax = fig.axes[0]
    assert ax.images[0].get_cmap().name.startswith("cividis")
    labels = ticks(ax, "x")
    assert [label.split(".")[0] for label in labels] == ["1", "2", "10"]  # natural order
    assert any("Cải cách thủ tục" in label.replace("\n", " ") for label in labels)
    assert ticks(ax, "y") == ["Sở A", "Sở B", "Xã C"]
    english = ticks(plots.area_heatmap(AREAS, NAMES, "en", "t").axes[0], "x")
    assert any("Administrative" in label for label in english)


def test_the_deductions_heat_map_names_its_areas_when_given_them():
    matrix = pd.DataFrame({"1": [1.0, 0.0], "2": [0.5, np.nan]}, index=["u1", "u2"])
    names = plots.area_names(AREAS, "vi")
    fig = plots.deductions_heatmap(matrix, NAMES, "vi", "t", area_names=names)
    assert any("Công tác chỉ đạo" in s.replace("\n", " ") for s in ticks(fig.axes[0], "x"))
    assert ticks(plots.deductions_heatmap(matrix, NAMES, "vi", "t").axes[0], "x") == ["1", "2"]


# --- years: every one on the axis, a gap where one is missing ------------------------------------
def test_a_missing_year_breaks_the_unit_s_lines():
    fig = history_plots.trend_lines(series([2020, 2021, 2023], [80.0, 82.0, 85.0]), "vi", "t")
    for ax in fig.axes:
        line = ax.get_lines()[0]
        x = list(line.get_xdata())
        y = np.asarray(line.get_ydata(), float)
        assert x == [2020, 2021, 2022, 2023] and np.isnan(y[2]) and np.isfinite(y[3])
        assert ticks(ax, "x") == ["2020", "2021", "2022", "2023"]


def test_a_missing_year_is_an_empty_slot_among_the_benchmark_bars():
    fig = history_plots.benchmark_bars(
        bench([2012, 2014], [80.0, 85.0], [75.0, 76.0]), "Sở A", "vi", "t"
    )
    ax = fig.axes[0]
    assert ticks(ax, "x") == ["2012", "2013", "2014"]
    unit_bars = ax.containers[0].patches
    assert [np.isnan(p.get_height()) for p in unit_bars] == [False, True, False]


def test_every_year_of_a_long_block_trend_is_an_integer_on_the_axis():
    years = list(range(2012, 2025))
    rows = pd.DataFrame(
        [
            (y, u, f"Tỉnh {u}", 70.0 + i + (y - 2012) / 2)
            for y in years
            for i, u in enumerate("abc")
        ],
        columns=["year", "unit_id", "unit_name", "index_pct"],
    ).assign(block="provinces", source="published", rank=1)
    fig, _ = history_plots.block_trend(rows, "vi", "t", ["a"])
    assert ticks(fig.axes[0], "x") == [str(y) for y in years]


def test_the_rank_axis_shows_the_whole_field_from_one_at_the_top():
    fig = history_plots.trend_lines(series([2020, 2021], [80.0, 82.0], rank_of=31), "vi", "t")
    right = fig.axes[1]
    low, high = right.get_ylim()
    assert low > high  # 1 at the top
    shown = [int(s) for s in ticks(right, "y")]
    assert shown[0] == 1 and shown[-1] == 31 and shown == sorted(shown)
    assert min(b - a for a, b in zip(shown, shown[1:])) >= 3  # no 30 and 31 on top of each other


# --- language ----------------------------------------------------------------------------------
def test_a_tenth_of_a_point_does_not_fill_the_index_axis_and_ranks_are_whole_numbers():
    fig = history_plots.trend_lines(series([2012, 2013], [87.14, 87.02], rank_of=None), "vi", "t")
    left, right = fig.axes
    assert np.ptp(left.get_ylim()) >= history_plots.MIN_SPAN
    shown = ticks(left, "y")
    assert len(set(shown)) == len(shown), shown  # no "87,1" twice
    assert ticks(right, "y") == ["1", "2", "3", "4", "5"]  # 5th both years: no 4,95 or 5,05


def test_vietnamese_ticks_have_decimal_commas_and_english_points():
    matrix = pd.DataFrame({"1": [1.0, 0.0], "2": [0.5, 2.5]}, index=["u1", "u2"])
    vi = ticks(plots.deductions_heatmap(matrix, NAMES, "vi", "t").axes[1], "y")  # the colour bar
    en = ticks(plots.deductions_heatmap(matrix, NAMES, "en", "t").axes[1], "y")
    assert vi and all(re.fullmatch(r"\d+,\d", s) for s in vi), vi
    assert en and all(re.fullmatch(r"\d+\.\d", s) for s in en), en
    fig, ax = plt.subplots()
    ax.set_ylim(0, 1)
    chart_kit.vi_axis(ax, "vi", axis="y", decimals=1)  # every numeric axis of the charts
    assert "0,2" in ticks(ax, "y") and "0.2" not in ticks(ax, "y")


# --- legends, highlighted units, text size -----------------------------------------------------
def test_every_legend_entry_is_something_the_chart_draws():
    figures = [
        # no regional average published: no bar and no legend entry for it
        history_plots.benchmark_bars(
            bench([2022, 2023], [88.0, 90.0], [85.0, 86.0]), "Sở A", "vi", "t"
        ),
        history_plots.trend_lines(series([2020, 2021], [80.0, 82.0]), "vi", "t"),
        plots.self_vs_appraised(UNITS, "vi", "t"),
    ]
    for fig in figures:
        legend = legend_texts(fig)
        assert legend and set(legend) <= drawn_labels(fig), set(legend) - drawn_labels(fig)
    assert "Trung bình vùng" not in legend_texts(figures[0])
    assert not any("phương pháp" in s for s in legend_texts(figures[1]))  # no change drawn


def test_a_methodology_change_drawn_is_in_the_legend_and_the_caption():
    data = series([2020, 2021], [80.0, 82.0])
    changes = [(2020, 2021, "QĐ 1", "QĐ 2")]
    fig = history_plots.trend_lines(data, "vi", "t", changes)
    assert "Năm đổi phương pháp" in legend_texts(fig)
    assert "Vạch đứt" in history_plots.trend_reading(data, changes, "vi")
    reading = history_plots.trend_reading(data, [], "vi")
    assert "Vạch đứt" not in reading and "Điểm rỗng" not in reading  # none drawn: none explained


def test_the_white_cell_is_explained_only_when_the_heat_map_has_one():
    assert any("gạch chéo" in s for s in legend_texts(plots.area_heatmap(AREAS, NAMES, "vi", "t")))
    full = AREAS[AREAS["unit_id"] != "u3"]
    assert legend_texts(plots.area_heatmap(full, NAMES[:2], "vi", "t")) == []


def test_the_block_chart_caption_names_only_the_verticals_it_draws():
    marks = pd.DataFrame({"x": [2021.5], "label": ["QĐ 2"]})
    assert "nét đứt" not in tp.chart_reading(None, None, "vi")
    assert "nét đứt" in tp.chart_reading(marks, None, "vi")
    assert "liền" not in tp.chart_reading(marks, pd.DataFrame(), "vi")


def test_highlighted_units_are_named_on_the_chart_and_others_are_grey():
    rows = pd.DataFrame(
        [
            (y, u, f"Sở {u.upper()}", v + y - 2020)
            for y in (2020, 2021)
            for u, v in zip("abcd", (90, 80, 70, 60))
        ],
        columns=["year", "unit_id", "unit_name", "index_pct"],
    ).assign(block="all", source="computed", rank=1)
    fig, _ = history_plots.block_trend(rows, "vi", "t", ["a", "d"])
    named = {a.get_text() for a in fig.axes[0].texts if isinstance(a, Annotation)}
    assert named == {"Sở A", "Sở D"}
    greys = [
        ln
        for ln in fig.axes[0].get_lines()
        if mcolors.to_hex(ln.get_color()) == history_plots.GREY.lower()
    ]
    assert len(greys) == 2
    fig = plots.self_vs_appraised(UNITS, "vi", "t")
    assert [a.get_text() for a in fig.axes[0].texts if isinstance(a, Annotation)] == [
        "Cục Thuế tỉnh"
    ]


def test_text_is_at_least_nine_points_at_print_size():
    figures = [
        plots.area_heatmap(AREAS, NAMES, "vi", "t"),
        history_plots.trend_lines(series([2020, 2021], [80.0, 82.0]), "vi", "t"),
        history_plots.benchmark_bars(bench([2022], [88.0], [85.0]), "Sở A", "vi", "t"),
        plots.self_vs_appraised(UNITS, "vi", "t"),
    ]
    for fig in figures:
        fig.canvas.draw()
        sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip()]
        assert sizes and min(sizes) >= 9, min(sizes)
        assert fig.get_figwidth() <= chart_kit.WIDTH + 1e-9  # A4 text width: no shrinking in print


# --- alt text ------------------------------------------------------------------------------------
def _shown(fig, reading: str, lang: str = "vi", alt: str = "") -> str:
    html: list[str] = []
    Session.figure(SimpleNamespace(lang=lang, show=html.append), fig, reading, alt)
    return html[0]


def test_the_alt_text_describes_what_is_drawn_and_the_caption_says_what_it_means():
    profile = AREAS[AREAS["unit_id"] == "u3"].rename(columns={"name_vi": "name"})
    fig = history_plots.unit_areas(profile.assign(average=80.0, best=95.0), "Xã C", "vi", "t")
    html = _shown(fig, "Lĩnh vực mạnh nhất là 10.")
    alt = re.search(r'alt="([^"]*)"', html).group(1)
    assert alt.startswith("Biểu đồ cột ngang: chỉ số (%) — Xã C của 2 lĩnh vực, từ 62,50 đến 65,00")
    assert "<figcaption><em>Lĩnh vực mạnh nhất là 10.</em></figcaption>" in html
    assert re.search(r'style="width:\d\.\d\din;max-width:100%', html)


def test_an_alt_given_by_the_caller_wins_and_an_undescribed_figure_falls_back_to_its_title():
    fig = plots.index_histogram(UNITS, "en", "Distribution")
    assert 'alt="A histogram."' in _shown(fig, "r", "en", alt="A histogram.")
    fig, ax = plt.subplots()
    ax.set_title("Own chart")
    assert 'alt="Chart: Own chart."' in _shown(fig, "r", "en")
    assert chart_kit.alt_text(plots.index_histogram(UNITS, "en", "t"), "en").startswith("Histogram")
