"""Language (issue #13, item 5): the glossary of MoHA's terms used by every label, numbers in the
page's language (ranges and tolerances too), the leak scanner on crafted pages and on every rendered
page of both languages, and the results workbook in the report's language."""

from __future__ import annotations

import csv
import html
import re
import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from parlib.config import dataset
from parlib.core import glossary
from parlib.core.labels import (
    catalogue,
    code_name,
    decimal_commas,
    number,
    number_range,
    plus_minus,
    t,
)
from parlib.core.storage import write_csv
from parlib.history import trends
from parlib.publish import export, layouts, trends_labels, views
from tests import leakscan
from tests.conftest import ROOT

PLACEHOLDER = re.compile(r"\{[^}]*\}")

# label key → the glossary term its Vietnamese must use
USES_TERM = {
    "self_points": "self_assessed",
    "self_total": "self_assessed",
    "claimed_rank": "self_assessed",
    "profile_no_deductions": "self_assessed",
    "rounds_reading": "self_assessed",
    "appraised_points": "appraised",
    "survey_points": "survey_points",
    "survey_total": "survey_points",
    "points_deducted": "points_deducted",
    "n_not_arising": "not_arising",
    "subcriterion": "sub_criterion",
    "explanation": "explanation",
    "band": "band",
    "rank": "rank",
    "area": "area",
    "criterion": "criterion",
    "block": "block",
    "max_points": "applicable_max",
    "bonus_points": "bonus",
    "penalty_points": "penalty",
    "ministry": "ministry",
    "central_branch": "central_branch",
    "ward": "ward",
    "special_zone": "special_zone",
    "landing_title": "par_index_short",
}


def vietnamese_labels() -> dict[str, str]:
    return {k: PLACEHOLDER.sub(" ", v["vi"]) for k, v in catalogue().items() if v["vi"]}


# --- the glossary and the catalogue ---------------------------------------------------------------


def test_glossary_holds_moha_terms_in_both_languages():
    terms = glossary.terms()
    wanted = {
        "par_index": "Chỉ số cải cách hành chính",
        "par_index_short": "Chỉ số CCHC",
        "block": "khối",
        "area": "lĩnh vực",
        "criterion": "tiêu chí",
        "sub_criterion": "tiêu chí thành phần",
        "max_points": "điểm tối đa",
        "self_assessed": "điểm tự đánh giá",
        "appraised": "điểm thẩm định",
        "survey_points": "điểm điều tra xã hội học",
        "bonus": "điểm thưởng",
        "penalty": "điểm trừ",
        "not_arising": "không phát sinh",
        "explanation": "giải trình",
        "rank": "xếp hạng",
        "band": "xếp loại",
        "agency": "cơ quan",
        "unit": "đơn vị",
        "department": "sở, ban, ngành",
        "commune": "xã",
        "ward": "phường",
    }
    assert {k: terms[k].vi for k in wanted} == wanted
    for term in terms.values():
        assert term.vi and term.en and term.definition_vi and term.definition_en, term.key
        # a synonym to avoid is never itself a term
        assert not {a.casefold() for a in term.avoid_vi} & {x.vi.casefold() for x in terms.values()}


def test_glossary_finds_an_avoided_synonym_and_names_the_term():
    assert glossary.avoided("Điểm tự chấm của đơn vị") == [
        ("điểm tự chấm", "điểm tự đánh giá"),
        ("tự chấm", "điểm tự đánh giá"),
    ]
    assert glossary.avoided("Điểm tự đánh giá của đơn vị") == []
    assert glossary.avoided("điểm phạt") == [("điểm phạt", "điểm trừ")]
    assert glossary.term("sub_criterion", "en") == "sub-criterion"
    with pytest.raises(KeyError):
        glossary.term("no-such-term")


def test_no_label_uses_a_synonym_the_glossary_avoids():
    found = {k: glossary.avoided(v) for k, v in vietnamese_labels().items()}
    assert {k: v for k, v in found.items() if v} == {}


def test_labels_use_the_glossary_terms():
    labels = catalogue()
    missing = {
        key: glossary.term(term)
        for key, term in USES_TERM.items()
        if key in labels and glossary.term(term).casefold() not in labels[key]["vi"].casefold()
    }
    assert missing == {}
    assert {k for k in USES_TERM if k not in labels} <= {"bonus_points", "penalty_points"}


def test_no_vietnamese_label_has_an_english_word_or_a_code_name():
    english = {}
    for key, text in vietnamese_labels().items():
        words = [
            w
            for w in leakscan.WORD.findall(text)
            if w.isascii()
            and w.casefold() in leakscan.ENGLISH_STOP
            and w not in leakscan.ENGLISH_ALLOWED_ON_VI
        ]
        codes = leakscan.SNAKE.findall(text) + leakscan.KEBAB.findall(text)
        if words or codes:
            english[key] = words + codes
    assert english == {}


def test_trends_labels_come_from_the_catalogue():
    assert trends_labels.label("col_unit", "vi") == t("trends_col_unit", "vi") == "Đơn vị"
    assert trends_labels.label("other_units", "en", n=3) == "Other units (3)"
    assert trends_labels.num(60.25, "vi") == "60,25"
    assert not hasattr(trends_labels, "LABELS")  # one catalogue, no second copy


# --- numbers and code names -----------------------------------------------------------------------


def test_ranges_and_tolerances_in_the_page_language():
    assert number_range(60.25, 65, 2, "vi") == "60,25–65,00"
    assert number_range(60.25, 65, 2, "en") == "60.25–65.00"
    assert number_range(1234.5, None, 1, "vi") == "≥ 1.234,5"
    assert number_range(None, 65, 0, "en") == "≤ 65"
    assert number_range(None, float("nan"), 2, "vi") == ""
    assert plus_minus(30.47, 0.04, 2, "vi") == "30,47 (± 0,04)"
    assert plus_minus(30.47, 0.04, 2, "en") == "30.47 (± 0.04)"
    assert plus_minus(30.47, None, 1, "vi") == "30,5"
    assert number(79.96, 2, "vi") == "79,96"


def test_free_text_gets_decimal_commas_but_codes_keep_their_dots():
    assert (
        decimal_commas("tổng các tiêu chí lá, 38.5 (± 0.04)")
        == "tổng các tiêu chí lá, 38,5 (± 0,04)"
    )
    assert decimal_commas("tiêu chí 2.1 và mục 1.2.3; -0.5") == "tiêu chí 2.1 và mục 1.2.3; -0,5"
    assert decimal_commas("38.5", "en") == "38.5"
    assert decimal_commas(None) == ""


def test_code_names_shown_by_their_labels():
    assert code_name("central_branch", "vi") == "Cơ quan ngành dọc"
    assert code_name("not_applicable_as_zero", "vi") == "Tính phần không phát sinh là 0 điểm"
    assert code_name("framework_totals", "en") == "Framework totals"
    assert code_name("survey_total", "vi") == "Tổng điểm điều tra xã hội học"
    assert code_name("some-new_code", "vi") == "some new code"  # never an identifier


def test_validation_problems_shown_with_decimal_commas_and_labels():
    problem = {
        "severity": "warning",
        "unit_id": "long-an",
        "value": "30.46",
        "expected": "30.47 (± 0.04)",
        "expected_vi": "30.47 (± 0.04)",
        "message": "the published survey_total of Long An differs within rounding",
        "message_vi": "survey_total công bố của Long An chênh lệch trong phạm vi làm tròn",
    }
    vi = views.problems_frame([problem], "vi", {"long-an": "Long An"}).iloc[0]
    assert (vi["value"], vi["expected"]) == ("30,46", "30,47 (± 0,04)")
    assert vi["message"].startswith("Tổng điểm điều tra xã hội học công bố của Long An")
    en = views.problems_frame([problem], "en").iloc[0]
    assert (en["value"], en["expected"]) == ("30.46", "30.47 (± 0.04)")
    assert "Survey total" in en["message"] and "survey_total" not in en["message"]


# --- the scanner on crafted pages -----------------------------------------------------------------


def page(body: str, lang: str = "vi") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><title>Báo cáo</title>'
        f"<style>.x_y {{color: red}}</style></head><body>{body}</body></html>"
    )


CLEAN_VI = page(
    "<h1>Chỉ số CCHC năm 2024</h1><p>Chỉ số 79,96; khoảng 60,25–65,00; 30,47 (± 0,04); "
    "1.234,5 điểm; tiêu chí 2.1 bị trừ 0,50 điểm; mục 2.1.3. Cập nhật 02/12/2026 13:05 (giờ Việt Nam). "
    "DỮ LIỆU TỔNG HỢP (SYNTHETIC).</p>"
    "<footer><code>data/raw/vn-provinces/scores_2024.csv</code> <code>pandas 2.2.3</code> "
    "<code>2026-12-02T06:13:27+00:00</code></footer>"
    "<script>var rank_all = 1.5;</script>"
)
CLEAN_EN = page(
    "<h1>PAR Index 2024</h1><p>Index 79.96, range 60.25–65.00; a like-for-like index; "
    "Sở Nội vụ leads. 2 Dec 2026 13:05 (Vietnam time, UTC+7).</p>",
    "en",
)


def kinds(leaks) -> list[str]:
    return sorted({leak.kind for leak in leaks})


def test_clean_pages_have_no_leaks():
    assert leakscan.scan(CLEAN_VI, "vi", ["so-noi-vu"], ["Sở Nội vụ"]) == []
    assert leakscan.scan(CLEAN_EN, "en", ["so-noi-vu"], ["Sở Nội vụ"]) == []


@pytest.mark.parametrize(
    "body, kind",
    [
        ("<p>Khoảng 60.25–65</p>", "decimal_point"),
        ("<p>30,47 (± 0.04)</p>", "decimal_point"),
        ("<td>5.3</td>", "decimal_point"),  # a one-level code outside <code> reads as a decimal
        ("<p>Phương án rescale-absent-survey</p>", "identifier"),
        ("<td>not_applicable_as_zero</td>", "identifier"),
        ("<p>Loại: central_branch</p>", "identifier"),
        ("<p>Hồ sơ của so-noi-vu</p>", "unit_id"),
        ("<p>CONFLICT: the source says 3rd</p>", "english"),
        ("<p>Thời điểm tạo: 06:13 UTC</p>", "utc"),
        ("<p>Thời điểm tạo: 2026-12-02T06:13:27+00:00</p>", "utc"),
        ('<img alt="Index of every unit" src="x.png">', "english"),
        ('<p title="survey_total">Tổng</p>', "identifier"),
    ],
)
def test_each_kind_of_leak_is_caught_on_a_vietnamese_page(body, kind):
    assert kind in kinds(leakscan.scan(page(body), "vi", ["so-noi-vu"]))


def test_leaks_on_an_english_page_and_a_wrong_lang():
    assert kinds(leakscan.scan(page("<p>Điểm của các đơn vị</p>", "en"), "en")) == ["vietnamese"]
    english = page("<p>The one-stop shop; under equal-areas or absent-survey-as-zero</p>", "en")
    assert [x.text.split()[0] for x in leakscan.scan(english, "en")] == ["absent-survey-as-zero"]
    assert kinds(leakscan.scan(english, "en", codes=["equal-areas"])) == ["identifier"]
    assert len(leakscan.scan(english, "en", codes=["equal-areas"])) == 2
    assert kinds(leakscan.scan(page("<p>Generated 06:13 UTC</p>", "en"), "en")) == ["utc"]
    assert kinds(leakscan.scan(page("<p>Chỉ số</p>", "en"), "vi")) == ["lang"]


def test_text_marked_with_its_own_language_is_checked_in_it():
    unit_words = '<p>Explanation: <span lang="vi">Đơn vị giải trình: đã gửi 0,5 điểm</span></p>'
    assert leakscan.scan(page(unit_words, "en"), "en") == []
    assert kinds(leakscan.scan(page("<p>Đơn vị giải trình</p>", "en"), "en")) == ["vietnamese"]
    wrong = '<p><span lang="vi">Khoảng 60.25</span> and <b>the</b> rest</p>'
    assert kinds(leakscan.scan(page(wrong, "en"), "en")) == ["decimal_point"]
    # a wrong <html lang> is reported and does not change how the page is read
    assert kinds(leakscan.scan(page("<p>Khoảng 60.25</p>", "en"), "vi")) == [
        "decimal_point",
        "lang",
    ]


def test_only_code_is_exempt():
    assert leakscan.scan(page("<p><code>rescale-absent-survey 60.25 UTC</code></p>"), "vi") == []
    assert kinds(leakscan.scan(page("<p><kbd>rescale-absent-survey</kbd></p>"), "vi")) == [
        "identifier"
    ]
    assert kinds(leakscan.scan(page("<p><span>60.25</span></p>"), "vi")) == ["decimal_point"]


# --- every rendered page of both languages --------------------------------------------------------


def project_codes(project: Path) -> set[str]:
    """The code names the datasets declare: their methodology alternatives."""
    codes = set()
    for path in (project / "data" / "raw").glob("*/alternatives.toml"):
        codes |= set(tomllib.loads(path.read_text(encoding="utf-8")).get("alternatives", {}))
    return codes


def project_names(project: Path) -> tuple[set[str], set[str]]:
    """Every unit id of the project's datasets, and the proper names pages may show as they are."""
    ids, names = set(), set()
    for path in (project / "data" / "raw").glob("*/units.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                ids.add(row["unit_id"])
                names |= {row.get(c) or "" for c in ("unit_name", "name_en", "region", "group")}
    return ids, names


def rendered_pages(reports: Path) -> dict[str, list[Path]]:
    """The reviewers' pages by language (GX's own Data Docs, English only, are left out)."""
    pages = [p for p in sorted(reports.rglob("*.html")) if "data_docs" not in p.parts]
    return {
        "vi": [p for p in pages if ".en." not in p.name],
        "en": [p for p in pages if p.name.endswith(".en.html")],
    }


@pytest.mark.slow
def test_no_rendered_page_leaks(first_run):
    reports = first_run.project / "reports"
    ids, names = project_names(first_run.project)
    codes = project_codes(first_run.project)
    pages = rendered_pages(reports)
    assert pages["vi"], "no Vietnamese page was rendered"
    found = {}
    for lang, paths in pages.items():
        for path in paths:
            leaks = leakscan.scan(path.read_text(encoding="utf-8"), lang, ids, names, codes)
            if leaks:
                found[str(path.relative_to(reports))] = sorted({str(x) for x in leaks})[:10]
    assert found == {}


@pytest.mark.slow
def test_every_page_declares_its_language_and_links_its_counterpart(first_run):
    reports = first_run.project / "reports"
    wrong = {}
    for lang, paths in rendered_pages(reports).items():
        for path in paths:
            text = path.read_text(encoding="utf-8")
            if leakscan.html_lang(text) != lang or 'hreflang="' not in text:
                wrong[str(path.relative_to(reports))] = leakscan.html_lang(text)
    assert wrong == {}


# --- the results workbook -------------------------------------------------------------------------


@pytest.fixture
def processed(tmp_path: Path) -> Path:
    out = tmp_path / "processed"
    units = pd.DataFrame(
        {
            "year": [2024, 2024],
            "unit_id": ["so-a", "xa-b"],
            "unit_name": ["Sở A", "Xã B"],
            "kind": ["department", "central_branch"],
            "rank": [1, 2],
            "index_pct": [85.0, 75.5],
            "index_pct_exact": [85.0, 75.5],
            "band": ["A", "B"],
            "self_known": [True, False],
            "totals_source": ["parts", "published"],
            "source": ["computed", "computed"],
            "block": ["all", "all"],
        }
    )
    bias = pd.DataFrame(
        {"scope": ["all", "commune"], "finding": ["negative", "none"], "spearman_rho": [-0.5, 0.1]}
    )
    alts = pd.DataFrame(
        {"unit_id": ["so-a"], "alternative": ["official"], "rule": ["not_applicable_as_zero"]}
    )
    write_csv(units, out / "unit_index.csv")
    write_csv(bias, out / "fairness_bias.csv")
    write_csv(alts, out / "fairness_alternatives.csv")
    return out


def workbook(processed: Path, target: Path, lang: str) -> openpyxl.Workbook:
    prov = {"dataset": "d", "year": 2024, "inputs": [], "parameters": {}, "versions": {}}
    return openpyxl.load_workbook(export.write_workbook(processed, target, lang, prov))


def rows(book: openpyxl.Workbook, sheet: str) -> list[dict]:
    values = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip(values[0], r)) for r in values[1:]]


def test_vietnamese_workbook_speaks_vietnamese(processed, tmp_path):
    book = workbook(processed, tmp_path / "results.xlsx", "vi")
    assert book.sheetnames == [
        "Chỉ số đơn vị",
        "Các phương án tính",
        "Thiên lệch điểm tối đa",
        "Nguồn gốc",
        "Các cột",
    ]
    units = rows(book, "Chỉ số đơn vị")
    assert [u["Loại đơn vị"] for u in units] == ["Sở, ban, ngành", "Cơ quan ngành dọc"]
    assert [u["Có điểm tự đánh giá"] for u in units] == ["Có", "Không"]
    assert [u["Cách tính tổng điểm"] for u in units] == [
        "Cộng từ các tiêu chí",
        "Theo tổng công bố",
    ]
    assert units[0]["Nguồn"] == "Tính từ điểm tiêu chí" and units[0]["Chỉ số (%)"] == 85
    bias = rows(book, "Thiên lệch điểm tối đa")
    assert [b["Phạm vi"] for b in bias] == ["Tất cả", "Xã"]
    assert bias[0]["Kết luận"] == "Thiên vị đơn vị ít nhiệm vụ"
    alt = rows(book, "Các phương án tính")[0]
    assert (alt["Phương án"], alt["Quy tắc"]) == (
        "Chính thức",
        "Tính phần không phát sinh là 0 điểm",
    )
    headers = [c.value for s in book.sheetnames[:-1] for c in book[s][1]]
    assert not [h for h in headers if re.search(r"[a-z]_[a-z]", str(h))]  # no column name shown
    columns = rows(book, "Các cột")
    assert {"Trang tính", "Tên cột trong dữ liệu", "Tiêu đề", "Tiêu đề tiếng Anh"} <= set(
        columns[0]
    )


def test_english_workbook_speaks_english(processed, tmp_path):
    book = workbook(processed, tmp_path / "results.en.xlsx", "en")
    assert book.sheetnames[:3] == ["Unit indexes", "Alternatives", "Max-points bias"]
    units = rows(book, "Unit indexes")
    assert [u["Unit kind"] for u in units] == ["Department", "Central agency branch"]
    assert [u["Self-assessment known"] for u in units] == ["Yes", "No"]
    assert rows(book, "Alternatives")[0]["Rule"] == "Count parts that did not arise as zero"


@pytest.mark.slow
def test_the_run_writes_both_workbooks_in_their_language(first_run):
    year = first_run.project / "reports" / "vn-provinces" / "2012"
    book = openpyxl.load_workbook(year / "results.xlsx")
    assert book.sheetnames[0] == "Chỉ số đơn vị"
    english = year / "results.en.xlsx"
    assert english.is_file(), "the runner writes results.en.xlsx beside results.xlsx"
    assert openpyxl.load_workbook(english).sheetnames[0] == "Unit indexes"


def test_methodology_lists_the_glossary():
    text = (ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")
    assert glossary.markdown() in text


@pytest.mark.parametrize("name", ["vn-provinces", "vn-national"])
def test_conflicts_between_sources_read_in_vietnamese(name, monkeypatch):
    monkeypatch.setenv("PARLIB_ROOT", str(ROOT))
    found = trends.conflicts(trends.load_national(dataset.load_dataset(name)))
    assert len(found) and found["detail_vi"].str.strip().all()
    ids, names = project_names(ROOT)
    cells = "".join(f"<p>{html.escape(d)}</p>" for d in found["detail_vi"])
    assert [str(x) for x in leakscan.scan(page(cells), "vi", ids, names)] == []
    columns = [c.name for c in layouts.conflict_columns("vi")]
    assert "detail_vi" in columns and "detail" not in columns
    assert "detail" in [c.name for c in layouts.conflict_columns("en")]
