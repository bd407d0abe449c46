"""The data model of issue #12 through config, ingest and validation: three blocks on two
frameworks, SIPAS, bonus and penalty points, appraisal rounds, a unit-specific criterion, a year
without self-assessment and a year of published results only (a small dataset built here)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from parlib import ingest, validate
from parlib.config.dataset import load_dataset
from parlib.core.errors import DataError

from .conftest import write

TOML = """
title_vi = "Khối"
title_en = "Blocks"
synthetic = true

[frameworks.dept]
file = "frameworks/dept.csv"
decision = "QĐ 1 (SYNTHETIC)"
declared_total = 20  # the tree as published, the unit-specific criterion 4.1 included
index_cap = 100

[frameworks.dept.components.appraisal]
kind = "assessed"
label_vi = "Điểm thẩm định"
label_en = "Appraised points"
max = 12

[frameworks.dept.components.sipas]
kind = "measured"
label_vi = "Chỉ số hài lòng"
max = 8
aliases = ["điểm sipas"]

[frameworks.dept.components.bonus]
kind = "bonus"
label_vi = "Điểm thưởng"
cap = 2

[frameworks.dept.components.penalty]
kind = "penalty"
label_vi = "Điểm trừ"
cap = 2

[frameworks.local]
file = "frameworks/local.csv"
decision = "QĐ 2 (SYNTHETIC)"

[frameworks.parts]
decision = "Published parts"

[frameworks.parts.components.appraisal]
kind = "assessed"
label_vi = "Điểm thẩm định"
max = 60

[years.2025]
scores = "scores/2025-local.csv"

[years.2025.blocks.departments]
name_vi = "Khối sở, ngành"
name_en = "Departments"
framework = "dept"
kinds = ["department"]
scores = "scores/2025-departments.csv"

[years.2025.blocks.wards]
name_vi = "Khối phường"
framework = "local"
kinds = ["ward"]

[years.2025.blocks.communes]
name_vi = "Khối xã"
framework = "local"
kinds = ["commune"]

[years.2026]
framework = "local"
scores = "scores/2026.csv"
self_assessment = false

[years.2024]
published = "published/2024.csv"

[years.2024.blocks.departments]
name_vi = "Khối sở, ngành"
kinds = ["department"]

[years.2024.blocks.local]
name_vi = "Khối địa phương"
framework = "parts"
kinds = ["ward", "commune"]
"""

UNITS = """unit_id,unit_name,kind,name_en,valid_from,valid_to,parent
so-tp,Sở Tư pháp,department,Justice,,,
so-nv,Sở Nội vụ,department,Home Affairs,,,
p-an,Phường An,ward,,2025-07-01,,
x-dong,Xã Đông,commune,,,,
"""

DEPT = """code,name_vi,max_points,max_appraisal,max_sipas,max_bonus,max_penalty,applies_to
1,Chỉ đạo,10,10,,,,
1.1,Kế hoạch,6,6,,,,
1.2,Báo cáo,4,4,,,,
2,Hài lòng,8,,8,,,
2.1,SIPAS,8,,8,,,
3,Thưởng và trừ,0,,,,,
3.1,Điểm thưởng,0,,,2,,
3.2,Điểm trừ,0,,,,2,
4,Đặc thù,2,2,,,,
4.1,Tiêu chí đặc thù,2,2,,,,so-tp
"""

LOCAL = """code,name_vi,max_points,max_appraisal,max_survey
1,Chỉ đạo,6,6,0
2,Hài lòng,4,0,4
"""

DEPT_SCORES = """unit_id,criterion,self_score,round_1_score,explanation,round_2_score,appraised_score,sipas_score,bonus_score,penalty_score
so-tp,1.1,6,5,Đã bổ sung,6,,,,
so-tp,1.2,4,3,,,,,,
so-tp,2.1,,,,,,7.5,,
so-tp,3.1,,,,,,,1,
so-tp,3.2,,,,,,,,0.5
so-tp,4.1,2,,,,2,,,
so-nv,1.1,5,5,,,5,,,
so-nv,1.2,KPS,KPS,,,,,,
so-nv,2.1,,,,,,6,,
"""

LOCAL_SCORES = """unit_id,criterion,self_score,appraised_score,survey_score
p-an,1,6,5,
p-an,2,,,3
x-dong,1,5,5,
x-dong,2,,,2.5
"""

SCORES_2026 = """unit_id,criterion,self_score,appraised_score,survey_score
p-an,1,6,5,
p-an,2,,,3
x-dong,1,,4,
x-dong,2,,,2
"""

PUBLISHED = """unit_id,measure,value,source,unit_name,block,role
so-tp,index_pct,91.5,Báo cáo A,Sở Tư pháp,departments,
so-tp,index_pct,91.0,Báo cáo B,Sở Tư pháp,,alternative
so-tp,rank,1,Báo cáo A,,,
so-nv,index_pct,80.25,Báo cáo A,,,
x-dong,appraised_total,50,Báo cáo A,,,
x-dong,band,Tốt,Báo cáo A,,,
"""


def make(raw: Path, **replace: str) -> Path:
    """The dataset ``blocks`` under ``raw`` (``replace``: file name → new text)."""
    files = {
        "dataset.toml": TOML,
        "units.csv": UNITS,
        "frameworks/dept.csv": DEPT,
        "frameworks/local.csv": LOCAL,
        "scores/2025-departments.csv": DEPT_SCORES,
        "scores/2025-local.csv": LOCAL_SCORES,
        "scores/2026.csv": SCORES_2026,
        "published/2024.csv": PUBLISHED,
    }
    files.update({k.replace("__", "/").replace("_csv", ".csv"): v for k, v in replace.items()})
    for name, text in files.items():
        write(raw / "blocks" / name, text)
    return raw


def checks(raw: Path, year: int) -> list:
    inputs = ingest.load_year(load_dataset("blocks", raw), year)
    return validate.validate_inputs(inputs).problems


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    return make(tmp_path / "raw")


def test_config_reads_blocks_components_and_published_only_years(raw):
    cfg = load_dataset("blocks", raw)
    dept = cfg.frameworks["dept"]
    assert [c.id for c in dept.components] == ["appraisal", "sipas", "bonus", "penalty"]
    assert dept.component("bonus").cap == 2 and dept.index_cap == 100
    assert dept.component("appraisal").self_assessed and not dept.component("sipas").self_assessed
    assert cfg.frameworks["local"].components[1].id == "survey"  # legacy parts
    y25 = cfg.year(2025)
    assert [b.id for b in y25.blocks] == ["departments", "wards", "communes"]
    assert y25.framework is None and set(y25.frameworks) == {"dept", "local"}
    assert not y25.published_only and y25.methodology == "QĐ 1 (SYNTHETIC); QĐ 2 (SYNTHETIC)"
    files = {p.name for p in cfg.input_files(2025)}
    assert {"dept.csv", "local.csv", "2025-departments.csv", "2025-local.csv"} <= files
    assert not cfg.year(2026).self_assessment and cfg.year(2026).blocks[0].implicit
    y24 = cfg.year(2024)
    assert y24.published_only and set(y24.frameworks) == {"parts"}


@pytest.mark.parametrize(
    "old, new, check, key",
    [
        (
            "cap = 2\n\n[frameworks.dept.components.penalty]",
            "cap = 2\nmax = 3\n\n[frameworks.dept.components.penalty]",
            None,
            None,
        ),
        (
            'label_vi = "Chỉ số hài lòng"',
            'label_vi = "Chỉ số hài lòng"\ncap = 1',
            "config_cap_not_allowed",
            "frameworks.dept.components.sipas.cap",
        ),
        (
            'kind = "measured"',
            'kind = "survey"',
            "config_invalid_value",
            "frameworks.dept.components.sipas.kind",
        ),
        (
            "[frameworks.dept.components.sipas]",
            "[frameworks.dept.components.self]",
            "config_bad_id",
            "frameworks.dept.components.self",
        ),
        (
            "[years.2025.blocks.wards]",
            "[years.2025.blocks.'khối phường']",
            "config_bad_id",
            "years.2025.blocks.khối phường",
        ),
        (
            'name_vi = "Khối xã"',
            'name_vi = "Khối xã"\nsheets = "x"',
            "config_unknown_key",
            "years.2025.blocks.communes.sheets",
        ),
        (
            'framework = "parts"',
            'framework = "nope"',
            "config_unknown_framework",
            "years.2024.blocks.local.framework",
        ),
        (
            '[years.2026]\nframework = "local"',
            "[years.2026]",
            "config_missing_key",
            "years.2026.framework",
        ),
        (
            '[years.2026]\nframework = "local"',
            '[years.2026]\nframework = "parts"',
            "config_framework_without_file",
            "years.2026.framework",
        ),
        (
            'kind = "assessed"\nlabel_vi = "Điểm thẩm định"\nmax = 60',
            'kind = "assessed"\nlabel_vi = "Điểm thẩm định"',
            "config_missing_key",
            "frameworks.parts.components.appraisal.max",
        ),
        ('published = "published/2024.csv"', "", "config_missing_key", "years.2024.scores"),
    ],
)
def test_every_rule_is_a_located_problem(tmp_path, old, new, check, key):
    assert old in TOML
    raw = make(tmp_path / "raw", **{"dataset.toml": TOML.replace(old, new, 1)})
    if check is None:  # a bonus part may declare a max as well: accepted
        load_dataset("blocks", raw)
        return
    with pytest.raises(DataError) as info:
        load_dataset("blocks", raw)
    found = [(p.check, p.key) for p in info.value.problems]
    assert (check, key) in found, found


def test_missing_score_files_are_allowed_only_when_asked(tmp_path):
    raw = make(tmp_path / "raw")
    (raw / "blocks" / "scores" / "2025-local.csv").unlink()
    with pytest.raises(DataError):
        load_dataset("blocks", raw)
    cfg = load_dataset("blocks", raw, allow_missing_scores=True)
    assert cfg.year(2025).scores.name == "2025-local.csv"


def test_ingest_splits_blocks_reads_every_part_and_takes_the_last_round(raw):
    inputs = ingest.load_year(load_dataset("blocks", raw), 2025)
    fw = inputs.framework
    assert set(fw["framework"]) == {"dept", "local"}
    assert (
        fw.loc[(fw["framework"] == "dept") & (fw["code"] == "3.1"), "component"].item() == "bonus"
    )
    assert fw.loc[fw["code"] == "4.1", "applies_to"].item() == "so-tp"
    units = inputs.units.set_index("unit_id")
    assert units["block"].to_dict() == {
        "so-tp": "departments",
        "so-nv": "departments",
        "p-an": "wards",
        "x-dong": "communes",
    }
    sc = inputs.scores.set_index(["unit_id", "criterion"])
    assert sc.loc[("so-tp", "1.1"), "appraised_score"] == 6  # round 2 is the last present
    assert sc.loc[("so-tp", "1.2"), "appraised_score"] == 3  # only round 1
    assert sc.loc[("so-nv", "1.2"), "appraised_kps"]  # KPS in the round
    assert sc.loc[("so-tp", "1.1"), "explanation"] == "Đã bổ sung"
    assert sc.loc[("so-tp", "2.1"), "sipas_score"] == 7.5
    assert sc.loc[("so-tp", "3.2"), "penalty_score"] == 0.5
    assert sc.loc[("x-dong", "1"), "block"] == "communes"
    assert sc.loc[("so-tp", "1.1"), "file_block"] == "departments"
    assert checks(raw, 2025) == [] or all(p.severity == "warning" for p in checks(raw, 2025))


def test_tidy_tables_round_trip_the_columns_of_every_part(raw, tmp_path):
    cfg = load_dataset("blocks", raw)
    inputs = ingest.load_year(cfg, 2025)
    inputs.save(tmp_path / "out")
    back = ingest.YearInputs.load(tmp_path / "out", cfg, 2025)
    for name in ("framework", "units", "scores", "published", "bands"):
        pd.testing.assert_frame_equal(
            getattr(back, name), getattr(inputs, name), check_dtype=False, obj=name
        )
    assert back.scores["sipas_kps"].dtype == bool and back.scores["round_2_unparsed"].dtype != float


def test_a_year_without_self_assessment_ignores_self_scores(raw):
    problems = checks(raw, 2026)
    ignored = [p for p in problems if p.check == "self_assessment_ignored"]
    assert [p.severity for p in ignored] == ["warning"] and "self_score" in ignored[0].value
    assert not [p for p in problems if p.severity == "critical"], problems
    inputs = ingest.load_year(load_dataset("blocks", raw), 2026)
    assert inputs.scores["self_score"].isna().all()


def test_published_only_year(raw):
    inputs = ingest.load_year(load_dataset("blocks", raw), 2024)
    assert inputs.scores.empty and "appraised_score" in inputs.scores.columns
    assert inputs.framework.empty and "max_points" in inputs.framework.columns
    pub = inputs.published
    assert list(pub["role"]) == [
        "primary",
        "alternative",
        "primary",
        "primary",
        "primary",
        "primary",
    ]
    assert pub.loc[pub["measure"] == "band", "value_text"].item() == "Tốt"
    assert (
        set(pub["source_file"]) == {"data/raw/blocks/published/2024.csv"}
        or len(set(pub["source_file"])) == 1
    )
    assert [p for p in checks(raw, 2024) if p.severity == "critical"] == []


BAD = [
    # (file, old, new, check, row, unit_id, criterion, value fragment)
    (
        "scores/2025-departments.csv",
        "so-tp,2.1,,,,,,7.5,,",
        "so-tp,2.1,,,,,,9,,",
        "score_above_max",
        4,
        "so-tp",
        "2.1",
        "9",
    ),
    (
        "scores/2025-departments.csv",
        "so-nv,2.1,,,,,,6,,",
        "so-nv,2.1,,,,,,,,",
        "missing_score",
        10,
        "so-nv",
        "2.1",
        "",
    ),
    (
        "scores/2025-departments.csv",
        "so-tp,3.1,,,,,,,1,",
        "so-tp,3.1,,,,,,,x,",
        "unparseable_number",
        5,
        "so-tp",
        "3.1",
        "x",
    ),
    (
        "scores/2025-departments.csv",
        "so-tp,3.2,,,,,,,,0.5",
        "so-tp,3.2,,,,,,,,-1",
        "negative_score",
        6,
        "so-tp",
        "3.2",
        "-1",
    ),
    (
        "scores/2025-departments.csv",
        "so-nv,2.1,,,,,,6,,",
        "so-nv,2.1,,,,,,6,1,",
        "score_without_component",
        10,
        "so-nv",
        "2.1",
        "1",
    ),
    (
        "scores/2025-departments.csv",
        "so-tp,1.1,6,5,Đã bổ sung,6,,",
        "so-tp,1.1,6,5,Đã bổ sung,6,5.5,",
        "round_final_mismatch",
        2,
        "so-tp",
        "1.1",
        "5.5",
    ),
    (
        "scores/2025-departments.csv",
        "so-nv,2.1,,,,,,6,,",
        "so-nv,2.1,,,,,,6,,\nso-nv,4.1,2,,,,2,,,",
        "criterion_not_applicable",
        11,
        "so-nv",
        "4.1",
        "4.1",
    ),
    (
        "scores/2025-local.csv",
        "x-dong,2,,,2.5",
        "x-dong,2,,,2.5\nx-dong,2.1,,1,",
        "criterion_not_in_framework",
        6,
        "x-dong",
        "2.1",
        "2.1",
    ),
    (
        "scores/2025-departments.csv",
        "so-nv,2.1,,,,,,6,,",
        "so-nv,2.1,,,,,,6,,\np-an,1.1,5,,,,5,,,",
        "unit_in_other_block",
        11,
        "p-an",
        "",
        "departments",
    ),
    # block and validity: named on the unit's first row in each score file
    (
        "units.csv",
        "x-dong,Xã Đông,commune",
        "x-dong,Xã Đông,district",
        "unit_in_no_block",
        4,
        "x-dong",
        "",
        "x-dong",
    ),
    (
        "units.csv",
        "p-an,Phường An,ward,,2025-07-01,,",
        "p-an,Phường An,ward,,2026-01-01,,",
        "unit_not_valid",
        2,
        "p-an",
        "",
        "p-an",
    ),
    (
        "units.csv",
        "p-an,Phường An,ward,,2025-07-01,,",
        "p-an,Phường An,ward,,1/7/2025,,",
        "bad_valid_date",
        4,
        "p-an",
        "",
        "1/7/2025",
    ),
]


@pytest.mark.parametrize(
    "file, old, new, check, row, unit, criterion, value", BAD, ids=[b[3] for b in BAD]
)
def test_each_new_check_names_file_row_unit_and_value(
    tmp_path, file, old, new, check, row, unit, criterion, value
):
    texts = {
        "scores/2025-departments.csv": DEPT_SCORES,
        "scores/2025-local.csv": LOCAL_SCORES,
        "units.csv": UNITS,
    }
    assert old in texts[file], old
    raw = make(tmp_path / "raw", **{file: texts[file].replace(old, new, 1)})
    problems = [p for p in checks(raw, 2025) if p.check == check]
    assert problems, [str(p) for p in checks(raw, 2025)]
    p = problems[0]
    where = "scores/2025-local.csv" if check in ("unit_in_no_block", "unit_not_valid") else file
    assert p.severity == "critical" and p.file.endswith(where) and p.row == row, str(p)
    assert p.unit_id == unit and value in p.value, str(p)
    if criterion:
        assert p.criterion == criterion
    names = {"so-tp": "Sở Tư pháp", "so-nv": "Sở Nội vụ", "p-an": "Phường An", "x-dong": "Xã Đông"}
    assert names[unit] in p.message, p.message


def test_unit_in_two_blocks_names_both(tmp_path):
    toml = TOML.replace('kinds = ["commune"]', 'kinds = ["commune"]\nunits = []', 1).replace(
        'name_vi = "Khối phường"\nframework = "local"\nkinds = ["ward"]',
        'name_vi = "Khối phường"\nframework = "local"\nkinds = ["ward"]\nunits = ["x-dong"]',
    )
    toml = toml.replace(
        'name_vi = "Khối xã"\nframework = "local"\nkinds = ["commune"]\nunits = []',
        'name_vi = "Khối xã"\nframework = "local"\nkinds = ["commune"]\nunits = ["x-dong"]',
    )
    raw = make(tmp_path / "raw", **{"dataset.toml": toml})
    (p,) = [p for p in checks(raw, 2025) if p.check == "unit_in_two_blocks"]
    assert p.value == "wards;communes" and "Xã Đông" in p.message


def test_published_figures_are_well_formed(tmp_path):
    bad = PUBLISHED + "so-nv,rank,0.5,Báo cáo A,,,\nso-nv,index_pct,80,Báo cáo C,,,\n"
    raw = make(tmp_path / "raw", **{"published/2024.csv": bad})
    with pytest.raises(DataError) as info:
        ingest.load_year(load_dataset("blocks", raw), 2024)
    (dup,) = [p for p in info.value.problems if p.check == "duplicate_published" and p.row == 9]
    assert dup.row == 9 and "rows 5, 9" in dup.message
    raw = make(
        tmp_path / "raw2",
        **{
            "published/2024.csv": PUBLISHED
            + "so-nv,rank,0.5,A,,,\nso-nv,index_pct,120,A,,departments,alternative\n"
        },
    )
    found = {(p.check, p.row) for p in checks(raw, 2024)}
    assert {("published_bad_figure", 8), ("published_bad_figure", 9)} <= found, found


def _workbook(path: Path, sheets: dict[str, str]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, text in sheets.items():
        ws = wb.create_sheet(title)
        for line in text.strip().splitlines():
            ws.append(
                [
                    float(c) if c.replace(".", "", 1).isdigit() else c or None
                    for c in line.split(",")
                ]
            )
    wb.save(path)


def test_one_sheet_per_block_is_read_sheet_by_sheet(tmp_path):
    toml = TOML.replace('scores = "scores/2025-local.csv"', 'scores = "scores/2025-local.xlsx"')
    raw = make(tmp_path / "raw", **{"dataset.toml": toml})
    head = "unit_id,criterion,self_score,appraised_score,survey_score\n"
    wards = head + "p-an,1,6,5,\np-an,2,,,3\n"
    communes = head + "x-dong,1,5,5,\nx-dong,2,,,2.5\n"
    book = raw / "blocks" / "scores" / "2025-local.xlsx"
    _workbook(book, {"Khối phường": wards, "communes": communes})
    inputs = ingest.load_year(load_dataset("blocks", raw), 2025)
    local = inputs.scores[inputs.scores["source_file"].str.endswith(".xlsx")]
    assert dict(zip(local["unit_id"], local["source_sheet"])) == {
        "p-an": "Khối phường",
        "x-dong": "communes",
    }
    assert set(local["file_block"]) == {"wards", "communes"}
    _workbook(book, {"Khối phường": wards, "communes": head + "p-an,1,6,5,\n"})
    problems = checks(raw, 2025)
    (p,) = [p for p in problems if p.check == "unit_in_other_block"]
    assert p.sheet == "communes" and p.row == 2 and "Phường An" in p.message
    bad = toml.replace('name_vi = "Khối xã"', 'name_vi = "Khối xã"\nsheet = "Xã"')
    raw = make(tmp_path / "raw", **{"dataset.toml": bad})
    _workbook(book, {"Khối phường": wards, "communes": communes})
    with pytest.raises(DataError) as info:
        ingest.load_year(load_dataset("blocks", raw), 2025)
    assert [p.check for p in info.value.problems] == ["missing_sheet"]
