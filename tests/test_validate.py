"""Validation with the Great Expectations suites of expectations/: each bad input is caught and
the message names file, row, unit, criterion, value and what was expected."""

from __future__ import annotations

import json

import pytest

from parlib import ingest, validate
from parlib.config.dataset import list_datasets, load_dataset
from parlib.core import paths
from parlib.core.errors import DataError, ValidationFailed
from parlib.validate import distinct

from .conftest import TINY_SCORES, write


def check(raw, scores_text=None, framework_text=None, units_text=None):
    ds = raw / "tiny"
    if scores_text is not None:
        write(ds / "scores" / "2024.csv", scores_text)
    if framework_text is not None:
        write(ds / "frameworks" / "tiny.csv", framework_text)
    if units_text is not None:
        write(ds / "units.csv", units_text)
    return validate.validate_inputs(ingest.load_year(load_dataset("tiny", raw), 2024))


def only(report, check_id):
    found = [p for p in report.problems if p.check == check_id]
    assert found, f"no {check_id} among {[str(p) for p in report.problems]}"
    return found


def replace_line(old, new):
    assert old in TINY_SCORES
    return TINY_SCORES.replace(old, new)


def test_tiny_dataset_is_clean(tiny_raw):
    report = check(tiny_raw)
    assert report.success and not report.problems, [str(p) for p in report.problems]


def test_score_above_maximum(tiny_raw):
    report = check(tiny_raw, replace_line("a,1.2,4,3,", "a,1.2,4,4.5,"))
    p = only(report, "score_above_max")[0]
    assert (p.severity, p.unit_id, p.criterion, p.value, p.row) == (
        "critical",
        "a",
        "1.2",
        "4.5",
        3,
    )
    assert p.expected == "between 0 and 4" and p.file.endswith("scores/2024.csv")


def test_negative_score(tiny_raw):
    p = only(check(tiny_raw, replace_line("b,2.1,4,4,", "b,2.1,4,-1,")), "negative_score")[0]
    assert p.unit_id == "b" and p.value == "-1"


def test_unparseable_number(tiny_raw):
    p = only(check(tiny_raw, replace_line("a,2.1,5,4,", "a,2.1,5,bốn,")), "unparseable_number")[0]
    assert p.value == "bốn" and p.criterion == "2.1" and p.row == 4


def test_empty_required_cell_is_an_error_not_a_zero(tiny_raw):
    p = only(check(tiny_raw, replace_line("a,2.1,5,4,", "a,2.1,5,,")), "missing_score")[0]
    assert (p.unit_id, p.criterion, p.severity) == ("a", "2.1", "critical")
    assert "KPS" in p.expected


def test_unknown_unit_and_criterion(tiny_raw):
    text = TINY_SCORES + "    z,1.1,1,1,\n    a,7.7,1,1,\n"
    report = check(tiny_raw, text)
    assert only(report, "unknown_unit")[0].value == "z"
    assert only(report, "unknown_criterion")[0].value == "7.7"


def test_non_leaf_criterion_is_rejected(tiny_raw):
    report = check(tiny_raw, TINY_SCORES + "    a,1,5,5,\n")
    assert only(report, "unknown_criterion")[0].criterion == "1"


def test_duplicate_unit_criterion(tiny_raw):
    report = check(tiny_raw, TINY_SCORES + "    a,1.1,6,6,\n")
    rows = sorted(p.row for p in only(report, "duplicate_score"))
    assert rows == [2, 14]


def test_kps_in_one_column_only(tiny_raw):
    p = only(check(tiny_raw, replace_line("b,1.2,KPS,KPS,", "b,1.2,3,KPS,")), "kps_mismatch")[0]
    assert (p.unit_id, p.criterion) == ("b", "1.2")


def test_score_for_a_component_the_criterion_does_not_have(tiny_raw):
    report = check(tiny_raw, replace_line("a,1.1,6,6,", "a,1.1,6,6,2"))
    assert only(report, "score_without_component")[0].criterion == "1.1"


def test_missing_row_for_an_assessed_unit(tiny_raw):
    report = check(tiny_raw, replace_line("    c,2.1,5,5,\n", ""))
    p = only(report, "missing_row")[0]
    assert (p.unit_id, p.criterion) == ("c", "2.1")


def test_framework_subtotal_and_total(tiny_raw):
    from .conftest import TINY_FRAMEWORK

    report = check(
        tiny_raw,
        framework_text=TINY_FRAMEWORK.replace(
            "1,Lĩnh vực một,Area one,10", "1,Lĩnh vực một,Area one,11"
        ),
    )
    p = only(report, "subtotal")[0]
    assert p.criterion == "1" and p.value == "11" and "10" in p.expected


def test_duplicate_unit_in_registry(tiny_raw):
    from .conftest import TINY_UNITS

    report = check(tiny_raw, units_text=TINY_UNITS + "    a,Sở A bis,department,\n")
    assert only(report, "duplicate_unit")


def test_registered_unit_without_scores_is_a_warning(tiny_raw):
    from .conftest import TINY_UNITS

    report = check(tiny_raw, units_text=TINY_UNITS + "    d,Xã D,commune,\n")
    p = only(report, "unit_not_assessed")[0]
    assert p.severity == "warning" and report.success


def test_raise_if_failed_lists_the_problems(tiny_raw):
    report = check(tiny_raw, replace_line("a,1.2,4,3,", "a,1.2,4,9,"))
    with pytest.raises(ValidationFailed) as err:
        report.raise_if_failed("tiny 2024")
    assert "criterion 1.2" in str(err.value) and "9" in str(err.value)


@pytest.mark.parametrize("name", list_datasets())
def test_shipped_datasets_validate_without_critical_problems(name):
    cfg = load_dataset(name)
    years = sorted(cfg.years)
    # a long series of published-only years (vn-national: 13) is sampled, first, middle and last:
    # each year is validated by every `make report`, and the golden tests load 2012 and 2020
    for year in dict.fromkeys([years[0], years[len(years) // 2], years[-1]]):
        report = validate.validate_inputs(ingest.load_year(cfg, year))
        assert report.success, [str(p) for p in report.critical]


def test_suites_are_json_with_a_severity_on_every_expectation():
    for path in sorted(paths.expectations_dir().glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        for e in suite["expectations"]:
            assert e["severity"] in ("critical", "warning", "info"), (path.name, e["type"])
            assert e["meta"]["message_en"] and e["meta"]["message_vi"], (path.name, e["type"])


def test_scored_leaf_without_component_split(tiny_raw):
    from .conftest import TINY_FRAMEWORK

    fw = TINY_FRAMEWORK.replace(
        "1.1,Tiêu chí 1.1,Criterion 1.1,6,6,0", "1.1,Tiêu chí 1.1,Criterion 1.1,6,,"
    )
    p = only(check(tiny_raw, framework_text=fw), "leaf_unsplit")[0]
    assert p.criterion == "1.1" and p.severity == "critical"


def test_published_figure_for_an_unknown_unit(tiny_raw):
    ds = tiny_raw / "tiny"
    write(ds / "published" / "2024.csv", "unit_id,measure,value,source\nzz,index_pct,80,x\n")
    toml = (ds / "dataset.toml").read_text(encoding="utf-8")
    (ds / "dataset.toml").write_text(toml + 'published = "published/2024.csv"\n', encoding="utf-8")
    p = only(check(tiny_raw), "published_unknown_unit")[0]
    assert p.unit_id == "zz"


def test_published_figure_given_twice(tiny_raw):

    path = write(tiny_raw / "p.csv", "unit_id,measure,value\na,index_pct,80\na,index_pct,81\n")
    with pytest.raises(DataError) as err:
        ingest.read_published(path)
    assert {p.row for p in err.value.problems} == {2, 3}


def test_decomposed_unicode_is_normalised_and_reported(tiny_raw):
    import unicodedata

    from .conftest import TINY_UNITS

    decomposed = TINY_UNITS.replace("Xã C", unicodedata.normalize("NFD", "Xã C"))
    report = check(tiny_raw, units_text=decomposed)
    p = only(report, "unicode_normalised")[0]
    assert p.severity == "warning" and p.row == 4 and report.success


def test_unit_names_differing_only_by_diacritics_or_spacing(tiny_raw):
    from .conftest import TINY_UNITS

    report = check(tiny_raw, units_text=TINY_UNITS + "    d,So  a,department,\n")
    p = only(report, "unit_name_near_duplicate")[0]
    assert (p.unit_id, p.value, p.severity) == ("d", "So  a", "warning")
    assert "a" in p.expected


def test_unit_name_in_scores_checked_against_the_registry(tiny_raw):
    rows = TINY_SCORES.replace("unit_id,criterion,", "unit_id,unit_name,criterion,")
    rows = (
        rows.replace("    a,", "    a,SỞ  A,")
        .replace("    b,", "    b,Sở Khác,")
        .replace("    c,", "    c,Xã C,")
    )
    report = check(tiny_raw, rows)
    assert {p.unit_id for p in only(report, "unit_name_variant")} == {"a"}
    mismatch = only(report, "unit_name_mismatch")
    assert {p.unit_id for p in mismatch} == {"b"} and mismatch[0].expected == "Sở B"


def test_vietnamese_expectation_text(tiny_raw):
    report = check(tiny_raw, replace_line("a,1.2,4,3,", "a,1.2,4,4.5,"))
    p = only(report, "score_above_max")[0]
    assert p.expectation("vi") == "từ 0 đến 4" and p.expectation("en") == "between 0 and 4"


def test_distinct_rows_keep_values_of_different_types_apart():
    """pandas hashes 1, 1.0 and True alike; a type check must still see each of them."""
    import pandas as pd

    data = pd.DataFrame(
        {"v": pd.Series([1, 1.0, True, "1", None, float("nan"), 1], dtype=object), "w": [1.0] * 7}
    )
    expectations = [
        {"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "v", "type_": "int"}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "w"}},
    ]
    reduced = distinct.reduce_rows(data, expectations)
    assert [type(v).__name__ for v in reduced.data["v"]][:6].count("int") == 1
    assert reduced.sizes["v"] == 6 and reduced.sizes["w"] == 1
    assert list(
        reduced.rows(["v"], [i for i, v in enumerate(reduced.data["v"][:6]) if type(v) is int])
    ) == [0, 6]
