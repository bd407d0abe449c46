"""The validation engine: every suite of ``expectations/`` judged by Great Expectations on a frame,
the same way for every caller (``parlib run``, ``parlib validate``, notebooks, benchmark, tests).

In: ``Frame`` objects and the suite parameters. Out: a ``ValidationReport``: every failed
expectation turned into ``Problem`` records naming file, row, unit, criterion, value and what was
expected, with the severity stored on the expectation itself (``critical`` stops the run,
``warning`` is listed in the reports). The suites are JSON files, not code: what is checked can be
read and changed without touching Python. Cross-table facts (the year's leaf codes) are passed in as
suite parameters (``{"$PARAMETER": ...}`` in the JSON).

GX judges a suite in two parts (``judge``): its row-wise expectations on the distinct value
combinations of their columns (``distinct.reduce_rows``), the others on the frame's columns (as
integer codes where only equality matters). The two parts' results are put together, in the order GX
gives for the whole suite, into one suite validation result; given a Data Docs folder, that result
is what the site records (``docs.record``), so the published Data Docs and the problems come from
one validation.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import great_expectations as gx
import numpy as np
import pandas as pd
from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.data_context.context_factory import project_manager
from great_expectations.validator.validator import calc_validation_statistics

from parlib.core import paths
from parlib.core.errors import Problem
from parlib.ingest.boundary import MAX_LISTED, more
from parlib.validate.context import batch_definition, process_context
from parlib.validate.distinct import (
    EQUALITY_ONLY,
    equality_codes,
    expectation_columns,
    gx_order,
    raised,
    reduce_rows,
    row_wise,
)
from parlib.validate.docs import build, docs_context, record
from parlib.validate.frames import Frame
from parlib.validate.gxfast import install
from parlib.validate.problems import SuiteSummary, ValidationReport

install()  # GX's kwarg lookups, one configuration per lookup (``gxfast``: same answers)


def load_suite_dict(name: str, folder: Path | None = None) -> dict:
    path = (folder or paths.expectations_dir()) / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class Judgement:
    """GX's verdict on one frame: the suite validation result (every expectation, in GX's order for
    the whole suite) and, for each failed row-wise result, the positions of the failing rows in the
    full frame (GX saw distinct rows, so its own row numbers are of those)."""

    result: ExpectationSuiteValidationResult
    rows: dict[int, np.ndarray] = field(default_factory=dict)


def _columns_used(expectations: list[dict]) -> list[str]:
    """The columns the expectations name (GX copies the frame it gets, so it gets only these; the
    full frame stays for turning failures into messages)."""
    return list(dict.fromkeys(c for e in expectations for c in expectation_columns(e["kwargs"])))


def judge(suite_dict: dict, frame: Frame, parameters: dict) -> Judgement:
    """One suite on one frame: its row-wise expectations on the distinct rows of their columns, the
    others on the frame's columns they name; one suite validation result of both parts."""
    expectations = suite_dict.get("expectations", [])
    kinds = [row_wise(e) for e in expectations]
    data = frame.data
    found, parts = [], []
    for part in [p for p in (True, False) if p in kinds] or [True]:
        chosen = [i for i, k in enumerate(kinds) if k == part]
        # each expectation carries its position, to find its result again (GX reorders them)
        marked = [
            {**expectations[i], "meta": {**expectations[i].get("meta", {}), "parlib_position": i}}
            for i in chosen
        ]
        sub = {**suite_dict, "expectations": marked}
        used = data[[c for c in _columns_used(marked) if c in data.columns]]
        reduced = reduce_rows(used, marked, frame.codes) if part and len(data) else None
        if not part and all(e["type"] in EQUALITY_ONLY for e in marked):
            used = equality_codes(used, frame.codes)
        result = _validate(frame.suite, sub, reduced.data if reduced else used, parameters)
        label = "distinct_rows_judged_row_wise" if part else "rows_judged_by_the_other_expectations"
        parts.append((result, label, len(reduced.data) if reduced else len(used)))
        for res in result.results:
            i = res.expectation_config.meta["parlib_position"]
            failing = (res.result or {}).get("unexpected_index_list")
            rows = None
            if reduced is not None and not res.success and failing:
                rows = reduced.rows(expectation_columns(expectations[i]["kwargs"]), failing)
            found.append((i, res, rows))
    rank = gx_order(expectations)
    found.sort(key=lambda f: (not raised(f[1]), rank[f[0]]))
    results = [res for _, res, _ in found]
    return Judgement(
        _suite_result(frame, results, parts),
        {k: rows for k, (_, _, rows) in enumerate(found) if rows is not None},
    )


def _suite_result(frame: Frame, results: list, parts: list) -> ExpectationSuiteValidationResult:
    """The parts' results as one suite validation result, with the meta ``ValidationDefinition.run``
    gives one; its batch parameters say how many rows the table has and how many each part's
    expectations saw."""
    stats = calc_validation_statistics(results)
    first = parts[0][0]
    suite_result = ExpectationSuiteValidationResult(
        success=stats.success,
        results=results,
        suite_name=frame.suite,
        statistics={
            "evaluated_expectations": stats.evaluated_expectations,
            "successful_expectations": stats.successful_expectations,
            "unsuccessful_expectations": stats.unsuccessful_expectations,
            "success_percent": stats.success_percent,
        },
        meta={**first.meta},
        batch_id=first.batch_id,
    )
    run_id = RunIdentifier(run_time=datetime.datetime.now(datetime.UTC))
    suite_result.meta["run_id"] = run_id
    suite_result.meta["validation_time"] = run_id.run_time
    suite_result.meta["batch_parameters"] = {
        "dataframe": "<DATAFRAME>",
        "rows_in_table": len(frame.data),
        **{label: rows for _, label, rows in parts},
    }
    return suite_result


_RESULTS: dict = {}


_CACHE_SIZE = 1024  # a worker judges many copies of the same few datasets (the test corpus)


_CACHE_ROWS = 50_000  # larger frames are not worth hashing


def _validate(name: str, suite_dict: dict, data: pd.DataFrame, parameters: dict):
    """GX on ``data`` through the asset ``name``. A frame GX has already judged with the same suite
    and parameters gets that result back (``_cache_key``): GX's verdict is a function of those
    three, and the years of a dataset share their registry, framework and bands."""
    key = _cache_key(suite_dict, data, parameters)
    if key is not None and key in _RESULTS:
        return _RESULTS[key]
    batch = batch_definition(name).get_batch(batch_parameters={"dataframe": data})
    result = batch.validate(
        gx.ExpectationSuite(**suite_dict),
        expectation_parameters=parameters,
        result_format={"result_format": "COMPLETE"},
    )
    if key is not None:
        if len(_RESULTS) >= _CACHE_SIZE:
            _RESULTS.pop(next(iter(_RESULTS)))
        _RESULTS[key] = result
    return result


def _cache_key(suite_dict: dict, data: pd.DataFrame, parameters: dict) -> str | None:
    """Everything GX's verdict depends on: the suite, the parameters and the frame exactly (column
    names, dtypes, index, values and, in object columns, each value's type: pandas hashes ``1`` and
    ``'1'`` alike). None (not cached) for large frames."""

    if len(data) > _CACHE_ROWS:
        return None
    h = hashlib.blake2b(digest_size=20)
    h.update(json.dumps(suite_dict, sort_keys=True, default=str).encode())
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    h.update(repr([(str(c), str(t)) for c, t in data.dtypes.items()]).encode())
    h.update(repr((type(data.index).__name__, str(data.index.dtype))).encode())
    h.update(pd.util.hash_pandas_object(data, index=True).to_numpy().tobytes())
    for col in data.columns:
        if data[col].dtype == object:
            h.update(repr([type(v).__name__ for v in data[col]]).encode())
    return h.hexdigest()


class _Row(dict):
    """Format helper: ``'{max_points}'.format_map(row)`` with numbers shown plainly."""

    def __missing__(self, key):
        return "{" + key + "}"


def _show(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return format(value, "g")
    return str(value)


def _filled(message: str, row_values: _Row) -> str:
    """A message naming the row's own values (``{measure}``, ``{unit_name}``), where it has any."""
    try:
        return message.format_map(row_values)
    except (ValueError, IndexError, AttributeError):  # braces that are not fields: as written
        return message


def _severity(res) -> str:
    sev = getattr(res.expectation_config, "severity", None) or "critical"
    return str(getattr(sev, "value", sev)).lower()


def _problems_from_result(result, frame: Frame, parameters: dict, indices=None) -> list[Problem]:
    """``indices``: labels of the failing rows when GX judged distinct rows (else GX's own list)."""
    config = result.expectation_config
    meta = config.meta or {}
    severity = _severity(result)
    check = meta.get("check", config.type)
    message = meta.get("message_en", config.type)
    message_vi = meta.get("message_vi", message)
    template = meta.get("expected", "")
    template_vi = meta.get("expected_vi", "")
    exc = result.exception_info or {}
    if exc.get("raised_exception"):
        return [
            Problem(
                "critical",
                "expectation_error",
                frame.file,
                value=config.type,
                message=f"the check itself failed: {exc.get('exception_message')}",
            )
        ]
    if indices is None:
        indices = (result.result or {}).get("unexpected_index_list")
    if indices is None or not len(indices):
        observed = _show((result.result or {}).get("observed_value"))
        return [
            Problem(
                severity,
                check,
                frame.file,
                sheet=frame.sheet,
                value=observed,
                expected=template.format_map(_Row({**parameters, **config.kwargs})),
                expected_vi=template_vi.format_map(_Row({**parameters, **config.kwargs})),
                message=message,
                message_vi=message_vi,
            )
        ]
    value_column = meta.get("value_column", "")
    problems = []
    data = frame.data
    # the first MAX_LISTED failing rows, then one record counting the rest: a sheet of 600,000
    # bad rows must give a report a person can read, not 140 MB of messages
    for index in indices[:MAX_LISTED]:
        record_ = data.loc[index]
        row_values = _Row({k: _show(v) for k, v in record_.items()})
        row_values.update({k: v for k, v in parameters.items() if k not in row_values})
        row = record_.get(frame.row_column) if frame.row_column else None
        file = _show(record_.get(frame.file_column)) if frame.file_column else ""
        sheet = _show(record_.get(frame.sheet_column)) if frame.sheet_column else ""
        problems.append(
            Problem(
                severity,
                check,
                file or frame.file,
                # the frame's sheet is its own file's: a row of another file has only its own
                sheet=sheet or (frame.sheet if not file or file == frame.file else ""),
                row=int(row) if row is not None and not pd.isna(row) else None,
                unit_id=_show(record_.get("unit_id", "")),
                criterion=_show(record_.get("criterion", record_.get("code", ""))),
                value=_show(record_.get(value_column)) if value_column else "",
                expected=template.format_map(row_values),
                expected_vi=template_vi.format_map(row_values),
                message=_filled(message, row_values),
                message_vi=_filled(message_vi, row_values),
            )
        )
    if len(indices) > MAX_LISTED:
        problems.append(more(problems[0], len(indices) - MAX_LISTED))
    return problems


def run_suites(
    frames: list[Frame],
    parameters: dict | None = None,
    folder: Path | None = None,
    docs: Path | None = None,
) -> ValidationReport:
    """Judge each frame with its suite (``judge``); every failure becomes one or more ``Problem``.
    With ``docs`` (a folder), the same suite validation results also go into the Data Docs site
    there (``docs.docs_context``) and their pages are written; the site's index is written by
    ``docs.forget(docs)`` (``validate.forget_docs``), once for all the suites of the site."""

    parameters = parameters or {}
    project_manager.set_project(process_context())  # GX resolves stores through the "current" one
    site = docs_context(docs) if docs is not None else None
    stored: list = []
    report = ValidationReport()
    for frame in frames:
        suite_dict = load_suite_dict(frame.suite, folder)
        judged = judge(suite_dict, frame, parameters)
        if site is not None:
            stored += record(site, suite_dict, judged.result)
        results = judged.result.results
        for i, res in enumerate(results):
            if not res.success:
                index = frame.data.index[judged.rows[i]] if i in judged.rows else None
                report.problems += _problems_from_result(res, frame, parameters, index)
        report.suites.append(
            SuiteSummary(
                frame.suite,
                frame.file,
                len(results),
                sum(1 for r in results if not r.success and _severity(r) == "critical"),
                sum(1 for r in results if not r.success and _severity(r) == "warning"),
            )
        )
    if site is not None:  # the index once, when the site is done with (``docs.forget``)
        build(site, stored, index=False)
    return report
