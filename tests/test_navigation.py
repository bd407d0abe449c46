"""Navigation, search and the pieces that make pages work anywhere (issue #14 §1, §2, §4), without
a run: the year's links and the other years', the folded names the search box matches, the
landing page's headline, the sortable tables' values, the printed profile's shortened lists.
The browser checks of the same (a phone, A4 paper, a static server) are in ``test_anywhere.py``.
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from parlib.config.dataset import load_dataset
from parlib.publish import headline, landing, markup, navigation, profile_detail, shell
from parlib.publish.markup import Column
from parlib.run.pipeline import PIPELINE, REPORT_PAGES

from .conftest import ROOT

RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def province():
    return load_dataset("synthetic-province", RAW)  # declares 2022, 2023 and 2024


def test_label_keys_are_unique():
    """A key declared twice silently hides one text (it happened: a new key shadowed the
    overview's headline)."""
    with (ROOT / "parlib" / "core" / "labels.csv").open(encoding="utf-8") as handle:
        keys = [row["key"] for row in csv.DictReader(handle)]
    assert [k for k, n in Counter(keys).items() if n > 1] == []


def test_the_year_pages_are_the_pipelines_pages():
    published = {n.page for n in PIPELINE if n.scope in ("year", "unit")}
    assert {page for page, _ in navigation.YEAR_PAGES} == published
    assert navigation.YEAR_PAGES[0][0] == "05_report.html"  # the overview first


def test_a_years_page_links_the_years_pages_and_the_years_around_it(province):
    frame = shell.year_frame(province, 2023, "en", "04_fairness.html", "report_fairness")
    hrefs = [link.href for link in frame.nav]
    assert hrefs[:7] == [
        "05_report.en.html",
        "04_fairness.en.html",
        "08_criteria.en.html",
        "02_validate.en.html",
        "03_index.en.html",
        "01_ingest.en.html",
        "06_unit_profiles.en.html",
    ]
    assert {"data_docs/index.html", "results.en.xlsx", "../trends.en.html"} <= set(hrefs)
    assert hrefs[-1] == "#provenance"  # the page's own provenance footer, one click away
    assert [link.label for link in frame.nav if link.current] == ["Fairness of the ranking"]
    assert [(link.rel, link.href) for link in frame.years] == [
        ("prev", "../2022/04_fairness.en.html"),
        ("next", "../2024/04_fairness.en.html"),
    ]
    first = shell.year_frame(province, 2022, "vi", "05_report.html", "report_overview")
    assert [link.rel for link in first.years] == ["next"]
    assert first.years[0].label == "Năm 2023"


def test_a_dataset_page_links_the_progress_page_only_when_the_run_builds_it(province):
    """synthetic-province declares [tracking.2025]; a run whose baseline year (2024) is not
    published builds no progress page, so the trends page must not link one."""
    assert province.tracking  # the declaration is there either way
    without = [link.href for link in navigation.dataset_links(province, "vi", "trends.html")]
    assert without == ["2022/05_report.html", "2023/05_report.html", "2024/05_report.html"] + [
        "trends.html"
    ]
    built = navigation.dataset_links(province, "en", "progress.html", progress=True)
    assert [(link.href, link.current) for link in built][-2:] == [
        ("trends.en.html", False),
        ("progress.en.html", True),
    ]


def test_a_unit_profile_links_up_and_to_the_units_row_in_the_other_years(province):
    frame = shell.year_frame(
        province, 2024, "vi", "units/so-noi-vu.html", "report_unit_profile", 3, "Sở Nội vụ"
    )
    assert all(link.href.startswith(("../", "#provenance")) for link in frame.nav)
    assert not any(link.current for link in frame.nav)
    assert [link.href for link in frame.years] == ["../../2023/06_unit_profiles.html#u-so-noi-vu"]
    labels = [label for label, _ in frame.crumbs]
    assert labels[2:] == ["2024", "Hồ sơ các đơn vị", "Sở Nội vụ"]
    assert frame.crumbs[3][1] == "../06_unit_profiles.html"


def test_a_failed_runs_page_has_no_year_around_it(province):
    frame = shell.year_frame(province, 2024, "vi", "validation.html", "report_validate", 3)
    assert frame.nav == () and frame.years == ()


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("ha noi", "Thành phố Hà Nội"),
        ("HÀ NỘI", "Hà Nội"),
        ("dak lak", "Đắk Lắk"),
        ("thua thien hue", "Thừa Thiên   Huế"),
        ("so noi vu", "Sở Nội vụ"),
    ],
)
def test_a_name_is_found_with_or_without_diacritics(typed, name):
    assert navigation.fold(typed) in navigation.fold(name)


def test_fold_keeps_letters_apart():
    assert navigation.fold("Hà Nam") != navigation.fold("Hà Nội")
    assert navigation.fold("Ða") == "da"  # Đ/đ and the look-alike Ð both fold to d
    assert navigation.fold("Quảng Ngãi") == "quang ngai"


def test_the_search_box_lists_every_unit_escaped_with_its_folded_key():
    box = str(
        navigation.search_box(
            [
                ("Hà Nội", "units/ha-noi.html", "2024"),
                ("<script>alert(1)</script>", "units/x.html", ""),
                ('=HYPERLINK("http://x")', "units/y.html", ""),
            ],
            "vi",
        )
    )
    assert "<script>alert" not in box and "&lt;script&gt;alert(1)&lt;/script&gt;" in box
    keys = re.findall(r'data-key="([^"]*)"', box)
    assert len(keys) == 3 and "ha noi 2024" in keys
    assert 'href="units/ha-noi.html"' in box
    assert "3 đơn vị" in box  # the hint counts the units, in Vietnamese


def test_the_landing_headline_names_the_leader_and_the_median(tmp_path):
    frame = pd.DataFrame(
        {
            "unit_id": ["a", "b", "c", "d"],
            "unit_name": ["Sở A", "Sở B", "Xã C", "Xã D"],
            "index_pct": [80.5, 91.25, 70.0, None],
            "rank": [2, 1, 1, 2],
            "block": ["dept", "dept", "commune", "commune"],
            "block_name_vi": ["Khối sở", "Khối sở", "Khối xã", "Khối xã"],
            "block_name_en": ["Departments", "Departments", "Communes", "Communes"],
        }
    )
    frame.to_csv(tmp_path / "unit_index.csv", index=False)
    record = headline.of_year(tmp_path)
    assert [(b["block"], b["units"], b["leader"]["unit_name"]) for b in record] == [
        ("dept", 2, "Sở B"),
        ("commune", 1, "Xã C"),
    ]
    assert record[0]["median"] == pytest.approx(85.88, abs=0.01)
    vi = headline.sentences(record, 2024, "vi")
    assert vi[0].startswith("Năm 2024 — Khối sở: 2 đơn vị") and "91,25%" in vi[0]
    assert "85,88%" in vi[0] and "Xã C (70,00%)" in vi[1]
    en = headline.sentences(record, 2024, "en")
    assert "91.25%" in en[0] and en[0].startswith("2024 — Departments:")


def test_the_landing_page_shows_a_hostile_leader_and_unit_as_text(tmp_path):
    """A unit name from a province's file reaches the landing page's headline and search box:
    as text, never markup."""
    hostile = '<img src=x onerror=alert(1)>=HYPERLINK("http://x")'
    year = tmp_path / "ds" / "2024"
    (year / "units").mkdir(parents=True)
    record = [{"block": "all", "name_vi": "", "name_en": "", "units": 2, "median": 50.0}]
    record[0]["leader"] = {"unit_id": "a", "unit_name": hostile, "index_pct": 61.5}
    manifest = {"dataset": "ds", "year": 2024, "outcome": "success", "headline": record}
    (year / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    title = html.escape(hostile) + " — Hồ sơ đơn vị"
    (year / "units" / "a.html").write_text(f"<title>{title}</title>", encoding="utf-8")
    page = landing.landing_page(tmp_path, REPORT_PAGES, "vi")
    assert "<img src=x" not in page
    # the headline, the search box's entry and its folded key, the year's list of profiles
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") == 4
    assert "61,50%" in page  # the headline, in Vietnamese


def test_number_cells_carry_a_plain_sort_value_and_the_unit_column_is_marked():
    frame = pd.DataFrame(
        {"unit_name": ["Sở A", "Sở B"], "index_pct": [1234.5, None], "anchor": ["u-a", "u-b"]}
    )
    html = markup.html_table(
        frame, [Column("unit_name", "unit"), Column("index_pct", kind="num")], "vi", row_id="anchor"
    )
    assert '<td class="num" data-sort="1234.5">1.234,50</td>' in html
    assert '<td class="num"></td>' in html  # missing: no sort value, sorted last by the script
    assert html.count('class="par-unit"') == 3  # the header and both rows
    assert '<tr id="u-a">' in html and '<tr id="u-b">' in html


def test_a_printed_profile_keeps_the_largest_criteria_and_says_how_many_more():
    short = profile_detail.print_top("<table></table>", profile_detail.PRINT_ROWS, "vi")
    assert short == "<table></table>"
    long = profile_detail.print_top("<table></table>", 13, "en")
    assert 'class="par-print-top"' in long and "5 of 13 criteria" in long


def test_the_style_sheet_prints_on_a4_with_page_numbers_and_keeps_tables_in_their_box():
    css = str(shell.css())
    assert "@page {size: A4;" in css and "counter(page)" in css and "counter(pages)" in css
    assert "display: table-header-group" in css  # header rows repeat on each printed page
    assert ".par-table {" in css and "overflow-x: auto" in css
    assert "position: sticky" in css  # the unit column stays in view on a phone
    assert "@media (max-width: 640px)" in css


def test_the_shell_script_loads_nothing():
    script = str(shell.script())
    assert not re.search(r"fetch\(|XMLHttpRequest|import\(|https?:|\.src\s*=", script)
    assert "data-par-search" in script and "aria-sort" in script


def test_every_page_template_is_in_the_shell():
    templates = Path(shell.TEMPLATES)
    for name in ("landing.html.j2", "validation.html.j2"):
        assert '{% extends "page.html.j2" %}' in (templates / name).read_text(encoding="utf-8")
