"""Tables as provinces send them (issue #11): real XLSX files built with openpyxl and CSV files,
each with one thing real files have, and what the reader must do with it — refuse with a located
message, or read it and say what it noticed. Never first-match-wins, never a traceback."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from parlib.core import paths
from parlib.core.errors import DataError
from parlib.ingest import boundary, readers, textcheck
from parlib.ingest.tables import parse_cell
from parlib.run import cli

from .conftest import ROOT
from .test_malformed import problems_for

HEADER = ["Mã đơn vị", "Mã tiêu chí", "Điểm tự chấm", "Điểm thẩm định", "Điểm điều tra"]
ROWS = [["a", "1.1", 1, 1, None], ["a", "1.2", 2, "1,5", None], ["b", "1.1", 3, 3, None]]


def workbook(rows=None, title="Điểm"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in [HEADER, *ROWS] if rows is None else rows:
        ws.append(row)
    return wb, ws


def save(wb, path: Path) -> Path:
    wb.save(path)
    return path


def refused(path: Path, reader=readers.read_scores) -> list:
    with pytest.raises(DataError) as caught:
        reader(path, readers.Notes())
    return caught.value.problems


def only(problems: list, check: str):
    found = [p for p in problems if p.check == check]
    assert found, [str(p) for p in problems]
    return found[0]


# --- two columns for one field: the most serious one (a wrong index published silently) ---


def test_a_hidden_first_appraisal_beside_the_re_appraisal_is_refused_naming_both(tmp_path):
    wb, ws = workbook()
    ws.insert_cols(4)
    ws.cell(1, 4, "Điểm thẩm định")  # the superseded first appraisal, hidden, found first
    for r in range(2, ws.max_row + 1):
        ws.cell(r, 4, 0)
    ws.column_dimensions["D"].hidden = True
    problems = refused(save(wb, tmp_path / "s.xlsx"))
    dup = only(problems, "duplicate_column")
    assert dup.severity == "critical" and dup.sheet == "Điểm" and dup.criterion == "appraised_score"
    assert "'Điểm thẩm định' in column D and 'Điểm thẩm định' in column E" in dup.message
    hidden = only(problems, "hidden_column")
    assert hidden.severity == "critical" and "column D" in hidden.value


def test_an_english_and_a_vietnamese_header_for_one_field_are_refused_in_a_csv(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "unit_id,criterion,appraised_score,Điểm thẩm định\na,1.1,5,6\n", encoding="utf-8"
    )
    dup = only(refused(path), "duplicate_column")
    assert dup.value == "'appraised_score' (column 3), 'Điểm thẩm định' (column 4)"
    assert dup.row == 1 and dup.sheet == ""


def test_the_same_header_twice_in_a_csv_is_refused_not_renamed_and_dropped(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("unit_id,criterion,self_score,self_score\na,1.1,5,6\n", encoding="utf-8")
    assert "(column 4)" in only(refused(path), "duplicate_column").value


# --- where the header is, merged cells, sheets ---


def test_a_title_row_above_the_header_is_refused_naming_the_header_row(tmp_path):
    wb, ws = workbook()
    ws.insert_rows(1, 2)
    ws["A1"] = "BẢNG ĐIỂM NĂM 2024"
    p = only(refused(save(wb, tmp_path / "s.xlsx")), "header_not_in_row_1")
    assert p.row == 3 and p.sheet == "Điểm" and "delete rows 1–2" in p.message
    csv_path = tmp_path / "s.csv"
    csv_path.write_text("BẢNG ĐIỂM\nunit_id,criterion,self_score\na,1.1,1\n", encoding="utf-8")
    assert only(refused(csv_path), "header_not_in_row_1").row == 2


def test_a_two_row_merged_header_is_refused_naming_the_range(tmp_path):
    wb, ws = workbook([["Mã đơn vị", "Mã tiêu chí", "Điểm"], [None, None, "Tự chấm", "Thẩm định"]])
    ws.append(["a", "1.1", 1, 1])
    ws.merge_cells("C1:D1")
    p = only(refused(save(wb, tmp_path / "s.xlsx")), "merged_cells")
    assert p.value == "C1:D1" and "merged header" in p.message and p.sheet == "Điểm"


def test_an_instructions_sheet_first_is_accepted_and_the_sheet_read_is_named(tmp_path):
    wb, _ = workbook(title="Điểm 2024")
    notes = wb.create_sheet("Hướng dẫn", 0)
    notes.append(["Nhập điểm vào sheet 'Điểm 2024'"])
    recorded = readers.Notes()
    scores = readers.read_scores(save(wb, tmp_path / "s.xlsx"), recorded)
    assert scores["appraised_score"].tolist() == [1.0, 1.5, 3.0]
    assert recorded.sheets == {paths.display(tmp_path / "s.xlsx"): "Điểm 2024"}
    warning = only(recorded.problems, "sheet_not_read")
    assert warning.severity == "warning" and warning.value == "Hướng dẫn"


def test_two_sheets_with_the_table_are_refused_naming_both(tmp_path):
    wb, _ = workbook(title="Đợt 1")
    other = wb.create_sheet("Đợt 2")
    for row in [HEADER, *ROWS]:
        other.append(row)
    p = only(refused(save(wb, tmp_path / "s.xlsx")), "ambiguous_sheet")
    assert p.value == "'Đợt 1', 'Đợt 2'"


def test_a_hidden_sheet_is_not_read_silently(tmp_path):
    wb, ws = workbook()
    wb.create_sheet("Trống", 0)
    ws.sheet_state = "hidden"
    wb.active = 0
    assert only(refused(save(wb, tmp_path / "s.xlsx")), "hidden_sheet").sheet == "Điểm"


# --- hidden rows and columns, formulas, error values ---


def test_hidden_rows_with_data_are_refused_naming_them(tmp_path):
    wb, ws = workbook()
    ws.row_dimensions[3].hidden = True
    p = only(refused(save(wb, tmp_path / "s.xlsx")), "hidden_rows")
    assert p.row == 3 and p.value == "rows 3"


def test_a_hidden_column_that_is_not_read_is_only_a_warning(tmp_path):
    wb, ws = workbook([[*HEADER, "Ghi chú"], *[[*r, "x"] for r in ROWS]])
    ws.column_dimensions["F"].hidden = True
    recorded = readers.Notes()
    readers.read_scores(save(wb, tmp_path / "s.xlsx"), recorded)
    assert only(recorded.problems, "hidden_column").severity == "warning"


def _with_cached_value(path: Path, cell: str, value: str) -> Path:
    """Give the formula in ``cell`` a saved value, as Excel does (openpyxl writes none)."""
    out = path.with_name("cached.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start)
                text = (
                    text[:start] + text[start:end].replace("<v />", f"<v>{value}</v>") + text[end:]
                )
                data = text.encode()
            dst.writestr(info, data)
    return out


def test_a_formula_without_a_saved_value_is_named_and_one_with_a_value_is_read(tmp_path):
    wb, ws = workbook()
    ws["D3"] = "=C3*1"
    path = save(wb, tmp_path / "s.xlsx")
    p = only(refused(path), "formula_without_value")
    assert p.row == 3 and p.value == "=C3*1" and "cell D3" in p.message
    scores = readers.read_scores(_with_cached_value(path, "D3", "2"))
    assert scores["appraised_score"].tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("error", ["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?"])
def test_excel_error_values_are_reported_as_such_not_as_empty(tmp_path, error):
    wb, ws = workbook()
    ws["D4"] = error
    p = only(refused(save(wb, tmp_path / "s.xlsx")), "excel_error")
    assert (p.row, p.value, p.sheet) == (4, error, "Điểm") and "column D" in p.message


# --- codes stored as numbers, invisible and look-alike characters, legacy encodings ---


def test_a_criterion_code_stored_as_a_number_is_refused_and_an_integer_code_is_not(tmp_path):
    wb, _ = workbook([HEADER, ["a", 1.1, 1, 1, None], ["a", 1.2, 2, 2, None]])
    p = only(refused(save(wb, tmp_path / "s.xlsx")), "code_stored_as_number")
    assert p.criterion == "1.1" and "1.10" in p.message and "Text" in p.message
    wb, _ = workbook([HEADER, ["a", 3, 1, 1, None]])
    assert readers.read_scores(save(wb, tmp_path / "i.xlsx"))["criterion"].tolist() == ["3"]


@pytest.mark.parametrize(
    "bad, shown",
    [
        ("a\u200b", "a\\u200b"),  # zero-width space
        ("a\u200d", "a\\u200d"),  # zero-width joiner
        ("\ufeffa", "\\ufeffa"),  # a BOM inside the file
        ("a\u00a0b", "a\\u00a0b"),  # no-break space
        ("a\u00adb", "a\\u00adb"),  # soft hyphen
        ("a\u202eb", "a\\u202eb"),  # right-to-left override
        ("\u0410", "\\u0410"),  # Cyrillic А
        ("\u03bf", "\\u03bf"),  # Greek ο
    ],
)
def test_invisible_and_look_alike_characters_in_ids_are_refused_and_shown_escaped(
    tmp_path, bad, shown
):
    path = tmp_path / "s.csv"
    path.write_text(f"unit_id,criterion,self_score\n{bad},1.1,1\n", encoding="utf-8")
    p = only(refused(path), "suspicious_character")
    assert p.severity == "critical" and p.value == shown and f"'{shown}'" in p.message
    assert textcheck.escape(bad) == shown


def test_invisible_characters_in_names_are_a_warning(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("unit_id,unit_name,kind\na,Sở\u200bA,department\n", encoding="utf-8")
    recorded = readers.Notes()
    readers.read_units(path, recorded)
    p = only(recorded.problems, "suspicious_character")
    assert p.severity == "warning" and p.value == "Sở\\u200bA"


LEGACY = ["Hµ Néi", "§ång Th¸p", "Së Néi vô", "ChØ ®¹o, ®iÒu hµnh", "Haø Noäi", "Ñoàng Thaùp"]
UNICODE = ["Hà Nội", "Đồng Tháp", "Sở Nội vụ", "Chỉ đạo, điều hành", "Thừa Thiên Huế", "Café 25°C"]


def test_the_legacy_encoding_detector_on_tcvn3_vni_and_unicode_text():
    assert all(textcheck.looks_like_legacy(t) for t in LEGACY)
    assert not any(textcheck.looks_like_legacy(t) for t in UNICODE)


def test_no_text_in_the_shipped_data_looks_like_a_legacy_encoding_or_hides_a_character():
    cells = []
    for path in sorted((ROOT / "data" / "raw").rglob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            cells += [c for row in csv.reader(fh) for c in row]
    for path in sorted((ROOT / "data" / "raw").rglob("*.xlsx")):
        for ws in openpyxl.load_workbook(path, read_only=True).worksheets:
            cells += [
                c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)
            ]
    assert len(cells) > 10_000
    assert [c for c in cells if textcheck.looks_like_legacy(c) or textcheck.id_fault(c)] == []


def test_legacy_text_in_a_name_is_a_warning_naming_the_cell(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("unit_id,unit_name,kind\na,Long An,province\nb,Hµ Néi,city\n", encoding="utf-8")
    recorded = readers.Notes()
    readers.read_units(path, recorded)
    p = only(recorded.problems, "legacy_encoding")
    assert (p.severity, p.row, p.value) == ("warning", 3, "Hµ Néi")


# --- CSV delimiters ---


def test_a_semicolon_csv_with_decimal_commas_is_read_cell_by_cell(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "unit_id;criterion;self_score;appraised_score\na;1.1;8,75;8,5\nb;1.2;1;KPS\n",
        encoding="utf-8",
    )
    scores = readers.read_scores(path)
    assert scores["self_score"].tolist() == [8.75, 1.0]
    assert scores["appraised_score"].tolist()[0] == 8.5 and scores["appraised_kps"].tolist()[1]


def test_a_header_with_two_kinds_of_separator_is_refused(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("unit_id;criterion,self_score\na;1.1,1\n", encoding="utf-8")
    assert "comma and semicolon" in only(refused(path), "ambiguous_delimiter").message


# --- unreadable files and size limits ---


@pytest.mark.parametrize(
    "name, content, said",
    [
        ("s.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "password-protected"),
        ("s.xlsx", b"unit_id,criterion\na,1.1\n", "text (perhaps a CSV)"),
        ("s.xlsx", b"", "empty"),
        ("s.csv", b"", "empty"),
        ("s.csv", b"PK\x03\x04" + bytes(100), "an Excel workbook with a .csv name"),
        ("s.xlsx", b"PK\x03\x04" + bytes(100), "not an Excel workbook"),
    ],
)
def test_unreadable_files_are_located_refusals_not_tracebacks(tmp_path, name, content, said):
    path = tmp_path / name
    path.write_bytes(content)
    p = only(refused(path), "unreadable_input")
    assert p.file == paths.display(path) and said in p.message


def test_a_truncated_workbook_is_a_located_refusal(tmp_path):
    whole = save(workbook()[0], tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "s.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert "truncated" in only(refused(path), "unreadable_input").message


def test_row_and_byte_limits_are_refused_before_the_table_is_used(tmp_path, monkeypatch):
    path = tmp_path / "s.csv"
    path.write_text("unit_id,criterion,self_score\n" + "a,1.1,1\n" * 5, encoding="utf-8")
    monkeypatch.setenv("PARLIB_MAX_ROWS", "4")
    p = only(refused(path), "too_many_rows")
    assert p.value == "more than 4 rows"
    xlsx = save(workbook()[0], tmp_path / "s.xlsx")
    monkeypatch.setenv("PARLIB_MAX_ROWS", "2")
    assert only(refused(xlsx), "too_many_rows").value == "3 rows"
    monkeypatch.delenv("PARLIB_MAX_ROWS")
    monkeypatch.setenv("PARLIB_MAX_BYTES", "20")
    assert only(refused(path), "file_too_large").value == f"{path.stat().st_size} bytes"
    monkeypatch.delenv("PARLIB_MAX_BYTES")
    assert len(readers.read_scores(path)) == 5  # the defaults: 2,000,000 rows, 200 MB
    assert (boundary.max_rows(), boundary.max_bytes()) == (2_000_000, 200 * 1024 * 1024)


def test_messages_are_capped_per_check_with_a_count_of_the_rest(tmp_path):
    path = tmp_path / "s.csv"
    for cells, check in (
        ("u,1.1,#REF!", "excel_error"),
        ("u{i}\u200b,1.1,1", "suspicious_character"),
    ):
        lines = "".join(cells.format(i=i) + "\n" for i in range(120))
        path.write_text("unit_id,criterion,self_score\n" + lines, encoding="utf-8")
        listed = [p for p in refused(path) if p.check == check]
        assert len(listed) == boundary.MAX_LISTED + 1 and listed[-1].value == "70 more", check
        assert listed[-1].message.startswith(listed[0].message), check


def test_validation_lists_at_most_50_rows_per_check_and_names_the_sheet(tmp_path, monkeypatch):
    """Every appraisal of the SYNTHETIC 2024 workbook set to 99: 2,046 rows above the maximum
    give 50 listed problems and one counting the rest, each naming the sheet read."""
    raw = tmp_path / "data" / "raw"
    shutil.copytree(ROOT / "data" / "raw" / "synthetic-province", raw / "synthetic-province")
    shutil.copytree(ROOT / "expectations", tmp_path / "expectations")
    path = raw / "synthetic-province" / "scores" / "2024.xlsx"
    wb = openpyxl.load_workbook(path)
    for r in range(2, wb.active.max_row + 1):
        wb.active.cell(r, 4, 99)
    wb.save(path)
    monkeypatch.setenv("PARLIB_ROOT", str(tmp_path))
    found = [
        p for p in problems_for(raw, "synthetic-province", 2024) if p.check == "score_above_max"
    ]
    assert len(found) == boundary.MAX_LISTED + 1
    assert {p.sheet for p in found} == {"Điểm 2024"}
    assert found[-1].value.endswith(" more") and int(found[-1].value.split()[0]) > 1900
    assert found[-1].message.startswith(found[0].message + " — and ")  # says which problem


# --- end to end: an unreadable workbook refuses its dataset-year only ---


def _digest(folder: Path) -> dict:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_an_unreadable_workbook_is_refused_alone(first_run, tmp_path, monkeypatch, capsys):
    """Exit 1, the refusal page under reports/_failed/, the previous outputs untouched, and the
    other dataset of the same run still runs."""
    assert first_run.code_en == 0
    root = tmp_path / "project"
    shutil.copytree(first_run.project, root, ignore=shutil.ignore_patterns("gx", "data_docs"))
    before = _digest(root / "reports" / "synthetic-province")
    xlsx = root / "data" / "raw" / "synthetic-province" / "scores" / "2024.xlsx"
    xlsx.write_bytes(xlsx.read_bytes()[:4000])
    monkeypatch.setenv("PARLIB_ROOT", str(root))
    run = ["run", "--dataset", "synthetic-province", "--dataset", "tiny", "--year", "2024"]
    # tiny is up to date since the shared run (which built English too, and the language is no
    # part of the fingerprint): a parameter of its notebooks it did not have makes it run again
    run += ["-p", "top_n=14"]
    assert cli.main([*run, "--lang", "en"]) == 1
    printed = capsys.readouterr().out
    assert _digest(root / "reports" / "synthetic-province") == before
    failed = root / "reports" / "_failed" / "synthetic-province" / "2024"
    failure = json.loads((failed / "failure.json").read_text(encoding="utf-8"))
    assert failure["outcome"] == "invalid"
    page = (failed / "validation.html").read_text(encoding="utf-8")
    assert "data/raw/synthetic-province/scores/2024.xlsx" in page and "truncated" in page
    assert "tiny 2024: success" in printed and "synthetic-province 2024: invalid" in printed, (
        printed
    )
    assert (root / "reports" / "tiny" / "2024").is_dir()


def test_shipped_inputs_read_as_before_with_their_sheet_named():
    """The one shipped workbook is read from its only sheet, which is recorded for the messages."""
    recorded = readers.Notes()
    path = ROOT / "data" / "raw" / "synthetic-province" / "scores" / "2024.xlsx"
    scores = readers.read_scores(path, recorded)
    assert len(scores) == 2046 and recorded.problems == []
    assert list(recorded.sheets.values()) == ["Điểm 2024"]


# --- found by a hostile review after the merge: each published a wrong index or crashed ---


def test_a_header_hiding_a_character_is_refused_not_dropped_while_another_column_is_read(tmp_path):
    """``Điểm thẩm\\u200b định`` (the real appraisal) matched no field and was dropped unseen while
    a visible column also headed ``Điểm thẩm định`` (the self-scores) was read in its place."""
    wb, ws = workbook()
    ws.cell(1, 4, "Điểm thẩm\u200b định")
    ws.cell(1, ws.max_column + 1, "Điểm thẩm định")
    problems = refused(save(wb, tmp_path / "s.xlsx"))
    bad = only(problems, "suspicious_header")
    assert bad.severity == "critical" and bad.value == "Điểm thẩm\\u200b định" and bad.sheet
    assert "column D" in bad.message


def _patched(path: Path, old: bytes, new: bytes) -> Path:
    out = path.with_name("patched.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert old in data
                data = data.replace(old, new, 1)
            dst.writestr(info, data)
    return out


def test_a_column_of_width_zero_and_a_row_of_height_zero_count_as_hidden(tmp_path):
    """Other tools hide a column by width 0 (no ``hidden`` flag; openpyxl drops it on reading)."""
    wb, ws = workbook()
    path = save(wb, tmp_path / "s.xlsx")
    column = _patched(
        path, b"<sheetData>", b'<cols><col min="4" max="4" width="0"/></cols><sheetData>'
    )
    assert "column D" in only(refused(column), "hidden_column").value
    row = _patched(path, b'<row r="3"', b'<row r="3" ht="0" customHeight="1"')
    assert only(refused(row), "hidden_rows").value == "rows 3"


@pytest.mark.parametrize(
    "text, value",
    [("0 5", None), ("1 5", None), ("7 ,5", None), ("1 234,5", 1234.5), ("12\u00a0345", 12345.0)],
)
def test_a_space_inside_a_number_is_read_only_as_a_thousands_separator(text, value):
    cell = parse_cell(text)
    if value is None:
        assert cell.unparsed == text and math.isnan(cell.value)
    else:
        assert cell.value == value and not cell.unparsed


def test_a_csv_with_mac_line_endings_is_read_not_a_traceback(tmp_path):
    """Excel for Mac's "CSV (Macintosh)" ends lines with CR alone."""
    lines = [
        "unit_id,criterion,self_score,appraised_score,survey_score",
        "a,1.1,1,1,",
        "b,1.1,2,2,",
    ]
    path = tmp_path / "s.csv"
    path.write_bytes("\r".join(lines).encode())
    table = readers.read_scores(path, readers.Notes())
    assert table["unit_id"].tolist() == ["a", "b"]


def test_row_numbers_count_the_blank_lines_of_a_csv(tmp_path):
    """A bad cell after two blank lines is named at its own line of the file (pandas skips blank
    lines, which shifted every later row number)."""
    path = tmp_path / "s.csv"
    lines = ["unit_id,criterion,self_score,appraised_score,survey_score", "a,1.1,1,1,", "", ""]
    path.write_text("\n".join([*lines, "b,1.1,abc,2,"]) + "\n", encoding="utf-8")
    table = readers.read_scores(path, readers.Notes())
    assert table["source_row"].tolist() == [2, 5]


def test_a_small_workbook_that_unpacks_to_millions_of_rows_is_refused_before_parsing(
    tmp_path, monkeypatch
):
    """The ``<dimension>`` says A1:E4 but the sheet XML holds far more rows than the limit: counted
    as the XML streams, refused as too many rows (it took openpyxl 2 minutes and 2.7 GB to fail on
    a 15 MB file holding 3 million rows)."""
    monkeypatch.setenv("PARLIB_MAX_ROWS", "100")
    wb, ws = workbook()
    path = save(wb, tmp_path / "s.xlsx")
    filler = b"".join(b'<row r="%d"><c r="F%d"><v>1</v></c></row>' % (i, i) for i in range(9, 300))
    bomb = _patched(path, b"</sheetData>", filler + b"</sheetData>")
    assert only(refused(bomb), "too_many_rows").value == "294 rows"  # 3 + 291 added
