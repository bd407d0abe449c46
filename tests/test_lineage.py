"""Units over time in the real national dataset (``data/raw/vn-national``): the registry's validity
dates, the 63 → 34 provinces of 1 July 2025, Huế's change of status, the ministries of 1 March 2025,
lineage events read and checked, and the series-break sentences (no merged index without a declared
``lineage_method``)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from parlib.core.errors import DataError
from parlib.history import breaks
from parlib.history.lineage import load_lineage

from .conftest import ROOT, write

DATASET = ROOT / "data" / "raw" / "vn-national"


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return pd.read_csv(DATASET / "units.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def declared():
    return load_lineage(SimpleNamespace(folder=DATASET))


def valid_on(units: pd.DataFrame, day: str, kind: str) -> set[str]:
    """Ids of the units of ``kind`` valid on the ISO ``day``."""
    rows = units[units["kind"] == kind]
    ok = ((rows["valid_from"] == "") | (rows["valid_from"] <= day)) & (
        (rows["valid_to"] == "") | (rows["valid_to"] >= day)
    )
    return set(rows.loc[ok, "unit_id"])


def test_63_provinces_until_30_june_2025_and_34_from_1_july(units):
    assert len(valid_on(units, "2024-12-31", "province")) == 63
    assert len(valid_on(units, "2025-06-30", "province")) == 63  # Huế replaced Thừa Thiên Huế
    after = valid_on(units, "2025-07-01", "province")
    assert len(after) == 34
    assert {"ha-noi", "quang-ninh", "hue", "tay-ninh-2025", "ho-chi-minh-2025"} <= after
    assert "long-an" not in after
    assert "thua-thien-hue" not in valid_on(units, "2025-01-01", "province")


def test_every_merger_ends_its_predecessors_the_day_before_it(units, declared):
    table = declared.table
    registry = units.set_index("unit_id")
    merged = table[(table["event"] == "merge") & (table["date"] == "2025-07-01")]
    assert len(merged) == 52 and merged["unit_id"].nunique() == 23
    assert (registry.loc[merged["predecessor_id"], "valid_to"] == "2025-06-30").all()
    assert (registry.loc[merged["unit_id"].unique(), "valid_from"] == "2025-07-01").all()
    tay_ninh = set(table.loc[table["unit_id"] == "tay-ninh-2025", "predecessor_name"])
    assert tay_ninh == {"Long An", "Tây Ninh"}


def test_the_province_mapping_agrees_with_vn_provinces(declared):
    """vn-provinces' lineage (the shared mapping) gives the same successor to every old province;
    Thừa Thiên Huế goes to Huế in both (here as a change of status on 1 January 2025)."""
    other = pd.read_csv(ROOT / "data/raw/vn-provinces/lineage.csv", dtype=str)
    moved = other[other["unit_id"] != other["predecessor_id"]]
    theirs = dict(zip(moved["predecessor_id"], moved["unit_id"]))
    provinces = declared.table[~declared.table["date"].eq("2025-03-01")]
    ours = dict(zip(provinces["predecessor_id"], provinces["unit_id"]))
    assert ours == theirs
    hue = declared.table[declared.table["unit_id"] == "hue"].iloc[0]
    assert (hue["event"], hue["date"]) == ("status_change", "2025-01-01")


def test_ministries_of_1_march_2025(units, declared):
    table = declared.table[declared.table["date"] == "2025-03-01"]
    got = {u: sorted(g["predecessor_id"]) for u, g in table.groupby("unit_id")}
    assert got == {
        "mae": ["mard", "monre"],
        "memr": ["cema"],
        "moc-2025": ["moc", "mot"],
        "mof-2025": ["mof", "mpi"],
        "moha-2025": ["moha", "molisa"],
        "most-2025": ["mic", "most"],
    }
    assert set(table.loc[table["unit_id"] == "memr", "event"]) == {"status_change"}
    assert "mpi" not in valid_on(units, "2025-03-01", "ministry")
    assert {"moj", "sbv", "mof-2025"} <= valid_on(units, "2025-03-01", "ministry")
    assert (table["source"].str.contains("176/2025/QH15")).all()


def test_every_lineage_row_has_a_source_an_event_and_a_date(declared):
    table = declared.table
    assert (table["source"].str.strip() != "").all()
    assert set(table["event"]) == {"merge", "status_change"}
    assert table["date"].isin(["2025-01-01", "2025-03-01", "2025-07-01"]).all()


def test_a_bad_event_or_date_is_refused_with_its_row(tmp_path):
    write(
        tmp_path / "lineage.csv",
        "unit_id,unit_name,predecessor_id,predecessor_name,from_year,source,event,date\n"
        "ab,AB,a,A,2025,x,merge,2025-07-01\n"
        "ab,AB,b,B,2025,x,fusion,2025-07-01\n"
        "cd,CD,c,C,2025,x,,1st July\n",
    )
    with pytest.raises(DataError) as caught:
        load_lineage(SimpleNamespace(folder=tmp_path))
    got = {(p.check, p.row, p.value) for p in caught.value.problems}
    assert got == {("lineage_bad_event", 3, "fusion"), ("lineage_bad_date", 4, "1st July")}


def test_an_old_lineage_without_event_or_date_means_a_merger_in_from_year(tmp_path):
    write(
        tmp_path / "lineage.csv",
        "unit_id,unit_name,predecessor_id,predecessor_name,from_year,source\n"
        "ab,AB,a,A,2025,x\nab,AB,b,B,2025,x\n",
    )
    found = breaks.events(load_lineage(SimpleNamespace(folder=tmp_path)))
    assert found[["unit_id", "event", "date", "year", "predecessors"]].to_dict("records") == [
        {"unit_id": "ab", "event": "merge", "date": "", "year": 2025, "predecessors": "A, B"}
    ]


def test_series_break_sentences_say_how_the_series_compare(declared):
    found = breaks.events(declared)
    assert len(found) == 23 + 1 + 6
    tay_ninh = found[found["unit_id"] == "tay-ninh-2025"].iloc[0]
    assert tay_ninh["predecessors"] == "Long An, Tây Ninh"
    assert tay_ninh["sentence_vi"].startswith("Ngắt chuỗi số liệu: từ 01/07/2025, Tây Ninh")
    assert "không tính chỉ số gộp" in tay_ninh["sentence_vi"]
    assert "no merged index is computed" in tay_ninh["sentence_en"]
    hue = found[found["unit_id"] == "hue"].iloc[0]
    assert "Thừa Thiên Huế" in hue["sentence_vi"] and "gộp" not in hue["sentence_vi"]
    assert list(breaks.unit_breaks(found, "long-an")["unit_id"]) == ["tay-ninh-2025"]
    assert set(breaks.between(found, 2024, 2025)["year"]) == {2025}
    assert breaks.between(found, 2023, 2024).empty


def test_a_merged_index_is_named_only_when_a_method_is_declared(tmp_path, declared):
    cfg = SimpleNamespace(folder=tmp_path)
    write(tmp_path / "dataset.toml", 'title_vi = "x"\n')
    assert breaks.lineage_method(cfg) is None
    write(tmp_path / "dataset.toml", 'lineage_method = "bình quân gia quyền theo dân số"\n')
    method = breaks.lineage_method(cfg)
    assert method == "bình quân gia quyền theo dân số"
    found = breaks.events(declared, method=method)
    row = found[found["unit_id"] == "tay-ninh-2025"].iloc[0]
    assert "phương pháp đã khai báo: bình quân gia quyền theo dân số" in row["sentence_vi"]
    assert "không tính chỉ số gộp" not in row["sentence_vi"]
    assert breaks.lineage_method(SimpleNamespace(folder=DATASET)) is None  # vn-national: none


def test_a_lineage_cycle_is_refused_with_its_row(tmp_path):
    """A → B → A (a typo that swaps a merger's ids) is refused; a unit named as its own
    predecessor (unchanged by the merger) is not a cycle."""
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "lineage.csv").write_text(
        "unit_id,unit_name,predecessor_id,predecessor_name,from_year,source\n"
        "b,B,a,A,2025,s\n"
        "a,A,b,B,2026,s\n"
        "c,C,c,C,2025,s\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        load_lineage(SimpleNamespace(folder=folder))
    found = [(p.check, p.unit_id, p.row) for p in err.value.problems]
    assert found == [("lineage_cycle", "a", 3), ("lineage_cycle", "b", 2)]


def test_a_lineage_date_the_calendar_lacks_is_refused(tmp_path):
    """2025-02-30 has the shape of a date but is none: refused like any unreadable date."""
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "lineage.csv").write_text(
        "unit_id,unit_name,predecessor_id,predecessor_name,from_year,source,event,date\n"
        "b,B,a,A,2025,s,merge,2025-02-30\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        load_lineage(SimpleNamespace(folder=folder))
    assert [(p.check, p.value) for p in err.value.problems] == [("lineage_bad_date", "2025-02-30")]
