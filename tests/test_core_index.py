"""The core index (appraised parts only) and a block's median and spread (issue #15, item 4).

Golden figures are real: Long An, PAR Index 2012, MoHA notice 338/BNV-CCHC (27/01/2014) quoted by
Long An People's Committee — appraised 49.50 (the eight printed area figures 8.75 + 4.50 + 9.75 +
6.5 + 5.75 + 3 + 5 + 6.25), survey 30.46, index 79.96 — on the area splits of QĐ 1294/QĐ-BNV
(appraisal maxima 9 + 7 + 10 + 6.5 + 10 + 3 + 8.5 + 7.5 = 61.5; see
``data/raw/vn-provinces/SOURCES.md``). Every expected value below is worked by hand from those
figures or from the small frames written here (comments give the arithmetic), never read back
from the code under test; quartiles on a real run are recomputed with ``statistics.quantiles``
(method ``inclusive``: the same linear interpolation, another implementation).
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import replace
from pathlib import Path

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import PolyCollection

from parlib import ingest, score, validate
from parlib.config.dataset import FrameworkConfig, load_dataset
from parlib.config.model import LEGACY_COMPONENTS, ComponentConfig
from parlib.publish import block_pages, chart_kit, export, history_plots, palette, views
from parlib.publish import profile_sections as ps
from parlib.publish import trends_page as tp
from parlib.score.spread import spread, spread_by
from tests.conftest import FirstRun
from tests.test_blocks_score import four_parts_inputs, make_inputs, published_rows, units_table
from tests.test_properties import points_tables

APPRAISED_2012 = 49.50  # the notice's appraised total = the eight printed area figures
APPRAISAL_MAXIMA_2012 = (9, 7, 10, 6.5, 10, 3, 8.5, 7.5)  # QĐ 1294's area splits: 61.5
CORE_2012 = 80.49  # 49.50 ÷ 61.5 × 100 = 80.4878… (on the notice's 62 points: 79.84)
INDEX_2012 = 79.96  # published


@pytest.fixture(scope="module")
def long_an():
    inputs = ingest.load_year(load_dataset("vn-provinces"), 2012)
    return inputs, score.compute(inputs)


def _row(results, unit: str) -> pd.Series:
    return results.unit_index.set_index("unit_id").loc[unit]


# --- the core index ------------------------------------------------------------------------------


def test_long_an_2012_core_index_from_the_published_appraised_parts(long_an):
    _, results = long_an
    row = _row(results, "long-an")
    assert row["core_points"] == pytest.approx(APPRAISED_2012, abs=1e-9)
    assert row["core_max"] == sum(APPRAISAL_MAXIMA_2012) == 61.5
    assert row["core_pct"] == CORE_2012
    assert row["index_pct"] == INDEX_2012  # the full index beside it, unchanged
    assert (row["core_rank"], row["core_rank_of"]) == (1, 1)
    # 62 points, as the notice prints the split, would give 79.84: not the leaves' 61.5
    assert round(APPRAISED_2012 / 62 * 100, 2) == 79.84 != row["core_pct"]


def test_survey_points_leave_the_core_index_unchanged(long_an):
    inputs, results = long_an
    scores = inputs.scores.copy()
    surveyed = scores["survey_score"].notna()
    scores.loc[surveyed, "survey_score"] = 0.0  # every survey point lost
    plain = replace(inputs, scores=scores, year=replace(inputs.year, prefer_published_totals=False))
    row = _row(score.compute(plain), "long-an")
    assert row["core_pct"] == CORE_2012 and row["core_points"] == APPRAISED_2012
    assert row["index_pct"] == 49.50  # (49.50 + 0) ÷ 100: the full index moved


def test_bonus_and_survey_move_the_index_but_not_the_core_index():
    before = _row(score.compute(four_parts_inputs()), "a")
    # a: appraisal 3 + 4 = 7 of 8 → core 87.50; index (7 + 1.5 + 1.5 − 1) ÷ 10 = 90.00
    assert (before["core_pct"], before["index_pct"]) == (87.5, 90.0)
    assert (before["core_points"], before["core_max"]) == (7, 8)
    inputs = four_parts_inputs()
    s = inputs.scores
    s.loc[s["unit_id"] == "a", "bonus_score"] = 0.0  # bonus 1.5 → 0
    after = _row(score.compute(inputs), "a")
    assert after["index_pct"] == 75.0 and after["core_pct"] == 87.5  # (7 + 1.5 − 1) ÷ 10
    s.loc[(s["unit_id"] == "a") & (s["criterion"] == "1.1"), "appraised_score"] = 4.0
    raised = _row(score.compute(inputs), "a")
    assert raised["core_pct"] == 100.0  # 8 of 8: an appraised point moves it


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 8).map(lambda q: q / 4), min_size=2, max_size=2),  # SIPAS 0–2
    st.lists(st.integers(0, 12).map(lambda q: q / 4), min_size=2, max_size=2),  # bonus 0–3
    st.lists(st.integers(0, 12).map(lambda q: q / 4), min_size=2, max_size=2),  # penalty 0–3
)
def test_survey_bonus_and_penalty_points_never_move_the_core_index(sipas, bonus, penalty):
    inputs = four_parts_inputs()
    s = inputs.scores
    for unit, a, b, c in zip(("a", "b"), sipas, bonus, penalty):
        mine = s["unit_id"] == unit
        s.loc[mine & (s["criterion"] == "2.1"), "sipas_score"] = a
        s.loc[mine & (s["criterion"] == "3.1"), "bonus_score"] = b
        s.loc[mine & (s["criterion"] == "3.2"), "penalty_score"] = c
    u = score.compute(inputs).unit_index.set_index("unit_id")
    # a: appraisal 7 of 8; b: 4 of 4 (criterion 1.2 did not arise), whatever the other parts
    assert u.loc["a", "core_pct"] == 87.5 and u.loc["b", "core_pct"] == 100.0
    assert list(u.loc[["b", "a"], "core_rank"]) == [1, 2]


@settings(max_examples=120, deadline=None)
@given(points_tables(), st.data())
def test_core_index_is_between_0_and_100_and_only_appraisal_rows_move_it(points, data):
    unit = score.core_index(score.aggregate(points, ["unit_id"]), LEGACY_COMPONENTS, 2)
    core = unit["core_pct"].dropna()
    assert ((core >= 0) & (core <= 100)).all()
    # a unit with no applicable appraisal row has no core index, never 0
    assert unit.loc[unit["max_appraisal"] == 0, "core_pct"].isna().all()
    i = data.draw(st.integers(0, len(points) - 1))
    changed = points.copy()
    changed.loc[i, "points"] = data.draw(st.sampled_from([0.0, changed.loc[i, "max_points"]]))
    after = score.core_index(score.aggregate(changed, ["unit_id"]), LEGACY_COMPONENTS, 2)
    if points.loc[i, "component"] == "survey" or not points.loc[i, "applicable"]:
        pd.testing.assert_series_equal(after["core_pct"], unit["core_pct"])
    else:  # an appraised row: more points never lower the unit's core index, fewer never raise it
        mine = unit["unit_id"] == points.loc[i, "unit_id"]
        now, then = after.loc[mine, "core_pct"].iloc[0], unit.loc[mine, "core_pct"].iloc[0]
        up = changed.loc[i, "points"] >= points.loc[i, "points"]
        assert now >= then if up else now <= then


def test_a_published_only_year_has_no_core_index_even_with_printed_parts():
    parts = (
        ComponentConfig("appraisal", "assessed", "Thẩm định", "Appraisal", 62),
        ComponentConfig("survey", "measured", "Điều tra", "Survey", 38),
    )
    inputs = make_inputs(
        {"nat": FrameworkConfig("nat", None, "Công bố", components=parts)},
        pd.DataFrame({"code": [], "is_leaf": [], "area": []}),
        units_table([("long-an", "province")]),
        pd.DataFrame({"unit_id": [], "criterion": []}),
        published=published_rows(
            [
                ("long-an", "appraised_total", 49.50),
                ("long-an", "survey_total", 30.46),
                ("long-an", "index_pct", 79.96),
            ]
        ),
        score_file=None,
    )
    row = _row(score.compute(inputs), "long-an")
    assert row["index_pct"] == 79.96 and row["appraised_points"] == 49.50
    assert all(pd.isna(row[c]) for c in ("core_points", "core_max", "core_pct", "core_rank"))


def test_the_result_suite_stops_a_core_index_outside_0_100():
    results = score.compute(four_parts_inputs())
    assert validate.validate_results(results).success
    results.unit_index.loc[0, "core_pct"] = 101.0
    found = validate.validate_results(results).problems
    assert [p.check for p in found if p.severity == "critical"] == ["core_index_out_of_range"]


def test_the_core_columns_are_saved_read_back_and_exported_with_both_headers(long_an, tmp_path):
    _, results = long_an
    results.save(tmp_path)
    back = score.load_table(tmp_path, "unit_index").set_index("unit_id").loc["long-an"]
    assert back["core_pct"] == CORE_2012 and back["core_rank"] == 1
    prov = {"dataset": "vn-provinces", "year": 2012, "inputs": [], "parameters": {}}
    for lang, header in (("vi", "Chỉ số lõi (%)"), ("en", "Core index (%)")):
        book = openpyxl.load_workbook(
            export.write_workbook(tmp_path, tmp_path / f"r.{lang}.xlsx", lang, {**prov})
        )
        sheet = book[book.sheetnames[0]]
        values = list(sheet.iter_rows(values_only=True))
        assert values[1][list(values[0]).index(header)] == CORE_2012
        columns = {
            r[1]: (r[2], r[3]) for r in book[book.sheetnames[-1]].iter_rows(values_only=True)
        }
        assert columns["core_pct"] == (header, "Core index (%)")
        assert columns["core_rank"][1] == "Rank by core index"


# --- median and spread ---------------------------------------------------------------------------


def test_quartiles_by_linear_interpolation_on_a_small_frame():
    # 1…8: Q1 at (8 − 1) × 0.25 = 1.75 → 2 + 0.75 = 2.75; median 4.5; Q3 at 5.25 → 6.25; IQR 3.5
    s = spread([8, 1, 7, 2, np.nan, 6, 3, 5, 4])
    assert s == (8, 4.5, 4.5, 2.75, 6.25, 3.5)
    # five units 98, 97, 90, 85, 60: Q1 at position 1 → 85, Q3 at position 3 → 97, IQR 12
    assert spread([98, 97, 90, 85, 60])[1:] == (86.0, 90.0, 85.0, 97.0, 12.0)
    three = spread([70, 80, 90])  # a quartile of three values is not given
    assert three.median == 80 and math.isnan(three.q1) and math.isnan(three.iqr)
    assert spread([np.nan]).n == 0 and math.isnan(spread([]).mean)
    frame = pd.DataFrame({"year": [2024] * 4 + [2023] * 4, "index_pct": [60, 85, 90, 97] * 2})
    by = spread_by(frame, "year").set_index("year")
    assert list(by.index) == [2023, 2024]
    # 60, 85, 90, 97: Q1 at 0.75 → 60 + 0.75 × 25 = 78.75; Q3 at 2.25 → 90 + 0.25 × 7 = 91.75
    assert tuple(by.loc[2024, ["q1", "q3", "iqr"]]) == (78.75, 91.75, 13.0)


def _block(values: list[float], source: str = "computed") -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(n)],
            "unit_name": [f"U{i}" for i in range(n)],
            "index_pct": values,
            "rank": pd.array(range(1, n + 1), dtype="Int64"),
            "source": source,
            "band": "",
        }
    )


def test_key_figures_give_mean_median_quartiles_and_iqr_together():
    html = block_pages.key_figures_html(_block([98, 97, 90, 85, 60]), "vi")
    cells = dict(re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", html))
    assert cells["Chỉ số trung bình"] == "86,00" and cells["Chỉ số trung vị"] == "90,00"
    assert cells["Tứ phân vị thứ nhất – thứ ba (Q1–Q3)"] == "85,00–97,00"
    assert cells["Khoảng tứ phân vị (IQR = Q3 − Q1)"] == "12,00"
    printed = block_pages.key_figures_html(_block([98, 97, 90, np.nan, 60], "published"), "en")
    assert "First – third quartile (4 units with published figures)" in printed
    assert "Mean index (4 units with published figures)" in printed
    small = block_pages.key_figures_html(_block([90, 80, 70]), "en")
    assert "Median index" in small and "quartile" not in small  # three units: no quartiles


def test_the_profile_key_figures_show_the_core_index_and_its_rank():
    row = {"core_pct": 80.49, "core_rank": 2, "core_rank_of": 5}
    assert ps.core_items(row, "vi") == [
        ("Chỉ số lõi (%)", "80,49"),
        ("Hạng theo chỉ số lõi", "2/5"),
    ]
    assert ps.core_items({**row, "core_rank_of": 1}, "en") == [("Core index (%)", "80.49")]
    assert ps.core_items({"core_pct": float("nan")}, "vi") == []  # published only: nothing


# --- the trends chart ----------------------------------------------------------------------------


def _rows(per_year: int) -> pd.DataFrame:
    values = {2022: [60.0, 70.0, 80.0, 90.0, 95.0], 2023: [62.0, 72.0, 75.0, 88.0, 99.0]}
    return pd.DataFrame(
        [
            (y, f"u{i}", f"Sở {i}", v)
            for y, vs in values.items()
            for i, v in enumerate(vs[:per_year])
        ],
        columns=["year", "unit_id", "unit_name", "index_pct"],
    ).assign(block="all", source="computed", rank=1)


def test_the_trends_chart_shades_the_iqr_with_its_legend_entry_and_alt_text():
    rows = _rows(5)
    fig, _ = history_plots.block_trend(rows, "vi", "t", ["u0"])
    ax = fig.axes[0]
    bands = [c for c in ax.collections if c.get_label() == "Khoảng tứ phân vị của khối (Q1–Q3)"]
    assert len(bands) == 1 and isinstance(bands[0], PolyCollection)
    assert mcolors.to_hex(bands[0].get_facecolor()[0]) == palette.SPREAD.lower()
    # 2022: 60, 70, 80, 90, 95 → Q1 70, Q3 90; 2023: 62, 72, 75, 88, 99 → Q1 72, Q3 88
    ys = {round(float(y), 6) for _, y in bands[0].get_paths()[0].vertices}
    assert {70.0, 90.0, 72.0, 88.0} <= ys and max(ys) <= 90.0 and min(ys) >= 70.0 - 1e-9
    legend = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert "Khoảng tứ phân vị của khối (Q1–Q3)" in legend
    assert "Trung vị của khối (các đơn vị có chỉ số)" in legend
    assert "khoảng tứ phân vị của khối; năm 2023 từ 72,00 đến 88,00" in chart_kit.alt_text(
        fig, "vi"
    )
    assert "khoảng tứ phân vị" in tp.chart_reading(None, None, "vi", tp.draws_band(rows))
    plt.close(fig)


def test_no_band_and_no_legend_entry_with_fewer_than_four_units_a_year():
    rows = _rows(3)
    fig, _ = history_plots.block_trend(rows, "en", "t", ["u0"])
    legend = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert "Interquartile range of the block (Q1–Q3)" not in legend
    assert not [c for c in fig.axes[0].collections if "quartile" in c.get_label()]
    assert "interquartile" not in chart_kit.alt_text(fig, "en")
    assert not tp.draws_band(rows)
    assert "shaded" not in tp.chart_reading(None, None, "en", tp.draws_band(rows))
    plt.close(fig)


def test_the_spread_table_gives_median_and_iqr_per_year():
    table = tp.spread_table(_rows(5)).set_index("year")
    assert list(table.index) == [2022, 2023]
    assert tuple(table.loc[2022, ["n", "median", "q1", "q3", "iqr"]]) == (5, 80.0, 70.0, 90.0, 20.0)
    assert tuple(table.loc[2023, ["mean", "median", "iqr"]]) == (79.2, 75.0, 16.0)
    headers = [c.label for c in tp.spread_columns("vi")]
    assert "Khoảng tứ phân vị (IQR)" in headers and "Trung vị" in headers


# --- a real run ----------------------------------------------------------------------------------


def _text(path: Path) -> str:
    """What a reader sees of the page, its white space collapsed (a table row reads "th td")."""
    text = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ")
    return " ".join(text.split())


@pytest.mark.slow
def test_the_overview_of_a_run_gives_medians_quartiles_and_the_core_index(first_run: FirstRun):
    project = first_run.project
    units = score.load_table(project / "data/processed/synthetic-province/2024", "unit_index")
    values = sorted(units["index_pct"].dropna())
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    folder = project / "reports" / "synthetic-province" / "2024"
    vi, en = _text(folder / "05_report.html"), _text(folder / "05_report.en.html")

    def vi_number(x: float) -> str:
        return f"{x:.2f}".replace(".", ",")

    assert f"Chỉ số trung vị {vi_number(median)}" in vi
    assert f"Tứ phân vị thứ nhất – thứ ba (Q1–Q3) {vi_number(q1)}–{vi_number(q3)}" in vi
    assert f"Khoảng tứ phân vị (IQR = Q3 − Q1) {vi_number(q3 - q1)}" in vi
    assert f"Interquartile range (IQR = Q3 − Q1) {q3 - q1:.2f}" in en
    # the core index beside the index: appraised ÷ its applicable maximum, from the saved columns
    core = (units["appraised_points"] / units["max_appraisal"] * 100).round(2)
    assert core.sub(units["core_pct"]).abs().max() < 0.0051
    assert "Chỉ số lõi (%)" in vi and "Core index (%)" in en
    best = units.sort_values("core_pct", ascending=False).iloc[0]
    assert vi_number(best["core_pct"]) in vi
    profile = _text(folder / "units" / views.unit_file(best["unit_id"]))
    assert f"Chỉ số lõi (%) {vi_number(best['core_pct'])}" in profile
