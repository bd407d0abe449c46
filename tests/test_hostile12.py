"""Hostile inputs at the issue-12 boundary (blocks, parts, unit-specific criteria, published
parts) that were accepted in silence with a wrong result; the located refusals are in the malformed
corpus (cases 100-104), these pin the column rule itself."""

from __future__ import annotations

import pandas as pd

from parlib.ingest import parts


def test_a_vietnamese_points_header_of_no_declared_part_is_found():
    df = pd.DataFrame(
        {
            "source_row": [2, 3],
            "unit_id": ["a", "b"],
            "Điểm tác động": ["", "4,5"],
            "ghi chú": ["x", "y"],
            "sipas_score": ["1", "2"],
        }
    )
    found = parts.undeclared_parts(df, {"source_row", "unit_id", "sipas_score"})
    assert found == [("Điểm tác động", 3, 1, "4,5")]


def test_an_empty_undeclared_column_is_not_a_problem():
    df = pd.DataFrame({"source_row": [2], "impact_score": [""], "note_score": [None]})
    assert parts.undeclared_parts(df, {"source_row"}) == []
