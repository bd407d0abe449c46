"""A figure as PNG, cropped to what it draws, drawn once.

``savefig(bbox_inches="tight")`` draws a figure twice: once without rendering, to measure what it
draws, then again to render the measured part. Every report figure is saved that way (legends sit
below the axes, outside the figure, and the crop takes them in), and the text layout of a draw is
most of a chart's cost. ``png`` draws once instead, on a canvas with ``ROOM`` inches of room on
every side of the figure, measures the figure's tight bounding box at the same dpi (its text sizes
are known by then), and crops the rendered pixels to that box with savefig's padding. An
opaque figure is written as RGB (savefig writes RGBA). The pixels are savefig's own to within a
pixel's offset (tested against ``savefig``); a figure that draws beyond the room (a legend taller
than ``ROOM``) is saved by ``savefig`` as before.

Text metrics: matplotlib keeps the size of each text per renderer, and a figure meets three of them
(its layout, the measuring draw, the render), so the same tick label was measured three times and a
unit's name again in every figure. ``install_metrics_cache`` keys the Agg renderer's measurements on
what they depend on (text, the font file, math mode, dpi, hinting), for every Agg renderer of the
process; ``forget_metrics`` drops them (``chart_kit.reset_style``, before each notebook). Figures
are drawn at ``dpi`` (``figure.dpi`` in the chart style) so that layout and render share them.

In: a matplotlib figure (Agg). Out: PNG bytes and the image's width in pixels.
"""

from __future__ import annotations

import functools
import io

import matplotlib.text
import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.transforms import Bbox
from PIL import Image

ROOM = (2.0, 5.0, 2.0, 2.0)  # inches of canvas left, below, right and above the figure
PAD = 0.1  # inches around what is drawn: savefig's default ``pad_inches``
# zlib level of the PNG: 3 is faster than savefig's 6 and, on these charts, smaller (a 30-unit heat
# map: 16 ms and 152 kB in RGB against 28 ms and 190 kB for savefig's RGBA at 6)
COMPRESSION = 3


def png(fig, dpi: int) -> tuple[bytes, int]:
    """``fig`` as PNG at ``dpi``, cropped to what it draws plus ``PAD``; and its width in pixels.
    A figure's layout engine (``layout="constrained"``) lays it out first, then is dropped: an
    engine would make savefig measure the figure before drawing it. A figure without a canvas
    that renders (not made through pyplot) is saved by savefig."""
    engine = fig.get_layout_engine()
    if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
        engine.execute(fig)  # what savefig's measuring draw would have done first
    fig.set_layout_engine(None)
    if fig.get_layout_engine() is not None or not hasattr(fig.canvas, "get_renderer"):
        return _savefig(fig, dpi)  # rcParams["figure.autolayout"] put an engine back
    width, height = fig.get_size_inches()
    left, below, right, above = ROOM
    room = Bbox.from_extents(-left, -below, width + right, height + above)
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=dpi, bbox_inches=room)  # one draw, no measuring pass
    shape = _shape(raw.getbuffer().nbytes, room.width * dpi, room.height * dpi)
    if shape is None:
        return _savefig(fig, dpi)
    rows, cols = shape
    pixels = np.frombuffer(raw.getbuffer(), dtype=np.uint8).reshape(rows, cols, 4)
    drawn = fig.get_tightbbox(fig.canvas.get_renderer()).padded(PAD)  # inches, figure's frame
    x0, x1 = round((drawn.x0 + left) * dpi), round((drawn.x1 + left) * dpi)
    y0, y1 = round((room.y1 - drawn.y1) * dpi), round((room.y1 - drawn.y0) * dpi)
    if x0 <= 0 or y0 <= 0 or x1 >= cols or y1 >= rows:  # drawn beyond the room
        return _savefig(fig, dpi)
    crop = pixels[y0:y1, x0:x1]
    if (crop[..., 3] == 255).all():  # opaque (every report figure): RGB, a fifth smaller
        crop = crop[..., :3]
    out = io.BytesIO()
    Image.fromarray(crop).save(out, format="png", dpi=(dpi, dpi), compress_level=COMPRESSION)
    return out.getvalue(), x1 - x0


def _shape(nbytes: int, width: float, height: float) -> tuple[int, int] | None:
    """The canvas's rows and columns: Agg truncates a size in pixels, and the product of a size in
    inches and the dpi may fall either side of a whole number."""
    for rows in {int(height), round(height)}:
        for cols in {int(width), round(width)}:
            if rows * cols * 4 == nbytes:
                return rows, cols
    return None


def _savefig(fig, dpi: int) -> tuple[bytes, int]:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, bbox_inches="tight", pad_inches=PAD)
    data = out.getvalue()
    return data, int.from_bytes(data[16:20], "big")  # the PNG header's width (IHDR)


@functools.lru_cache(maxsize=8)
def _measurer(dpi: float) -> RendererAgg:
    """A renderer that only measures text at ``dpi`` (a size does not depend on the canvas)."""
    return RendererAgg(1, 1, dpi)


@functools.lru_cache(maxsize=8192)
def _agg_metrics(text: str, font, ismath, dpi: float, _settings) -> tuple[float, float, float]:
    return _measurer(dpi).get_text_width_height_descent(text, font, ismath)


_ORIGINAL = matplotlib.text._get_text_metrics_with_cache


def _metrics(renderer, text, fontprop, ismath, dpi):
    """matplotlib's ``_get_text_metrics_with_cache`` keyed without the renderer for Agg renderers
    at the text's dpi: a size depends on the text, the font (the file it resolves to), math mode,
    dpi and the hinting settings, never on the canvas. Any other renderer as before."""
    if type(renderer) is RendererAgg and renderer.dpi == dpi and ismath != "TeX":
        settings = (font_manager.findfont(fontprop), matplotlib.rcParams["text.hinting"])
        return _agg_metrics(text, fontprop.copy(), ismath, dpi, settings)
    return _ORIGINAL(renderer, text, fontprop, ismath, dpi)


def install_metrics_cache() -> None:
    """Measure texts through ``_metrics`` (idempotent)."""
    matplotlib.text._get_text_metrics_with_cache = _metrics


def forget_metrics() -> None:
    """Drop the kept sizes (a kernel starting its next notebook: fonts may have been added)."""
    _agg_metrics.cache_clear()
