"""Trends across years: movers, methodology changes, lineage-aware series, national benchmarks and
the conflicts between sources, on small tables worked by hand and on the shipped real data."""

from __future__ import annotations

import pandas as pd
import pytest

from parlib import history
from parlib.config.dataset import load_dataset
from parlib.core.errors import DataError
from parlib.history import breaks, lineage, trends
from parlib.history.lineage import Lineage, load_lineage

from .conftest import ROOT, TINY_TOML, write


def unit_table(rows):
    return pd.DataFrame(rows, columns=["unit_id", "unit_name", "index_pct", "rank"])


def test_movers_rank_change_is_positive_when_a_unit_moves_up():
    before = unit_table([("a", "A", 90.0, 1), ("b", "B", 80.0, 2), ("c", "C", 70.0, 3)])
    now = unit_table(
        [("a", "A", 75.0, 3), ("b", "B", 85.0, 1), ("c", "C", 80.0, 2), ("d", "D", 99.0, 1)]
    )  # d is new: not a mover
    moved = trends.movers(now, before).set_index("unit_id")
    assert set(moved.index) == {"a", "b", "c"}
    assert moved.loc["a", "rank_change"] == -2 and moved.loc["a", "index_change"] == -15.0
    assert moved.loc["b", "rank_change"] == 1 and moved.loc["b", "index_change"] == 5.0
    assert moved.loc["c", "rank_change"] == 1 and moved.loc["c", "index_change"] == 10.0
    # biggest move first (|−2|), then ties by the larger index change (c +10 before b +5)
    assert list(trends.movers(now, before)["unit_id"]) == ["a", "c", "b"]


@pytest.fixture
def two_methods(tmp_path):
    """A dataset with 2022 and 2023 under one decision and 2024 under another."""
    ds = tmp_path / "raw" / "tiny"
    write(ds / "units.csv", "unit_id,unit_name,kind\na,A,department\n")
    write(
        ds / "frameworks" / "tiny.csv",
        "code,name_vi,name_en,max_points,max_appraisal,max_survey\n1,X,X,10,10,0\n",
    )
    for year in (2022, 2023, 2024):
        write(
            ds / "scores" / f"{year}.csv",
            "unit_id,criterion,self_score,appraised_score,survey_score\n",
        )
    toml = TINY_TOML.replace(
        "[years.2024]",
        '[frameworks.other]\n    file = "frameworks/tiny.csv"\n'
        '    decision = "Other decision"\n\n    [years.2022]\n    framework = "tiny"\n'
        '    scores = "scores/2022.csv"\n\n    [years.2023]\n    framework = "tiny"\n'
        '    scores = "scores/2023.csv"\n\n    [years.2024]',
    )
    toml = toml.replace(
        '[years.2024]\n    framework = "tiny"', '[years.2024]\n    framework = "other"'
    )
    write(ds / "dataset.toml", toml)
    return load_dataset("tiny", tmp_path / "raw")


def test_methodology_changes_between_consecutive_years(two_methods):
    cfg = two_methods
    assert trends.previous_year(cfg, 2024) == 2023 and trends.previous_year(cfg, 2022) is None
    assert not trends.methodology_changed(cfg, 2022, 2023)
    assert trends.methodology_changed(cfg, 2023, 2024)
    assert trends.methodology_changes(cfg, [2022, 2023, 2024]) == [
        (2023, 2024, "Bộ tiêu chí thử nghiệm nhỏ", "Other decision")
    ]
    assert trends.methodology_changes(cfg, [2022, 2024]) == [
        (2022, 2024, "Bộ tiêu chí thử nghiệm nhỏ", "Other decision")
    ]
    assert trends.undeclared_years(cfg, [2019, 2022, 2023]) == [2019]


def test_history_skips_years_that_were_never_published(two_methods, tmp_path):
    cfg = two_methods
    processed = tmp_path / "processed"
    write(
        processed / "tiny" / "2022" / "unit_index.csv",
        "unit_id,unit_name,index_pct,rank,rank_of,band\na,A,80.5,1,1,\n",
    )
    current = pd.DataFrame(
        {
            "unit_id": ["a"],
            "unit_name": ["A"],
            "index_pct": [90.0],
            "rank": [1],
            "rank_of": [1],
            "band": [""],
        }
    )
    hist = trends.history(cfg, processed, current, 2024)  # 2023 missing: no error
    assert list(hist["year"]) == [2022, 2024]
    assert list(hist["index_pct"]) == [80.5, 90.0]
    assert list(hist["methodology"]) == ["Bộ tiêu chí thử nghiệm nhỏ", "Other decision"]
    assert trends.read_unit_index(processed, "tiny", 2023) is None


def test_history_step_gathers_the_years_and_the_movers(two_methods, tmp_path):
    cfg = two_methods
    processed = tmp_path / "processed"
    write(
        processed / "tiny" / "2022" / "unit_index.csv",
        "unit_id,unit_name,index_pct,rank,rank_of,band\na,A,80.5,1,2,\nb,B,70.0,2,2,\n",
    )
    write(
        processed / "tiny" / "2023" / "unit_index.csv",
        "unit_id,unit_name,index_pct,rank,rank_of,band\na,A,75.0,2,2,\nb,B,78.0,1,2,\n",
    )
    current = pd.DataFrame(
        {
            "unit_id": ["a", "b"],
            "unit_name": ["A", "B"],
            "index_pct": [90.0, 60.0],
            "rank": [1, 2],
            "rank_of": [2, 2],
            "band": ["", ""],
        }
    )
    past = history.gather(cfg, processed, 2024, current)
    assert list(past.table["year"]) == [2022, 2022, 2023, 2023, 2024, 2024]
    assert past.previous_year == 2023 and past.lineage is None and past.national is None
    moved = past.movers(current).set_index("unit_id")
    assert moved.loc["a", "rank_change"] == 1 and moved.loc["a", "index_change"] == 15.0
    assert moved.loc["b", "rank_change"] == -1 and moved.loc["b", "index_change"] == -18.0
    assert past.movers(current).equals(
        trends.movers(current, trends.read_unit_index(processed, "tiny", 2023))
    )
    assert list(past.unit_series("a")["index_pct"]) == [80.5, 75.0, 90.0]
    assert past.benchmark("a", "") is None and past.conflicts() is None
    # up to 2023: the 2024 results are not there yet, and 2022 is the year before
    earlier = history.gather(cfg, processed, 2023)
    assert set(earlier.table["year"]) == {2022, 2023} and earlier.previous_year == 2022
    # a previous year never published: no movers
    (processed / "tiny" / "2023" / "unit_index.csv").unlink()
    assert history.gather(cfg, processed, 2024, current).movers(current) is None
    # every published year, for the trends page
    assert set(history.gather(cfg, processed).table["year"]) == {2022}


LINEAGE = pd.DataFrame(
    [
        ("ab", "AB", "a", "A", 2025, "s"),
        ("ab", "AB", "b", "B", 2025, "s"),
        ("c", "C", "c", "C", 2025, "s"),
    ],
    columns=lineage.LINEAGE_COLUMNS,
)


def test_a_successor_shows_its_predecessors_as_separate_lines_never_averaged():
    hist = pd.DataFrame(
        [
            (2024, "a", "A", 80.0, 2, 3),
            (2024, "b", "B", 90.0, 1, 3),
            (2025, "ab", "AB", 85.0, 1, 2),
            (2024, "c", "C", 70.0, 3, 3),
            (2025, "c", "C", 75.0, 2, 2),
        ],
        columns=["year", "unit_id", "unit_name", "index_pct", "rank", "rank_of"],
    )
    declared = Lineage(LINEAGE)
    series = trends.unit_series("ab", hist, declared)
    got = {(r.line, r.year): r.index_pct for r in series.itertuples()}
    assert got == {("AB", 2025): 85.0, ("A", 2024): 80.0, ("B", 2024): 90.0}  # no 85 = mean(80, 90)
    assert set(trends.unit_series("c", hist, declared)["line"]) == {"C"}  # continues as one line
    assert declared.merged().to_dict("records") == [
        {"unit_id": "ab", "unit_name": "AB", "from_year": 2025, "predecessors": "A, B"}
    ]
    assert lineage.successor_sentence_data(declared, "a") == [("AB", 2025, "B")]
    assert lineage.successor_sentence_data(declared, "c") == []


def test_a_bad_lineage_is_refused_with_its_row(tmp_path):
    cfg = load_dataset(
        "tiny",
        _tiny_raw(
            tmp_path,
            "unit_id,unit_name,predecessor_id,predecessor_name,"
            "from_year,source\nab,AB,a,A,2025,s\nab,AB,,B,25,s\n",
        ),
    )
    with pytest.raises(DataError) as err:
        lineage.load_lineage(cfg)
    checks = {(p.check, p.row) for p in err.value.problems}
    assert checks == {("lineage_missing_id", 3), ("lineage_bad_year", 3)}


def _tiny_raw(tmp_path, lineage_text):
    raw = tmp_path / "raw"
    ds = raw / "tiny"
    write(ds / "dataset.toml", TINY_TOML)
    write(ds / "units.csv", "unit_id,unit_name,kind\na,A,department\n")
    write(
        ds / "frameworks" / "tiny.csv", "code,name_vi,name_en,max_points,max_appraisal,max_survey\n"
    )
    write(ds / "scores" / "2024.csv", "unit_id,criterion,self_score,appraised_score,survey_score\n")
    write(ds / "lineage.csv", lineage_text)
    return raw


NATIONAL = pd.DataFrame(
    [
        (2020, "x", "X", "province", "North", 90.0, 1, "", "u1"),
        (2020, "y", "Y", "province", "South", 80.0, 2, "", "u1"),
        (2020, "", "National average", "province_average", "", 82.0, pd.NA, "", "u1"),
        (2020, "", "Vùng South", "region_average", "South", 79.5, pd.NA, "", "u2"),
        (2021, "y", "Y", "province", "South", 81.0, 3, "", "u3"),
        (2021, "y", "Y", "province", "South", 81.5, 3, "", "u4"),
        (2021, "z", "Z", "province", "North", pd.NA, 1, "Conflicts with another page", "u5"),
        (2021, "w", "W", "province", "North", pd.NA, 1, "", "u6"),
    ],
    columns=trends.NATIONAL_COLUMNS,
).astype({"rank": "Int64"})


def test_conflicts_are_found_in_the_data_not_hard_coded():
    found = trends.conflicts(NATIONAL)
    kinds = sorted(zip(found["year"], found["unit_name"], found["kind"]))
    # names of a shared rank are listed in the file's order (Z before W)
    assert kinds == [
        (2021, "Y", "conflict_values"),
        (2021, "Z", "conflict_note"),
        (2021, "Z / W", "conflict_rank"),
    ]
    assert "81.0 / 81.5" in found.loc[found["kind"] == "conflict_values", "detail"].iloc[0]


def test_benchmark_sets_a_unit_against_the_national_and_regional_averages_and_the_top():
    bench = trends.benchmark(NATIONAL, "y", "South").set_index("year")
    assert bench.loc[2020, "index_pct"] == 80.0 and bench.loc[2020, "rank"] == 2
    assert bench.loc[2020, "national_average"] == 82.0 and bench.loc[2020, "region_average"] == 79.5
    assert bench.loc[2020, "top_unit"] == "X" and bench.loc[2020, "top_index"] == 90.0
    assert pd.isna(bench.loc[2021, "national_average"])


def test_shipped_vn_provinces_long_an_series_and_lineage():
    cfg = load_dataset("vn-provinces", ROOT / "data" / "raw")
    national = trends.load_national(cfg)
    series = trends.unit_series(
        "long-an", trends.history(cfg, ROOT / "nowhere"), load_lineage(cfg), national
    )
    published = series[series["source"] == "published"].set_index("year")
    # Long An's published figures (MoHA notice 338/BNV-CCHC; news.gov.vn; Báo Đầu tư; viet-jo)
    assert published.loc[2012, "index_pct"] == 79.96 and published.loc[2012, "rank"] == 20
    assert published.loc[2019, "index_pct"] == 84.33 and published.loc[2019, "rank"] == 5
    assert published.loc[2020, "index_pct"] == 86.25 and published.loc[2020, "rank"] == 7
    assert pd.isna(published.loc[2023, "index_pct"]) and published.loc[2023, "rank"] == 8
    # the 2025 merger: Long An and Tây Ninh make up the new Tây Ninh
    declared = load_lineage(cfg)
    assert lineage.successor_sentence_data(declared, "long-an") == [("Tây Ninh", 2025, "Tây Ninh")]
    assert declared.table["predecessor_id"].nunique() == 63
    assert declared.table["unit_id"].nunique() == 34
    found = trends.conflicts(national)
    quang_ninh = found[(found["year"] == 2018) & (found["unit_name"] == "Quảng Ninh")]
    assert len(quang_ninh) == 1 and "89.6" in quang_ninh["detail"].iloc[0]


# --- blocks, published-only years, series breaks (issue #12) --------------------------------------


def test_movers_are_within_the_block_and_a_unit_that_changed_block_is_not_one():
    before = pd.DataFrame(
        [("a", "A", 90.0, 1, "dept"), ("b", "B", 80.0, 2, "dept"), ("w", "W", 70.0, 1, "ward")],
        columns=["unit_id", "unit_name", "index_pct", "rank", "block"],
    )
    now = pd.DataFrame(
        [("a", "A", 85.0, 2, "dept"), ("b", "B", 88.0, 1, "dept"), ("w", "W", 95.0, 1, "dept")],
        columns=["unit_id", "unit_name", "index_pct", "rank", "block"],
    )  # w moved from the wards to the departments: its ranks are in different rankings
    moved = trends.movers(now, before)
    assert list(moved["unit_id"]) == ["b", "a"] and set(moved["block"]) == {"dept"}
    assert list(moved.columns[-1:]) == ["block"]
    assert moved.set_index("unit_id").loc["b", "rank_change"] == 1
    # without a block column, the same tables compare every unit (the old behaviour)
    flat = trends.movers(now.drop(columns="block"), before.drop(columns="block"))
    assert set(flat["unit_id"]) == {"a", "b", "w"} and "block" not in flat.columns


def test_history_keeps_the_block_and_the_published_source_of_a_year(two_methods, tmp_path):
    processed = tmp_path / "processed"
    write(
        processed / "tiny" / "2022" / "unit_index.csv",
        "unit_id,unit_name,index_pct,rank,rank_of,band\na,A,80.5,1,1,\n",
    )
    write(
        processed / "tiny" / "2023" / "unit_index.csv",
        "unit_id,unit_name,index_pct,rank,rank_of,band,block,source\na,A,81.0,1,1,,all,published\n",
    )
    hist = trends.history(two_methods, processed)
    assert list(hist["block"]) == ["all", "all"]
    assert list(hist["source"]) == ["computed", "published"]
    assert list(hist.columns) == trends.HISTORY_COLUMNS
    assert trends.year_methodology(two_methods, 2024) == "Other decision"
    assert trends.year_methodology(two_methods, 2024, "all") == "Other decision"


def test_national_trend_per_block_marks_methodology_changes_and_series_breaks(two_methods):
    hist = pd.DataFrame(
        [
            (2022, "a", "A", 80.0, 1, "all"),
            (2022, "b", "B", 70.0, 2, "all"),
            (2023, "a", "A", 82.0, 1, "all"),
            (2023, "b", "B", 75.0, 2, "all"),
            (2024, "ab", "AB", 85.0, 1, "all"),
        ],
        columns=["year", "unit_id", "unit_name", "index_pct", "rank", "block"],
    )
    declared = Lineage(
        pd.DataFrame(
            [
                ("ab", "AB", "a", "A", 2024, "s", "merge", "2024-01-01"),
                ("ab", "AB", "b", "B", 2024, "s", "merge", "2024-01-01"),
            ],
            columns=lineage.LINEAGE_COLUMNS + lineage.OPTIONAL_COLUMNS,
        )
    )
    found = breaks.events(declared, hist)
    assert list(found["block"]) == ["all"]
    trend = breaks.national_trend(two_methods, hist, None, found).set_index("year")
    assert list(trend["n_units"]) == [2, 2, 1]
    assert trend.loc[2023, "top_unit"] == "A" and trend.loc[2023, "bottom_unit"] == "B"
    assert list(trend["methodology_changed"]) == [False, False, True]
    assert list(trend["series_break"]) == [False, False, True]
    assert "từ 01/01/2024, AB" in trend.loc[2024, "break_note"]
    assert "không tính chỉ số gộp" in trend.loc[2024, "break_note"]
    assert trend["national_average"].isna().all()  # the tiny dataset publishes none
