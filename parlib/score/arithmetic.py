"""Arithmetic: the rules every figure follows — index = achieved ÷ applicable maximum × 100, half-up
rounding, competition ranks (ties share a rank), rating bands, and the rounding tolerance between a
printed total and its printed parts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def index_pct(achieved, maximum):
    """achieved ÷ maximum × 100; NaN where the maximum is 0 (nothing applicable)."""
    achieved = np.asarray(achieved, dtype="float64")
    maximum = np.asarray(maximum, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(maximum > 0, achieved / maximum * 100.0, np.nan)


def round_half_up(values, decimals: int):
    """Round half away from zero, as published tables (spreadsheet ROUND) do: 79.965 → 79.97.

    numpy and Python round halves to even on the binary value, which can differ from the printed
    figure by one in the last place. A tiny epsilon absorbs binary noise (79.965 is 79.96499…).
    """
    x = np.asarray(values, dtype="float64")
    scale = 10.0**decimals
    out = np.sign(x) * np.floor(np.abs(x) * scale + 0.5 + 1e-9) / scale
    return pd.Series(out, index=values.index) if isinstance(values, pd.Series) else out


def rank_desc(values: pd.Series) -> pd.Series:
    """1 = highest; ties share the best rank (1, 2, 2, 4); NaN stays unranked."""
    return values.rank(ascending=False, method="min").astype("Int64")


def assign_bands(index: pd.Series, bands: pd.DataFrame) -> pd.Series:
    """Band label for each index: ``lower_pct`` ≤ index < ``upper_pct``; empty bound = unbounded."""
    out = pd.Series("", index=index.index, dtype="str")
    for band in bands.itertuples():
        lower = -np.inf if pd.isna(band.lower_pct) else band.lower_pct
        upper = np.inf if pd.isna(band.upper_pct) else band.upper_pct
        out[(index >= lower) & (index < upper) & (out == "")] = band.band
    return out


def rounding_tolerance(n_parts: int, decimals: int) -> float:
    """Largest gap between a total printed to ``decimals`` and the sum of ``n_parts`` printed parts.

    Each printed figure is within ½·10⁻ᵈ of its true value: n parts plus the total itself.
    """
    return (n_parts + 1) * 0.5 * 10.0 ** (-decimals)


def bounded_index(achieved, maximum, cap: float | None = None, floor: bool = False):
    """``index_pct`` then at most ``cap`` (bonus points may not lift an index above it) and, with
    ``floor``, at least 0 (penalty points may not take it below); NaN stays NaN."""
    out = index_pct(achieved, maximum)
    if cap is not None:
        out = np.minimum(out, float(cap))
    if floor:
        out = np.maximum(out, 0.0)
    return out
