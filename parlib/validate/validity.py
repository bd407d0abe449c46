"""When a unit exists: the ``valid_from`` / ``valid_to`` cells of the units registry as bounds.

In: the registry (``valid_from``, ``valid_to``: an ISO date ``2025-07-01``, a year ``2025`` or empty
= open). Out: each bound as a fractional year (``bounds``), NaN where the cell cannot be read (text,
or a date the calendar does not have, ``2025-02-30``), and per unit whether it is valid in a year
(``validity``). The validation suites turn unreadable cells into ``bad_valid_date``.
"""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd

DATE = re.compile(r"(\d{4})(?:-(\d{2})-(\d{2}))?")


def bound(text: str, end: bool) -> float:
    """One cell as a fractional year (NaN: unreadable; ±inf: open). A year alone is its first day
    as a start and its last as an end."""
    text = str(text).strip()
    if not text:
        return np.inf if end else -np.inf
    m = DATE.fullmatch(text)
    if not m:
        return np.nan
    year = int(m.group(1))
    if m.group(2) is None:
        return year + (1.0 if end else 0.0)
    try:  # a date the calendar does not have is unreadable, not the 2nd of March
        day = datetime.date(year, int(m.group(2)), int(m.group(3)))
    except ValueError:
        return np.nan
    return year + (day.month - 1) / 12 + (day.day - 1) / 372


def bounds(units: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Every unit's start and end (``bound``), NaN where unreadable."""
    empty = pd.Series("", index=units.index)
    start = units.get("valid_from", empty).map(lambda t: bound(t, False))
    end = units.get("valid_to", empty).map(lambda t: bound(t, True))
    return start, end


def validity(units: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per unit: ``valid_bad`` (a date that cannot be read) and ``valid_this_year``."""
    start, end = bounds(units)
    out = pd.DataFrame(index=units.index)
    out["valid_bad"] = (start.isna() | end.isna()).astype("bool")
    out["valid_this_year"] = ((start < year + 1) & (end > year)) | out["valid_bad"]
    return out
