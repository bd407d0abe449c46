"""Excel round trip: write a scoring template, fill it in as a unit would, read it back."""

from __future__ import annotations

import openpyxl
import pytest

from parlib import ingest, score
from parlib.config.dataset import load_dataset
from parlib.core.errors import UsageError
from parlib.publish.template import write
from parlib.run import cli


def fill(path, values):
    """Fill input cells like a person in Excel: by unit and criterion, text or numbers."""
    book = openpyxl.load_workbook(path)
    sheet = book["Điểm"]
    for row in sheet.iter_rows(min_row=2):
        key = (row[0].value, row[2].value)
        if key in values:
            for cell, value in zip(row[6:9], values[key]):
                cell.value = value
    book.save(path)


def test_template_round_trip(tiny_raw, tmp_path):
    cfg = load_dataset("tiny", tiny_raw)
    path = write(cfg, 2024, tmp_path / "mau.xlsx", ["a", "b"])
    sheet = openpyxl.load_workbook(path)["Điểm"]
    assert sheet.max_row == 1 + 2 * 4  # two units × four leaves
    assert sheet.protection.sheet and sheet["A1"].protection.locked
    assert not sheet["H2"].protection.locked and sheet["I2"].protection.locked  # 1.1 has no survey
    rules = [str(v.formula1) for v in sheet.data_validations.dataValidation]
    assert any("KPS" in r and "<=E2" in r for r in rules)
    fill(
        path,
        {
            ("a", "1.1"): (6, 6, None),
            ("a", "1.2"): ("4", "3", None),
            ("a", "2.1"): (5, "4,0", None),
            ("a", "2.2"): (None, None, "4"),
            ("b", "1.1"): ("5,5", 5, None),
            ("b", "1.2"): ("KPS", "KPS", None),
            ("b", "2.1"): (4, 4, None),
            ("b", "2.2"): (None, None, 3),
        },
    )
    back = ingest.read_scores(path)
    assert len(back) == 8 and (back[["self_unparsed", "appraised_unparsed"]] == "").all().all()
    inputs = ingest.load_year(cfg, 2024)
    inputs.scores = back
    inputs.units = inputs.units[inputs.units["unit_id"].isin(["a", "b"])]
    unit = score.compute(inputs).unit_index.set_index("unit_id")
    # the same scores as the hand-checked CSV: a 17/20 = 85 %, b 12/16 = 75 %
    assert unit.loc["a", "index_pct"] == 85.0 and unit.loc["b", "index_pct"] == 75.0


def test_template_from_the_command_line(tmp_path):
    out = tmp_path / "mau-2024.xlsx"
    assert (
        cli.main(
            [
                "template",
                "--dataset",
                "synthetic-province",
                "--year",
                "2024",
                "--unit",
                "so-tu-phap",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    sheet = openpyxl.load_workbook(out)["Điểm"]
    assert sheet.max_row == 1 + 66 and sheet["B2"].value == "Sở Tư pháp"


def test_unknown_unit_is_refused(tiny_raw, tmp_path):
    with pytest.raises(UsageError):
        write(load_dataset("tiny", tiny_raw), 2024, tmp_path / "x.xlsx", ["nobody"])
