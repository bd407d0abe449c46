"""The official annex (issue #15 item 5): ``phu-luc.docx`` and ``phu-luc.xlsx`` read back with
python-docx and openpyxl — page setup, fonts, headings, one table per block, rows in rank order
with the published figures — and converted to PDF by LibreOffice (one conversion, skipped with
its reason when ``soffice`` is missing).

The results are computed here with the library (ingest → score, no notebook) into a temporary
folder, for three shipped years: vn-provinces 2012 (real: Long An, index 79.96, published rank 20
of 63 — MoHA notice 338/BNV-CCHC, docs/methodology.md), synthetic-2025 2025 (SYNTHETIC, three
blocks, bands) and vn-national 2022 (published results only: index, rank, some bands). Expected
figures come from the raw files and the DOMAIN worked example, never from the annex code.

The rules checked are those of Nghị định 30/2020/NĐ-CP (Phụ lục I) for an annex: A4, margins top
and bottom 20–25 mm, left 30–35 mm, right 15–20 mm, Times New Roman, text 13–14 pt, tables 11–13,
the headings centred, page numbers at the top from the second page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from parlib.config import provenance
from parlib.config.dataset import load_dataset
from parlib.core import paths
from parlib.core.storage import write_csv
from parlib.ingest.inputs import load_year
from parlib.publish.annex import write_annex
from parlib.score.compute import compute

ROOT = Path(__file__).resolve().parent.parent
RAW = paths.raw_dir(ROOT)
FONT = "Times New Roman"
YEARS = {"vn-provinces": 2012, "synthetic-2025": 2025, "vn-national": 2022}
TEXT_SIZES = (13, 14)  # the decree's body text
TABLE_SIZES = (11, 12, 13)  # smaller in tables
MM = 36000  # EMU per millimetre


def _build(root: Path, dataset: str, year: int) -> tuple[Path, Path]:
    cfg = load_dataset(dataset, RAW)
    processed = paths.year_dir(root / "processed", dataset, year)
    inputs = load_year(cfg, year)
    inputs.save(processed)
    compute(inputs).save(processed)
    reports = paths.year_dir(root / "reports", dataset, year)
    prov = provenance.collect(cfg, year, {})
    docx_path, xlsx_path = write_annex(processed, reports, cfg, year, prov)
    return docx_path, xlsx_path


@pytest.fixture(scope="module")
def annexes(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("annex")
    return {dataset: _build(root, dataset, year) for dataset, year in YEARS.items()}


def _tables(path: Path) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(path).tables]


def _runs(document):
    """Every run of the document with where it is: ``text`` (the body's paragraphs), ``table``
    (the tables' cells), ``margin`` (headers and footers)."""
    section = document.sections[0]
    margins = (section.header, section.first_page_header, section.footer)
    margins += (section.first_page_footer,)
    for where, part in [("text", document)] + [("margin", m) for m in margins]:
        for paragraph in part.paragraphs:
            yield where, paragraph.runs
        for table in part.tables:
            for row in table.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        yield "table", paragraph.runs


def _mm(length) -> float:
    return length / MM


# --- Word: page setup, fonts, headings ------------------------------------------------------------


@pytest.mark.parametrize("dataset", list(YEARS))
def test_the_annex_is_a4_with_the_decrees_margins_and_page_numbers(annexes, dataset):
    document = Document(annexes[dataset][0])
    assert len(document.sections) == 1
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert round(_mm(section.page_width)) == 210 and round(_mm(section.page_height)) == 297
    assert 20 <= _mm(section.top_margin) <= 25 and 20 <= _mm(section.bottom_margin) <= 25
    assert 30 <= _mm(section.left_margin) <= 35 and 15 <= _mm(section.right_margin) <= 20
    # page numbers: a PAGE field centred in the header, none on the first page
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert " PAGE " in [i.text for i in header._p.iter(qn("w:instrText"))]
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert not list(first._element.iter(qn("w:instrText")))


@pytest.mark.parametrize("dataset", list(YEARS))
def test_every_run_is_times_new_roman_at_the_decrees_sizes(annexes, dataset):
    document = Document(annexes[dataset][0])
    seen = 0
    sizes = {"text": TEXT_SIZES, "table": TABLE_SIZES, "margin": (*TABLE_SIZES, 14)}
    for where, runs in _runs(document):
        for run in runs:
            seen += 1
            fonts = run._r.rPr.rFonts
            assert run.font.name == FONT, run.text
            slots = {fonts.get(qn(f"w:{s}")) for s in ("ascii", "hAnsi", "eastAsia", "cs")}
            assert slots == {FONT}, run.text
            assert run.font.size.pt in sizes[where], (where, run.text, run.font.size.pt)
    assert seen > 20
    # the defaults too, with no theme font that would win over them, and Vietnamese as language
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == FONT and fonts.get(qn("w:asciiTheme")) is None
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    assert document.styles["Normal"].font.name == FONT


def test_the_headings_follow_the_decree(annexes):
    paragraphs = [p for p in Document(annexes["vn-provinces"][0]).paragraphs if p.text.strip()]
    heading, title, attached = paragraphs[:3]
    assert heading.text == "Phụ lục I"
    assert title.text == "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2012"
    assert title.text == title.text.upper()
    for p in (heading, title):
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(r.font.bold and not r.font.italic for r in p.runs)
    assert attached.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(r.font.italic for r in attached.runs)
    # the number, the date and the issuing body are left for the office to fill in
    assert re.fullmatch(
        r"\(Kèm theo Quyết định số …+/QĐ-…+ ngày …+ tháng …+ năm …+ của …+\)", attached.text
    )
    assert "SYNTHETIC" not in " ".join(p.text for p in paragraphs)  # real data


# --- Word: the tables -----------------------------------------------------------------------------


def test_long_an_2012_shows_its_published_index_and_rank(annexes):
    (table,) = _tables(annexes["vn-provinces"][0])  # one block: one table, no section heading
    assert table[0] == [
        "STT",
        "Tên đơn vị",
        "Điểm đạt (tối đa 100)",
        "Chỉ số CCHC (%)",
        "Xếp hạng",
    ]
    # MoHA's notice: 79.96 points of 100, rank 20 of 63 (not "1" in a table of one)
    assert table[1:] == [["1", "Long An", "79,96", "79,96", "20"]]
    text = " ".join(p.text for p in Document(annexes["vn-provinces"][0]).paragraphs)
    assert "Long An: xếp hạng 20/63 theo kết quả đã công bố" in text
    assert "QĐ 1294/QĐ-BNV (03/12/2012)" in text  # the methodology


def test_the_synthetic_year_has_a_table_per_block_in_rank_order(annexes):
    path = annexes["synthetic-2025"][0]
    document = Document(path)
    units = pd.read_csv(RAW / "synthetic-2025" / "units.csv")
    expected_sizes = [
        (units["kind"] == "department").sum(),
        (units["kind"] == "ward").sum(),
        units["kind"].isin(["commune", "special_zone"]).sum(),
    ]
    headings = [p.text for p in document.paragraphs if re.match(r"^[IVX]+\. ", p.text)]
    assert headings == ["I. Khối sở, ban, ngành", "II. Khối phường", "III. Khối xã, đặc khu"]
    tables = _tables(path)
    assert [len(t) - 1 for t in tables] == expected_sizes
    for table in document.tables:  # the grid spans the text's 165 mm, the unit's name widest
        grid = [_mm(c.width) for c in table.columns]
        assert sum(grid) == pytest.approx(210 - 30 - 15, abs=1)
        assert max(grid) == grid[1] and all(_mm(c.width) == grid[1] for c in table.column_cells(1))
    results = pd.read_csv(
        path.parents[3] / "processed" / "synthetic-2025" / "2025" / "unit_index.csv"
    )
    names = dict(zip(results["unit_name"], results.to_dict("records")))
    for table in tables:
        header = table[0]
        assert header[:2] == ["STT", "Tên đơn vị"] and header[-3:] == [
            "Chỉ số CCHC (%)",
            "Xếp hạng",
            "Xếp loại",
        ]
        rows = [dict(zip(header, r)) for r in table[1:]]
        assert [r["STT"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
        ranks = [int(r["Xếp hạng"]) for r in rows]
        assert ranks == sorted(ranks) and ranks[0] == 1
        for r in rows:
            unit = names[r["Tên đơn vị"]]
            assert r["Chỉ số CCHC (%)"] == f"{unit['index_pct']:.2f}".replace(".", ",")
            assert int(r["Xếp hạng"]) == unit["rank"] and r["Xếp loại"] == unit["band"]
            points = next(v for k, v in r.items() if k.startswith("Điểm đạt"))
            assert points == f"{unit['achieved_points']:.2f}".replace(".", ",")
    text = " ".join(p.text for p in document.paragraphs)
    assert "DỮ LIỆU TỔNG HỢP (SYNTHETIC)" in text  # on page one, and at the foot of every page
    for footer in (document.sections[0].footer, document.sections[0].first_page_footer):
        assert "SYNTHETIC" in footer.paragraphs[0].text


def test_a_published_only_year_shows_what_was_published_and_nothing_else(annexes):
    tables = _tables(annexes["vn-national"][0])
    assert len(tables) == 2  # provinces, ministries
    raw = pd.read_csv(RAW / "vn-national" / "published" / "2022.csv")
    raw = raw[raw["role"] == "primary"]
    printed = raw.pivot_table(index="unit_name", columns="measure", values="value", aggfunc="first")
    for table in tables:
        header = table[0]
        assert not any(h.startswith("Điểm") for h in header)  # no points were published
        rows = [dict(zip(header, r)) for r in table[1:]]
        for r in rows:
            unit = printed.loc[r["Tên đơn vị"]]
            assert int(r["Xếp hạng"]) == int(unit["rank"])
            index = unit.get("index_pct")
            shown = "" if pd.isna(index) else f"{float(index):.2f}".replace(".", ",")
            assert r["Chỉ số CCHC (%)"] == shown
        assert ("Xếp loại" in header) == (table is tables[0])  # only provinces have bands
    provinces = {r[1]: r for r in tables[0][1:]}
    assert provinces["Hà Nội"][2:4] == ["89,58", "3"]
    assert provinces["Quảng Ninh"][2:] == ["90,10", "1", "A"]
    assert provinces["Bắc Giang"][2:4] == ["", "4"]  # a rank printed without its index


def test_the_notes_give_methodology_and_data_version_in_vietnam_time(annexes):
    document = Document(annexes["vn-provinces"][0])
    notes = [p.text for p in document.paragraphs if p.text.startswith("- ")]
    joined = " ".join(notes)
    assert "Phương pháp đánh giá: QĐ 1294/QĐ-BNV (03/12/2012)." in joined
    hashes = re.findall(r"data/raw/vn-provinces/\S+ \(([0-9a-f]{12})\)", joined)
    cfg = load_dataset("vn-provinces", RAW)
    assert sorted(hashes) == sorted(provenance.sha256(p)[:12] for p in cfg.input_files(2012))
    assert re.search(r"Thời điểm tạo: \d\d/\d\d/\d{4} \d\d:\d\d \(giờ Việt Nam\)\.", joined)
    assert "/work/" not in joined and str(ROOT) not in joined  # no local absolute path


# --- Excel ----------------------------------------------------------------------------------------


def test_the_workbook_prints_on_a4_in_times_new_roman(annexes):
    book = openpyxl.load_workbook(annexes["synthetic-2025"][1])
    assert len(book.sheetnames) == 3
    assert book.sheetnames[0] == "I. Khối sở, ban, ngành"
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert int(setup.paperSize) == 9 and setup.orientation == "portrait"  # 9: A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
        margins = sheet.page_margins
        assert 30 <= margins.left * 25.4 <= 35 and 15 <= margins.right * 25.4 <= 20
        assert 20 <= margins.top * 25.4 <= 25 and 20 <= margins.bottom * 25.4 <= 25
        assert re.fullmatch(r"\$?(\d+):\$?\1", sheet.print_title_rows)  # the header row repeats
        assert sheet.HeaderFooter.differentFirst and sheet.oddHeader.center.text == "&P"
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.font.name == FONT, cell.coordinate


def test_the_workbook_holds_long_ans_figures_as_numbers(annexes):
    book = openpyxl.load_workbook(annexes["vn-provinces"][1])
    (sheet,) = book.worksheets
    rows = [[c for c in r] for r in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0].value == "STT")
    assert sheet.print_title_rows.replace("$", "") == f"{header + 1}:{header + 1}"
    long_an = rows[header + 1]
    assert [c.value for c in long_an] == [1, "Long An", 79.96, 79.96, 20]
    assert long_an[3].number_format == "0.00"
    assert rows[0][0].value == "Phụ lục I" and rows[0][0].font.bold


def test_a_hostile_unit_name_stays_text(tmp_path):
    processed = tmp_path / "processed"
    hostile = ['=HYPERLINK("x")', "<b>x</b>"]
    write_csv(
        pd.DataFrame(
            {
                "year": [2024, 2024],
                "unit_id": ["a", "b"],
                "unit_name": hostile,
                "achieved_points": [85.0, 75.5],
                "max_points": [100.0, 100.0],
                "index_pct": [85.0, 75.5],
                "rank": [1, 2],
                "band": ["", ""],
            }
        ),
        processed / "unit_index.csv",
    )
    cfg = load_dataset("vn-provinces", RAW)
    prov = {"inputs": [], "versions": {}, "generated_at": ""}
    docx_path, xlsx_path = write_annex(processed, tmp_path / "reports", cfg, 2012, prov)
    (table,) = _tables(docx_path)
    assert [r[1] for r in table[1:]] == hostile
    document = Document(docx_path)
    assert not list(document.element.body.iter(qn("w:fldSimple")))
    assert not list(document.element.body.iter(qn("w:instrText")))  # no field from a name
    sheet = openpyxl.load_workbook(xlsx_path).worksheets[0]
    cells = [c for r in sheet.iter_rows() for c in r if c.value in hostile]
    assert len(cells) == 2
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [True, False]  # "=…" kept text when edited too


# --- LibreOffice: an A4 PDF -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(annexes, tmp_path_factory) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        )
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo is not installed: apt-get install poppler-utils")
    out = tmp_path_factory.mktemp("pdf")
    profile = (out / "profile").as_uri()  # its own LibreOffice profile: no clash with another one
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(out), str(annexes["synthetic-2025"][0])],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / "phu-luc.pdf"


def test_libreoffice_converts_the_annex_to_an_a4_pdf(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1  # 210 × 297 mm
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    assert text[0].lstrip().startswith("Phụ lục I")  # no page number on the first page
    assert text[1].strip().splitlines()[0].strip() == "2"  # the second page's number, on top
    assert "III. Khối xã, đặc khu" in "".join(text)


def test_the_pdf_is_set_in_times_new_roman_or_its_metric_twin(pdf):
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts is not installed: apt-get install poppler-utils")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    if "Liberation" not in fonts and "Times" not in fonts:
        installed = subprocess.run(["fc-list"], capture_output=True, text=True).stdout
        if "Liberation Serif" not in installed and "Times New Roman" not in installed:
            pytest.skip(
                "neither Times New Roman nor Liberation Serif: apt-get install fonts-liberation"
            )
    names = re.findall(r"^\S+\+(\S+)", fonts, re.M) or re.findall(r"^(\S+)", fonts, re.M)[2:]
    assert names and all(re.match(r"(TimesNewRoman|LiberationSerif)", n) for n in names), names


def test_ci_installs_libreoffice_and_the_fonts_for_the_pdf_test():
    text = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"apt-get install .*\blibreoffice-writer-nogui\b.*\bfonts-liberation\b", text)
    assert "command -v soffice" in text  # a runner without LibreOffice gets it installed
