"""Ingest: cells, headers, CSV and real XLSX files, Unicode normalisation."""

from __future__ import annotations

import math
import unicodedata

import openpyxl
import pandas as pd
import pytest

from parlib import ingest
from parlib.config import framework as fwk
from parlib.config.dataset import load_dataset
from parlib.core.errors import DataError
from parlib.ingest import readers, tables

from .conftest import write


@pytest.mark.parametrize(
    "raw, value, kps, unparsed",
    [
        ("8,75", 8.75, False, ""),
        ("8.75", 8.75, False, ""),
        (" 0 ", 0.0, False, ""),
        (0, 0.0, False, ""),
        (4.5, 4.5, False, ""),
        ("KPS", math.nan, True, ""),
        ("kps", math.nan, True, ""),
        ("Không phát sinh", math.nan, True, ""),
        ("N/A", math.nan, False, "N/A"),
        ("NA", math.nan, False, "NA"),
        ("", math.nan, False, ""),
        (None, math.nan, False, ""),
        ("8,7,5", math.nan, False, "8,7,5"),
        ("tám", math.nan, False, "tám"),
        ("1.234,5", math.nan, False, "1.234,5"),
    ],
)
def test_parse_cell(raw, value, kps, unparsed):
    cell = ingest.parse_cell(raw)
    assert (math.isnan(cell.value) and math.isnan(value)) or cell.value == value
    assert cell.kps is kps
    assert cell.unparsed == unparsed


def test_zero_is_a_real_zero_and_empty_is_missing():
    assert ingest.parse_cell("0").value == 0.0
    assert math.isnan(ingest.parse_cell("").value)
    assert not ingest.parse_cell("").kps


def test_vietnamese_headers_decimal_commas_and_kps(tmp_path):
    path = write(
        tmp_path / "scores.csv",
        """
        Mã đơn vị,Mã tiêu chí,Điểm tự chấm,Điểm thẩm định,Điểm điều tra
        a,1.1,"8,75","8,5",
        a,1.2,KPS,KPS,
        a,2.2,,,"3,25"
    """,
    )
    df = ingest.read_scores(path)
    assert list(df["unit_id"]) == ["a", "a", "a"]
    assert df.loc[0, "self_score"] == 8.75 and df.loc[0, "appraised_score"] == 8.5
    assert bool(df.loc[1, "self_kps"]) and bool(df.loc[1, "appraised_kps"])
    assert df.loc[2, "survey_score"] == 3.25
    assert list(df["source_row"]) == [2, 3, 4]


def test_headers_tolerate_case_spacing_and_missing_diacritics(tmp_path):
    path = write(
        tmp_path / "scores.csv",
        """
        MA DON VI ,ma tieu chi,Diem  tham dinh
        a,1.1,5
    """,
    )
    df = ingest.read_scores(path)
    assert df.loc[0, "appraised_score"] == 5.0


def test_xlsx_with_numbers_text_and_decimal_commas(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã đơn vị", "Mã tiêu chí", "Điểm tự chấm", "Điểm thẩm định", "Điểm điều tra"])
    sheet.append(["a", "1.1", 6, "5,75", None])
    sheet.append(["a", "1.2", "KPS", "KPS", None])
    sheet.append(["a", "2.2", None, None, 4.25])
    sheet.append([None, None, None, None, None])  # trailing empty row, as Excel leaves them
    path = tmp_path / "scores.xlsx"
    book.save(path)
    df = ingest.read_scores(path)
    assert len(df) == 3
    assert df.loc[0, "self_score"] == 6.0 and df.loc[0, "appraised_score"] == 5.75
    assert bool(df.loc[1, "appraised_kps"])
    assert df.loc[2, "survey_score"] == 4.25


def test_text_is_normalised_to_nfc(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Sở Tư pháp")
    assert decomposed != "Sở Tư pháp"
    path = write(tmp_path / "units.csv", f"unit_id,unit_name,kind\nstp,{decomposed},department\n")
    units = ingest.read_units(path)
    assert units.loc[0, "unit_name"] == "Sở Tư pháp"


def test_missing_required_column_names_the_file_and_column(tmp_path):
    path = write(tmp_path / "scores.csv", "unit_id,self_score\na,5\n")
    with pytest.raises(DataError) as err:
        ingest.read_scores(path)
    assert "scores.csv" in str(err.value) and "criterion" in str(err.value)


def test_unreadable_framework_number_is_reported_with_row(tmp_path):
    path = write(tmp_path / "fw.csv", "code,name_vi,max_points\n1,A,mười\n")
    with pytest.raises(DataError) as err:
        ingest.read_framework(path)
    problem = err.value.problems[0]
    assert problem.row == 2 and problem.value == "mười" and problem.criterion == "1"


def test_shipped_2024_xlsx_reads_like_the_csv_years():
    cfg = load_dataset("synthetic-province")
    inputs = ingest.load_year(cfg, 2024)
    assert cfg.year(2024).scores.suffix == ".xlsx"
    assert (
        (inputs.scores[["self_unparsed", "appraised_unparsed", "survey_unparsed"]] == "")
        .all()
        .all()
    )
    n_units, n_leaves = inputs.units.shape[0], int(inputs.framework["is_leaf"].sum())
    assert len(inputs.scores) == n_units * n_leaves


def test_tidy_tables_round_trip(tiny_raw, tmp_path):
    cfg = load_dataset("tiny", tiny_raw)
    inputs = ingest.load_year(cfg, 2024)
    ingest.save_tidy(inputs, tmp_path / "out")
    back = ingest.load_tidy(tmp_path / "out", cfg, 2024)
    assert back.scores["self_kps"].dtype == bool
    assert list(back.framework["code"]) == list(inputs.framework["code"])
    assert back.scores["appraised_score"].equals(inputs.scores["appraised_score"])


def _plain_scores(path, notes_used: bool) -> dict[str, list]:
    """What ``read_scores`` must give, read cell by cell (no codes shared between steps)."""
    raw = tables.read_table(path)
    code = [fwk.normalise_code(readers._cell_text(v)) for v in raw["criterion"]]
    if notes_used:  # normalised before the corrections, then once more
        code = [fwk.normalise_code(readers._cell_text(v)) for v in code]
    out = {
        "unit_id": [readers._cell_text(v) for v in raw["unit_id"]],
        "criterion": code,
        "source_row": list(raw["source_row"]),
    }
    for col in ("self_score", "appraised_score", "survey_score"):
        cells = [tables.parse_cell(v) for v in raw[col]]
        out[col] = [c.value for c in cells]
        out[col.replace("_score", "_kps")] = [c.kps for c in cells]
        out[col.replace("_score", "_unparsed")] = [c.unparsed for c in cells]
    return out


@pytest.mark.parametrize("with_notes", [False, True])
def test_read_scores_through_the_reading_codes_equals_a_plain_read(tmp_path, with_notes):
    """read_scores maps ids, codes and score cells through the codes ``read_table_coded`` kept;
    with blank rows dropped, decomposed text normalised and repeated values, every cell must be
    what reading it on its own gives (a code out of step with its row would shift values)."""
    path = tmp_path / "scores.csv"
    decomposed = unicodedata.normalize("NFD", "Đà Nẵng")
    path.write_text(
        "\n".join(
            [
                "unit_id,criterion,self_score,appraised_score,survey_score",
                ",,,,",
                'u1,1.1.,"8,75",KPS,',
                ",,,,",
                f"{decomposed},1.2,tám,2, 1 ",
                "u1,1.1,8.75,kps,N/A",
                " , , , , ",
                "u2, 2. ,0,,3",
                f"{decomposed},1.2,tám,2, 1 ",
                "u2,1.3. .,1,1,1",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    got = ingest.read_scores(path, ingest.Notes() if with_notes else None)
    want = _plain_scores(path, with_notes)
    assert list(got["source_row"]) == want["source_row"] == [3, 5, 6, 8, 9, 10]
    for col, values in want.items():
        if got[col].dtype == "float64":
            assert (
                got[col].to_numpy().tobytes()
                == pd.Series(values, dtype="float64").to_numpy().tobytes()
            ), col
        else:
            assert list(got[col]) == values, col
    # "1.3. ." loses its last dot when normalised once, both when normalised twice (with notes)
    assert list(got["criterion"]) == [
        "1.1",
        "1.2",
        "1.1",
        "2",
        "1.2",
        "1.3" if with_notes else "1.3. ",
    ]
    assert list(got["unit_id"])[1] == unicodedata.normalize("NFC", decomposed)


def test_read_scores_with_a_correction_reads_the_corrected_cell(tmp_path):
    """A correction changes cells after reading: the codes from reading are dropped, not reused."""
    path = tmp_path / "scores.csv"
    path.write_text(
        "unit_id,criterion,self_score,appraised_score,survey_score\nu1,1.1,3,3,\nu2,1.1,3,3,\n",
        encoding="utf-8",
    )
    fix = pd.DataFrame(
        [
            {
                "year": "",
                "table": "scores",
                "unit_id": "u2",
                "criterion": "1.1",
                "column": "appraised_score",
                "old_value": "3",
                "new_value": "2,5",
                "source": "minutes",
                "reason": "typo",
                "file": "corrections.csv",
                "source_row": 2,
            }
        ]
    )
    notes = ingest.Notes(fix)
    got = ingest.read_scores(path, notes)
    assert list(got["appraised_score"]) == [3.0, 2.5]
    assert list(got["self_score"]) == [3.0, 3.0]
    assert len(notes.audit) == 1
