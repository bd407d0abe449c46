"""Core index (chỉ số lõi): a unit's index on its appraised parts only, beside the full index.

In: one block's ``unit_index`` rows (each part's points ``c.points_column`` and applicable maximum
``c.max_column``, after reconciliation), the block framework's components and the year's decimals.
Out: the same rows with

- ``core_points`` = Σ points of the parts of kind ``assessed`` (the appraisal: self-assessed, then
  appraised, e.g. ``appraised_points``);
- ``core_max`` = Σ their applicable maxima (criteria that did not arise removed, as for the index);
- ``core_pct`` = ``core_points`` ÷ ``core_max`` × 100, rounded half up to the year's decimals;
- ``core_rank`` (1 = the block's highest core index, ties share the best rank) and
  ``core_rank_of`` (the units of the block with a core index).

Left out: the measured parts (the sociological survey, SIPAS, the leaders' survey, socio-economic
impact) and the bonus and penalty parts, so survey points and bonus or penalty points never move
it. It is NaN where the block has no assessed part or none arose for the unit (``core_max`` 0), and
in a year of published results only (``core_index(..., ())``): its printed totals are not parts
scored against the framework's leaves.

``compute`` calls ``core_index`` once per block; notebooks, the preflight and tests read its
columns from ``unit_index``. Formula and the Long An 2012 example: ``docs/methodology.md`` §7b.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.config.model import ComponentConfig
from parlib.score.arithmetic import index_pct, rank_desc, round_half_up

CORE_KINDS = ("assessed",)  # the kinds of part the core index keeps
CORE_COLUMNS = ["core_points", "core_max", "core_pct", "core_rank", "core_rank_of"]


def core_parts(components) -> tuple[ComponentConfig, ...]:
    """The parts the core index is made of: those of kind ``assessed``, in declared order."""
    return tuple(c for c in components if c.kind in CORE_KINDS)


def core_index(unit: pd.DataFrame, components, decimals: int) -> pd.DataFrame:
    """``unit`` with ``CORE_COLUMNS`` (one block's rows; see the module doc); ``components``
    empty gives NaN everywhere (a year of published results only)."""
    parts = core_parts(components)
    if parts:
        points = sum(unit[c.points_column].astype("float64") for c in parts)
        maximum = sum(unit[c.max_column].astype("float64") for c in parts)
    else:
        points = pd.Series(np.nan, index=unit.index)
        maximum = pd.Series(np.nan, index=unit.index)
    out = unit.assign(
        core_points=points,
        core_max=maximum,
        core_pct=round_half_up(pd.Series(index_pct(points, maximum), index=unit.index), decimals),
    )
    out["core_rank"] = rank_desc(out["core_pct"])
    ranked = int(out["core_pct"].notna().sum())
    out["core_rank_of"] = pd.array([ranked if ranked else pd.NA] * len(out), dtype="Int64")
    return out
