"""Validate: run the Great Expectations suites of ``expectations/`` on a dataset-year.

In: ``YearInputs`` (and later the computed ``Results``). Out: a ``ValidationReport``: every failed
expectation turned into ``Problem`` records naming file, row, unit, criterion, value and what was
expected, with the severity stored on the expectation itself (``critical`` stops the run,
``warning`` is listed in the reports). The suites are JSON files, not code: what is checked can be
read and changed without touching Python. Cross-table facts (the year's leaf codes, the registry's
unit ids) are passed in as suite parameters (``{"$PARAMETER": ...}`` in the JSON).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from parlib import framework as fwk
from parlib import paths
from parlib.errors import Problem, ValidationFailed
from parlib.ingest import YearInputs

INPUT_SUITES = ("framework", "framework_totals", "units", "scores", "coverage", "registry_coverage",
                "published", "bands")
RESULT_SUITES = ("results", "reconciliation")
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Frame:
    """A table to validate, with what a person needs to find its rows: the file and row column."""

    suite: str
    data: pd.DataFrame
    file: str
    row_column: str | None = "source_row"


@dataclass
class SuiteSummary:
    suite: str
    file: str
    evaluated: int
    failed_critical: int
    failed_warning: int


@dataclass
class ValidationReport:
    problems: list[Problem] = field(default_factory=list)
    suites: list[SuiteSummary] = field(default_factory=list)

    @property
    def critical(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "critical"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def success(self) -> bool:
        return not self.critical

    def extend(self, other: "ValidationReport") -> "ValidationReport":
        return ValidationReport(self.problems + other.problems, self.suites + other.suites)

    def problems_frame(self) -> pd.DataFrame:
        cols = list(Problem.__dataclass_fields__)
        return pd.DataFrame([p.to_dict() for p in self.problems], columns=cols)

    def to_dict(self) -> dict:
        return {"success": self.success, "critical": len(self.critical),
                "warnings": len(self.warnings),
                "suites": [s.__dict__ for s in self.suites],
                "problems": [p.to_dict() for p in self.problems]}

    def raise_if_failed(self, what: str) -> None:
        if not self.success:
            raise ValidationFailed(f"{what}: {len(self.critical)} critical problem(s); nothing was "
                                   f"published and earlier outputs are kept", self.critical)


def load_suite_dict(name: str, folder: Path | None = None) -> dict:
    path = (folder or paths.expectations_dir()) / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _context():
    """One ephemeral GX context per process, progress bars off (they leak into notebooks)."""
    return _new_context()


def _new_context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

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


_FACTORS: dict | None = None  # while validate_inputs runs: text columns' codes, by memory


def _factorize(series: pd.Series) -> tuple[np.ndarray, object]:
    """``pd.factorize(series, use_na_sentinel=False)``; a text column seen before during the same
    ``validate_inputs`` call (same memory, as the frames share the score table's columns) is not
    factorised again. The inputs are not modified during the call, so equal memory is equal data."""
    values = getattr(series.array, "_ndarray", None)
    if _FACTORS is None or values is None or values.dtype != object:
        return pd.factorize(series, use_na_sentinel=False)
    key = (values.__array_interface__["data"][0], values.shape, values.strides)
    if key not in _FACTORS:
        # the array is kept with its codes, so its memory cannot be reused while the entry lives
        _FACTORS[key] = (values, pd.factorize(series, use_na_sentinel=False))
    return _FACTORS[key][1]


def _validate_with_docs(context, suite, frame: Frame, parameters: dict):
    """Run one suite on every row of one frame through a checkpoint of ``context`` (a Data Docs
    context), so the validation goes into its Data Docs site."""
    import great_expectations as gx

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
    import hashlib

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


# --- row-wise expectations on distinct rows ---------------------------------------------------------
# A row-wise expectation decides each row from that row's values in the columns it names, so GX can
# judge each distinct combination of those values once and its verdict be carried back to every row
# holding it. The others (uniqueness, counts, means, `mostly`, row conditions) see the whole frame.

ROW_WISE = frozenset({
    "expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set",
    "expect_column_values_to_be_between", "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_null", "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex", "expect_column_values_to_match_regex_list",
    "expect_column_values_to_not_match_regex_list", "expect_column_values_to_be_of_type",
    "expect_column_values_to_be_in_type_list", "expect_column_value_lengths_to_be_between",
    "expect_column_value_lengths_to_equal", "expect_column_pair_values_a_to_be_greater_than_b",
    "expect_column_pair_values_to_be_equal", "expect_column_pair_values_to_be_in_set",
    "expect_multicolumn_sum_to_equal", "expect_select_column_values_to_be_unique_within_record"})
SCHEMA = frozenset({"expect_column_to_exist"})  # depends on the columns present, not on the rows


def _expectation_columns(kwargs: dict) -> list[str]:
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    return cols + list(kwargs.get("column_list", []))


def _row_wise(expectation: dict) -> bool:
    kwargs = expectation.get("kwargs", {})
    if kwargs.get("row_condition") or kwargs.get("mostly", 1) != 1:
        return False
    if expectation["type"] in SCHEMA:
        return "column_index" not in kwargs
    return expectation["type"] in ROW_WISE


def _value_codes(series: pd.Series) -> tuple[np.ndarray, int]:
    """One integer per row, equal exactly where the values are (in object columns, and their types:
    pandas takes ``1``, ``1.0`` and ``True`` for one value, and ``None`` and ``NaN``)."""
    if series.dtype == bool:
        return series.to_numpy().astype("int64"), 2
    codes, uniques = _factorize(series)
    codes, n = codes.astype("int64"), max(len(uniques), 1)
    if series.dtype == object:
        kinds, kind_uniques = pd.factorize(np.array([type(v).__name__ for v in series], dtype=object))
        codes, n = codes * max(len(kind_uniques), 1) + kinds, n * max(len(kind_uniques), 1)
    return codes, n


def _groups(data: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Group id per row: 0, 1, … numbering the distinct value combinations in order of appearance."""
    key, size = np.zeros(len(data), dtype="int64"), 1
    for col in columns:
        codes, n = _value_codes(data[col])
        if size * n >= 2 ** 62:
            key, uniques = pd.factorize(key)
            size = max(len(uniques), 1)
        key, size = key * n + codes, size * n
    return pd.factorize(key)[0].astype("int64")


@dataclass
class _Reduced:
    """What GX sees of a frame for the row-wise part of a suite. Columns that an expectation names
    together form a component; each component contributes its distinct rows, side by side with the
    others', padded to the longest by repeating its first distinct row. ``groups[column]`` maps every
    row of the full frame to the reduced row holding its values; ``sizes[column]`` is the number of
    distinct rows of its component."""

    data: pd.DataFrame
    groups: dict[str, np.ndarray]
    sizes: dict[str, int]

    def rows(self, columns: list[str], failing: list) -> np.ndarray:
        """Positions in the full frame, in frame order, of the rows whose values failed."""
        col = next(c for c in columns if c in self.groups)
        size = self.sizes[col]
        bad = np.zeros(size, dtype=bool)
        bad[[i for i in failing if i < size]] = True  # padding repeats row 0
        return np.flatnonzero(bad[self.groups[col]])


def _reduce(data: pd.DataFrame, expectations: list[dict]) -> _Reduced:
    parent = {c: c for c in data.columns}

    def root(c):
        while parent[c] != c:
            c = parent[c]
        return c

    schema_only = set(data.columns)
    for e in expectations:
        cols = [c for c in _expectation_columns(e.get("kwargs", {})) if c in parent]
        if e["type"] not in SCHEMA:
            schema_only -= set(cols)
        for c in cols[1:]:
            a, b = root(c), root(cols[0])
            if a != b:
                parent[a] = b
    components: dict[str, list[str]] = {}
    for c in data.columns:
        components.setdefault(root(c), []).append(c)
    firsts, groups, sizes = {}, {}, {}
    for cols in components.values():
        if all(c in schema_only for c in cols):  # only the column's presence is checked
            ids = np.zeros(len(data), dtype="int64")
        else:
            ids = _groups(data, cols)
        # group ids appear in order 0, 1, 2 …: a new one starts where the running maximum rises
        first = np.flatnonzero(np.diff(np.maximum.accumulate(ids), prepend=-1) > 0)
        try:  # distinct rows sorted by value, so that equal data give an equal frame (and cache hit)
            order = data[cols].take(first).reset_index(drop=True).sort_values(
                cols, kind="mergesort", na_position="last").index.to_numpy()
        except TypeError:  # values of mixed types do not sort: keep the order of appearance
            order = np.arange(len(first))
        rank = np.empty(len(order), dtype="int64")
        rank[order] = np.arange(len(order))
        ids, first = rank[ids], first[order]
        for c in cols:
            firsts[c], groups[c], sizes[c] = first, ids, len(first)
    length = max(sizes.values(), default=0)
    columns = {}
    for c in data.columns:
        first = firsts[c]
        positions = np.concatenate([first, np.full(length - len(first), first[0], dtype="int64")])
        columns[c] = data[c].take(positions).reset_index(drop=True)
    return _Reduced(pd.DataFrame(columns, index=pd.RangeIndex(length)), groups, sizes)


# Expectations that compare values only for equality (and nullness): GX judges them the same on
# integer codes of the values, which it compares many times faster than text.
EQUALITY_ONLY = frozenset({
    "expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique",
    "expect_column_unique_value_count_to_be_between",
    "expect_column_proportion_of_unique_values_to_be_between"})


def _equality_codes(data: pd.DataFrame) -> pd.DataFrame:
    """Each column replaced by integer codes of its values (``pd.factorize``: equal values, as
    pandas' own duplicate checks see them, get equal codes); missing values stay missing."""
    columns = {}
    for col in data.columns:
        codes, uniques = _factorize(data[col])
        missing = np.asarray(pd.isna(uniques), dtype=bool)[codes]
        columns[col] = np.where(missing, np.nan, codes) if missing.any() else codes.astype("int64")
    return pd.DataFrame(columns, index=data.index)


def _gx_order(expectations: list[dict]) -> list[int]:
    """Rank of each expectation in the order GX reports a suite's results: grouped by the column
    named in ``column``, groups in order of first appearance (``Validator.process_expectations_for
    _validation``), then suite order."""
    groups: dict[str, list[int]] = {}
    for i, e in enumerate(expectations):
        column = e.get("kwargs", {}).get("column")
        groups.setdefault(column if isinstance(column, str) else "\0", []).append(i)
    order = [i for members in groups.values() for i in members]
    return [order.index(i) for i in range(len(expectations))]


def _raised(res) -> bool:
    exc = res.exception_info or {}
    return bool(exc.get("raised_exception")) or any(
        isinstance(v, dict) and v.get("raised_exception") for v in exc.values())


def _validate_reduced(suite_dict: dict, frame: Frame, parameters: dict):
    """A suite without Data Docs: its row-wise expectations on the distinct rows of their columns,
    the others on the frame's columns they name. Returns the results in the order GX gives for the
    whole suite (expectations that raised first, as GX does) and, for each failed row-wise result,
    the positions of the failing rows in the full frame."""
    import great_expectations as gx

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
    import great_expectations as gx

    from great_expectations.data_context.data_context.context_factory import project_manager

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


# --- the frames: each input table plus the derived columns its suite checks ----------------------

def framework_frames(inputs: YearInputs) -> list[Frame]:
    fw = inputs.framework.copy()
    fwc = inputs.year.framework
    codes = set(fw["code"])
    fw["orphan"] = fw["parent"].map(lambda p: p != "" and p not in codes).astype("bool")
    fw["leaf_split_difference"] = fwk.leaf_split_check(fw)
    sub = fwk.subtotal_check(fw).drop_duplicates("code").set_index("code")
    fw["children_sum"] = fw["code"].map(sub["children_sum"])
    fw["subtotal_difference"] = fw["code"].map(sub["difference"])
    sums = fwk.totals(fw)
    rows = []
    for measure, declared, kind in (("total", fwc.declared_total, "total"),
                                    ("appraisal", fwc.declared_appraisal, "share"),
                                    ("survey", fwc.declared_survey, "share")):
        if declared is None:
            continue
        diff = round(float(declared) - sums[measure], 6)
        rows.append({"code": measure, "declared": float(declared), "leaves_sum": sums[measure],
                     "total_difference": diff if kind == "total" else math.nan,
                     "share_difference": diff if kind == "share" else math.nan})
    totals = pd.DataFrame(rows, columns=["code", "declared", "leaves_sum", "total_difference",
                                         "share_difference"]).astype(
        {"code": "str", "total_difference": "float64", "share_difference": "float64"})
    toml = paths.display(inputs.dataset.folder / "dataset.toml")
    return [Frame("framework", fw, paths.display(fwc.file)),
            Frame("framework_totals", totals, f"{toml} [frameworks.{fwc.id}]", row_column=None)]


@lru_cache(maxsize=100_000)
def name_key(name: str) -> str:
    """Names compared as people read them: no diacritics, case or spacing (``Sở Tư  pháp`` =
    ``so tu phap``). Two units with the same key are probably one unit entered twice."""
    from parlib.ingest import ascii_key

    return ascii_key(name)


def units_frame(inputs: YearInputs) -> Frame:
    units = inputs.units.copy()
    for col in ("unit_id", "unit_name", "kind"):
        units[f"{col}_empty"] = (units[col].str.strip() == "").astype("bool")
    keys = units["unit_name"].map(name_key)
    first = {}
    for uid, key in zip(units["unit_id"], keys):
        first.setdefault(key, uid)
    units["same_name_as"] = [first[k] if first[k] != uid else "" for uid, k in zip(units["unit_id"], keys)]
    units["name_near_duplicate"] = (units["same_name_as"] != "").astype("bool")
    return Frame("units", units, paths.display(inputs.dataset.units))


def _take(values, codes: np.ndarray, index: pd.Index, dtype: str) -> pd.Series:
    """Per-distinct-value results spread back over the rows (``codes`` from ``pd.factorize``)."""
    return pd.Series(np.asarray(values, dtype=object if dtype == "str" else dtype)[codes],
                     index=index, dtype=dtype)


def scores_frame(inputs: YearInputs) -> Frame:
    """Scores with each leaf's maxima beside them, and a flag column per rule."""
    # duplicate codes are reported by the framework suite; here the first one is used
    leaves = inputs.framework.loc[inputs.framework["is_leaf"], ["code", "max_appraisal",
                                                                "max_survey"]].drop_duplicates("code")
    scores = inputs.scores
    s = scores.copy(deep=False)  # copy on write: the new columns do not touch inputs.scores
    # per distinct criterion, not per row: a million rows name a hundred criteria
    crit_codes, crits = _factorize(scores["criterion"])
    at = pd.Index(leaves["code"]).get_indexer(crits)
    found = at >= 0
    s["code"] = _take(np.where(found, crits, np.nan), crit_codes, s.index, "str")
    for col in ("max_appraisal", "max_survey"):
        s[col] = _take(np.where(found, leaves[col].to_numpy("float64")[at], np.nan), crit_codes,
                       s.index, "float64")
    known = s["code"].notna()
    for col, max_col in (("self", "max_appraisal"), ("appraised", "max_appraisal"),
                         ("survey", "max_survey")):
        has_component = s[max_col].fillna(0) > 0
        empty = s[f"{col}_score"].isna() & ~s[f"{col}_kps"] & (s[f"{col}_unparsed"] == "")
        s[f"{col}_missing"] = (known & has_component & empty).astype("bool")
        given = s[f"{col}_score"].notna() | s[f"{col}_kps"]
        s[f"{col}_without_component"] = (known & ~has_component & given).astype("bool")
    # a flag rather than a value set of every unit id: GX serialises value sets once per metric,
    # which for 10,000 units cost seconds per validation
    for col in ("self", "appraised", "survey"):
        s[f"{col}_unreadable"] = (s[f"{col}_unparsed"] != "").astype("bool")
    # per distinct unit id, and per distinct (unit name, unit id) pair
    unit_codes, unit_ids = _factorize(scores["unit_id"])
    unit_ids = pd.Series(unit_ids, dtype=object)
    s["unit_registered"] = _take(unit_ids.isin(set(inputs.units["unit_id"])), unit_codes, s.index,
                                 "bool")
    registry = inputs.units.drop_duplicates("unit_id").set_index("unit_id")["unit_name"]
    registry_names = unit_ids.map(registry).fillna("").astype("str")
    s["registry_name"] = _take(registry_names, unit_codes, s.index, "str")
    name_codes, names = _factorize(s["unit_name"])
    pair_codes, pairs = pd.factorize(name_codes.astype("int64") * len(unit_ids) + unit_codes)
    name = pd.Series(np.asarray(names, dtype=object)[pairs // max(len(unit_ids), 1)], dtype="str")
    registered_name = registry_names.to_numpy(dtype=object)[pairs % max(len(unit_ids), 1)]
    registered_name = pd.Series(registered_name, dtype="str")
    given = name.fillna("").str.strip() != ""
    differs = (given & (name != registered_name) & (registered_name != "")).to_numpy(bool)
    same_key = np.array([differs[i] and name_key(a) == name_key(b) for i, (a, b) in
                         enumerate(zip(name, registered_name))], dtype=bool)
    s["unit_name_mismatch"] = _take(differs & ~same_key, pair_codes, s.index, "bool")
    s["unit_name_variant"] = _take(differs & same_key, pair_codes, s.index, "bool")
    s["leaf_unsplit"] = (known & s["max_appraisal"].isna() & s["max_survey"].isna()).astype("bool")
    s["kps_mismatch"] = (s["max_appraisal"].fillna(0) > 0) & (s["self_kps"] != s["appraised_kps"])
    s["kps_mismatch"] = s["kps_mismatch"].astype("bool")
    return Frame("scores", s, paths.display(inputs.year.scores))


def coverage_frames(inputs: YearInputs) -> list[Frame]:
    leaves = list(dict.fromkeys(inputs.framework.loc[inputs.framework["is_leaf"], "code"]))
    registered = set(inputs.units["unit_id"])
    unit_codes, units = _factorize(inputs.scores["unit_id"])
    units = pd.Series(units, dtype=object)
    is_assessed = units.isin(registered).to_numpy(bool)
    assessed = units[is_assessed].to_numpy(dtype=object)  # in order of first appearance
    grid = pd.DataFrame({"unit_id": np.repeat(assessed, len(leaves)),
                         "criterion": np.tile(np.asarray(leaves, dtype=object), len(assessed))}
                        ).astype("str")
    # which (assessed unit, leaf) cells have a row: positions in the grid, from integer codes
    unit_at = np.where(is_assessed, np.cumsum(is_assessed) - 1, -1)[unit_codes]
    crit_codes, crits = _factorize(inputs.scores["criterion"])
    leaf_at = pd.Index(leaves, dtype=object).get_indexer(pd.Index(crits, dtype=object))[crit_codes]
    ok = (unit_at >= 0) & (leaf_at >= 0)
    has_row = np.zeros(len(grid), dtype=bool)
    has_row[unit_at[ok] * len(leaves) + leaf_at[ok]] = True
    grid["has_row"] = has_row
    reg = inputs.units[["unit_id", "unit_name", "source_row"]].copy()
    reg["assessed"] = reg["unit_id"].isin(set(units)).astype("bool")
    return [Frame("coverage", grid, paths.display(inputs.year.scores), row_column=None),
            Frame("registry_coverage", reg, paths.display(inputs.dataset.units))]


def bands_frame(inputs: YearInputs) -> Frame:
    """Rating bands of the year, sorted from the top: each must start where the next one ends."""
    b = inputs.bands.copy()
    b["lower"] = b["lower_pct"].fillna(-float("inf"))
    b["upper"] = b["upper_pct"].fillna(float("inf"))
    b = b.sort_values("lower", ascending=False, ignore_index=True)
    b["inverted"] = (b["lower"] >= b["upper"]).astype("bool")
    below = b["upper"].shift(-1)
    # the next band down must end exactly where this one starts (no gap, no overlap)
    b["gap_or_overlap"] = ((below.notna()) & (below != b["lower"])).astype("bool")
    b["next_upper"] = below
    b["criterion"] = b["band"]
    where = f"{paths.display(inputs.dataset.bands)} (year {inputs.year.year})" if \
        inputs.dataset.bands else "bands"
    return Frame("bands", b, where, row_column=None)


def published_frame(inputs: YearInputs) -> Frame:
    pub = inputs.published.copy()
    pub["criterion"] = pub["measure"]
    pub["unit_registered"] = pub["unit_id"].isin(set(inputs.units["unit_id"])).astype("bool")
    return Frame("published", pub, paths.display(inputs.year.published or "published"))


def validate_inputs(inputs: YearInputs, folder: Path | None = None,
                    docs: Path | None = None) -> ValidationReport:
    """Every input suite on one dataset-year."""
    fw = inputs.framework
    parameters = {
        "leaf_codes": sorted(fw.loc[fw["is_leaf"], "code"].tolist()),
        "framework": inputs.year.framework.id,
    }
    global _FACTORS
    _FACTORS = {}
    try:
        frames = [*framework_frames(inputs), units_frame(inputs), scores_frame(inputs),
                  *coverage_frames(inputs), published_frame(inputs), bands_frame(inputs)]
        report = run_suites(frames, parameters, folder, docs)
    finally:
        _FACTORS = None
    notes = [Problem(**{k: (None if k == "row" and pd.isna(v) else v) for k, v in row.items()})
             for row in inputs.notes.to_dict("records")]
    report.problems = notes + report.problems
    return report


def validate_results(results, folder: Path | None = None,
                     docs: Path | None = None) -> ValidationReport:
    """The results suites: indexes in 0–100, achieved ≤ maximum, published figures reconciled."""
    return run_suites([Frame("results", results.unit_index, "computed unit_index", row_column=None),
                       Frame("reconciliation", results.reconciliation,
                             "published totals vs computed", row_column=None)], {}, folder, docs)


def publish_docs(project_dir: Path, target: Path) -> Path | None:
    """Copy the GX project's Data Docs site into the reports (the project itself stays in processed)."""
    import shutil

    index = data_docs_index(project_dir)
    if not index.is_file():
        return None
    shutil.copytree(index.parent, target, dirs_exist_ok=True)
    return Path(target) / "index.html"


def preflight(inputs_loader, docs: Path | None = None,
              out_dir: Path | None = None) -> tuple[ValidationReport, object | None]:
    """Everything that can refuse a dataset-year, in one process, before any notebook runs:
    read the inputs, run the input suites, compute, run the result suites.

    ``inputs_loader`` is a no-argument function returning ``YearInputs`` (it may raise
    ``DataError``). Returns the report and the inputs (None when they could not be read). With
    ``docs`` the validations also build the Data Docs site there; with ``out_dir`` the two records
    are saved there (``validation`` for the inputs, ``validation_results`` for the computed
    results), which is what the validate and index notebooks show.
    """
    from parlib import score
    from parlib.errors import DataError

    try:
        inputs = inputs_loader()
    except DataError as exc:
        problems = exc.problems or [Problem("critical", "unreadable_input", message=str(exc))]
        return ValidationReport(problems=list(problems)), None
    report = validate_inputs(inputs, docs=docs)
    if out_dir is not None:
        save(report, out_dir)
        for stale in ("validation_results.json", "validation_results_problems.csv"):
            (Path(out_dir) / stale).unlink(missing_ok=True)  # an earlier run's, not these inputs'
    if report.success:
        results = score.compute(inputs)
        checked = validate_results(results, docs=docs)
        checked.problems += _analysis_inputs_problems(inputs, results)
        if out_dir is not None:
            save(checked, out_dir, "validation_results")
        report = report.extend(checked)
    if docs is not None:  # the site is written; the in-memory results are not needed any more
        _DOCS_CONTEXTS.pop(str(Path(docs).resolve()), None)
    return report, inputs


def checked_year(inputs: YearInputs, out_dir: Path, docs: Path, validated: bool) -> ValidationReport:
    """The input suites' report of a dataset-year, as the validate notebook shows it.

    ``validated``: the runner's preflight has already validated these inputs in this run and saved
    both records (and the Data Docs) in ``out_dir``; they are read back, not recomputed. Otherwise
    (a notebook run by hand) the preflight runs here, on ``inputs``, and saves them.
    """
    if not validated:
        preflight(lambda: inputs, docs=docs, out_dir=out_dir)
    return load(out_dir)


def load(out_dir: Path, name: str = "validation") -> ValidationReport:
    """A report saved by ``save``."""
    data = json.loads((Path(out_dir) / f"{name}.json").read_text(encoding="utf-8"))
    return ValidationReport([Problem(**p) for p in data["problems"]],
                            [SuiteSummary(**x) for x in data["suites"]])


def _analysis_inputs_problems(inputs: YearInputs, results) -> list[Problem]:
    """The optional inputs of the fairness analyses (methodology alternatives, survey answers) are
    read here too, so a bad file is refused before any notebook runs, not halfway through."""
    from parlib import robustness, survey
    from parlib.errors import DataError

    problems: list[Problem] = []
    checks = [lambda: robustness.load_alternatives(inputs.dataset.alternatives)]
    if inputs.year.survey_responses is not None:
        checks.append(lambda: survey.read_responses(inputs.year.survey_responses, results.points,
                                                    inputs.units["unit_id"]))
    for check in checks:
        try:
            check()
        except DataError as exc:
            problems += exc.problems or [Problem("critical", "unreadable_input", message=str(exc))]
    return problems


def save(report: ValidationReport, out_dir: Path, name: str = "validation") -> list[Path]:
    from parlib.storage import write_csv, write_json

    return [write_json(Path(out_dir) / f"{name}.json", report.to_dict()),
            write_csv(report.problems_frame(), Path(out_dir) / f"{name}_problems.csv")]
