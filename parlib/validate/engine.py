"""Validate: run the Great Expectations suites of ``expectations/`` on a dataset-year.

In: ``YearInputs`` (and later the computed ``Results``). Out: a ``ValidationReport``: every failed
expectation turned into ``Problem`` records naming file, row, unit, criterion, value and what was
expected, with the severity stored on the expectation itself (``critical`` stops the run,
``warning`` is listed in the reports). The suites are JSON files, not code: what is checked can be
read and changed without touching Python. Cross-table facts (the year's leaf codes, the registry's
unit ids) are passed in as suite parameters (``{"$PARAMETER": ...}`` in the JSON).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from functools import lru_cache
from pathlib import Path

import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # before GX is imported: no usage reports

import great_expectations as gx  # noqa: E402
from great_expectations.data_context.data_context.context_factory import project_manager  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

from parlib.core import paths
from parlib.core.errors import Problem
from parlib.validate.distinct import (
    EQUALITY_ONLY,
    _equality_codes,
    _expectation_columns,
    _gx_order,
    _raised,
    _reduce,
    _row_wise,
)
from parlib.validate.frames import Frame
from parlib.validate.problems import SuiteSummary, ValidationReport


def load_suite_dict(name: str, folder: Path | None = None) -> dict:
    path = (folder or paths.expectations_dir()) / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _context():
    """One ephemeral GX context per process, progress bars off (they leak into notebooks)."""
    return _new_context()


def _new_context():

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


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


def _problems_from_result(result, frame: Frame, parameters: dict,
                          indices=None) -> list[Problem]:
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
        return [Problem("critical", "expectation_error", frame.file, value=config.type,
                        message=f"the check itself failed: {exc.get('exception_message')}")]
    if indices is None:
        indices = (result.result or {}).get("unexpected_index_list")
    if indices is None or not len(indices):
        observed = _show((result.result or {}).get("observed_value"))
        return [Problem(severity, check, frame.file, value=observed,
                        expected=template.format_map(_Row({**parameters, **config.kwargs})),
                        expected_vi=template_vi.format_map(_Row({**parameters, **config.kwargs})),
                        message=message, message_vi=message_vi)]
    value_column = meta.get("value_column", "")
    problems = []
    data = frame.data
    for index in indices:
        record = data.loc[index]
        row_values = _Row({k: _show(v) for k, v in record.items()})
        row_values.update({k: v for k, v in parameters.items() if k not in row_values})
        row = record.get(frame.row_column) if frame.row_column else None
        problems.append(Problem(
            severity, check, frame.file,
            row=int(row) if row is not None and not pd.isna(row) else None,
            unit_id=_show(record.get("unit_id", "")),
            criterion=_show(record.get("criterion", record.get("code", ""))),
            value=_show(record.get(value_column)) if value_column else "",
            expected=template.format_map(row_values), expected_vi=template_vi.format_map(row_values),
            message=message, message_vi=message_vi))
    return problems


_DOCS_CONTEXTS: dict[str, object] = {}


def docs_context(project_dir: Path):
    """The GX context whose validations are published as Data Docs under ``project_dir``.

    Ephemeral (in memory) with its Data Docs site pointed at ``project_dir``: a file-backed project
    rereads and rewrites its YAML configuration on every step, which cost seconds per suite. One
    context per folder and process, so the input and result suites of a run share one site index.
    """
    key = str(Path(project_dir).resolve())
    if key not in _DOCS_CONTEXTS:
        context = _new_context()
        site = data_docs_index(project_dir).parent
        context.update_data_docs_site("local_site", {
            "class_name": "SiteBuilder", "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(site)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
        _DOCS_CONTEXTS[key] = context
    return _DOCS_CONTEXTS[key]


def data_docs_index(project_dir: Path) -> Path:
    return Path(project_dir) / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def _columns_used(suite) -> list[str]:
    """The columns a suite's expectations name (GX copies and hashes the frame it gets, so it gets
    only these; the full frame stays for turning failures into messages)."""
    used: list[str] = []
    for e in suite.expectations:
        kwargs = e.configuration.kwargs
        for key in ("column", "column_A", "column_B"):
            if key in kwargs:
                used.append(kwargs[key])
        used += list(kwargs.get("column_list", []))
    return list(dict.fromkeys(used))


def _validate_with_docs(context, suite, frame: Frame, parameters: dict):
    """Run one suite on every row of one frame through a checkpoint of ``context`` (a Data Docs
    context), so the validation goes into its Data Docs site."""

    name = frame.suite
    data = frame.data[[c for c in _columns_used(suite) if c in frame.data.columns]]
    source = context.data_sources.add_or_update_pandas(name)
    try:
        asset = source.get_asset(name)
    except LookupError:
        asset = source.add_dataframe_asset(name)
    try:
        batch_def = asset.get_batch_definition("all")
    except (LookupError, KeyError):
        batch_def = asset.add_batch_definition_whole_dataframe("all")
    suite = context.suites.add_or_update(suite)
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=batch_def, suite=suite))
    # no per-checkpoint Data Docs action: it rebuilds the whole site each time; ``run_suites``
    # builds the site once after the last suite
    checkpoint = context.checkpoints.add_or_update(gx.Checkpoint(
        name=name, validation_definitions=[definition],
        result_format={"result_format": "COMPLETE"}))
    run = checkpoint.run(batch_parameters={"dataframe": data}, expectation_parameters=parameters)
    return next(iter(run.run_results.values()))


@lru_cache(maxsize=1)
def _batch_definition():
    """The one in-memory asset every validation without Data Docs goes through (adding and
    deleting a data source per table rewrote the context's configuration each time)."""
    source = _context().data_sources.add_or_update_pandas("parlib")
    return source.add_dataframe_asset("frames").add_batch_definition_whole_dataframe("all")


_RESULTS: dict = {}


_CACHE_SIZE = 64


_CACHE_ROWS = 50_000  # larger frames are not worth hashing


def _validate_data(suite, data: pd.DataFrame, parameters: dict):
    """GX on ``data``, without Data Docs. A frame GX has already judged with the same suite and
    parameters gets that result back (``_cache_key``): GX's verdict is a function of those three,
    and the years of a dataset share their registry, framework and bands."""
    key = _cache_key(suite, data, parameters)
    if key is not None and key in _RESULTS:
        return _RESULTS[key]
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": data})
    result = batch.validate(suite, expectation_parameters=parameters,
                            result_format={"result_format": "COMPLETE"})
    if key is not None:
        if len(_RESULTS) >= _CACHE_SIZE:
            _RESULTS.pop(next(iter(_RESULTS)))
        _RESULTS[key] = result
    return result


def _cache_key(suite, data: pd.DataFrame, parameters: dict) -> str | None:
    """Everything GX's verdict depends on: the suite, the parameters and the frame exactly (column
    names, dtypes, index, values and, in object columns, each value's type: pandas hashes ``1`` and
    ``'1'`` alike). None (not cached) for large frames."""

    if len(data) > _CACHE_ROWS:
        return None
    h = hashlib.blake2b(digest_size=20)
    h.update(json.dumps(suite.to_json_dict(), sort_keys=True, default=str).encode())
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    h.update(repr([(str(c), str(t)) for c, t in data.dtypes.items()]).encode())
    h.update(repr((type(data.index).__name__, str(data.index.dtype))).encode())
    h.update(pd.util.hash_pandas_object(data, index=True).to_numpy().tobytes())
    for col in data.columns:
        if data[col].dtype == object:
            h.update(repr([type(v).__name__ for v in data[col]]).encode())
    return h.hexdigest()


def _validate_reduced(suite_dict: dict, frame: Frame, parameters: dict):
    """A suite without Data Docs: its row-wise expectations on the distinct rows of their columns,
    the others on the frame's columns they name. Returns the results in the order GX gives for the
    whole suite (expectations that raised first, as GX does) and, for each failed row-wise result,
    the positions of the failing rows in the full frame."""

    expectations = suite_dict.get("expectations", [])
    row_wise = [_row_wise(e) for e in expectations]
    data = frame.data
    found: list = []
    for part in (True, False):
        chosen = [i for i, r in enumerate(row_wise) if r == part]
        if not chosen:
            continue
        # each expectation carries its position, to find its result again (GX reorders them)
        marked = [{**expectations[i], "meta": {**expectations[i].get("meta", {}), "parlib_position": i}}
                  for i in chosen]
        sub = gx.ExpectationSuite(**{**suite_dict, "expectations": marked})
        used = data[[c for c in _columns_used(sub) if c in data.columns]]
        reduced = _reduce(used, marked) if part and len(data) else None
        if not part and all(e["type"] in EQUALITY_ONLY for e in marked):
            used = _equality_codes(used)
        result = _validate_data(sub, reduced.data if reduced else used, parameters)
        for res in result.results:
            i = res.expectation_config.meta["parlib_position"]
            failing = (res.result or {}).get("unexpected_index_list")
            rows = None
            if reduced is not None and not res.success and failing:
                rows = reduced.rows(_expectation_columns(expectations[i]["kwargs"]), failing)
            found.append((i, res, rows))
    rank = _gx_order(expectations)
    found.sort(key=lambda f: (not _raised(f[1]), rank[f[0]]))
    return [res for _, res, _ in found], {k: rows for k, (_, _, rows) in enumerate(found)
                                            if rows is not None}


def run_suites(frames: list[Frame], parameters: dict | None = None,
               folder: Path | None = None, docs: Path | None = None) -> ValidationReport:
    """Validate each frame with its suite; every failure becomes one or more ``Problem``.

    With ``docs`` (a folder), the validations also go into the Data Docs site there
    (``docs_context``), GX seeing every row of every frame. Without, row-wise expectations see the distinct value
    combinations of their columns (``_validate_reduced``); the problems are the same.
    """


    parameters = parameters or {}
    context = docs_context(docs) if docs else _context()
    project_manager.set_project(context)  # GX resolves stores through the "current" context
    report = ValidationReport()
    for frame in frames:
        suite_dict = load_suite_dict(frame.suite, folder)
        if docs:
            suite = gx.ExpectationSuite(**suite_dict)
            results, rows = _validate_with_docs(context, suite, frame, parameters).results, {}
        else:
            results, rows = _validate_reduced(suite_dict, frame, parameters)
        found: list[Problem] = []
        for i, res in enumerate(results):
            if not res.success:
                index = frame.data.index[rows[i]] if i in rows else None
                found += _problems_from_result(res, frame, parameters, index)
        report.problems += found
        report.suites.append(SuiteSummary(
            frame.suite, frame.file, len(results),
            sum(1 for r in results if not r.success and _severity(r) == "critical"),
            sum(1 for r in results if not r.success and _severity(r) == "warning")))
    if docs:
        context.build_data_docs()
    return report


def _severity(res) -> str:
    sev = getattr(res.expectation_config, "severity", None) or "critical"
    return str(getattr(sev, "value", sev)).lower()


def publish_docs(project_dir: Path, target: Path) -> Path | None:
    """Copy the GX project's Data Docs site into the reports (the project itself stays in processed)."""

    index = data_docs_index(project_dir)
    if not index.is_file():
        return None
    shutil.copytree(index.parent, target, dirs_exist_ok=True)
    return Path(target) / "index.html"
