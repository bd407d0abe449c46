"""``parlib import`` and ``parlib new``: wide tables → the contract's long files, refusals that
write nothing, and a new dataset's skeleton (issue #12)."""

from __future__ import annotations

import functools
import inspect
import tomllib

import pandas as pd
import pytest

from parlib import ingest
from parlib.config.dataset import load_dataset
from parlib.core.errors import DataError, UsageError
from parlib.publish import template
from parlib.run import cli, importer, newdataset, preflight
from tests.conftest import write

MODEL_MERGED = "allow_missing_scores" in inspect.signature(load_dataset).parameters

# criteria as rows, units as columns: unit names above their first sub-column (the cell to the
# right empty, as an export of merged cells), matched by name, case-folded and without diacritics
WIDE = """
    Mã tiêu chí,Nội dung,Sở A,,sở b,,XA C,
    ,,Tự chấm,Thẩm định,Điểm tự chấm,Điểm thẩm định,Tự chấm,Thẩm định
    1,Lĩnh vực một,10,9,,,,
    1.1,Tiêu chí 1.1,6,6,"5,5",5,6,6
    1.2,Tiêu chí 1.2,4,3,KPS,KPS,4,4
    2,Lĩnh vực hai,,,,,,
    2.1,Tiêu chí 2.1,5,4,4,4,5,5
    2.2,Tiêu chí 2.2,,,,,,
"""
EXPECTED = """
    unit_id,criterion,self_score,appraised_score
    a,1.1,6,6
    a,1.2,4,3
    a,2.1,5,4
    a,2.2,,
    b,1.1,"5,5",5
    b,1.2,KPS,KPS
    b,2.1,4,4
    b,2.2,,
    c,1.1,6,6
    c,1.2,4,4
    c,2.1,5,5
    c,2.2,,
"""
PUBLISHED_WIDE = """
    STT,Tên đơn vị,Điểm thẩm định,Điểm điều tra xã hội học,Chỉ số (%),Xếp hạng
    1,Sở A,13,4,85,1
    2,So B,9,3,75,2
"""
PUBLISHED_EXPECTED = """
    unit_id,measure,value,source,unit_name
    a,appraised_total,13,bảng công bố,Sở A
    a,survey_total,4,bảng công bố,Sở A
    a,index_pct,85,bảng công bố,Sở A
    a,rank,1,bảng công bố,Sở A
    b,appraised_total,9,bảng công bố,So B
    b,survey_total,3,bảng công bố,So B
    b,index_pct,75,bảng công bố,So B
    b,rank,2,bảng công bố,So B
"""


def long(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_criteria_as_rows_become_the_scores_file(tiny_raw, tmp_path, capsys):
    wide = write(tmp_path / "wide.csv", WIDE)
    code = cli_import(tiny_raw, ["tiny", "2024", str(wide)])
    assert code == 0
    out = tiny_raw / "tiny" / "scores" / "2024-imported.csv"
    assert long(out).equals(long(write(tmp_path / "expected.csv", EXPECTED)))
    printed = capsys.readouterr().out
    assert "XA C / Thẩm định → c · appraised_score" in printed
    assert "skipped: row 3 1 (an area or subtotal)" in printed
    # the written file is a scores file as ingest reads it: the hand-checked tiny values
    back = ingest.read_scores(out).set_index(["unit_id", "criterion"])
    assert back.loc[("b", "1.1"), "self_score"] == 5.5 and back.loc[("b", "1.2"), "self_kps"]


def test_units_as_rows_become_the_published_file(tiny_raw, tmp_path, capsys):
    wide = write(tmp_path / "published.csv", PUBLISHED_WIDE)
    args = ["tiny", "2024", str(wide), "--layout", "units-rows", "--source", "bảng công bố"]
    assert cli_import(tiny_raw, args) == 0
    out = tiny_raw / "tiny" / "published" / "2024.csv"
    assert long(out).equals(long(write(tmp_path / "expected.csv", PUBLISHED_EXPECTED)))
    assert "Chỉ số (%) → index_pct" in capsys.readouterr().out
    assert set(ingest.read_published(out)["measure"]) == {
        "appraised_total",
        "survey_total",
        "index_pct",
        "rank",
    }


def cli_import(raw, args):
    """The command line on the dataset under ``raw`` (``load_dataset`` reads data/raw)."""
    cfg = load_dataset(args[0], raw)
    try:
        plan = importer.run(
            cfg,
            int(args[1]),
            args[2],
            args[args.index("--layout") + 1] if "--layout" in args else "criteria-rows",
            source=args[args.index("--source") + 1] if "--source" in args else None,
            force="--force" in args,
        )
    except (DataError, UsageError) as exc:
        print(exc)
        return 1
    print(plan.report())
    return 0


@pytest.mark.parametrize(
    ("change", "check", "says"),
    [
        (("sở b", "Sở Z"), "import_unknown_unit", "matches no unit"),
        (("XA C", "Sở A"), "import_duplicate_column", "a second column for unit a"),
        (("Điểm tự chấm", "Điểm lần ba"), "import_unclassified_header", "sub-header not"),
        (("2.1,", "9.9,"), "import_unknown_criterion", "not in the year's framework"),
    ],
)
def test_what_cannot_be_mapped_is_refused_and_nothing_written(
    tiny_raw, tmp_path, change, check, says
):
    wide = write(tmp_path / "wide.csv", WIDE.replace(*change, 1))
    with pytest.raises(DataError) as refused:
        importer.run(load_dataset("tiny", tiny_raw), 2024, wide, "criteria-rows")
    # one problem per column refused (a second unit column has two: self and appraised)
    assert {p.check for p in refused.value.problems} == {check}
    assert says in refused.value.problems[0].message
    assert not (tiny_raw / "tiny" / "scores" / "2024-imported.csv").exists()


def test_a_name_matching_two_units_without_diacritics_is_refused(tiny_raw, tmp_path):
    units = tiny_raw / "tiny" / "units.csv"
    units.write_text(units.read_text(encoding="utf-8") + "d,Xã Ç,commune,\n", encoding="utf-8")
    wide = write(tmp_path / "wide.csv", WIDE.replace("XA C", "xã ç"))  # case-folded: only d
    plan = importer.run(load_dataset("tiny", tiny_raw), 2024, wide, "criteria-rows")
    assert ("xã ç / Thẩm định", "d · appraised_score") in plan.mapping
    wide = write(tmp_path / "wide2.csv", WIDE)  # "XA C": Xã C and Xã Ç alike without diacritics
    with pytest.raises(DataError) as refused:
        importer.run(load_dataset("tiny", tiny_raw), 2024, wide, "criteria-rows", force=True)
    assert "matches several units (c, d)" in refused.value.problems[0].message


def test_never_overwrites_without_force_and_stays_in_the_dataset(tiny_raw, tmp_path):
    cfg, wide = load_dataset("tiny", tiny_raw), write(tmp_path / "wide.csv", WIDE)
    importer.run(cfg, 2024, wide, "criteria-rows")
    with pytest.raises(UsageError, match="exists; give --force"):
        importer.run(cfg, 2024, wide, "criteria-rows")
    assert importer.run(cfg, 2024, wide, "criteria-rows", force=True).target.is_file()
    for outside in ("../elsewhere.csv", str(tmp_path / "abs.csv")):
        with pytest.raises(UsageError, match="must be inside"):
            importer.run(cfg, 2024, wide, "criteria-rows", out=outside)
    assert not (tiny_raw / "elsewhere.csv").exists() and not (tmp_path / "abs.csv").exists()


def test_import_from_the_command_line_refuses_with_exit_1(tmp_path, capsys):
    wide = write(tmp_path / "wide.csv", WIDE)  # tiny's units are not synthetic-province's
    assert cli.main(["import", "synthetic-province", "2024", str(wide)]) == 1
    err = capsys.readouterr().err
    assert "value 'XA C': unit column matches no unit of the registry" in err


# --- parlib new ------------------------------------------------------------------------------


def test_new_writes_a_commented_skeleton_that_validates_once_scored(tmp_path):
    raw = tmp_path / "raw"
    written = newdataset.create("tinh-moi", 2025, raw)
    folder = raw / "tinh-moi"
    assert {p.relative_to(folder).as_posix() for p in written} == {
        "dataset.toml",
        "units.csv",
        "frameworks/tinh-moi.csv",
        "bands.csv",
    }
    text = (folder / "dataset.toml").read_text(encoding="utf-8")
    doc = tomllib.loads(text)
    lines = text.splitlines()
    for i, line in enumerate(lines):  # every active key has a comment (VI / EN) just above it
        if line and not line.startswith(("#", "[")):
            assert lines[i - 1].startswith("#") or lines[i - 2].startswith("#"), line
    assert "/" in lines[lines.index("synthetic = false") - 1]  # Vietnamese / English
    assert doc["years"]["2025"]["scores"] == "scores/2025.xlsx"
    # score the two example units (as a filled template would): the dataset loads and validates
    write(
        folder / "scores" / "2025.xlsx.csv",
        """
        unit_id,criterion,self_score,appraised_score,survey_score
        don-vi-1,1.1,3,3,
        don-vi-1,1.2,3,2,
        don-vi-1,2.1,,,4
        don-vi-2,1.1,3,3,
        don-vi-2,1.2,KPS,KPS,
        don-vi-2,2.1,,,3
        """,
    )
    (folder / "scores" / "2025.xlsx.csv").rename(folder / "scores" / "2025.csv")
    toml = folder / "dataset.toml"
    toml.write_text(text.replace("scores/2025.xlsx", "scores/2025.csv"), encoding="utf-8")
    cfg = load_dataset("tinh-moi", raw)
    report, _ = preflight.preflight(functools.partial(ingest.load_year, cfg, 2025))
    assert report.success and report.critical == []


@pytest.mark.skipif(not MODEL_MERGED, reason="needs load_dataset(allow_missing_scores=) (§8)")
def test_new_then_template_before_any_score_file(tmp_path):
    raw = tmp_path / "raw"
    newdataset.create("tinh-moi", 2025, raw)
    cfg = template.load("tinh-moi", raw)
    path = template.write(cfg, 2025, tmp_path / "mau.xlsx")
    assert pd.read_excel(path, sheet_name="Điểm").shape[0] == 2 * 3


@pytest.mark.parametrize("name", ["../escape", "a/b", "", "Tên", ".hidden", "x" * 65])
def test_new_refuses_names_that_are_not_a_folder_of_data_raw(tmp_path, name):
    with pytest.raises(UsageError, match="not a dataset name"):
        newdataset.create(name, 2025, tmp_path / "raw")
    assert not (tmp_path / "escape").exists()


def test_new_never_overwrites_a_dataset(tmp_path):
    raw = tmp_path / "raw"
    (raw / "old").mkdir(parents=True)
    (raw / "old" / "keep.txt").write_text("keep")
    with pytest.raises(UsageError, match="never overwrites"):
        newdataset.create("old", 2025, raw)
    assert sorted(p.name for p in (raw / "old").iterdir()) == ["keep.txt"]
