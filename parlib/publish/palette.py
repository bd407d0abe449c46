"""Palette: the colours every chart and table of the reports uses, safe for colour-blind readers.

Okabe & Ito's eight colours (2008, "Color Universal Design"), which stay distinguishable under the
common colour-vision deficiencies. ``SEQUENCE`` is the order in which a chart gives them to its
series (black and yellow left out: black is kept for references such as the national average,
yellow is too pale on white); ``MARKERS`` gives each series a second cue besides its colour.

Bands (A best … E weakest) are an ordered sequence from blue to orange (``BAND_COLOURS``): light
tints, so that black text stays readable on them, and never a red–green pair; the band's letter is
always written in the cell, so the colour is a second cue, not the only one. ``band_css()`` is the
style sheet's rules for ``td.band-A`` … (the page shell puts it in the CSS). Heat maps use a
perceptually uniform map that colour-blind readers see as uniform too (``HEATMAP``: cividis for
indexes; ``DEDUCTIONS``: a single-hue orange ramp for points lost). ``MISSING`` is the cell colour of
"does not apply". Contract: /work/tools/contract13.md §6.
"""

from __future__ import annotations

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
HIGHLIGHT = OKABE_ITO["blue"]  # the unit a chart is about
CONTEXT = "#9E9E9E"  # the other units, drawn in grey
REFERENCE = OKABE_ITO["black"]  # a reference line: the national average, the diagonal
ACCENT = OKABE_ITO["orange"]  # a second, contrasting mark (an average beside the unit's bars)
ALERT = OKABE_ITO["vermillion"]  # a threshold or a warning mark
SPREAD = OKABE_ITO["sky_blue"]  # a shaded band: a block's interquartile range (drawn translucent)
SPREAD_ALPHA = 0.3  # its opacity: the grey unit lines stay visible through it
SEQUENCE = [
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    "#7F6000",  # a dark yellow (Okabe–Ito's yellow darkened to stay visible on white)
]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]

# Bands, best first: two blue tints, then orange tints (ordered, colour-blind safe, no red–green).
BAND_COLOURS = ("#8EC3E6", "#D2E6F5", "#FBD9A6", "#F0A868", "#E3925F")
BAND_NAMES = ("A", "B", "C", "D", "E")
HEATMAP = "cividis"
DEDUCTIONS = "Oranges"
MISSING = "#FFFFFF"


def band_colour(band: str) -> str:
    """The background of band ``band`` (``A`` … ``E``); a neutral grey for any other band."""
    return dict(zip(BAND_NAMES, BAND_COLOURS)).get(str(band), BAND_COLOURS[2])


def band_css() -> str:
    """The style sheet's band rules: ``.band-A {background: …;}`` for each band, best first."""
    return " ".join(f".band-{b} {{background: {c};}}" for b, c in zip(BAND_NAMES, BAND_COLOURS))
