"""Declared corrections: applied with an audit trail, refused when stale or undocumented."""

from __future__ import annotations

import pytest

from parlib import ingest, score
from parlib.config.dataset import load_dataset
from parlib.core.errors import DataError

from .conftest import write

HEADER = "year,table,unit_id,criterion,column,old_value,new_value,source,reason\n"


def test_correction_is_applied_and_audited(tiny_raw):
    write(
        tiny_raw / "tiny" / "corrections.csv",
        HEADER + '2024,scores,a,1.2,appraised_score,3,"3,5",council minutes 7,typed 3 for 3.5\n',
    )
    inputs = ingest.load_year(load_dataset("tiny", tiny_raw), 2024)
    audit = inputs.corrections.iloc[0]
    assert (audit["unit_id"], audit["criterion"], audit["old_value"], audit["new_value"]) == (
        "a",
        "1.2",
        "3",
        "3,5",
    )
    assert audit["row"] == 3 and audit["source"] == "council minutes 7"
    unit = score.compute(inputs).unit_index.set_index("unit_id")
    # a: 6 + 3.5 + 4 + 4 = 17.5 of 20
    assert unit.loc["a", "index_pct"] == 87.5


def test_correction_for_another_year_is_ignored(tiny_raw):
    write(
        tiny_raw / "tiny" / "corrections.csv",
        HEADER + "2023,scores,a,1.2,appraised_score,3,4,minutes,reason\n",
    )
    inputs = ingest.load_year(load_dataset("tiny", tiny_raw), 2024)
    assert inputs.corrections.empty


def test_framework_correction(tiny_raw):
    write(
        tiny_raw / "tiny" / "corrections.csv",
        HEADER + ",framework,,1,name_vi,Lĩnh vực một,Lĩnh vực thứ nhất,QĐ x,name as published\n",
    )
    inputs = ingest.load_year(load_dataset("tiny", tiny_raw), 2024)
    fw = inputs.framework.set_index("code")
    assert fw.loc["1", "name_vi"] == "Lĩnh vực thứ nhất"


@pytest.mark.parametrize(
    "row, check",
    [
        ("2024,scores,a,1.2,appraised_score,2,3,minutes,reason\n", "correction_stale"),
        ("2024,scores,zz,1.2,appraised_score,3,4,minutes,reason\n", "correction_no_row"),
        ("2024,scores,a,1.2,no_such_column,3,4,minutes,reason\n", "correction_no_column"),
        ("2024,scores,a,1.2,appraised_score,3,4,,\n", "correction_undocumented"),
        ("2024,nowhere,a,1.2,appraised_score,3,4,minutes,reason\n", "correction_bad_table"),
    ],
)
def test_bad_corrections_are_refused(tiny_raw, row, check):
    write(tiny_raw / "tiny" / "corrections.csv", HEADER + row)
    with pytest.raises(DataError) as err:
        ingest.load_year(load_dataset("tiny", tiny_raw), 2024)
    assert [p.check for p in err.value.problems] == [check]
    assert err.value.problems[0].file.endswith("corrections.csv")


def test_shipped_synthetic_corrections_apply():
    inputs = ingest.load_year(load_dataset("synthetic-province"), 2023)
    assert len(inputs.corrections) == 2
    assert all("SYNTHETIC" in s for s in inputs.corrections["source"])
