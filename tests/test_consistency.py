"""No page contradicts another (issue #13, item 2): every rendered page of a year is read and
checked against the year's caveats (``caveats.collect``) and against the other pages.

- no page says "no warnings" / "không có cảnh báo" while the year has a caveat or any page of
  the year raises one;
- the caveat boxes (``data-caveats``) agree with ``collect``: the overview states every caveat
  once, a unit profile its own;
- a unit's rank and index agree between the overview's ranking and the index page.

Read from the shared ``first_run`` (vn-provinces 2012, tiny 2024, synthetic-province 2024; its
Vietnamese pages are the default ones, so the module needs no run of its own).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from parlib.config.dataset import load_dataset
from parlib.core.labels import t
from parlib.publish import caveats
from tests.conftest import visible

NO_WARNINGS = ("không có cảnh báo", "no warnings", "with no warnings")


def pages_of(year_dir: Path) -> dict[str, str]:
    """Every rendered page of a year (its own pages and the unit profiles), by relative name."""
    found = sorted(year_dir.glob("*.html")) + sorted(year_dir.glob("units/*.html"))
    return {str(p.relative_to(year_dir)): p.read_text(encoding="utf-8") for p in found}


def caveat_counts(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-caveats="(\d+)"', html)]


def says_no_warnings(html: str) -> bool:
    text = BeautifulSoup(visible(html), "html.parser").get_text(" ").lower()
    return any(phrase in text for phrase in NO_WARNINGS)


def raises_caveat(html: str) -> bool:
    return any(n > 0 for n in caveat_counts(html)) or "par-warning" in visible(html)


def ranking_rows(html: str) -> dict[str, tuple[str, str]]:
    """Unit name → (rank, index) from every ranking table of a page (a table whose header has
    the rank, the unit and the index columns, in either language)."""
    soup = BeautifulSoup(html, "html.parser")
    rows = {}
    for table in soup.find_all("table"):
        heads = [th.get_text(" ", strip=True) for th in table.find_all("th")]
        wanted = [(t("rank", lang), t("unit", lang), t("index_pct", lang)) for lang in ("vi", "en")]
        want = next((w for w in wanted if all(x in heads for x in w)), None)
        if want is None:
            continue
        at = [heads.index(w) for w in want]
        for tr in table.find_all("tr"):
            cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            if len(cells) > max(at):
                rows.setdefault(cells[at[1]], (cells[at[0]], cells[at[2]]))
    return rows


def check_year(processed: Path, reports: Path, dataset: str, year: int, cfg=None) -> list[str]:
    """What contradicts on one dataset-year's pages (empty: nothing); ``cfg``: the dataset's
    configuration (methodology changes)."""
    out = processed / dataset / str(year)
    found = caveats.collect(out, cfg)
    pages = pages_of(reports / dataset / str(year))
    assert pages, f"no pages for {dataset} {year}"
    problems = []
    raised = [name for name, html in pages.items() if raises_caveat(html)]
    for name, html in pages.items():
        if says_no_warnings(html) and (found or raised):
            problems.append(f"{name} says no warnings; caveats {len(found)}, raised on {raised}")
    for name in ("05_report.html", "05_report.en.html"):
        if name in pages:
            stated = sum(caveat_counts(pages[name]))
            if stated != len(found):
                problems.append(f"{name} states {stated} caveats, collect has {len(found)}")
    for name, html in pages.items():
        if name.startswith("units/") and caveat_counts(html):
            unit = Path(name).name.split(".")[0]
            mine = len(caveats.for_unit(found, unit))
            if sum(caveat_counts(html)) != mine:
                problems.append(f"{name} states {sum(caveat_counts(html))}, the unit has {mine}")
    for suffix in (".html", ".en.html"):
        overview, index = pages.get(f"05_report{suffix}"), pages.get(f"03_index{suffix}")
        if overview is None or index is None:
            continue
        a, b = ranking_rows(overview), ranking_rows(index)
        if set(a) != set(b):  # a one-unit block has no rank column on either page
            problems.append(f"ranked units differ: index page {sorted(b)}, overview {sorted(a)}")
        for unit, figures in b.items():
            if a.get(unit) != figures:
                problems.append(f"{unit}: index page {figures}, overview {a.get(unit)}")
    return problems


@pytest.mark.slow
def test_no_page_contradicts_another_in_the_shared_run(first_run):
    root = first_run.project
    years = [("vn-provinces", 2012), ("tiny", 2024), ("synthetic-province", 2024)]
    for dataset, year in years:
        cfg = load_dataset(dataset, root / "data/raw")
        problems = check_year(root / "data/processed", root / "reports", dataset, year, cfg)
        assert problems == [], (dataset, year, problems)


@pytest.mark.slow
def test_no_page_contradicts_another_synthetic_province_vi(first_run):
    root = first_run.project
    cfg = load_dataset("synthetic-province", root / "data/raw")
    problems = check_year(
        root / "data/processed", root / "reports", "synthetic-province", 2024, cfg
    )
    assert problems == []
    found = caveats.collect(root / "data/processed/synthetic-province/2024", cfg)
    # the reviewer's case: survey points in the scores file the answers do not support
    assert any(c.kind == "survey" for c in found)
    overview = (root / "reports/synthetic-province/2024/05_report.html").read_text("utf-8")
    assert not says_no_warnings(overview)
    assert "04_fairness.html#survey-quality" in overview


def test_the_checks_can_fail(tmp_path):
    """A page saying "no warnings" in a year with a caveat, a box stating the wrong count and a
    rank that differs between pages are each reported."""
    assert says_no_warnings("<p>Dữ liệu đạt mọi kiểm tra, không có cảnh báo.</p>")
    assert not says_no_warnings("<p>Có 3 cảnh báo.</p>")
    assert caveat_counts('<div data-caveats="3"></div><div data-caveats="2">') == [3, 2]
    table = (
        "<table><tr><th>Xếp hạng</th><th>Đơn vị</th><th>Chỉ số (%)</th></tr>"
        "<tr><td>{r}</td><td>A</td><td>{i}</td></tr></table>"
    )
    assert ranking_rows(table.format(r=1, i="90,00")) == {"A": ("1", "90,00")}
    out = tmp_path / "processed/ds/2024"
    out.mkdir(parents=True)
    (out / "unit_index.csv").write_text("unit_id,unit_name,index_pct,rank\na,A,90,1\n")
    (out / "survey_quality.csv").write_text(
        "unit_id,unit_name,n_respondents,straightliner_share,straightliner_chance_share,"
        "excess_straightlining,too_few,survey_points_file,survey_points_answers,difference,gap\n"
        "a,A,20,0,0,False,False,14.28,11.82,-2.46,True\n"
    )
    year = tmp_path / "reports/ds/2024"
    (year / "units").mkdir(parents=True)
    (year / "05_report.html").write_text(
        '<div data-caveats="2"></div>' + table.format(r=1, i="90,00") + "<p>không có cảnh báo</p>"
    )
    (year / "03_index.html").write_text(table.format(r=2, i="90,00"))
    problems = check_year(tmp_path / "processed", tmp_path / "reports", "ds", 2024)
    assert any("says no warnings" in p for p in problems)
    assert any("states 2 caveats, collect has 1" in p for p in problems)
    assert any("A: index page" in p for p in problems)


@pytest.mark.slow
def test_rendered_overview_and_fairness_pages(first_run):
    root = first_run.project
    year = root / "reports/synthetic-province/2024"
    overview = visible((year / "05_report.html").read_text("utf-8"))
    soup = BeautifulSoup(overview, "html.parser")
    text = soup.get_text(" ")
    assert text.index("Điểm chính") < text.index("Xếp hạng")
    assert "Hạng chính thức là hạng theo Chỉ số" in text and "Ví dụ:" in text
    group_rank = "Hạng trong nhóm tương đương"
    rankings = [
        tb
        for tb in soup.find_all("table")
        if group_rank in [th.get_text(strip=True) for th in tb.find_all("th")]
    ]
    assert rankings, "no ranking table with the rank in the comparable group"
    sizes = set()
    for tb in rankings:
        heads = [th.get_text(strip=True) for th in tb.find_all("th")]
        assert "Khoảng hạng 5–95 %" in heads and "Xếp loại" in heads
        col = heads.index(group_rank)
        for tr in tb.find_all("tr"):
            cells = [td.get_text(strip=True) for td in tr.find_all("td")]
            if len(cells) > col and "/" in cells[col]:
                sizes.add(cells[col].split("/")[1])
    assert sizes and "1" not in sizes  # no group of one unit
    fair = visible((year / "04_fairness.html").read_text("utf-8"))
    for page in (overview, fair):  # group ranges with decimal commas, never "60.25–65"
        assert not re.search(r"\d+\.\d+–\d", BeautifulSoup(page, "html.parser").get_text(" "))
    assert 'id="survey-quality"' in fair and 'id="max-bias"' in fair
