"""Score: indexes, ranks, bands and reconciliation of one dataset-year.

``arithmetic`` holds the rules every figure follows (index = achieved ÷ applicable maximum × 100,
half-up rounding, competition ranks, bands, rounding tolerance); ``compute`` builds the points table
and the unit, area and criterion indexes from ``YearInputs`` (``compute``, the stage's entry point,
returns ``Results``, which saves itself); ``reconcile`` sets published figures beside the computed
ones with their rounding tolerance; ``tables`` reads a saved table back (``load_table``).
"""

from parlib.score.arithmetic import (
    assign_bands,
    index_pct,
    rank_desc,
    round_half_up,
    rounding_tolerance,
)
from parlib.score.compute import Results, aggregate, compute, save
from parlib.score.reconcile import reconcile
from parlib.score.tables import load_table

__all__ = [
    "Results",
    "aggregate",
    "assign_bands",
    "compute",
    "index_pct",
    "load_table",
    "rank_desc",
    "reconcile",
    "round_half_up",
    "rounding_tolerance",
    "save",
]
