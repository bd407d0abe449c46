"""Distinct rows: a row-wise expectation decides each row from that row's values in the columns it
names, so Great Expectations can judge each distinct combination once and its verdict be carried back
to every row holding it (``reduce_rows``); equality-only expectations are judged on integer codes.

In: a frame's columns (and the integer codes already computed for some of them, ``Codes``). Out:
the reduced frame GX judges and the map from its rows back to the full frame's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

Codes = tuple[np.ndarray, object]  # pd.factorize(series, use_na_sentinel=False): codes, uniques


def factorize(series: pd.Series) -> Codes:
    """Codes in order of first appearance; missing values get a code of their own."""
    return pd.factorize(series, use_na_sentinel=False)


ROW_WISE = frozenset(
    {
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_be_between",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_match_regex",
        "expect_column_values_to_match_regex_list",
        "expect_column_values_to_not_match_regex_list",
        "expect_column_values_to_be_of_type",
        "expect_column_values_to_be_in_type_list",
        "expect_column_value_lengths_to_be_between",
        "expect_column_value_lengths_to_equal",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_column_pair_values_to_be_equal",
        "expect_column_pair_values_to_be_in_set",
        "expect_multicolumn_sum_to_equal",
        "expect_select_column_values_to_be_unique_within_record",
    }
)


SCHEMA = frozenset({"expect_column_to_exist"})  # depends on the columns present, not on the rows


def expectation_columns(kwargs: dict) -> list[str]:
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    return cols + list(kwargs.get("column_list", []))


def row_wise(expectation: dict) -> bool:
    kwargs = expectation.get("kwargs", {})
    if kwargs.get("row_condition") or kwargs.get("mostly", 1) != 1:
        return False
    if expectation["type"] in SCHEMA:
        return "column_index" not in kwargs
    return expectation["type"] in ROW_WISE


def _value_codes(series: pd.Series, codes: Codes | None) -> tuple[np.ndarray, int, bool]:
    """One integer per row, equal exactly where the values are (in object columns, and their types:
    pandas takes ``1``, ``1.0`` and ``True`` for one value, and ``None`` and ``NaN``); how many
    integers there can be; and whether they are numbered 0, 1, … in order of first appearance."""
    if series.dtype == bool:
        values = series.to_numpy()
        if not len(values):
            return values.astype("int64"), 1, True
        other = values != values[0]
        return other.view(np.int8), 2 if other.any() else 1, True  # 0 and 1 as small integers
    found, uniques = codes if codes is not None else factorize(series)
    found, n = found.astype("int64", copy=False), max(len(uniques), 1)
    if series.dtype != object:
        return found, n, True
    kinds, kind_uniques = pd.factorize(np.array([type(v).__name__ for v in series], dtype=object))
    return found * max(len(kind_uniques), 1) + kinds, n * max(len(kind_uniques), 1), False


def _groups(
    data: pd.DataFrame, columns: list[str], codes: Mapping[str, Codes]
) -> tuple[np.ndarray, int]:
    """Group id per row, 0, 1, … numbering the distinct value combinations in order of
    appearance; and the number of groups."""
    if len(columns) == 1:
        found, n, in_order = _value_codes(data[columns[0]], codes.get(columns[0]))
        if in_order:
            return found, n
    key, size = np.zeros(len(data), dtype="int64"), 1
    for col in columns:
        found, n, _ = _value_codes(data[col], codes.get(col))
        if size * n >= 2**62:
            key, uniques = pd.factorize(key)
            size = max(len(uniques), 1)
        key, size = key * n + found, size * n
    ids, uniques = pd.factorize(key)
    return ids.astype("int64", copy=False), len(uniques)


def _firsts(ids: np.ndarray, count: int) -> np.ndarray:
    """Position of each group's first row (``ids`` numbered in order of appearance, ``count``
    groups): where the running maximum rises."""
    if not len(ids):
        return np.zeros(0, dtype="int64")
    if count <= 2:  # one group, or two: the second starts at the first 1
        return np.array([0, int(np.argmax(ids))][:count], dtype="int64")
    top = np.maximum.accumulate(ids)
    rises = np.empty(len(ids), dtype=bool)
    rises[0] = True
    np.greater(top[1:], top[:-1], out=rises[1:])
    return np.flatnonzero(rises)


@dataclass
class Reduced:
    """What GX sees of a frame for the row-wise part of a suite. Columns that an expectation names
    together form a component; each component contributes its distinct rows, side by side with the
    others', padded to the longest by repeating its first distinct row. ``groups[column]`` maps every
    row of the full frame to the reduced row holding its values; ``sizes[column]`` is the number of
    distinct rows of its component."""

    data: pd.DataFrame
    groups: dict[str, np.ndarray]
    sizes: dict[str, int]

    def rows(self, columns: list[str], failing: list) -> np.ndarray:
        """Positions in the full frame, in frame order, of the rows whose values failed."""
        col = next(c for c in columns if c in self.groups)
        size = self.sizes[col]
        bad = np.zeros(size, dtype=bool)
        bad[[i for i in failing if i < size]] = True  # padding repeats row 0
        return np.flatnonzero(bad[self.groups[col]])


def _components(columns: list[str], expectations: list[dict]) -> tuple[list[list[str]], set[str]]:
    """Columns named together by an expectation, joined (union-find); and the columns whose only
    expectation is that they exist."""
    parent = {c: c for c in columns}

    def root(c):
        while parent[c] != c:
            c = parent[c]
        return c

    schema_only = set(columns)
    for e in expectations:
        cols = [c for c in expectation_columns(e.get("kwargs", {})) if c in parent]
        if e["type"] not in SCHEMA:
            schema_only -= set(cols)
        for c in cols[1:]:
            a, b = root(c), root(cols[0])
            if a != b:
                parent[a] = b
    components: dict[str, list[str]] = {}
    for c in columns:
        components.setdefault(root(c), []).append(c)
    return list(components.values()), schema_only


def reduce_rows(
    data: pd.DataFrame, expectations: list[dict], codes: Mapping[str, Codes] | None = None
) -> Reduced:
    """The distinct rows of each component of ``data`` for the row-wise ``expectations``.
    ``codes``: ``factorize`` of some of ``data``'s columns, computed once by the caller."""
    components, schema_only = _components(list(data.columns), expectations)
    firsts, groups, sizes = {}, {}, {}
    for cols in components:
        if all(c in schema_only for c in cols):  # only the column's presence is checked
            ids, count = np.zeros(len(data), dtype="int64"), 1
        else:
            ids, count = _groups(data, cols, codes or {})
        first = _firsts(ids, count)
        try:  # distinct rows sorted by value, so that equal data give an equal frame (and cache hit)
            order = (
                data[cols]
                .take(first)
                .reset_index(drop=True)
                .sort_values(cols, kind="mergesort", na_position="last")
                .index.to_numpy()
            )
        except TypeError:  # values of mixed types do not sort: keep the order of appearance
            order = np.arange(len(first))
        if not np.array_equal(order, np.arange(len(order))):  # renumber the groups in sorted order
            rank = np.empty(len(order), dtype="int64")
            rank[order] = np.arange(len(order))
            ids, first = rank[ids], first[order]
        for c in cols:
            firsts[c], groups[c], sizes[c] = first, ids, len(first)
    length = max(sizes.values(), default=0)
    columns = {}
    for c in data.columns:
        first = firsts[c]
        positions = np.concatenate([first, np.full(length - len(first), first[0], dtype="int64")])
        columns[c] = data[c].take(positions).reset_index(drop=True)
    return Reduced(pd.DataFrame(columns, index=pd.RangeIndex(length)), groups, sizes)


# Expectations that compare values only for equality (and nullness): GX judges them the same on
# integer codes of the values, which it compares many times faster than text.
EQUALITY_ONLY = frozenset(
    {
        "expect_column_values_to_be_unique",
        "expect_compound_columns_to_be_unique",
        "expect_column_unique_value_count_to_be_between",
        "expect_column_proportion_of_unique_values_to_be_between",
    }
)


def equality_codes(data: pd.DataFrame, codes: Mapping[str, Codes] | None = None) -> pd.DataFrame:
    """Each column replaced by integer codes of its values (``pd.factorize``: equal values, as
    pandas' own duplicate checks see them, get equal codes); missing values stay missing."""
    columns = {}
    for col in data.columns:
        found, uniques = (codes or {}).get(col) or factorize(data[col])
        missing = np.asarray(pd.isna(uniques), dtype=bool)[found]
        columns[col] = np.where(missing, np.nan, found) if missing.any() else found.astype("int64")
    return pd.DataFrame(columns, index=data.index)


def gx_order(expectations: list[dict]) -> list[int]:
    """Rank of each expectation in the order GX reports a suite's results: grouped by the column
    named in ``column``, groups in order of first appearance (``Validator.process_expectations_for
    _validation``), then suite order."""
    groups: dict[str, list[int]] = {}
    for i, e in enumerate(expectations):
        column = e.get("kwargs", {}).get("column")
        groups.setdefault(column if isinstance(column, str) else "\0", []).append(i)
    order = [i for members in groups.values() for i in members]
    return [order.index(i) for i in range(len(expectations))]


def raised(res) -> bool:
    exc = res.exception_info or {}
    return bool(exc.get("raised_exception")) or any(
        isinstance(v, dict) and v.get("raised_exception") for v in exc.values()
    )
