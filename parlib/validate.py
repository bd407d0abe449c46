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


def _problems_from_result(result, frame: Frame, parameters: dict) -> list[Problem]:
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
    indices = (result.result or {}).get("unexpected_index_list")
    if not indices:
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


def _validate_frame(context, suite, frame: Frame, parameters: dict, with_docs: bool):
    """Run one suite on one frame; with Data Docs, through a checkpoint that updates them."""
    import great_expectations as gx

    name = frame.suite
    data = frame.data[[c for c in _columns_used(suite) if c in frame.data.columns]]
    source = context.data_sources.add_or_update_pandas(name)
    if with_docs:
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
        # no per-checkpoint Data Docs action: it rebuilds the whole site each time; the caller
        # builds the site once after the last suite
        checkpoint = context.checkpoints.add_or_update(gx.Checkpoint(
            name=name, validation_definitions=[definition],
            result_format={"result_format": "COMPLETE"}))
        run = checkpoint.run(batch_parameters={"dataframe": data},
                             expectation_parameters=parameters)
        return next(iter(run.run_results.values()))
    asset = source.add_dataframe_asset(f"{name}-{id(frame)}")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": data})
    try:
        return batch.validate(suite, expectation_parameters=parameters,
                              result_format={"result_format": "COMPLETE"})
    finally:
        context.data_sources.delete(name)


def run_suites(frames: list[Frame], parameters: dict | None = None,
               folder: Path | None = None, docs: Path | None = None) -> ValidationReport:
    """Validate each frame with its suite; every failure becomes one or more ``Problem``.

    With ``docs`` (a folder), the validations also go into a GX project there and its Data Docs.
    """
    import great_expectations as gx

    from great_expectations.data_context.data_context.context_factory import project_manager

    parameters = parameters or {}
    context = docs_context(docs) if docs else _context()
    project_manager.set_project(context)  # GX resolves stores through the "current" context
    report = ValidationReport()
    for frame in frames:
        suite = gx.ExpectationSuite(**load_suite_dict(frame.suite, folder))
        result = _validate_frame(context, suite, frame, parameters, docs is not None)
        found: list[Problem] = []
        for res in result.results:
            if not res.success:
                found += _problems_from_result(res, frame, parameters)
        report.problems += found
        report.suites.append(SuiteSummary(
            frame.suite, frame.file, len(result.results),
            sum(1 for r in result.results if not r.success and _severity(r) == "critical"),
            sum(1 for r in result.results if not r.success and _severity(r) == "warning")))
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


def scores_frame(inputs: YearInputs) -> Frame:
    """Scores with each leaf's maxima beside them, and a flag column per rule."""
    # duplicate codes are reported by the framework suite; here the first one is used
    leaves = inputs.framework.loc[inputs.framework["is_leaf"], ["code", "max_appraisal",
                                                                "max_survey"]].drop_duplicates("code")
    s = inputs.scores.merge(leaves, left_on="criterion", right_on="code", how="left")
    s.index = inputs.scores.index
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
    s["unit_registered"] = s["unit_id"].isin(set(inputs.units["unit_id"])).astype("bool")
    registry = inputs.units.drop_duplicates("unit_id").set_index("unit_id")["unit_name"]
    s["registry_name"] = s["unit_id"].map(registry).fillna("").astype("str")
    given = s["unit_name"].fillna("").str.strip() != ""
    differs = given & (s["unit_name"] != s["registry_name"]) & (s["registry_name"] != "")
    from parlib.ingest import by_unique

    same_key = pd.Series(by_unique(s["unit_name"], name_key), index=s.index) == \
        pd.Series(by_unique(s["registry_name"], name_key), index=s.index)
    s["unit_name_mismatch"] = (differs & ~same_key).astype("bool")
    s["unit_name_variant"] = (differs & same_key).astype("bool")
    s["leaf_unsplit"] = (known & s["max_appraisal"].isna() & s["max_survey"].isna()).astype("bool")
    s["kps_mismatch"] = (s["max_appraisal"].fillna(0) > 0) & (s["self_kps"] != s["appraised_kps"])
    s["kps_mismatch"] = s["kps_mismatch"].astype("bool")
    return Frame("scores", s, paths.display(inputs.year.scores))


def coverage_frames(inputs: YearInputs) -> list[Frame]:
    leaves = list(dict.fromkeys(inputs.framework.loc[inputs.framework["is_leaf"], "code"]))
    registered = set(inputs.units["unit_id"])
    assessed = [u for u in dict.fromkeys(inputs.scores["unit_id"]) if u in registered]
    grid = pd.DataFrame({"unit_id": pd.Series(assessed, dtype="str").repeat(len(leaves)).to_numpy(),
                         "criterion": leaves * len(assessed)}).astype("str")
    present = inputs.scores[["unit_id", "criterion"]].drop_duplicates().assign(has_row=True)
    grid = grid.merge(present, on=["unit_id", "criterion"], how="left")
    grid["has_row"] = grid["has_row"].fillna(False).astype("bool")
    reg = inputs.units[["unit_id", "unit_name", "source_row"]].copy()
    reg["assessed"] = reg["unit_id"].isin(set(inputs.scores["unit_id"])).astype("bool")
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
    frames = [*framework_frames(inputs), units_frame(inputs), scores_frame(inputs),
              *coverage_frames(inputs), published_frame(inputs), bands_frame(inputs)]
    report = run_suites(frames, parameters, folder, docs)
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
