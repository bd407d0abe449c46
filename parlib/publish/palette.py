"""Palette: the colours every chart and table of the reports uses, safe for colour-blind readers.

Okabe & Ito's eight colours (2008, "Color Universal Design"), which stay distinguishable under the
common colour-vision deficiencies; bands use an ordered sequence of the same family, never a
red–green pair alone. STUB (contract /work/tools/contract13.md §6): the charts helper owns it.
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
