"""Map section: the overview's tile map of provinces coloured by band (``parlib.publish.tilemap``),
shown when the year has results for provinces that the map knows (the national dataset: 63
provinces before 2025, 34 after); nothing for departments, communes or ministries.

In: the year's ranked units (``unit_id``, ``unit_name``, ``kind``, ``band``, ``index_pct``), the
dataset, the year, the language. Out: an HTML fragment (heading, the SVG, a caption that counts
the provinces per band and says what a tile is) or an empty string.
"""

from __future__ import annotations

import pandas as pd

from parlib.core.labels import t
from parlib.history.lineage import load_lineage
from parlib.publish import tilemap
from parlib.publish.markup import esc

MIN_PROVINCES = 2  # fewer provinces with a result: a map says nothing a sentence does not


def province_map(ranked: pd.DataFrame, cfg, year: int, lang: str) -> str:
    """The overview's map section, or "" when fewer than ``MIN_PROVINCES`` provinces of the year
    are on the map's layout."""
    if "kind" not in ranked.columns:
        return ""
    provinces = ranked[ranked["kind"].astype(str) == "province"]
    if len(provinces) < MIN_PROVINCES:
        return ""
    columns = [c for c in ("unit_id", "unit_name", "kind", "band", "index_pct") if c in provinces]
    frame = provinces[columns].assign(year=year)
    if "band" not in frame.columns:
        frame = frame.assign(band="")
    lineage = load_lineage(cfg)
    placement = tilemap.placed(frame, year, lineage)
    on_map = sum(1 for tile in placement.tiles if tile.get("index") or tile.get("band"))
    if on_map < MIN_PROVINCES:
        return ""
    svg = tilemap.tile_map(frame, lang, year, lineage=lineage)
    caption = tilemap.alt_text(placement, lang)
    return (
        f'<h2 id="map">{esc(t("tilemap_section", lang))}</h2>'
        f'<figure class="par-map">{svg}<figcaption><em>{esc(caption)}</em></figcaption></figure>'
    )
