"""One validation engine: Great Expectations judging the distinct rows of a table gives exactly the
problems (same records, same order) of GX judging every row; the Data Docs site records the same
validation; no cache is keyed on an object's identity or memory."""

from __future__ import annotations

import re
import subprocess
import sys

import great_expectations as gx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parlib import ingest, score, validate
from parlib.config.dataset import load_dataset
from parlib.core.errors import Problem
from parlib.validate import context, distinct, docs, engine, step
from parlib.validate.frames import Frame
from parlib.validate.problems import SuiteSummary

from .conftest import ROOT, TINY_SCORES, write


def every_row(frame: Frame, parameters: dict) -> tuple[list[Problem], SuiteSummary]:
    """The reference: GX judging the whole suite at once on every row of the frame (no distinct
    rows, no codes, no cache), its own failing row numbers turned into problems."""
    suite = engine.load_suite_dict(frame.suite)
    columns = [c for c in engine._columns_used(suite["expectations"]) if c in frame.data.columns]
    batch = context.batch_definition(frame.suite).get_batch(
        batch_parameters={"dataframe": frame.data[columns]}
    )
    result = batch.validate(
        gx.ExpectationSuite(**suite),
        expectation_parameters=parameters,
        result_format={"result_format": "COMPLETE"},
    )
    problems = [
        p
        for r in result.results
        if not r.success
        for p in engine._problems_from_result(r, frame, parameters)
    ]
    failed = [engine._severity(r) for r in result.results if not r.success]
    return problems, SuiteSummary(
        frame.suite,
        frame.file,
        len(result.results),
        failed.count("critical"),
        failed.count("warning"),
    )


def reference(inputs) -> tuple[list[dict], list[dict]]:
    """Every input suite judged by ``every_row``, with the notes of reading first (as
    ``validate_inputs`` puts them)."""
    frames, parameters = step.input_frames(inputs)
    judged = [every_row(frame, parameters) for frame in frames]
    notes = validate.validate_inputs(inputs).problems[: len(inputs.notes)]
    problems = notes + [p for found, _ in judged for p in found]
    return [p.to_dict() for p in problems], [s.__dict__ for _, s in judged]


def records(report) -> tuple[list[dict], list[dict]]:
    return [p.to_dict() for p in report.problems], [s.__dict__ for s in report.suites]


def make_dirty(folder, units: int = 300, seed: int = 7):
    """A SYNTHETIC dataset of ``units`` × 100 criteria with seeded errors of every kind the score
    and unit suites catch (scores out of range, unreadable, missing, KPS in one column only, unknown
    units and criteria, duplicate and missing rows, unit names that differ or are variants,
    duplicate and near-duplicate units, an empty name, a registered unit without scores)."""
    rng = np.random.default_rng(seed)
    ds = folder / "dirty"
    fw = ["code,name_vi,name_en,max_points,max_appraisal,max_survey"]
    leaves, survey = [], []
    for a in range(1, 11):
        fw.append(f"{a},Lĩnh vực {a},Area {a},10,,")
        for c in range(1, 11):
            fw.append(
                f"{a}.{c},Tiêu chí {a}.{c},Criterion {a}.{c},1,{0 if c > 8 else 1},"
                f"{1 if c > 8 else 0}"
            )
            leaves.append(f"{a}.{c}")
            survey.append(c > 8)
    write(ds / "frameworks" / "national.csv", "\n".join(fw) + "\n")
    ids = [f"u{i:04d}" for i in range(units)]
    names = [f"Đơn vị {i}" for i in range(units)]
    registry = pd.DataFrame(
        {
            "unit_id": ids + ["u0001", "v-new", "v-empty"],
            "unit_name": names + ["Đơn vị 1 bis", "Đơn Vị  2", ""],
            "kind": ["commune"] * units + ["commune", "commune", "district"],
        }
    )
    registry.to_csv(ds / "units.csv", index=False)
    n = units * len(leaves)
    is_survey = np.tile(np.array(survey), units)
    text = (
        pd.Series(np.round(rng.uniform(0, 1, n) * 4) / 4)
        .map(lambda v: format(v, "g").replace(".", ","))
        .to_numpy()
    )
    kps = (rng.uniform(size=n) < 0.1) & ~is_survey
    appraisal = np.where(is_survey, "", np.where(kps, "KPS", text))
    # each column its own array: pandas 3.1 lets text columns built from one object array share it
    s = pd.DataFrame(
        {
            "unit_id": np.repeat(ids, len(leaves)),
            "unit_name": np.repeat(names, len(leaves)),
            "criterion": np.tile(leaves, units),
            "self_score": appraisal.copy(),
            "appraised_score": appraisal.copy(),
            "survey_score": np.where(is_survey, text, ""),
        }
    )
    rows_a, rows_s, rows = np.flatnonzero(~is_survey), np.flatnonzero(is_survey), np.arange(n)

    def pick(where, k):
        return rng.choice(where, k, replace=False)

    s.loc[pick(rows_a, 20), "appraised_score"] = "9,5"
    s.loc[pick(rows_a, 10), "self_score"] = "-1"
    s.loc[pick(rows_a, 8), "appraised_score"] = "abc"
    s.loc[pick(rows_a, 6), "self_score"] = ""
    both = pick(rows_a, 7)
    s.loc[both, "self_score"], s.loc[both, "appraised_score"] = "KPS", "0,5"
    s.loc[pick(rows_a, 5), "survey_score"] = "0,25"
    s.loc[pick(rows_s, 5), "survey_score"] = "7"
    s.loc[pick(rows, 4), "unit_id"] = "zz-unknown"
    s.loc[pick(rows, 3), "criterion"] = "99.1"
    s.loc[pick(rows, 4), "unit_name"] = "Tên khác"
    upper = pick(rows, 5)
    s.loc[upper, "unit_name"] = s.loc[upper, "unit_name"].str.upper()
    s = pd.concat([s, s.iloc[pick(rows, 6)]]).drop(index=pick(rows, 5))
    (ds / "scores").mkdir(parents=True, exist_ok=True)
    s.to_csv(ds / "scores" / "2015.csv", index=False)
    write(
        ds / "dataset.toml",
        """
        title_vi = "Dữ liệu lỗi (SYNTHETIC)"
        title_en = "Dirty data (SYNTHETIC)"
        synthetic = true
        units = "units.csv"

        [frameworks.national]
        file = "frameworks/national.csv"
        decision = "SYNTHETIC test framework"
        declared_total = 100

        [years.2015]
        framework = "national"
        scores = "scores/2015.csv"
    """,
    )
    return ingest.load_year(load_dataset("dirty", folder), 2015)


@pytest.fixture(scope="module")
def dirty(tmp_path_factory):
    return make_dirty(tmp_path_factory.mktemp("raw"))


def test_distinct_rows_give_the_problems_of_gx_on_every_row_at_scale(dirty, tmp_path):
    """30,000 seeded dirty score rows: the engine (with and without Data Docs) gives the problems
    and suite summaries of GX judging every row of every table, record for record, in order."""
    assert len(dirty.scores) > 10_000
    expected = reference(dirty)
    checks = {p["check"] for p in expected[0]}
    assert {
        "score_above_max",
        "negative_score",
        "unparseable_number",
        "missing_score",
        "kps_mismatch",
        "score_without_component",
        "unknown_unit",
        "unknown_criterion",
        "duplicate_score",
        "missing_row",
        "unit_name_mismatch",
        "unit_name_variant",
        "duplicate_unit",
        "unit_name_near_duplicate",
        "required_value",
        "unit_not_assessed",
    } <= checks
    assert records(validate.validate_inputs(dirty)) == expected
    assert records(validate.validate_inputs(dirty, docs=tmp_path / "gx")) == expected
    docs.forget(tmp_path / "gx")


def test_distinct_rows_give_the_problems_of_gx_on_every_row(tiny_raw, tmp_path):
    """The hand-made dataset with several errors, and the result suites of a real dataset."""
    ds = tiny_raw / "tiny"
    text = (
        TINY_SCORES.replace("a,1.2,4,3,", "a,1.2,4,4.5,")
        .replace("b,2.1,4,4,", "b,2.1,4,-1,")
        .replace("c,1.2,4,4,", "c,1.2,4,4.5,")
        + "    a,1.1,6,6,\n    z,1.1,1,1,\n"
        "    a,7.7,1,1,\n    c,1.2,abc,4,\n"
    )
    write(ds / "scores" / "2024.csv", text)
    inputs = ingest.load_year(load_dataset("tiny", tiny_raw), 2024)
    expected = reference(inputs)
    assert len([p for p in expected[0] if p["check"] == "score_above_max"]) == 2
    assert records(validate.validate_inputs(inputs)) == expected
    results = score.compute(ingest.load_year(load_dataset("vn-provinces"), 2012))
    judged = [every_row(frame, {}) for frame in step.result_frames(results)]
    found = records(validate.validate_results(results, docs=tmp_path / "gx"))
    assert found == ([p.to_dict() for f, _ in judged for p in f], [s.__dict__ for _, s in judged])
    assert any(p["check"] == "published_rounding" for p in found[0])
    docs.forget(tmp_path / "gx")


def test_the_data_docs_record_the_engines_validations(tiny_raw, tmp_path):
    """One site lists every input and result suite, each validation as the engine judged it (the
    same successes and failures the problems come from), with the rows GX saw."""
    write(
        tiny_raw / "tiny" / "scores" / "2024.csv",
        TINY_SCORES.replace("a,1.2,4,3,", "a,1.2,4,4.5,") + "    a,1.1,6,6,\n",
    )
    inputs = ingest.load_year(load_dataset("tiny", tiny_raw), 2024)
    site = tmp_path / "gx"
    found = validate.validate_inputs(inputs, docs=site)
    found = found.extend(validate.validate_results(score.compute(inputs), docs=site))
    stored = docs.docs_context(site).validation_results_store
    results = {key.expectation_suite_identifier.name: stored.get(key) for key in stored.list_keys()}
    docs.forget(site)
    assert set(results) == set(validate.INPUT_SUITES) | set(validate.RESULT_SUITES)
    failed = {
        r.expectation_config.meta["check"] for r in results["scores"].results if not r.success
    }
    assert (
        failed
        == {"score_above_max", "duplicate_score"}
        == {p.check for p in found.problems if p.file.endswith("2024.csv")}
    )
    params = results["scores"].meta["batch_parameters"]
    assert params["rows_in_table"] == 13 and params["distinct_rows_judged_row_wise"] < 13
    index = validate.data_docs_index(site).read_text(encoding="utf-8")
    for suite in (*validate.INPUT_SUITES, *validate.RESULT_SUITES):
        assert re.search(rf'validations/{suite}/__none__/[^"]+/{suite}-{suite}\.html', index), suite
        assert f"expectations/{suite}.html" in index
    page = next((site / "gx").rglob("validations/scores/*/*/scores-scores.html"))
    assert "rows_in_table" in page.read_text(encoding="utf-8")


def test_kept_templates_render_the_pages_gx_own_views_render(tmp_path):
    """The site's views keep their compiled templates for the process (``docs.PageView``); the
    pages are those of GX's default views, up to times and ids."""
    inputs = ingest.load_year(load_dataset("vn-provinces"), 2012)
    frames, parameters = step.input_frames(inputs)
    judged = [(engine.load_suite_dict(f.suite), f) for f in frames]
    judged = [(suite, engine.judge(suite, f, parameters).result) for suite, f in judged]
    plain = context.new_context()
    plain.update_data_docs_site(
        "local_site",
        {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs.data_docs_index(tmp_path / "a").parent),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    for site in (plain, docs.docs_context(tmp_path / "b"), docs.docs_context(tmp_path / "c")):
        stored = [key for suite, result in judged for key in docs.record(site, suite, result)]
        docs.build(site, stored[:6])  # twice, as the input and the result suites are
        docs.build(site, stored[6:])
    for name in ("b", "c"):
        docs.forget(tmp_path / name)

    def pages(folder):
        found = {}
        for path in sorted((folder / "gx").rglob("*.html")):
            text = re.sub(
                r"\d{8}T\d{6}\.\d{6}Z|\d{4}-\d{2}-\d{2}T[\d:.]+(Z|\+00:00)?",
                "T",
                path.read_text(encoding="utf-8"),
            )
            found[path.relative_to(folder).as_posix()] = re.sub(
                r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "U", text
            )
        return found

    # an expectations page and a validation page per input suite, and the index
    assert len(pages(tmp_path / "a")) == 2 * len(validate.INPUT_SUITES) + 1 == 23
    assert pages(tmp_path / "a") == pages(tmp_path / "b") == pages(tmp_path / "c")


def test_a_frame_changed_in_place_is_judged_again():
    """The engine's memory of judged frames is keyed on their content: the same DataFrame object,
    changed in place, gets a new verdict."""
    bands = pd.DataFrame(
        {
            "band": ["A", "B"],
            "lower_pct": [50.0, 0.0],
            "inverted": [False, False],
            "gap_or_overlap": [False, False],
            "unknown_block": [False, False],
        }
    )
    frame = Frame("bands", bands, "bands.csv", row_column=None)
    assert not validate.run_suites([frame]).problems
    bands.loc[1, "inverted"] = True
    assert [p.check for p in validate.run_suites([frame]).problems] == ["band_inverted"]


def test_precomputed_codes_give_the_same_reduction(dirty):
    """The score table's codes passed in give the reduction factorising the columns would."""
    frames, _ = step.input_frames(dirty)
    frame = next(f for f in frames if f.suite == "scores")
    assert set(frame.codes) == {"unit_id", "criterion", "max_appraisal", "max_survey"}
    for col, (found, uniques) in frame.codes.items():
        own_codes, own_uniques = distinct.factorize(frame.data[col])
        assert np.array_equal(found, own_codes) and list(map(str, uniques)) == list(
            map(str, own_uniques)
        ), col
    expectations = [
        e for e in engine.load_suite_dict("scores")["expectations"] if distinct.row_wise(e)
    ]
    data = frame.data[engine._columns_used(expectations)]
    given_codes = distinct.reduce_rows(data, expectations, frame.codes)
    own = distinct.reduce_rows(data, expectations)
    pd.testing.assert_frame_equal(given_codes.data, own.data)
    assert given_codes.sizes == own.sizes
    assert all(np.array_equal(given_codes.groups[c], own.groups[c]) for c in own.groups)


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.sampled_from([1.0, 0.5, np.nan]),
    st.sampled_from(["", "a", "1", "A"]),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(values, st.sampled_from([0.0, 1.0, np.nan]), st.booleans()),
        min_size=1,
        max_size=25,
    )
)
def test_every_row_maps_to_a_reduced_row_holding_its_values(rows):
    """Whatever the values (mixed types, missing, booleans), each row's reduced row holds the same
    values of the same types, and distinct rows stay distinct."""
    data = pd.DataFrame(
        {
            "v": pd.Series([r[0] for r in rows], dtype=object),
            "x": [r[1] for r in rows],
            "y": [r[1] for r in rows],
            "flag": pd.Series([r[2] for r in rows], dtype=bool),
        }
    )
    expectations = [
        {"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "v", "type_": "int"}},
        {
            "type": "expect_column_pair_values_a_to_be_greater_than_b",
            "kwargs": {"column_A": "x", "column_B": "y"},
        },
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "flag", "value_set": [False]},
        },
    ]
    reduced = distinct.reduce_rows(data, expectations)
    for col in data.columns:
        back = reduced.data[col].to_numpy(dtype=object)[reduced.groups[col]]
        for original, seen in zip(data[col].to_numpy(dtype=object), back):
            assert type(original) is type(seen) and (original == seen or pd.isna(original))
        component = ["x", "y"] if col in ("x", "y") else [col]
        distinct_rows = {
            tuple((type(v).__name__, repr(v)) for v in row)
            for row in data[component].itertuples(index=False)
        }
        assert reduced.sizes[col] == len(distinct_rows)


def test_the_iri_grammar_is_built_only_when_an_iri_is_checked():
    """Importing parlib.validate (hence GX, altair, jsonschema) does not compile rfc3987_syntax's
    grammar; jsonschema's iri check, when made, still answers as the real module does."""
    code = (
        "import sys, parlib.validate, jsonschema\n"
        "built = 'rfc3987_syntax.syntax_helpers' in sys.modules\n"
        "check = jsonschema.FormatChecker()\n"
        "print(built, check.conforms('http://example.com/ü', 'iri'),"
        " check.conforms('not an iri', 'iri'), 'rfc3987_syntax.syntax_helpers' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.split() == ["False", "True", "False", "True"]
