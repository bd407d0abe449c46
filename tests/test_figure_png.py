"""Figures drawn once (``figure_png``): the same picture as ``savefig(bbox_inches="tight")``, the
legend below the axes inside it, a figure too big for the room still whole, and text sizes that are
matplotlib's own."""

from __future__ import annotations

import io

import matplotlib.figure
import matplotlib.font_manager
import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties
from PIL import Image

from parlib.publish import chart_kit, figure_png


def _legend_chart(entries: int = 3):
    """A bar chart ended as every report chart is: tight layout, legend below the figure."""
    fig, ax = plt.subplots(figsize=(chart_kit.WIDTH, 2.6))
    for i in range(entries):
        ax.bar([i], [i + 1], label=f"Sở Tài nguyên và Môi trường số {i}")
    chart_kit.finish(fig, ax, "vi", "Chỉ số theo đơn vị", "Đơn vị", "Chỉ số", "y")
    return fig


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def _best_difference(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference (0–255) of two pictures, at the best offset of up to 2 pixels."""
    h, w = min(a.shape[0], b.shape[0]) - 2, min(a.shape[1], b.shape[1]) - 2
    return min(
        float(np.abs(a[:h, :w] - b[dy : h + dy, dx : w + dx]).mean())
        for dy in range(3)
        for dx in range(3)
    )


@pytest.mark.parametrize("entries", [1, 3, 8])
def test_a_figure_drawn_once_is_the_picture_savefig_crops(entries):
    once, width = figure_png.png(_legend_chart(entries), chart_kit.DPI)
    tight, tight_width = figure_png._savefig(_legend_chart(entries), chart_kit.DPI)
    a, b = _pixels(once), _pixels(tight)
    assert abs(a.shape[0] - b.shape[0]) <= 1 and abs(a.shape[1] - b.shape[1]) <= 1
    assert abs(width - tight_width) <= 1 and width == a.shape[1]
    # the legend sits below the figure's own 2.6 inches: the crop took it in
    assert a.shape[0] > 2.6 * chart_kit.DPI
    assert _best_difference(a, b) < 6.0  # antialiasing at a sub-pixel offset; another chart: > 25
    plt.close("all")


def test_a_figure_drawing_beyond_the_room_is_saved_whole(monkeypatch):
    calls = []
    savefig = figure_png._savefig
    monkeypatch.setattr(
        figure_png, "_savefig", lambda fig, dpi: calls.append(dpi) or savefig(fig, dpi)
    )
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([0, 1], [0, 1])
    fig.text(0.5, -7.0, "ghi chú dưới cùng")  # 14 inches below the axes: beyond ROOM
    data, _ = figure_png.png(fig, chart_kit.DPI)
    assert calls == [chart_kit.DPI]
    assert _pixels(data).shape[0] > 14 * chart_kit.DPI
    plt.close(fig)


def test_drawing_once_leaves_the_figure_as_it_was():
    fig = _legend_chart()
    size, dpi = tuple(fig.get_size_inches()), fig.dpi
    figure_png.png(fig, 200)
    assert tuple(fig.get_size_inches()) == size and fig.dpi == dpi
    plt.close(fig)


def test_shared_text_sizes_are_matplotlib_s_own_for_any_agg_renderer():
    small, large = RendererAgg(100, 100, 120), RendererAgg(900, 700, 120)
    fonts = [
        FontProperties(family="DejaVu Sans", size=s, weight=w)
        for s in (9, 11)
        for w in ("normal", "bold")
    ]
    texts = ["Sở Tài chính", "79,96", "lp", "Điểm bị trừ khi thẩm định"]
    figure_png._agg_metrics.cache_clear()
    for font in fonts:
        for text in texts:
            expected = RendererAgg(10, 10, 120).get_text_width_height_descent(text, font, False)
            assert figure_png._metrics(small, text, font, False, 120) == pytest.approx(expected)
            assert figure_png._metrics(large, text, font, False, 120) == pytest.approx(expected)
    info = figure_png._agg_metrics.cache_info()
    assert info.misses == len(fonts) * len(texts) and info.hits == info.misses
    # at another dpi the size is measured again, not taken from 120 dpi
    other = RendererAgg(100, 100, 240)
    wide = figure_png._metrics(other, "Sở Tài chính", fonts[0], False, 240)
    assert wide[0] == pytest.approx(
        2 * figure_png._metrics(small, "Sở Tài chính", fonts[0], False, 120)[0], rel=0.05
    )


def test_the_charts_measure_text_through_the_shared_sizes():
    assert matplotlib.text._get_text_metrics_with_cache is figure_png._metrics
    assert plt.rcParams["figure.dpi"] == chart_kit.DPI


def test_an_opaque_figure_is_rgb_and_a_transparent_one_keeps_its_alpha():
    opaque, _ = figure_png.png(_legend_chart(), chart_kit.DPI)
    assert Image.open(io.BytesIO(opaque)).mode == "RGB"
    fig = _legend_chart()
    fig.patch.set_alpha(0.0)
    clear, _ = figure_png.png(fig, chart_kit.DPI)
    image = Image.open(io.BytesIO(clear))
    assert image.mode == "RGBA" and image.getextrema()[3][0] == 0
    plt.close("all")


@pytest.mark.parametrize("layout", ["constrained", "tight"])
def test_a_figure_laid_out_by_its_engine_is_the_picture_savefig_crops(layout):
    def chart():
        fig, ax = plt.subplots(figsize=(4, 3), layout=layout)
        image = ax.imshow(np.arange(12).reshape(3, 4))
        fig.colorbar(image, ax=ax, label="Điểm bị trừ")
        ax.set_title("Sở Tài chính")
        return fig

    once, width = figure_png.png(chart(), chart_kit.DPI)
    tight, tight_width = figure_png._savefig(chart(), chart_kit.DPI)
    a, b = _pixels(once), _pixels(tight)
    assert abs(a.shape[0] - b.shape[0]) <= 1 and abs(width - tight_width) <= 1
    assert _best_difference(a, b) < 6.0
    plt.close("all")


def test_a_figure_not_made_through_pyplot_is_saved_by_savefig():
    fig = matplotlib.figure.Figure(figsize=(3, 2))
    fig.add_subplot().plot([0, 1], [1, 0])
    data, width = figure_png.png(fig, chart_kit.DPI)
    assert Image.open(io.BytesIO(data)).size[0] == width > 0


def test_a_changed_font_setting_is_measured_again():
    font = FontProperties(family="sans-serif", size=9)
    renderer = RendererAgg(100, 100, 120)
    first = figure_png._metrics(renderer, "Sở Tài chính", font, False, 120)
    with matplotlib.rc_context({"text.hinting": "none"}):
        expected = RendererAgg(10, 10, 120).get_text_width_height_descent(
            "Sở Tài chính", font, False
        )
        assert figure_png._metrics(renderer, "Sở Tài chính", font, False, 120) == pytest.approx(
            expected
        )
        assert expected != pytest.approx(first)
    chart_kit.reset_style()
    assert figure_png._agg_metrics.cache_info().currsize == 0


def test_a_generic_family_resolved_to_another_font_is_measured_again():
    font = FontProperties(family="sans-serif", size=9)
    renderer = RendererAgg(100, 100, 120)
    dejavu = figure_png._metrics(renderer, "Sở Tài chính", font, False, 120)
    fallback = matplotlib.font_manager.findfont("DejaVu Serif")
    with matplotlib.rc_context({"font.sans-serif": ["DejaVu Serif"]}):
        if matplotlib.font_manager.findfont(font) != fallback:
            pytest.skip("DejaVu Serif is not installed")
        serif = figure_png._metrics(renderer, "Sở Tài chính", font, False, 120)
        expected = RendererAgg(10, 10, 120).get_text_width_height_descent(
            "Sở Tài chính", font, False
        )
    assert serif == pytest.approx(expected) and serif != pytest.approx(dejavu)
