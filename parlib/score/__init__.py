"""Score: indexes, ranks, bands and reconciliation of one dataset-year, block by block.

``arithmetic`` holds the rules every figure follows (index = achieved ÷ applicable maximum × 100,
half-up rounding, competition ranks, bands, rounding tolerance, the index cap); ``points`` builds
the points table (one row per unit × leaf × component, appraisal rounds carried) and ``measures``
the sums the index tables are made of; ``blocks`` splits a year's inputs by block (khối) and
describes its blocks and components; ``compute`` (the stage's entry point) builds the unit, area and
criterion indexes of every block and returns ``Results``, which saves itself; ``published`` reads a
year of published results only; ``reconcile`` sets published figures beside the computed ones with
their rounding tolerance; ``core`` adds the core index (appraised parts only) beside the index;
``spread`` gives a block's mean, median, quartiles and interquartile range; ``tables`` reads a
saved table back (``load_table``).
"""

from parlib.score.arithmetic import (
    assign_bands,
    index_pct,
    rank_desc,
    round_half_up,
    rounding_tolerance,
)
from parlib.score.compute import Results, aggregate, compute, save
from parlib.score.core import core_index
from parlib.score.reconcile import reconcile
from parlib.score.spread import spread, spread_by
from parlib.score.tables import load_table

__all__ = [
    "Results",
    "aggregate",
    "assign_bands",
    "compute",
    "core_index",
    "index_pct",
    "load_table",
    "rank_desc",
    "reconcile",
    "round_half_up",
    "rounding_tolerance",
    "save",
    "spread",
    "spread_by",
]
