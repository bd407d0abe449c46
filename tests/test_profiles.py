"""Unit profiles reviewers trust (issue #13 item 4): main points first, the change since last year,
the block's median, mean and best but never the unit itself, points deducted and added by
appraisal apart and the same everywhere, the unit's own flags, published ranks as printed, a
trend that hides no middle year, charts from zero with gaps — and the same content from the
one-unit notebook and from the one execution that renders every unit.

The results are computed here with the library (ingest → score → fairness, no notebook, no
validation suites) into a temporary folder, for the shipped datasets' years the checks need.
Speed is measured, not asserted (scripts/bench.py, the report of issue #13).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from parlib.config import provenance
from parlib.config.dataset import load_dataset
from parlib.core import paths
from parlib.fairness.parameters import FairnessParameters
from parlib.fairness.step import analyse
from parlib.ingest.inputs import load_year
from parlib.publish import caveats as cv
from parlib.publish import profile_detail, profile_doc, profile_sections, profile_svg, profile_trend
from parlib.run import execute
from parlib.score.compute import compute
from parlib.score.tables import load_table

ROOT = Path(__file__).resolve().parent.parent


def _build(processed: Path, dataset: str, years: list[int]) -> None:
    cfg = load_dataset(dataset, paths.raw_dir(ROOT))
    for year in years:
        out = paths.year_dir(processed, dataset, year)
        inputs = load_year(cfg, year)
        inputs.save(out)
        results = compute(inputs)
        results.save(out)
        if not cfg.year(year).published_only:
            analyse(results, cfg, year, FairnessParameters(mc_draws=20)).save(out)
        provenance.save(provenance.collect(cfg, year, {}), out)
        (out / "run.json").write_text("{}", encoding="utf-8")  # "published": the history reads it


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("profiles") / "processed"
    _build(root, "synthetic-province", [2022, 2023, 2024])
    _build(root, "vn-provinces", [2012])
    _build(root, "vn-national", [2014, 2015])
    return root


def _context(processed: Path, dataset: str, year: int, lang: str = "vi"):
    cfg = load_dataset(dataset, paths.raw_dir(ROOT))
    out = paths.year_dir(processed, dataset, year)
    source = SimpleNamespace(
        cfg=cfg,
        year=year,
        out=out,
        history_root=processed,
        parameters={"dataset": dataset, "year": year, "lang": lang},
        provenance=lambda: provenance.read(out),
    )
    return profile_doc.ProfileContext.load(source, lang)


def _text(fragment: str) -> str:
    soup = BeautifulSoup(fragment, "html.parser")
    for svg in soup.find_all("svg"):
        svg.decompose()
    return re.sub(r"\s+", " ", soup.get_text(" ", strip=True))


@pytest.fixture(scope="module")
def synthetic(processed):
    return _context(processed, "synthetic-province", 2024)


def test_the_leader_is_compared_with_the_runner_up_never_with_itself(synthetic):
    ctx = synthetic
    leader, runner = ctx.order[0], ctx.order[1]
    shown = _text(profile_detail.comparison(ctx, leader))
    assert "Đơn vị dẫn đầu" in shown and f"Xếp thứ hai: {ctx.name(runner)}" in shown
    assert f"Dẫn đầu khối: {ctx.name(leader)}" not in shown
    assert shown.count(ctx.name(leader)) == 1  # its own row only, no "leader: itself"
    other = ctx.order[10]
    shown = _text(profile_detail.comparison(ctx, other))
    assert f"Dẫn đầu khối: {ctx.name(leader)}" in shown
    assert "Trung vị khối" in shown and "Trung bình khối" in shown


def test_the_comparison_uses_the_block_median_mean_and_best(synthetic):
    ctx = synthetic
    unit = "so-noi-vu"
    block = ctx.block_of(unit)
    shown = _text(profile_detail.comparison(ctx, unit))
    assert f"trung vị khối ({profile_sections._n(block['median'], 'vi')}%)" in shown
    assert f"trung bình khối ({profile_sections._n(block['mean'], 'vi')}%)" in shown
    best = ctx.rows[ctx.order[0]]
    assert f"{ctx.name(ctx.order[0])} ({profile_sections._n(best['index_pct'], 'vi')}%)" in shown


def test_deducted_and_added_are_apart_and_the_same_in_the_key_figures_and_the_section(synthetic):
    ctx = synthetic
    for unit in ctx.order:
        deducted, added = ctx.appraisal[unit]
        row = ctx.rows[unit]
        # their difference is the net self − appraised of unit_index
        assert deducted - added == pytest.approx(
            row["self_points"] - row["appraised_points"], abs=1e-6
        )
        figures = {f["figure_item"]: f["value"] for f in profile_sections.key_figures(ctx, unit)}
        assert figures["Điểm bị trừ khi thẩm định"] == profile_sections._n(deducted, "vi")
        assert figures["Điểm được cộng khi thẩm định"] == profile_sections._n(added, "vi")
        section = _text(profile_detail.appraisal(ctx, unit))
        if deducted > 0:
            assert f"trừ {profile_sections._n(deducted, 'vi')} điểm" in section
        else:
            assert "không trừ điểm nào" in section
        if added > 0:
            assert f"cộng {profile_sections._n(added, 'vi')} điểm" in section
        for shown in (
            figures["Điểm bị trừ khi thẩm định"],
            figures["Điểm được cộng khi thẩm định"],
        ):
            assert not shown.startswith("-"), (unit, shown)  # never "-1,00", nor "-0,00"
    # a unit whose appraisal raised its points (unit_index: points_deducted −1,00)
    assert ctx.rows["xa-thanh-phu"]["points_deducted"] == pytest.approx(-1.0)
    page = _text(profile_doc.body(ctx, "xa-thanh-phu"))
    assert "-1,00" not in page and "Điểm thẩm định cao hơn điểm tự đánh giá 1,00 điểm" in page


def test_long_an_2012_shows_4_deducted_and_0_25_added_and_its_published_rank(processed):
    ctx = _context(processed, "vn-provinces", 2012)
    page = _text(profile_doc.body(ctx, "long-an"))
    assert ctx.appraisal["long-an"] == pytest.approx((4.0, 0.25))
    assert "Điểm bị trừ khi thẩm định 4,00" in page and "Điểm được cộng khi thẩm định 0,25" in page
    assert "trừ 4,00 điểm ở 2 tiêu chí; cộng 0,25 điểm ở 1 tiêu chí" in page
    assert "20/63" in page and "1/1" not in page  # the published rank, not a one-unit table's
    assert "không có đơn vị nào khác để so sánh" in page  # never "0,00 above the average"
    assert "79,96" in page


def test_a_published_only_year_shows_the_printed_rank(processed):
    ctx = _context(processed, "vn-national", 2015)
    headline = _text(profile_sections.headline(ctx, "dien-bien"))
    assert "xếp hạng 63/63 theo công bố" in headline
    assert "4/4" not in headline and "/4 " not in headline
    shown = _text(profile_detail.comparison(ctx, "dien-bien"))
    assert "không tính trung vị và trung bình khối" in shown
    assert "Không phân tích điểm bị trừ" in _text(profile_detail.appraisal(ctx, "dien-bien"))


def test_the_trend_and_the_change_do_not_hide_the_2023_middle_year(synthetic):
    ctx = synthetic
    trend = _text(profile_trend.trend(ctx, "so-noi-vu"))
    assert "2022 77,06% → 2023 88,02% → 2024 77,05%" in trend
    change = _text(profile_sections.change(ctx, "so-noi-vu"))
    assert "giảm 10,97 điểm phần trăm (88,02% → 77,05%)" in change
    assert "giảm 9 bậc (19/31 → 28/31)" in change
    body = profile_doc.body(ctx, "so-noi-vu")  # main points first: the change before the areas
    assert body.index("giảm 10,97") < body.index('id="areas"')


def test_a_long_series_names_its_high_and_low():
    values = {2012: 80.0, 2013: 85.0, 2014: 91.5, 2015: 70.25, 2016: 82.0, 2017: 83.0}
    text = profile_trend.trend_sentence(values, "vi")
    assert "cao nhất năm 2014 (91,50%)" in text and "thấp nhất năm 2015 (70,25%)" in text
    assert text.startswith("Chỉ số qua 6 năm: 2012 80,00% → 2017 83,00%")


def test_a_flagged_unit_shows_its_flag_and_an_unflagged_one_says_it_has_none(synthetic):
    ctx = synthetic
    flagged = profile_sections.caveats_box(ctx, "so-tai-chinh")
    assert "14,28" in flagged and "11,82" in flagged and 'data-caveats="1"' in flagged
    assert 'href="../04_fairness.html#survey-quality"' in flagged
    assert "Không có lưu ý riêng" in profile_sections.caveats_box(ctx, "phuong-binh-minh")


def test_the_profile_shows_the_caveats_it_is_given(synthetic, monkeypatch):
    """H3's ``caveats.collect`` will give them; here a hand-made one is shown, in English too."""
    ctx = synthetic
    made = cv.Caveat(
        "validation",
        "warning",
        "",
        "so-noi-vu",
        "Cảnh báo thử",
        "Test warning",
        "02_validate.html#problems",
    )
    monkeypatch.setattr(ctx, "caveats", [made])
    shown = profile_sections.caveats_box(ctx, "so-noi-vu")
    assert "Cảnh báo thử" in shown and 'href="../02_validate.html#problems"' in shown
    monkeypatch.setattr(ctx, "lang", "en")
    shown = profile_sections.caveats_box(ctx, "so-noi-vu")
    assert "Test warning" in shown and 'href="../02_validate.en.html#problems"' in shown


def test_like_for_like_peers_are_units_with_a_comparable_maximum(synthetic):
    ctx = synthetic
    group = ctx.peers["so-noi-vu"]
    maxima = [m["max_points"] for m in group["members"]]
    groups = load_table(ctx.out, "fairness_groups").set_index("unit_id")
    members = groups.loc[[m["unit_id"] for m in group["members"]]]
    assert len(maxima) > 1 and members["max_group"].nunique() == 1
    # within the tolerance, unless the group took in a unit left alone (the merge rule, no
    # group of one): then within the merged group's bounds
    if not members["max_group_merged"].any():
        assert max(maxima) - min(maxima) <= 5.0 + 1e-9
    assert (
        members["max_group_lo"].min() <= min(maxima) <= max(maxima) <= members["max_group_hi"].max()
    )
    shown = _text(profile_detail.peers(ctx, "so-noi-vu"))
    assert f"Trong {len(maxima)} đơn vị cùng khối có điểm tối đa áp dụng tương đương" in shown


def test_charts_start_at_zero_show_every_year_and_break_at_gaps():
    rows = [
        {"name": "Lĩnh vực một", "index_pct": 50.0, "median": 75.0},
        {"name": "Lĩnh vực hai", "index_pct": 100.0, "median": None},
    ]
    svg = profile_svg.areas(
        rows, "vi", "Tiêu đề", "Mô tả", "Đơn vị", "Trung vị khối", "không phát sinh"
    )
    x0 = profile_svg.AREA_LABEL_W + 10
    widths = [float(w) for w in re.findall(rf'<rect x="{x0}" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths[:2] == [profile_svg.AREA_PLOT_W / 2, profile_svg.AREA_PLOT_W]  # from zero
    assert "Lĩnh vực một" in svg and "<title" in svg and "<desc" in svg and "Trung vị khối" in svg
    trend = profile_svg.trend(
        [2020, 2021, 2022, 2023, 2024],
        {2020: (70.0, True), 2021: (72.0, True), 2023: (80.0, True), 2024: (81.0, True)},
        "vi",
        "Tiêu đề",
        "Mô tả",
        "Do sổ tay tính",
        "Theo công bố",
    )
    assert trend.count("<polyline") == 2  # no line across 2022
    assert all(f">{y}<" in trend for y in range(2020, 2025))  # every year on the axis
    assert "Do sổ tay tính" in trend and "Theo công bố" not in trend  # only drawn legend items


@pytest.mark.slow
def test_the_one_unit_notebook_and_the_one_execution_give_the_same_content(processed, tmp_path):
    """06_unit_profile through papermill and the runner's export, and 06_unit_profiles (every
    unit in one execution): the text of each page's <main> is the same."""
    cfg = load_dataset("synthetic-province", paths.raw_dir(ROOT))
    reports = tmp_path / "reports"
    params = {
        "dataset": "synthetic-province",
        "year": 2024,
        "lang": "vi",
        "raw_root": str(cfg.folder.parent),
        "processed_root": str(processed),
        "reports_root": str(reports),
        "history_root": str(processed),
    }
    status, message = execute.run_notebook(
        ROOT / "notebooks" / "06_unit_profiles.ipynb", tmp_path / "all.ipynb", params
    )
    assert status == "success", message
    for unit in ("so-tai-chinh", "phuong-binh-minh"):
        executed = tmp_path / f"{unit}.ipynb"
        status, message = execute.run_notebook(
            ROOT / "notebooks" / "06_unit_profile.ipynb", executed, {**params, "unit_id": unit}
        )
        assert status == "success", message
        one = execute.export_html(executed, tmp_path / f"{unit}.html", unit)
        many = reports / "synthetic-province" / "2024" / "units" / f"{unit}.html"

        def main(path: Path) -> str:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            for tag in soup.main.find_all(["style", "script"]):
                tag.decompose()
            return re.sub(r"\s+", " ", soup.main.get_text(" ", strip=True))

        assert main(one) == main(many)
        assert "Điểm chính" in main(many) and "Diễn biến qua các năm" in main(many)
