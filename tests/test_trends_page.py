"""The trends page by block (issue #12): pure functions on small frames — a missing year is a gap,
never a line across it; a lineage event is marked at its date and flagged in its year; units are
named, never shown by id; Vietnamese sentences use decimal commas; at most ``MAX_LABELLED``
coloured lines and a legend of what is drawn — and one papermill run of ``07_trends`` on the real
``vn-national`` results (the 2025 break, the 2017/2018/2019/2022 methodology changes)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from parlib import ingest, score
from parlib.config.dataset import load_dataset
from parlib.core import paths
from parlib.history import breaks
from parlib.history.lineage import Lineage
from parlib.publish import history_plots
from parlib.publish import trends_events as te
from parlib.publish import trends_page as tp
from parlib.run import execute

from .conftest import ROOT, visible


def hist(rows: list[tuple]) -> pd.DataFrame:
    """History rows ``(year, unit_id, unit_name, index_pct)`` of one block, ranked per year."""
    out = pd.DataFrame(rows, columns=["year", "unit_id", "unit_name", "index_pct"])
    out["rank"] = out.groupby("year")["index_pct"].rank(ascending=False, method="min")
    out["rank"] = out["rank"].astype("Int64")
    return out.assign(block="provinces", source="published")


ROWS = hist(
    [
        (2020, "a", "Sở A", 80.5),
        (2021, "a", "Sở A", 82.25),
        (2023, "a", "Sở A", 90.0),  # no figure in 2022
        (2020, "b", "Sở B", 70.0),
        (2021, "b", "Sở B", 71.0),
        (2022, "b", "Sở B", 75.0),
        (2023, "b", "Sở B", 74.0),
        (2022, "c", "Sở C", 79.96),
    ]
)


def lineage_events(method: str | None = None) -> pd.DataFrame:
    """A merger of a and b into ab on 1 July 2025, as ``History.breaks()`` gives it."""
    table = pd.DataFrame(
        {
            "unit_id": ["ab", "ab"],
            "unit_name": ["Tỉnh AB", "Tỉnh AB"],
            "predecessor_id": ["a", "b"],
            "predecessor_name": ["Sở A", "Sở B"],
            "from_year": [2025, 2025],
            "source": ["test", "test"],
            "event": ["merge", "merge"],
            "date": ["2025-07-01", "2025-07-01"],
        }
    )
    return breaks.events(Lineage(table), ROWS, method)


def drawn_lines(fig) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every labelled Line2D of the figure's first axes: label → (x, y)."""
    ax = fig.axes[0]
    return {
        line.get_label(): (np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float))
        for line in ax.get_lines()
    }


def test_a_missing_year_is_a_gap_not_a_segment_across_it():
    wide = tp.series(ROWS)
    assert list(wide.index) == [2020, 2021, 2022, 2023]
    assert math.isnan(wide.loc[2022, "a"]) and wide.loc[2023, "a"] == 90.0
    fig, _ = history_plots.block_trend(ROWS, "vi", "t", ["a", "b"])
    x, y = drawn_lines(fig)["Sở A"]
    plt.close(fig)
    finite = x[~np.isnan(y)]
    assert list(finite) == [2020, 2021, 2023]
    # a segment is drawn between consecutive points of the data; none may span a missing year
    pairs = [
        (x0, x1) for x0, x1, y0, y1 in zip(x, x[1:], y, y[1:]) if not (np.isnan(y0) or np.isnan(y1))
    ]
    assert pairs and all(x1 - x0 == 1 for x0, x1 in pairs), pairs


def test_a_year_without_any_figure_in_the_block_is_a_gap_too():
    """Published tables missing a whole year (none found): the lines stop at it."""
    rows = ROWS[ROWS["year"] != 2022]
    assert list(tp.series(rows).index) == [2020, 2021, 2022, 2023]
    fig, _ = history_plots.block_trend(rows, "vi", "t", ["b"])
    x, y = drawn_lines(fig)["Sở B"]
    plt.close(fig)
    assert list(x) == [2020, 2021, 2022, 2023] and math.isnan(y[2])


def test_a_lone_year_between_gaps_is_still_drawn_as_a_marker():
    fig, _ = history_plots.block_trend(ROWS, "vi", "t", ["c"])
    line = next(ln for ln in fig.axes[0].get_lines() if ln.get_label() == "Sở C")
    plt.close(fig)
    assert line.get_marker() not in ("", "None", None)
    assert int(np.sum(~np.isnan(np.asarray(line.get_ydata(), float)))) == 1


def test_a_lineage_event_is_marked_at_its_date_and_flagged_in_its_year():
    found = lineage_events()
    assert list(found["year"]) == [2025]
    marks = te.event_marks(found, "vi")
    assert len(marks) == 1 and marks["x"].iloc[0] == pytest.approx(2025 + 181 / 365)
    assert marks["label"].iloc[0] == "01/07/2025: hợp nhất (1)"
    changes = [(2021, 2022, "QĐ 1 (01/01/2021)", "QĐ 876/QĐ-BNV (10/11/2022)")]
    methods = te.method_marks(changes)
    assert list(methods["x"]) == [2021.5] and list(methods["label"]) == ["QĐ 876/QĐ-BNV"]
    fig, _ = history_plots.block_trend(ROWS, "vi", "t", ["a"], methods=methods, events=marks)
    verticals = sorted(
        float(ln.get_xdata()[0])
        for ln in fig.axes[0].get_lines()
        if len(set(ln.get_xdata())) == 1 and len(ln.get_xdata()) == 2
    )
    plt.close(fig)
    assert verticals == [2021.5, pytest.approx(2025 + 181 / 365)]
    trend = pd.DataFrame(
        {
            "year": [2022, 2023],
            "n_units": [2, 2],
            "top_unit": ["Sở B", "Sở A"],
            "top_index": [79.96, 90.0],
            "bottom_unit": ["Sở B", "Sở B"],
            "bottom_index": [75.0, 74.0],
            "national_average": [np.nan, 85.5],
            "methodology": ["QĐ 876", "QĐ 876"],
            "methodology_changed": [True, False],
            "series_break": [False, False],
        }
    )
    table = tp.trend_table(trend, ROWS, found, "vi").set_index("year")
    assert table.loc[2025, "series_break"] == "có" and table.loc[2023, "series_break"] == "không"
    assert (
        table.loc[2022, "method_changed"] == "có"
        and table.loc[2025, "top_unit"] == "chưa có kết quả"
    )
    names = [c.name for c in tp.trend_columns("vi", table.reset_index())]
    assert "national_average" in names and "series_break" in names
    no_average = table.reset_index().assign(national_average=np.nan)
    assert "national_average" not in [c.name for c in tp.trend_columns("vi", no_average)]


def test_a_break_says_how_it_compares_with_decimal_commas_in_vietnamese():
    found = lineage_events()
    vi = te.break_table(found, ROWS, "vi")["sentence"].iloc[0]
    assert vi.startswith("Ngắt chuỗi số liệu: từ 01/07/2025, Tỉnh AB")
    assert "không tính chỉ số gộp" in vi
    assert "Sở A (2023: 90,00)" in vi and "Sở B (2023: 74,00)" in vi
    en = te.break_table(found, ROWS, "en")["sentence"].iloc[0]
    assert "Series break" in en and "Ngắt chuỗi" not in en  # the page's language only
    assert "Sở A (2023: 90.00)" in en
    declared = te.break_table(lineage_events("bình quân (khai báo)"), ROWS, "vi")["sentence"].iloc[
        0
    ]
    assert "phương pháp đã khai báo: bình quân (khai báo)" in declared


def test_the_vietnamese_trend_sentence_uses_decimal_commas():
    trend = pd.DataFrame(
        {
            "year": [2013, 2024],
            "n_units": [4, 2],
            "top_unit": ["Đà Nẵng", "Hải Phòng"],
            "top_index": [87.02, 96.17],
            "bottom_unit": ["Sơn La", "Hà Nội"],
            "bottom_index": [58.91, 92.57],
            "national_average": [77.56, 88.37],
        }
    )
    vi = " ".join(tp.trend_sentences(trend, "vi"))
    assert "Hải Phòng dẫn đầu khối với 96,17" in vi and "Hà Nội thấp nhất với 92,57" in vi
    assert "77,56 năm 2013, 88,37 năm 2024" in vi
    assert "96.17" not in vi and "88.37" not in vi
    assert "96.17" in " ".join(tp.trend_sentences(trend, "en"))
    assert tp.range_sentence(50, 100, 58.91, 96.17, "vi") == (
        "Trục tung từ 50 đến 100 (không bắt đầu từ 0); các giá trị từ 58,91 đến 96,17."
    )


def test_units_are_named_by_name_never_by_id():
    rows = pd.concat(
        [
            ROWS,
            hist([(2023, "x-2025", "Sở A", 60.0), (2023, "noname", "", 65.0)]),
        ],
        ignore_index=True,
    )
    rows.loc[rows["unit_id"] == "x-2025", "year"] = 2023
    names = tp.line_names(rows)
    assert names["b"] == "Sở B" and names["noname"] == "noname"  # the id only without a name
    assert names["a"] == "Sở A (2020–2023)" and names["x-2025"] == "Sở A (2023)"
    fig, _ = history_plots.block_trend(rows, "vi", "t", ["a", "b", "x-2025"])
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    plt.close(fig)
    assert "Sở B" in legend and not {"a", "b", "x-2025"} & set(legend)


def test_at_most_seven_units_are_labelled_and_the_legend_lists_only_what_is_drawn():
    many = hist(
        [
            (y, f"u{i}", f"Tỉnh {i}", 60 + i + (y - 2020) * (-1) ** i)
            for i in range(20)
            for y in (2020, 2021)
        ]
    )
    movers, a, b = tp.block_movers(many)
    assert (a, b) == (2020, 2021) and len(movers) == 20
    chosen = tp.labelled_units(many, movers)
    assert len(chosen) == tp.MAX_LABELLED
    assert chosen[:2] == ["u18", "u1"]  # 2021: u18 79 the top, u1 60 the bottom
    fig, (lo, hi) = history_plots.block_trend(many, "en", "t", chosen)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    plt.close(fig)
    assert len(legend) == tp.MAX_LABELLED + 3  # the units, the grey others, the IQR, the median
    assert "Other units (13)" in legend and "Median of the block (units with an index)" in legend
    assert "Interquartile range of the block (Q1–Q3)" in legend
    assert "National average (published)" not in legend  # none was published: none drawn
    assert "Methodology change" not in legend and "Series break (units changed)" not in legend
    assert (lo, hi) == (50.0, 100.0)


def test_the_y_axis_starts_at_zero_unless_every_value_is_high():
    assert tp.y_range([58.91, 96.17]) == (50.0, 100.0)
    assert tp.y_range([35.0, 96.0]) == (0.0, 100.0)
    assert tp.y_range([float("nan")]) == (0.0, 100.0)
    assert tp.range_sentence(0, 100, 35, 96, "en").startswith("The y axis runs from 0 to 100;")


def test_a_median_of_fewer_than_three_units_is_a_gap():
    med = tp.median_by_year(ROWS).set_index("year")
    assert med["median"].isna().all()  # at most 2 units a year
    three = pd.concat([ROWS, hist([(2021, "d", "Sở D", 90.0)])], ignore_index=True)
    assert tp.median_by_year(three).set_index("year").loc[2021, "median"] == 82.25


def test_movers_within_the_block_leave_out_units_whose_series_breaks():
    rows = hist(
        [
            (2024, "a", "A", 80.0),
            (2024, "b", "B", 70.0),
            (2025, "a", "A", 75.0),
            (2025, "b", "B", 85.0),
        ]
    )
    table = pd.DataFrame(
        {
            "unit_id": ["b"],
            "unit_name": ["B"],
            "predecessor_id": ["b-old"],
            "predecessor_name": ["B cũ"],
            "from_year": [2025],
            "source": ["test"],
            "event": ["rename"],
            "date": ["2025-01-01"],
        }
    )
    movers, _, _ = tp.block_movers(rows, breaks.events(Lineage(table)))
    assert list(movers["unit_id"]) == ["a"]
    assert set(tp.block_movers(rows)[0]["unit_id"]) == {"a", "b"}  # without the break: both


def test_an_event_without_results_joins_the_block_of_its_kind():
    found = pd.DataFrame(
        [
            {c: "" for c in breaks.EVENT_COLUMNS} | {"unit_id": "p", "year": 2025},
            {c: "" for c in breaks.EVENT_COLUMNS}
            | {"unit_id": "m", "year": 2025, "block": "ministries"},
        ]
    )
    units = pd.DataFrame({"unit_id": ["p", "m"], "kind": ["province", "ministry"]})
    assert list(te.block_events(found, "provinces", units, {"province"})["unit_id"]) == ["p"]
    assert list(te.block_events(found, "ministries", units, {"ministry"})["unit_id"]) == ["m"]


def test_blocks_come_in_the_order_the_dataset_declares_them():
    cfg = load_dataset("vn-national")
    assert tp.block_order(cfg, ["ministries", "provinces"]) == ["provinces", "ministries"]
    # in the page's language only: no English beside the Vietnamese name
    assert tp.block_title(cfg, "provinces") == "Khối tỉnh, thành phố trực thuộc trung ương"
    assert tp.block_title(cfg, "provinces", "en") == "Provinces and centrally-run cities"


@pytest.mark.slow
def test_the_national_trends_page_marks_the_2025_break_and_the_methodology_changes(tmp_path):
    """07_trends on the real published results: the history of every year built from its
    published figures (score.compute), then the page through papermill and the HTML export."""
    cfg = load_dataset("vn-national")
    history_root = tmp_path / "processed"
    for year in cfg.years:
        out = paths.year_dir(history_root, cfg.name, year)
        out.mkdir(parents=True)
        score.compute(ingest.load_year(cfg, year)).save(out)
    executed = tmp_path / "trends.ipynb"
    status, message = execute.run_notebook(
        ROOT / "notebooks" / "07_trends.ipynb",
        executed,
        {
            "dataset": "vn-national",
            "year": 2024,
            "lang": "vi",
            "processed_root": str(tmp_path / "staging"),
            "reports_root": str(tmp_path / "reports"),
            "history_root": str(history_root),
        },
    )
    assert status == "success", message
    text = visible(
        execute.export_html(executed, tmp_path / "trends.html", "trends").read_text("utf-8")
    )
    assert text.index("Khối tỉnh, thành phố trực thuộc trung ương") < text.index(
        "Khối bộ, cơ quan ngang bộ"
    )
    assert "01/07/2025: hợp nhất (23)" in text
    assert "63 trước 01/07/2025, 34 từ 01/07/2025" in text
    assert "01/03/2025: hợp nhất (5), thay đổi vị thế (1)" in text
    assert (
        "Ngắt chuỗi số liệu: từ 01/07/2025, Tây Ninh (hợp nhất; trước đó: Long An, Tây Ninh)"
        in text
    )
    assert "không tính chỉ số gộp" in text
    for year, decision in ((2017, "2948"), (2018, "2636"), (2019, "1150"), (2022, "876")):
        assert f"Từ năm {year}, QĐ {decision}/QĐ-BNV" in text, year
    assert "Hải Phòng dẫn đầu khối với 96,17" in text  # 2024, decimal comma
    assert "kien-giang" not in text and "tay-ninh-2025" not in text  # names, never ids
