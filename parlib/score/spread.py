"""Spread: how a block's indexes are distributed — count, mean, median, quartiles and
interquartile range — the figures PCI and PAPI reports give beside a mean.

In: values (a unit's index per unit, NaN for a unit without one) or a frame and the column to group
by (a year). Out: ``Spread`` (``n``, ``mean``, ``median``, ``q1``, ``q3``, ``iqr``) or one row of
those per group (``spread_by``).

Quartiles are pandas' ``quantile`` with its default linear interpolation: with the *n* values
sorted, the *p*-quantile sits at position (*n* − 1)·*p* (counting from 0) and between two values
takes the point on the straight line between them. Q1 = 0.25-quantile, Q3 = 0.75-quantile,
IQR = Q3 − Q1: half the units lie between Q1 and Q3. Units without a value are left out. With
fewer than ``MIN_QUARTILE_UNITS`` values the quartiles and IQR are NaN (a quartile of three values
is the midpoint of two of them); the mean and median are given from one value.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import pandas as pd

MIN_QUARTILE_UNITS = 4
SPREAD_FIELDS = ["n", "mean", "median", "q1", "q3", "iqr"]


class Spread(NamedTuple):
    """The distribution of a set of indexes (NaN where there is no value, ``n`` = 0)."""

    n: int
    mean: float
    median: float
    q1: float
    q3: float
    iqr: float


def spread(values) -> Spread:
    """Count, mean, median, Q1, Q3 and IQR = Q3 − Q1 of the values that are numbers."""
    x = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").astype("float64")
    x = x.dropna()
    if x.empty:
        return Spread(0, math.nan, math.nan, math.nan, math.nan, math.nan)
    q1, q3 = math.nan, math.nan
    if len(x) >= MIN_QUARTILE_UNITS:
        q1, q3 = float(x.quantile(0.25)), float(x.quantile(0.75))
    return Spread(len(x), float(x.mean()), float(x.median()), q1, q3, q3 - q1)


def spread_by(frame: pd.DataFrame, by: str, column: str = "index_pct") -> pd.DataFrame:
    """One row per value of ``by`` (sorted): ``by`` then ``SPREAD_FIELDS`` of ``column``."""
    rows = [
        {by: key, **spread(group)._asdict()} for key, group in frame.groupby(by, sort=True)[column]
    ]
    return pd.DataFrame(rows, columns=[by, *SPREAD_FIELDS]).astype({"n": "int64"})
