"""Reports for reviewers: text from data is escaped, profile links are safe, the unit profile's
figures are right on the hand-checked tiny dataset, the Excel export holds every result table, and
a real profile rendered through papermill shows a hostile unit name as text."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest

from parlib import ingest, score
from parlib.config.dataset import load_dataset
from parlib.core.labels import t
from parlib.core.storage import write_csv
from parlib.history import profile
from parlib.publish import (
    block_pages,
    export,
    landing,
    layouts,
    markup,
    profile_page,
    sentences,
    views,
)
from parlib.publish import blocks as blocks_view
from parlib.run import execute, pipeline
from parlib.score.tables import load_table

from .conftest import ROOT, visible

EVIL = "<script>alert(1)</script>"


@pytest.fixture
def evil_results(tiny_raw: Path, tmp_path: Path):
    """The tiny dataset (a 85 %, b 75 %, c 100 %) with unit a renamed to a script tag, computed
    and saved in-process like notebooks 01 and 03 do."""
    units = tiny_raw / "tiny" / "units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace("Sở A", EVIL), encoding="utf-8")
    cfg = load_dataset("tiny", tiny_raw)
    inputs = ingest.load_year(cfg, 2024)
    out = tmp_path / "processed" / "tiny" / "2024"
    ingest.save_tidy(inputs, out)
    results = score.compute(inputs)
    score.save(results, out)
    return cfg, out, results


def test_ranking_table_escapes_names_and_links_each_profile(evil_results):
    _, _, results = evil_results
    html = markup.html_table(
        views.with_profile_links(results.unit_index), layouts.RANKING_LINK_COLUMNS, "vi"
    )
    assert EVIL not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    links = re.findall(r'<a href="([^"]+)">([^<]*)</a>', html)
    assert ("units/a.html", "&lt;script&gt;alert(1)&lt;/script&gt;") in links
    assert {href for href, _ in links} == {"units/a.html", "units/b.html", "units/c.html"}


def test_unit_ids_never_become_paths_or_markup():
    assert views.unit_file("so-noi-vu") == "so-noi-vu.html"
    for hostile in ("../../etc/passwd", '"><script>x</script>', "a/b", ""):
        name = views.unit_file(hostile)
        assert re.fullmatch(r"unit-[0-9a-f]{12}\.html", name), name
    frame = pd.DataFrame({"unit_id": ['x"><b>'], "unit_name": ["X"]})
    html = markup.html_table(
        views.with_profile_links(frame),
        [markup.Column("unit_name", "unit", link="profile_href")],
        "en",
    )
    assert "<b>" not in html and re.search(r'href="units/unit-[0-9a-f]{12}\.html"', html)


def test_profile_figures_on_the_tiny_dataset(evil_results):
    _, _, results = evil_results
    unit_index, area = results.unit_index, results.area_index
    assert profile.pick_unit(unit_index) == "c"  # first in rank order (100 %)
    figures = dict(profile.key_figures(unit_index, "a", "en").itertuples(index=False))
    assert figures["Index (%)"] == "85.00" and figures["Rank"] == "2 of 3"
    # a: area 1 = (6 + 3) / 10 = 90 %, area 2 = (4 + 4) / 10 = 80 %
    areas = profile.areas_ranked(area, "a", "en")
    assert list(zip(areas["area"], areas["index_pct"])) == [("1", 90.0), ("2", 80.0)]
    # the best area-2 sub-index is c's 100 % (5 of 5, no survey); the average of 80, 70, 100
    assert areas.set_index("area").loc["2", "best"] == 100.0
    assert areas.set_index("area").loc["2", "average"] == pytest.approx((80 + 70 + 100) / 3)
    # a lost 1 point at appraisal on 1.2 (self 4, appraised 3) and 1 on 2.1 (self 5, appraised 4)
    lost = profile.deductions(results.criterion_index, "a", "en")
    assert list(zip(lost["code"], lost["points_deducted"])) == [("1.2", 1.0), ("2.1", 1.0)]
    assert "2.00" in profile.deductions_sentence(lost, "en")
    weakest = profile.criteria_ranked(results.criterion_index, "a", "en")
    assert weakest.iloc[0]["code"] == "1.2" and weakest.iloc[0]["index_pct"] == 75.0
    # b is not arising on 1.2: that leaf is not one of its criteria
    assert "1.2" not in set(profile.criteria_ranked(results.criterion_index, "b", "en")["code"])
    comparison = profile.comparison(unit_index, "a").set_index("who")
    assert comparison.loc["average", "index_pct"] == pytest.approx((85 + 75 + 100) / 3)


def test_group_rank_only_for_units_with_a_declared_group():
    frame = pd.DataFrame(
        {"unit_id": ["a", "b", "c"], "group": ["g", "g", ""], "index_pct": [70.0, 90.0, 95.0]}
    )
    assert profile.group_rank(frame, "a") == (2, 2)
    assert profile.group_rank(frame, "c") is None


def test_excel_workbook_has_every_result_table_with_vietnamese_headers(evil_results, tmp_path):
    _, out, _ = evil_results
    prov = {
        "dataset": "tiny",
        "year": 2024,
        "methodology": "Tiny",
        "parameters": {"lang": "vi"},
        "versions": {"parlib": "0"},
        "generated_at": "now",
        "inputs": [{"path": "data/raw/tiny/units.csv", "sha256": "ab" * 32}],
    }
    target = export.write_workbook(out, tmp_path / "results.xlsx", "vi", prov)
    sheets = pd.read_excel(target, sheet_name=None)
    assert {"Chỉ số đơn vị", "Chỉ số lĩnh vực", "Chỉ số tiêu chí", "Đối chiếu", "Nguồn gốc"} <= set(
        sheets
    )
    units = sheets["Chỉ số đơn vị"]
    assert "Chỉ số (%)" in units.columns and "Xếp hạng" in units.columns
    assert EVIL in set(units["Đơn vị"] if "Đơn vị" in units.columns else units.iloc[:, 2])
    assert "ab" * 32 in sheets["Nguồn gốc"].iloc[:, 1].astype(str).tolist()
    assert not list(tmp_path.glob(".results.xlsx.*"))  # written atomically, no temp file left


def test_landing_page_links_profiles_trends_and_the_workbook(tmp_path):
    reports = tmp_path / "reports"
    year = reports / "tiny" / "2024"
    (year / "units").mkdir(parents=True)
    for page in ("05_report.html", "units/a.html", "results.xlsx"):
        (year / page).write_text("x", encoding="utf-8")
    (reports / "tiny" / "trends.html").write_text("x", encoding="utf-8")
    (year / "run.json").write_text(
        '{"dataset": "tiny", "year": 2024, "outcome": "success", "title": {"vi": "T", "en": "T"}}',
        encoding="utf-8",
    )
    html = landing.landing_page(reports, pipeline.REPORT_PAGES, "vi")
    links = set(re.findall(r'href="([^"]+)"', html))
    assert {
        "tiny/trends.html",
        "tiny/2024/units/a.html",
        "tiny/2024/results.xlsx",
        "tiny/2024/05_report.html",
    } <= links


@pytest.mark.slow
def test_a_rendered_profile_shows_a_script_name_as_text(evil_results, tmp_path):
    """One real page: notebook 06 through papermill and the runner's HTML export."""

    cfg, out, _ = evil_results
    processed = out.parent.parent
    executed = tmp_path / "a.ipynb"
    status, message = execute.run_notebook(
        ROOT / "notebooks" / "06_unit_profile.ipynb",
        executed,
        {
            "dataset": "tiny",
            "year": 2024,
            "lang": "vi",
            "raw_root": str(cfg.folder.parent),
            "processed_root": str(processed),
            "reports_root": str(tmp_path / "reports"),
            "history_root": str(processed),
            "unit_id": "a",
        },
    )
    assert status == "success", message
    page = execute.export_html(executed, tmp_path / "a.html", "profile")
    html = page.read_text(encoding="utf-8")
    assert EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in visible(html)
    assert "85,00" in visible(html)  # a's index, with a decimal comma


def test_an_area_that_did_not_arise_is_neither_strongest_nor_weakest():
    """Seen in a SYNTHETIC profile: area 4 had no applicable criterion for a commune (no index),
    yet the sentence called it the weakest area, with an empty percentage."""

    areas = pd.DataFrame(
        {"area": ["1", "2", "4"], "name": ["A", "B", "D"], "index_pct": [100.0, 88.5, float("nan")]}
    )
    criteria = pd.DataFrame({"code": ["2.1"], "name": ["b"], "index_pct": [88.5]})
    sentence = profile.strengths_sentence(areas, criteria, "en")
    assert "4 D" not in sentence and "2 B" in sentence and "88.50" in sentence, sentence


# --- blocks (issue #12): every report ranks and compares within blocks ----------------------------

BLOCK_NAMES = {
    "department": ("Khối sở, ban, ngành", "Departments"),
    "commune": ("Khối phường, xã", "Wards and communes"),
    "central_branch": ("Khối cơ quan ngành dọc", "Central-agency branches"),
}


@pytest.fixture(scope="module")
def three_blocks():
    """The shipped SYNTHETIC province's 2024 results, split into three blocks by unit kind as the
    score step does (contract §6): ranks within the block, ``rank_all`` across blocks, and a bonus
    part in the departments' block only."""
    cfg = load_dataset("synthetic-province", ROOT / "data" / "raw")
    results = score.compute(ingest.load_year(cfg, 2024))
    ui = results.unit_index.copy()
    ui["block"] = ui["kind"]
    ui["block_name_vi"] = ui["kind"].map(lambda k: BLOCK_NAMES[k][0])
    ui["block_name_en"] = ui["kind"].map(lambda k: BLOCK_NAMES[k][1])
    ui["rank_all"], ui["rank_all_of"] = ui["rank"], len(ui)
    ui["rank"] = (
        ui.groupby("block")["index_pct"].rank(method="min", ascending=False).astype("Int64")
    )
    ui["rank_of"] = ui.groupby("block")["unit_id"].transform("count")
    ui["bonus_points"] = ui["kind"].map({"department": 1.5}).astype(float)
    blocks = pd.DataFrame(
        [
            (b, vi, en, "internal-2022", "", (ui["block"] == b).sum(), False)
            for b, (vi, en) in BLOCK_NAMES.items()
        ],
        columns=[
            "block",
            "name_vi",
            "name_en",
            "framework",
            "methodology",
            "n_units",
            "published_only",
        ],
    )
    legacy = blocks_view.legacy_components()
    components = pd.concat(
        [legacy.assign(block=b) for b in BLOCK_NAMES]
        + [
            pd.DataFrame(
                [
                    {
                        "block": "department",
                        "component": "bonus",
                        "kind": "bonus",
                        "label_vi": "Điểm thưởng",
                        "label_en": "Bonus points",
                        "cap": 5,
                        "in_maximum": False,
                        "self_assessed": False,
                        "points_column": "bonus_points",
                        "max_column": "max_bonus",
                    }
                ]
            )
        ],
        ignore_index=True,
    )
    block_of = dict(zip(ui["unit_id"], ui["block"]))
    results = dataclasses.replace(
        results,
        **{  # contract §6: every table names its block
            name: getattr(results, name).assign(
                block=getattr(results, name)["unit_id"].map(block_of)
            )
            for name in ("points", "area_index", "criterion_index")
        },
    )
    return ui, blocks, components, results


def _sections(html: str) -> dict[str, str]:
    """The page cut at its <h2> headings: heading text → what follows up to the next one."""
    parts = re.split(r"<h2>(.*?)</h2>", html)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_overview_never_ranks_a_ward_among_departments(three_blocks):
    ui, blocks, components, _ = three_blocks
    html = block_pages.rankings_html(ui, "vi", blocks=blocks, components=components)
    sections = _sections(html)
    assert list(sections) == [
        "Khối sở, ban, ngành",
        "Khối phường, xã",
        "Khối cơ quan ngành dọc",
        "So sánh giữa các khối",
    ]
    for kind, (vi, _en) in BLOCK_NAMES.items():
        body = sections[vi]
        table = body.split("<h3>Biến động")[0]
        shown = set(re.findall(r'<a href="units/[^"]+">([^<]*)</a>', table))
        assert shown == set(ui.loc[ui["kind"] == kind, "unit_name"]), kind
        ranks = [int(r) for r in re.findall(r'<tr><td class="num">(\d+)</td>', table)]
        assert ranks and ranks[0] == 1 and max(ranks) <= (ui["kind"] == kind).sum()
    # the block's leader is its own best unit, not the overall best
    dept = ui[ui["kind"] == "department"].sort_values("rank").iloc[0]["unit_name"]
    assert re.search(rf"<td[^>]*>{re.escape(dept)} \(", sections["Khối sở, ban, ngành"])
    # bonus is a column of the departments' block only
    assert "Điểm thưởng" in sections["Khối sở, ban, ngành"]
    assert "Điểm thưởng" not in sections["Khối phường, xã"]
    # every unit once in the cross-block view, with its block named
    cross = sections["So sánh giữa các khối"]
    assert cross.count("<tr><td") == len(ui) and "Khối phường, xã" in cross


def test_one_implicit_block_reads_as_before(three_blocks):
    _, _, _, results = three_blocks
    # as the notebooks pass it: points deducted and added by appraisal apart
    ranked = views.with_appraisal_split(results.unit_index, results.criterion_index)
    html = block_pages.rankings_html(ranked, "vi")
    assert "cross-block" not in html and "Khối" not in "".join(re.findall("<h2>.*?</h2>", html))
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", html.split("<h2>Bảng xếp hạng</h2>")[1])
    assert (
        headers[:12]
        == [
            "Xếp hạng",
            "Đơn vị",
            "Loại đơn vị",
            "Chỉ số (%)",
            "Chỉ số lõi (%)",  # issue #15: the core index beside the index (a year with parts)
            "Xếp loại",
            "Điểm đạt",
            "Điểm tối đa áp dụng",
            "Điểm tự đánh giá",
            "Điểm thẩm định",
            "Điểm điều tra xã hội học",
            "Điểm bị trừ khi thẩm định",
        ][: len(headers[:12])]
    )
    assert "Điểm bị trừ khi thẩm định" in headers and "Điểm được cộng khi thẩm định" in headers


def test_a_profile_compares_the_unit_with_its_block_only(three_blocks):
    ui, blocks, _, _ = three_blocks
    ui = blocks_view.with_blocks(ui, blocks)
    ward = ui[ui["kind"] == "commune"].sort_values("rank").iloc[-1]
    mine = profile_page.block_of(ui, ward["unit_id"])
    assert set(mine["kind"]) == {"commune"}
    figures = dict(
        profile_page.key_figures(
            mine, ward["unit_id"], blocks_view.block_components(None, "commune", mine), "vi", True
        ).itertuples(index=False)
    )
    n = (ui["kind"] == "commune").sum()
    assert figures["Xếp hạng trong khối (Khối phường, xã)"] == f"{n}/{n}"
    compared = profile_page.comparison(mine, ward["unit_id"], "vi").set_index("who")
    assert compared.loc["Trung bình khối", "index_pct"] == pytest.approx(mine["index_pct"].mean())
    assert compared.loc["Trung vị khối", "index_pct"] == pytest.approx(mine["index_pct"].median())
    leader = mine.iloc[0]["unit_name"]
    assert f"Dẫn đầu khối: {leader}" in compared.index
    assert "cùng khối (Khối phường, xã)" in profile_page.comparison_sentence(
        mine, ward["unit_id"], "vi"
    )


def test_unknown_self_assessment_is_said_not_shown_as_zero(three_blocks):
    _, _, _, results = three_blocks
    ui = results.unit_index.assign(
        self_points=float("nan"), points_deducted=float("nan"), self_known=False
    )
    ui = blocks_view.with_blocks(ui)
    html = block_pages.rankings_html(ui, "vi", movers=False)
    assert "Điểm bị trừ khi thẩm định</th>" not in html and "không phải 0 điểm bị trừ" in html
    unit = ui.iloc[0]["unit_id"]
    figures = dict(
        profile_page.key_figures(
            ui, unit, blocks_view.block_components(None, "all", ui), "vi", False
        ).itertuples(index=False)
    )
    assert figures["Điểm bị trừ khi thẩm định"].startswith("Không biết")
    assert "0,00" not in figures["Điểm bị trừ khi thẩm định"]
    assert profile_page.comparison(ui, unit, "vi")["points_deducted"].isna().all()


def test_rounds_show_each_round_and_the_explanation_where_points_changed():
    points = pd.DataFrame(
        {
            "unit_id": ["a", "a", "a", "b"],
            "criterion": ["1.2", "1.10", "2.1", "1.2"],
            "component": "appraisal",
            "self_points": [4.0, 2.0, 3.0, 4.0],
            "round_1_points": [2.0, 2.0, 3.0, 1.0],
            "round_2_points": [3.0, None, 3.0, 1.0],
            "points": [3.0, 2.0, 3.0, 1.0],
            "explanation": ["Đã bổ sung báo cáo", "", "", "x"],
        }
    )
    crit = pd.DataFrame(
        {  # b's block has another framework: its 1.2 is another criterion
            "unit_id": ["a", "b"],
            "code": ["1.2", "1.2"],
            "name_vi": ["Tiêu chí 1.2", "Tiêu chí khác"],
            "name_en": ["C 1.2", "Other"],
        }
    )
    table = profile_page.rounds(points, crit, "a", "vi")
    assert list(table["code"]) == ["1.2"]  # 1.10 and 2.1 kept their points in every round
    row = table.iloc[0]
    assert (row["round_1_points"], row["round_2_points"], row["final_points"]) == (2.0, 3.0, 3.0)
    assert row["explanation"] == "Đã bổ sung báo cáo" and row["name"] == "Tiêu chí 1.2"
    headers = [c.label for c in profile_page.rounds_columns(table, True, "vi")]
    assert "Thẩm định lần 1" in headers and "Thẩm định lần 2" in headers
    assert (
        profile_page.rounds(
            points.drop(columns=["round_1_points", "round_2_points"]), crit, "a", "vi"
        )
        is None
    )


def test_results_workbook_names_every_part_and_leads_with_the_block(three_blocks, tmp_path):
    ui, blocks, components, results = three_blocks
    out = tmp_path / "processed"
    out.mkdir()
    ui = ui.assign(max_bonus=5.0, round_1_points=ui["appraised_points"])
    for name, table in {
        "unit_index": ui,
        "blocks": blocks,
        "components": components,
        "area_index": results.area_index,
    }.items():
        write_csv(table, out / f"{name}.csv")
    target = export.write_workbook(out, tmp_path / "results.xlsx", "vi", {"inputs": []})
    sheets = pd.read_excel(target, sheet_name=None)
    units = sheets["Chỉ số đơn vị"]
    assert list(units.columns[:8]) == [
        "Năm",
        "Mã khối",
        "Tên khối",
        "Tên khối (tiếng Anh)",
        "Xếp hạng",
        "Trên tổng số",
        "Mã đơn vị",
        "Đơn vị",
    ]
    assert {"Điểm thưởng", "Điểm tối đa: Điểm thưởng", "Thẩm định lần 1"} <= set(units.columns)
    assert not [c for c in units.columns if c.endswith("_points") or c.startswith("max_")]
    assert {"Khối", "Phần điểm"} <= set(sheets)
    cols = sheets["Các cột"].set_index(["Trang tính", "Tên cột trong dữ liệu"])
    assert cols.loc[("Chỉ số đơn vị", "bonus_points"), "Tiêu đề tiếng Anh"] == "Bonus points"


def test_pages_name_units_by_name_not_id(three_blocks):
    ui, blocks, components, _ = three_blocks
    names = blocks_view.unit_names(ui)
    recon = pd.DataFrame(
        {
            "unit_id": ["so-noi-vu"],
            "measure": ["index_pct"],
            "computed": [80.0],
            "published": [80.0],
            "difference": [0.0],
            "tolerance": [0.005],
            "status": ["match"],
            "published_used": [False],
            "computed_from_parts": [80.0],
        }
    )
    published = pd.DataFrame(
        {
            "unit_id": ["so-noi-vu", "so-noi-vu", "ghost"],
            "measure": ["rank", "rank_of", "rank"],
            "value": [2, 14, 1],
        }
    )
    pages = [
        block_pages.rankings_html(ui, "vi", blocks=blocks, components=components),
        block_pages.rankings_html(ui, "en", blocks=blocks, components=components, links=False),
        markup.html_table(blocks_view.named(recon, names), layouts.RECON_COLUMNS, "vi"),
        " ".join(sentences.reconciliation_sentences(recon, published, "vi", names)),
        markup.html_table(
            views.problems_frame(
                [
                    {"severity": "warning", "unit_id": "so-noi-vu", "message": "m"},
                    {"severity": "warning", "unit_id": "ghost", "message": "m"},
                ],
                "vi",
                names,
            ),
            layouts.PROBLEM_COLUMNS,
            "vi",
        ),
    ]
    for page in pages:
        text = re.sub(r"<[^>]+>", " ", page)  # what a reader sees: links' targets are not text
        shown = [u for u in names if re.search(rf"(?<![\w-]){re.escape(u)}(?![\w-])", text)]
        assert not shown, (shown[:3], text[:300])
    assert "Sở Nội vụ" in pages[2] and "Sở Nội vụ: " in pages[3]
    assert "ghost" in pages[4]  # a unit with no name keeps its id: there is nothing else to show


def _stage(cfg, year: int, processed: Path, tables: dict, inputs) -> Path:
    """A processed folder holding ``tables`` (as the score step would save them) and the tidy
    inputs, for notebooks 04–06 to read."""
    out = processed / cfg.name / str(year)
    ingest.save_tidy(inputs, out)
    for name, table in tables.items():
        write_csv(table, out / f"{name}.csv")
    return out


def _render(notebook: str, cfg, processed: Path, tmp_path: Path, year: int, **extra) -> str:
    executed = tmp_path / f"{notebook}-{extra.get('unit_id', '')}.ipynb"
    status, message = execute.run_notebook(
        ROOT / "notebooks" / f"{notebook}.ipynb",
        executed,
        {
            "dataset": cfg.name,
            "year": year,
            "lang": "vi",
            "raw_root": str(cfg.folder.parent),
            "processed_root": str(processed),
            "reports_root": str(tmp_path / "reports"),
            "history_root": str(processed),
            **extra,
        },
    )
    assert status == "success", message
    page = execute.export_html(executed, tmp_path / f"{executed.stem}.html", notebook)
    return re.sub(r"<(style|script)\b.*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.slow
def test_rendered_pages_of_a_three_block_year_rank_and_compare_within_blocks(
    three_blocks, tmp_path
):
    """Notebooks 04, 05 and 06 through papermill on the three-block results."""
    ui, blocks, components, results = three_blocks
    cfg = load_dataset("synthetic-province", ROOT / "data" / "raw")
    processed = tmp_path / "processed"
    tables = {
        "unit_index": ui,
        "blocks": blocks,
        "components": components,
        "points": results.points,
        "area_index": results.area_index,
        "criterion_index": results.criterion_index,
        "reconciliation": results.reconciliation,
    }
    out = _stage(cfg, 2024, processed, tables, ingest.load_year(cfg, 2024))
    fair = _render("04_fairness", cfg, processed, tmp_path, 2024, mc_draws=50)
    # one analysis per cell (issue #13): each analysis, then each block under its name, with the
    # anchor the caveats link to
    for anchor in ("max-bias", "groups", "rank-intervals", "survey-quality"):
        blocks_shown = re.findall(rf'<h3 id="{anchor}-([a-z_]+)">(.*?)</h3>', fair)
        assert blocks_shown == [(b, vi) for b, (vi, _en) in BLOCK_NAMES.items()]
    groups = load_table(out, "fairness_groups")
    assert set(groups["block"]) == set(BLOCK_NAMES)
    for block, rows in groups.groupby("block"):  # each block's analyses saw its own units only
        assert set(rows["unit_id"]) == set(ui.loc[ui["block"] == block, "unit_id"])
    overview = _render("05_report", cfg, processed, tmp_path, 2024)
    assert "So sánh giữa các khối" in overview
    for vi, _en in BLOCK_NAMES.values():
        assert f"<h2>{vi}</h2>" in overview
    ward = ui[ui["kind"] == "commune"].sort_values("rank").iloc[0]
    page = _render("06_unit_profile", cfg, processed, tmp_path, 2024, unit_id=ward["unit_id"])
    n = (ui["kind"] == "commune").sum()
    assert f"<td>Xếp hạng trong khối (chính thức)</td><td>1/{n}</td>" in page
    assert "Khối phường, xã" in page and "Wards and communes" not in page  # its language only
    assert "Trung bình khối" in page and "Trung bình các đơn vị" not in page


@pytest.mark.slow
def test_a_published_results_only_year_shows_rankings_and_says_what_it_skips(
    tiny_raw: Path, tmp_path
):
    """Index, rank and band as printed, no criteria: the pages rank, and skip with a reason."""
    cfg = load_dataset("tiny", tiny_raw)
    inputs = ingest.load_year(cfg, 2024)
    results = score.compute(inputs)
    ui = results.unit_index.assign(
        source="published",
        achieved_points=float("nan"),
        max_points=float("nan"),
        self_points=float("nan"),
        appraised_points=float("nan"),
        survey_points=float("nan"),
        points_deducted=float("nan"),
        self_known=False,
    )
    empty = {
        name: getattr(results, name).iloc[0:0]
        for name in ("points", "area_index", "criterion_index", "reconciliation")
    }
    processed = tmp_path / "processed"
    _stage(cfg, 2024, processed, {"unit_index": ui, **empty}, inputs)
    fair = _render("04_fairness", cfg, processed, tmp_path, 2024)
    assert "chỉ có kết quả đã công bố" in fair
    overview = _render("05_report", cfg, processed, tmp_path, 2024)
    assert "Số liệu theo kết quả đã công bố" in overview
    for skipped in ("skip_published_areas", "skip_published_deductions", "skip_published_fairness"):
        assert markup.esc(t(skipped, "vi")) in overview, skipped
    assert not re.search(r"(?<![\d.])0,00", overview)  # no "0,00 points deducted"
    assert re.search(r"<td>Xã C</td>", overview) or "Xã C" in overview
    page = _render("06_unit_profile", cfg, processed, tmp_path, 2024, unit_id="a")
    assert markup.esc(t("skip_published_areas", "vi")) in page
    assert "<td>Xếp hạng (theo công bố)</td><td>2/3</td>" in page  # as printed
    assert not re.search(r"(?<![\d.])0,00", page)


def test_movers_compare_a_unit_only_with_its_own_block_last_year():
    now = blocks_view.with_blocks(
        pd.DataFrame(
            {
                "unit_id": ["a", "b", "c"],
                "unit_name": ["A", "B", "C"],
                "index_pct": [90.0, 80.0, 70.0],
                "rank": [1, 2, 3],
                "block": "wards",
            }
        )
    )
    before = pd.DataFrame(
        {
            "unit_id": ["a", "b", "c"],
            "index_pct": [70.0, 85.0, 99.0],
            "rank": [2, 1, 1],
            "block": ["wards", "wards", "departments"],  # c was ranked among departments
        }
    )
    moved = blocks_view.block_movers(now, before)
    assert list(moved["unit_id"]) == ["a", "b"]
    assert dict(zip(moved["unit_id"], moved["rank_change"])) == {"a": 1, "b": -1}
    # a previous year without blocks (one ranking of every unit, d among them): the block's units
    # are ranked among themselves on last year's index (70, 85, 99 → a 3rd, b 2nd, c 1st)
    flat = pd.concat(
        [
            before.drop(columns="block"),
            pd.DataFrame({"unit_id": ["d"], "index_pct": [100.0], "rank": [1]}),
        ]
    )
    moved = blocks_view.block_movers(now, flat)
    assert dict(zip(moved["unit_id"], moved["rank_change"])) == {"a": 2, "c": -2, "b": 0}
    assert blocks_view.block_movers(now, None) is None


def test_a_unit_whose_series_breaks_is_no_mover_and_the_page_says_why():
    """A merger between the two years (the history step's ``breaks_since_previous``): the merged
    unit and its predecessors are left out of the movers, and the event's sentence is shown."""
    now = pd.DataFrame(
        {
            "unit_id": ["a", "m"],
            "unit_name": ["A", "Merged M"],
            "index_pct": [90.0, 80.0],
            "rank": [1, 2],
            "kind": "province",
        }
    )
    before = pd.DataFrame(
        {"unit_id": ["a", "m", "p"], "index_pct": [85.0, 95.0, 70.0], "rank": [2, 1, 3]}
    )

    class Past:  # the shape of parlib.history's view
        def breaks_since_previous(self):
            return pd.DataFrame(
                {
                    "unit_id": ["m"],
                    "predecessor_ids": ["p;q"],
                    "sentence_vi": ["M hợp nhất từ P và Q: chuỗi số liệu gián đoạn."],
                    "sentence_en": ["M merged from P and Q: the series breaks."],
                }
            )

    breaks = blocks_view.series_breaks(Past(), "vi")
    assert breaks[0] == {"m", "p", "q"}
    html = block_pages.rankings_html(now, "vi", previous=before, previous_year=2024, breaks=breaks)
    movers = html.split("<h2>Biến động")[1]
    assert re.search(r"<td[^>]*>A</td>", movers) and "Merged M" not in movers
    assert "chuỗi số liệu gián đoạn" in html
    assert blocks_view.series_breaks(object(), "vi") == (set(), [])  # a history without the view
