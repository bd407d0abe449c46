"""Tile map: the provinces of one year, one square each, coloured by their PAR Index band (SVG).

In: a frame of one year's units with ``unit_id``, ``unit_name``, ``band`` (A–E, or empty) and
``index_pct`` (or NaN); optional ``kind`` (rows whose kind is not ``province``, the ministries,
are left out) and ``year``; the language; the year; the dataset's lineage (needed for the
provinces after the 2025 merger: ``parlib.history.lineage.load_lineage``); optionally the year's
bands (``band``, ``lower_pct``, ``upper_pct``) to print each band's range in the legend.
Out: ``tile_map`` → one ``<svg>`` element (``templates/tilemap.svg.j2``, autoescaped), with a
``viewBox`` and no fixed width, ``role="img"`` and an ``aria-label`` that counts the provinces
per band and those without a result.

Each tile is filled with its band's colour (``palette.band_colour``) and carries the province's
short label and its band's letter, so colour is never the only cue; its ``<title>`` (a tooltip)
gives the full name, the index in the language's number format and the band. A province without
a published result is light grey, hatched, marked "–"; one with an index but no band is white.
The legend lists the bands drawn and only those. A unit of the frame that is a province but not
on the year's layout is named under the map and logged (``logging``), never dropped silently.
Layout: ``parlib.publish.tile_layout``.
"""

from __future__ import annotations

import logging
import math
import textwrap
from dataclasses import dataclass

import pandas as pd

from parlib.core.labels import number, number_range, t
from parlib.history.lineage import Lineage
from parlib.publish import palette, shell, tile_layout

log = logging.getLogger(__name__)

CELL = 32  # SVG units per grid cell; a tile is CELL - GAP wide
GAP = 3
PAD = 8
FONT = {"title": 13.5, "abbr": 11.5, "band": 11, "legend": 11, "note": 10.5}
LINE = 1.3  # line height, in font sizes
NO_RESULT = "#EBEBEB"  # light grey under a hatch
HATCH = "#A6A6A6"
NO_BAND = palette.MISSING  # white: an index without a band
EDGE = "#595959"  # tile outline, so that light tiles print on white paper
TEXT = "#1a202c"
MAX_SCALE = 1.4  # the map is drawn at most 1.4 px per SVG unit on a wide screen
PRINT_HEIGHT = 960  # px: and at most this tall, so that it fits one A4 page when printed
CHAR_EM = 0.6  # a character's mean width in DejaVu Sans, in font sizes (capitals ~0.72)


@dataclass(frozen=True)
class Placement:
    """What the map shows: one dict per tile (north to south, west to east) and the frame's provinces
    that the layout does not know, as (unit id, name)."""

    year: int
    tiles: tuple[dict, ...]
    unmapped: tuple[tuple[str, str], ...]


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _year(units: pd.DataFrame, year: int | None) -> int:
    if year is not None:
        return int(year)
    years = pd.to_numeric(units.get("year", pd.Series(dtype=float)), errors="coerce").dropna()
    if years.nunique() != 1:
        raise ValueError("tile_map needs the year: pass year=, or a frame with one year in 'year'")
    return int(years.iloc[0])


def placed(
    units: pd.DataFrame, year: int | None = None, lineage: Lineage | pd.DataFrame | None = None
) -> Placement:
    """The year's layout with each province's result from ``units`` (see the module docstring);
    a province id twice in ``units`` is an error."""
    missing = [c for c in ("unit_id", "unit_name", "band", "index_pct") if c not in units.columns]
    if missing:
        raise ValueError(f"tile_map: the frame has no column(s) {', '.join(missing)}")
    year = _year(units, year)
    frame = units.copy()
    frame["unit_id"] = frame["unit_id"].map(_text).str.strip()
    if "kind" in frame.columns:
        frame = frame[frame["kind"].map(_text).str.strip().isin(["province", ""])]
    twice = sorted(set(frame.loc[frame["unit_id"].duplicated(), "unit_id"]))
    if twice:
        raise ValueError(f"tile_map: unit id(s) more than once in the frame: {', '.join(twice)}")
    layout = tile_layout.layout(year, lineage)
    known = layout.by_id()
    results = frame.set_index("unit_id")
    unmapped = tuple(
        (uid, _text(results.at[uid, "unit_name"]) or uid)
        for uid in results.index
        if uid not in known
    )
    if unmapped:
        log.warning(
            "tile map %s: %d unit(s) of the frame not in the layout, named under the map: %s",
            year,
            len(unmapped),
            ", ".join(uid for uid, _ in unmapped),
        )
    tiles = []
    for tile in layout.tiles:
        row = results.loc[tile.unit_id] if tile.unit_id in results.index else None
        index = pd.to_numeric(row["index_pct"], errors="coerce") if row is not None else math.nan
        tiles.append(
            {
                "unit_id": tile.unit_id,
                "name": (_text(row["unit_name"]) if row is not None else "") or tile.name,
                "abbr": tile.abbr,
                "col": tile.col,
                "row": tile.row,
                "band": _text(row["band"]).strip() if row is not None else "",
                "index": float(index) if pd.notna(index) else None,
            }
        )
    tiles.sort(key=lambda tile: (tile["row"], tile["col"]))  # reading order: north to south
    return Placement(year, tuple(tiles), unmapped)


def _kind(tile: dict) -> str:
    """``band`` (a band is known), ``index`` (an index, no band) or ``none`` (no result)."""
    if tile["band"]:
        return "band"
    return "index" if tile["index"] is not None else "none"


def _fill(tile: dict, hatch: str) -> str:
    kind = _kind(tile)
    if kind == "band":
        return palette.band_colour(tile["band"]) if tile["band"] in palette.BAND_NAMES else NO_BAND
    return NO_BAND if kind == "index" else f"url(#{hatch})"


def _tip(tile: dict, lang: str) -> str:
    name, band = tile["name"], tile["band"]
    index = number(tile["index"], 2, lang) if tile["index"] is not None else ""
    if band and index:
        return t("tilemap_tip_band", lang, name=name, index=index, band=band)
    if band:
        return t("tilemap_tip_bandonly", lang, name=name, band=band)
    if index:
        return t("tilemap_tip_index", lang, name=name, index=index)
    return t("tilemap_tip_none", lang, name=name)


def _bands_drawn(tiles: list[dict]) -> list[str]:
    """The bands on the map: A–E in their order, then any other band text, sorted."""
    seen = {tile["band"] for tile in tiles if tile["band"]}
    return [b for b in palette.BAND_NAMES if b in seen] + sorted(seen - set(palette.BAND_NAMES))


def _ranges(bands: pd.DataFrame | None, lang: str) -> dict[str, str]:
    if bands is None or bands.empty:
        return {}
    return {
        str(r.band): number_range(r.lower_pct, r.upper_pct, 2, lang)
        for r in bands.itertuples(index=False)
    }


def _legend(tiles: list[dict], lang: str, ranges: dict[str, str], hatch: str) -> list[dict]:
    items = [
        {
            "fill": palette.band_colour(b) if b in palette.BAND_NAMES else NO_BAND,
            "label": f"{b}: {ranges[b]}" if ranges.get(b) else b,
            "mark": b,
        }
        for b in _bands_drawn(tiles)
    ]
    kinds = {_kind(tile) for tile in tiles}
    if "index" in kinds:
        items.append({"fill": NO_BAND, "label": t("tilemap_legend_noband", lang), "mark": ""})
    if "none" in kinds:
        items.append(
            {"fill": f"url(#{hatch})", "label": t("tilemap_legend_none", lang), "mark": "–"}
        )
    return items


def alt_text(placement: Placement, lang: str) -> str:
    """The map's ``aria-label``: how many provinces, how many per band, how many with an index but
    no band, how many without a published result, and how many units are not on the map."""
    tiles = list(placement.tiles)
    parts = [
        t("tilemap_count_band", lang, band=b, n=sum(tile["band"] == b for tile in tiles))
        for b in _bands_drawn(tiles)
    ]
    kinds = [_kind(tile) for tile in tiles]
    if kinds.count("index"):
        parts.append(t("tilemap_count_noband", lang, n=kinds.count("index")))
    if kinds.count("none"):
        parts.append(t("tilemap_count_none", lang, n=kinds.count("none")))
    if placement.unmapped:
        parts.append(t("tilemap_count_unmapped", lang, n=len(placement.unmapped)))
    counts = "; ".join(parts)
    counts = counts[:1].upper() + counts[1:]
    return t("tilemap_alt", lang, n=len(tiles), year=placement.year, counts=counts)


def _width(text: str, size: float) -> float:
    """Roughly how wide ``text`` is drawn at ``size`` (capitals and M/W wider)."""
    return size * sum(0.9 if c in "MWmw" else 0.74 if c.isupper() else CHAR_EM for c in text)


def _wrap(text: str, size: float, width: float) -> list[str]:
    return textwrap.wrap(text, max(12, int(width / (size * CHAR_EM)))) if text else []


def _legend_box(occupied: set, cols: int, rows: int, w: int, h: int) -> tuple[int, int] | None:
    """The free w × h block of the grid with the fewest tiles around it (then northmost, then
    westmost), or None when no block is free."""
    best = None
    for r in range(rows - h + 1):
        for c in range(cols - w + 1):
            block = {(x, y) for x in range(c, c + w) for y in range(r, r + h)}
            if block & occupied:
                continue
            ring = {(x, y) for x in range(c - 1, c + w + 1) for y in range(r - 1, r + h + 1)}
            score = (len((ring - block) & occupied), r, c)
            if best is None or score < best[0]:
                best = (score, (c, r))
    return best[1] if best else None


def tile_map(
    units: pd.DataFrame,
    lang: str,
    year: int | None = None,
    *,
    lineage: Lineage | pd.DataFrame | None = None,
    bands: pd.DataFrame | None = None,
    title: str | None = None,
    ident: str = "par-tilemap",
) -> str:
    """The tile map of ``units`` for ``year`` in ``lang`` as one ``<svg>`` element (see the module
    docstring); ``ident`` keeps the ids of two maps on one page apart."""
    placement = placed(units, year, lineage)
    tiles = [dict(tile) for tile in placement.tiles]
    hatch = f"{ident}-hatch"
    cols = max(tile["col"] for tile in tiles) + 1
    rows = max(tile["row"] for tile in tiles) + 1
    width = 2 * PAD + cols * CELL
    heading = title or t("tilemap_title", lang, year=placement.year)
    title_lines = _wrap(heading, FONT["title"], width - 2 * PAD)
    top = PAD + len(title_lines) * FONT["title"] * LINE + 6
    size = CELL - GAP
    for tile in tiles:
        x, y = PAD + tile["col"] * CELL, top + tile["row"] * CELL
        tile.update(x=x, y=y, fill=_fill(tile, hatch), tip=_tip(tile, lang))
        tile["mark"] = tile["band"][:3] if tile["band"] else ("" if tile["index"] else "–")
        tile["squeeze"] = size - 4 if _width(tile["abbr"], FONT["abbr"]) > size - 4 else None
    items = _legend(tiles, lang, _ranges(bands, lang), hatch)
    item_h = FONT["legend"] * LINE + 4
    legend_w = 22 + max(_width(i["label"], FONT["legend"]) for i in [*items, {"label": ""}])
    legend_w = max(legend_w, 22 + _width(t("band", lang), FONT["legend"]))
    legend_h = (len(items) + 1) * item_h
    occupied = {(tile["col"], tile["row"]) for tile in tiles}
    box = _legend_box(occupied, cols, rows, math.ceil(legend_w / CELL), math.ceil(legend_h / CELL))
    bottom = top + rows * CELL
    if box is not None:
        legend_x, legend_y = PAD + box[0] * CELL, top + box[1] * CELL
    else:  # no room on the map: under it
        legend_x, legend_y = PAD, bottom + 6
        bottom = legend_y + legend_h
    for i, item in enumerate(items):
        item.update(y=legend_y + (i + 1) * item_h)
    names = ", ".join(name for _, name in placement.unmapped)
    notes = _wrap(t("tilemap_note", lang), FONT["note"], width - 2 * PAD)
    if names:
        notes += _wrap(
            t("tilemap_unmapped", lang, year=placement.year, names=names),
            FONT["note"],
            width - 2 * PAD,
        )
    note_y = bottom + 6 + FONT["note"]
    height = note_y + (len(notes) - 1) * FONT["note"] * LINE + PAD
    return shell.render(
        "tilemap.svg.j2",
        ident=ident,
        width=width,
        height=round(height, 1),
        max_width=round(min(width * MAX_SCALE, PRINT_HEIGHT * width / height)),
        title=heading,
        title_lines=title_lines,
        alt=alt_text(placement, lang),
        font=FONT,
        line=LINE,
        pad=PAD,
        tiles=tiles,
        size=size,
        legend=items,
        legend_x=legend_x,
        legend_y=legend_y,
        legend_title=t("band", lang),
        item_h=item_h,
        notes=notes,
        note_y=note_y,
        colours={"grey": NO_RESULT, "hatch": HATCH, "edge": EDGE, "text": TEXT},
        lang=lang,
    )
