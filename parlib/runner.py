"""Runner: execute the notebooks with papermill for each dataset and year, publish atomically.

Unattended runs: a lock keeps two runs off the same outputs; a fingerprint (input hashes, parameters,
code) makes a rerun with nothing changed a no-op; ``jobs`` runs dataset-years in parallel processes;
each dataset-year writes ``run.json`` (manifest) and ``run.log``.

In: dataset names, years, language, extra notebook parameters. Out: for each dataset-year,
``data/processed/<dataset>/<year>/`` (tables), ``reports/<dataset>/<year>/`` (one HTML report per
notebook, no code, plus the executed notebooks and ``run.json``), and ``reports/index.html``.

After a dataset-year's notebooks succeed, ``06_unit_profile`` runs once per unit (``UNIT_WORKERS``
threads side by side, each executing papermill on its own warm kernel, ``parlib.kernels``) into
``reports/<dataset>/<year>/units/<unit>.html``, and the result tables are exported to
``results.xlsx``. After all years of a dataset, ``07_trends`` renders
``reports/<dataset>/trends.html`` from the published years.

Everything is built in a staging folder first; only a run whose notebooks all succeed is swapped into
place, so a failing run never touches the last good outputs. A failed run's rendered notebooks go to
``reports/_failed/<dataset>/<year>/`` with ``failure.json``, which the landing page links.
"""

from __future__ import annotations

import ast
import fcntl
import hashlib
import json
import os
import shutil
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from parlib import paths, provenance
from parlib.dataset import DatasetConfig, list_datasets, load_dataset
from parlib.errors import DataError, UsageError
from parlib.report import (DATASET_NOTEBOOKS, NOTEBOOKS, RESULTS_WORKBOOK, UNIT_NOTEBOOK,
                           unit_file, write_landing)
from parlib.storage import swap_in, write_json, write_text

LANGS = ("vi", "en")
# Parameters every notebook takes; set by the runner from its own options, never with -p.
BASE_PARAMETERS = ("dataset", "year", "lang", "raw_root", "processed_root", "reports_root")
# Parameters the runner sets itself for the unit and dataset notebooks; never with -p.
RUNNER_PARAMETERS = ("unit_id", "history_root", "validated")
DATA_ERRORS = ("ValidationFailed", "DataError")
UNIT_WORKERS = 2  # threads executing notebooks, each on its own warm kernel (parlib.kernels)
_POOL: list[ThreadPoolExecutor] = []


def _pool() -> ThreadPoolExecutor:
    """The process's notebook threads. They outlive one dataset-year so that their kernels, once
    started and warm, serve every notebook of the run."""
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(max_workers=UNIT_WORKERS, thread_name_prefix="notebook"))
    return _POOL[0]


def _execute_in_pool(notebook: Path, executed: Path, params: dict) -> tuple[str, str]:
    """``_execute`` on one of the notebook threads (never call it from one of them)."""
    return _pool().submit(_execute, notebook, executed, params).result()


@dataclass
class Outcome:
    dataset: str
    year: int
    status: str  # success | invalid | error | up-to-date
    message: str = ""
    seconds: float = 0.0
    notebooks: list[dict] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return {"success": 0, "up-to-date": 0, "invalid": 1, "error": 3}[self.status]


class RunLocked(UsageError):
    """Another run holds the lock on these outputs."""

    exit_code = 3


class Lock:
    """An exclusive, non-blocking lock on a project's outputs (``data/processed/.parlib.lock``).

    The operating system releases it when the holder dies, so a killed run never leaves it stuck.
    """

    def __init__(self, root: Path):
        self.path = paths.processed_dir(root) / ".parlib.lock"
        self.handle = None

    def __enter__(self) -> "Lock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "unknown"
            self.handle.close()
            raise RunLocked(f"another parlib run is writing these outputs ({holder}); it holds "
                            f"{paths.display(self.path)}. Wait for it to finish, then run again.")
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()}, started {provenance.now_utc()}\n")
        self.handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def clean_staging(root: Path) -> int:
    """Remove staging folders left by killed runs (call only while holding the lock)."""
    removed = 0
    for base in (paths.processed_dir(root), paths.reports_dir(root)):
        for folder in base.glob(".staging/*"):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
        for folder in base.glob("**/.*.old-*"):
            shutil.rmtree(folder, ignore_errors=True)
    return removed


def code_files(root: Path) -> list[Path]:
    """The code a result depends on: the library, its labels, the notebooks and the suites."""
    package = Path(__file__).resolve().parent
    files = sorted(package.glob("*.py")) + [package / "labels.csv"]
    files += sorted(paths.notebooks_dir(root).glob("*.ipynb"))
    files += sorted(paths.expectations_dir(root).glob("*.json"))
    return files


def context_files(cfg: DatasetConfig, year: int, root: Path) -> list[Path]:
    """Files beyond the year's inputs that its reports depend on: the dataset's lineage and the
    inputs of the EARLIER years, whose results the reports show (movers since last year, each
    unit's trend up to this year). Inputs, not published outputs: outputs appear and disappear as
    years are built, and a fingerprint that followed them would never settle."""
    from parlib.trends import lineage_path

    files = [p for p in [lineage_path(cfg)] if p is not None]
    for other in cfg.years:
        if other < year:
            files += [p for p in cfg.input_files(other) if p not in files]
    return files


def fingerprint(cfg: DatasetConfig, year: int, lang: str, extra: dict, root: Path) -> str:
    """One hash of everything a dataset-year's outputs depend on: inputs, parameters and code."""
    digest = hashlib.sha256()
    for path in cfg.input_files(year) + context_files(cfg, year, root) + code_files(root):
        digest.update(paths.display(path).encode() + b"\0" + provenance.sha256(path).encode())
    digest.update(json.dumps({"lang": lang, **extra}, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _published_fingerprint(root: Path, dataset: str, year: int) -> str | None:
    """The fingerprint of the published outputs, if they are complete."""
    manifests = []
    for base in (paths.processed_dir(root), paths.reports_dir(root)):
        path = paths.year_dir(base, dataset, year) / "run.json"
        try:
            manifests.append(json.loads(path.read_text(encoding="utf-8")).get("fingerprint"))
        except (OSError, json.JSONDecodeError):
            return None
    folder = paths.year_dir(paths.reports_dir(root), dataset, year)
    complete = all((folder / f"{stem}.html").is_file() for stem, _ in NOTEBOOKS)
    return manifests[0] if complete and manifests[0] == manifests[1] else None


@lru_cache(maxsize=None)
def notebook_parameters(notebook: Path) -> dict[str, dict]:
    """The parameters a notebook declares in its ``parameters`` cell: name → type and default."""
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    missing = [p for p in BASE_PARAMETERS if p not in declared]
    if missing:
        raise UsageError(f"{paths.display(notebook)}: parameters cell lacks {', '.join(missing)}")
    return {name: {"type": info["inferred_type_name"], "default": info["default"]}
            for name, info in declared.items()}


def notebook_paths(root: Path | None = None, every: bool = False) -> list[Path]:
    """The per-year notebooks in run order (with ``every``: also the unit and dataset ones)."""
    folder = paths.notebooks_dir(root)
    stems = [stem for stem, _ in NOTEBOOKS]
    if every:
        stems += [UNIT_NOTEBOOK[0]] + [stem for stem, *_ in DATASET_NOTEBOOKS]
    found = [folder / f"{stem}.ipynb" for stem in stems]
    missing = [p for p in found if not p.is_file()]
    if missing:
        raise UsageError(f"notebook(s) missing: {', '.join(map(str, missing))}")
    return found


def parse_extra_parameters(pairs: list[str], root: Path | None = None) -> dict[str, object]:
    """``['group_tolerance_points=3']`` → ``{'group_tolerance_points': 3.0}``, checked against the
    notebooks' parameters cells: unknown names and values of the wrong type are usage errors."""
    if not pairs:  # nothing to check: no need to inspect every notebook
        return {}
    declared: dict[str, dict] = {}
    for nb in notebook_paths(root, every=True):
        declared.update(notebook_parameters(nb))
    out: dict[str, object] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"parameter {pair!r}: write it as NAME=VALUE")
        if name in BASE_PARAMETERS:
            raise UsageError(f"parameter {name!r} is set with its own option (--dataset, --year, "
                             f"--lang), not with -p")
        if name in RUNNER_PARAMETERS:
            raise UsageError(f"parameter {name!r} is set by the runner (one profile per unit, "
                             f"history from the published years), not with -p")
        if name not in declared:
            known = sorted(set(declared) - set(BASE_PARAMETERS) - set(RUNNER_PARAMETERS))
            raise UsageError(f"unknown parameter {name!r}; the notebooks take: {', '.join(known)}")
        out[name] = _coerce(name, text, declared[name])
    return out


def _coerce(name: str, text: str, info: dict) -> object:
    kind = info["type"]
    default = info["default"]
    try:
        default_value = ast.literal_eval(default)
    except (ValueError, SyntaxError):
        default_value = None
    target = type(default_value) if default_value is not None else str
    if kind in ("int", "float", "bool") or target in (int, float, bool):
        target = {"int": int, "float": float, "bool": bool}.get(kind, target)
    try:
        if target is bool:
            if text.lower() not in ("true", "false", "1", "0"):
                raise ValueError(text)
            return text.lower() in ("true", "1")
        if target is int:
            return int(text)
        if target is float:
            return float(text.replace(",", "."))
        return text
    except ValueError:
        raise UsageError(f"parameter {name!r}: {text!r} is not a valid {target.__name__}") from None


_EXPORTERS = threading.local()


def export_html(executed: Path, target: Path, title: str) -> Path:
    """Render an executed notebook to HTML with no code, no prompts and no stderr streams."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    # analyst notes (markdown tagged "analyst-note") stay in the notebook, not in the report
    nb.cells = [c for c in nb.cells if "analyst-note" not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                continue
            if out.get("output_type") == "error":
                # a reviewer needs the reason, not the Python call stack
                out["traceback"] = [f"{out.get('ename')}: {out.get('evalue')}"]
            kept.append(out)
        cell["outputs"] = kept
    nb.metadata["title"] = title
    exporter = getattr(_EXPORTERS, "html", None)
    if exporter is None:  # one per thread: building one (templates, filters) costs more than using it
        exporter = _EXPORTERS.html = HTMLExporter(
            template_name="lab", exclude_input=True, exclude_input_prompt=True,
            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    return write_text(target, body)


_LOG: list[str] = []  # this process's log lines for the dataset-year being run
_LOG_LOCK = threading.Lock()  # unit profiles log from worker threads


def _log(message: str) -> None:
    line = f"{time.strftime('%H:%M:%S')} {message}"
    with _LOG_LOCK:
        _LOG.append(line)
        print(line, file=sys.stderr, flush=True)


KERNEL_ATTEMPTS = 3  # a kernel that fails to start (e.g. a port taken by a concurrent kernel) is retried


def _execute(notebook: Path, executed: Path, params: dict) -> tuple[str, str]:
    """Run one notebook with papermill: (status, message); status is success, invalid or error.

    A failing cell is final (the data or the code is wrong). A failure of the kernel itself
    (jupyter_client picks free TCP ports before the kernel binds them, so two kernels started at
    once can collide) is retried, then reported as an execution error, never raised.
    """
    from papermill.exceptions import PapermillExecutionError

    from parlib import kernels

    executed.parent.mkdir(parents=True, exist_ok=True)
    problem = ""
    for attempt in range(1, KERNEL_ATTEMPTS + 1):
        try:
            kernels.execute(str(notebook), str(executed), params, cwd=str(notebook.parent))
            return "success", ""
        except PapermillExecutionError as exc:
            return ("invalid" if exc.ename in DATA_ERRORS else "error"), f"{exc.ename}: {exc.evalue}"
        except Exception as exc:  # noqa: BLE001 - kernel start/death, not a cell's error
            problem = f"kernel failure ({type(exc).__name__}: {exc})"
            _log(f"  {notebook.stem}: {problem}; attempt {attempt} of {KERNEL_ATTEMPTS}")
            time.sleep(0.5 * attempt)
    return "error", problem


def _run_unit_profiles(cfg: DatasetConfig, year: int, lang: str, params: dict, root: Path,
                       out_processed: Path, out_reports: Path) -> dict:
    """Execute ``06_unit_profile`` once per unit of the staged results, ``UNIT_WORKERS`` at a time.

    Each execution is its own kernel process writing its own files; the threads share only the
    log (locked) and their own result records. Returns the notebook record for ``run.json``.
    """
    from parlib.labels import t
    from parlib.score import load_table

    stem, label = UNIT_NOTEBOOK
    notebook = paths.notebooks_dir(root) / f"{stem}.ipynb"
    declared = notebook_parameters(notebook)
    units = load_table(out_processed, "unit_index")[["unit_id", "unit_name"]]
    started = time.time()

    def one(unit_id: str, unit_name: str) -> tuple[str, str, str]:
        page = unit_file(unit_id)
        executed = out_reports / "notebooks" / "units" / page.replace(".html", ".ipynb")
        status, message = _execute(notebook, executed, {
            k: v for k, v in {**params, "unit_id": unit_id}.items() if k in declared})
        if executed.is_file():
            export_html(executed, out_reports / "units" / page,
                        f"{unit_name} — {t(label, lang)} — {cfg.title(lang)} {year}")
        return unit_id, status, message

    results = list(_pool().map(lambda r: one(*r), units.itertuples(index=False, name=None)))
    failed = [(u, s, m) for u, s, m in results if s != "success"]
    record = {"notebook": stem, "status": "success" if not failed else failed[0][1],
              "seconds": round(time.time() - started, 2), "units": len(results)}
    if failed:
        record["message"] = f"{stem} {failed[0][0]}: {failed[0][2]}"
    return record


def run_year(dataset: str, year: int, lang: str = "vi", extra: dict | None = None,
             root: Path | None = None, force: bool = False) -> Outcome:
    """Run every notebook for one dataset-year in a staging folder; publish only on success.

    Unless ``force``, a dataset-year whose published outputs carry the current fingerprint (same
    inputs, parameters and code) is left alone.
    """
    root = Path(root or paths.project_root())
    extra = dict(extra or {})
    cfg = load_dataset(dataset, paths.raw_dir(root))
    cfg.year(year)
    _LOG.clear()
    started_at = provenance.now_utc()
    current = fingerprint(cfg, year, lang, extra, root)
    if not force and _published_fingerprint(root, dataset, year) == current:
        # the inputs are those of the last good run: an older failure no longer applies
        shutil.rmtree(paths.year_dir(paths.reports_dir(root) / "_failed", dataset, year),
                      ignore_errors=True)
        _log(f"{dataset} {year}: up to date (inputs, parameters and code unchanged); nothing to do")
        return Outcome(dataset, year, "up-to-date", "inputs, parameters and code unchanged")
    return _run_year(cfg, dataset, year, lang, extra, root, current, started_at)


def _run_year(cfg: DatasetConfig, dataset: str, year: int, lang: str, extra: dict, root: Path,
              current: str, started_at: str) -> Outcome:
    from parlib.labels import t

    _log(f"{dataset} {year}: running")
    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    stage_processed = paths.processed_dir(root) / ".staging" / run_id
    stage_reports = paths.reports_dir(root) / ".staging" / run_id
    out_processed = paths.year_dir(stage_processed, dataset, year)
    out_reports = paths.year_dir(stage_reports, dataset, year)
    out_reports.mkdir(parents=True, exist_ok=True)
    base = {"dataset": dataset, "year": year, "lang": lang, "raw_root": str(paths.raw_dir(root)),
            "processed_root": str(stage_processed), "reports_root": str(stage_reports),
            "history_root": str(paths.processed_dir(root))}
    outcome = Outcome(dataset, year, "success")
    started = time.time()
    prov = provenance.collect(cfg, year, {"lang": lang, **extra})
    failed_dir = paths.year_dir(paths.reports_dir(root) / "_failed", dataset, year)

    # Preflight: refuse bad data in-process, in a second, before any notebook or output is touched.
    from parlib import ingest, validate

    # the records and Data Docs are saved in the staging folder; the validate notebook shows them
    out_processed.mkdir(parents=True, exist_ok=True)
    checked, _ = validate.preflight(lambda: ingest.load_year(cfg, year),
                                    docs=out_processed / "gx", out_dir=out_processed)
    if not checked.success:
        _log(f"{dataset} {year}: refused, {len(checked.critical)} critical problem(s)")
        _refuse(cfg, year, lang, checked, prov, out_reports, failed_dir, started, run_id)
        shutil.rmtree(stage_reports, ignore_errors=True)
        shutil.rmtree(stage_processed, ignore_errors=True)
        first = checked.critical[0]
        return Outcome(dataset, year, "invalid", f"{len(checked.critical)} critical problem(s), "
                       f"first: {first}", round(time.time() - started, 2))
    for notebook, (stem, label) in zip(notebook_paths(root), NOTEBOOKS):
        declared = notebook_parameters(notebook)
        params = {k: v for k, v in {**base, "validated": True, **extra}.items() if k in declared}
        executed = out_reports / "notebooks" / f"{stem}.ipynb"
        t0 = time.time()
        status, message = _execute_in_pool(notebook, executed, params)
        if status != "success":
            outcome.status = status
            outcome.message = f"{stem}: {message}"
        seconds = round(time.time() - t0, 2)
        outcome.notebooks.append({"notebook": stem, "status": status, "seconds": seconds})
        if executed.is_file():
            export_html(executed, out_reports / f"{stem}.html",
                        f"{t(label, lang)} — {cfg.title(lang)} {year}")
        _log(f"  {dataset} {year} {stem:<12} {status:<8} {seconds:6.1f}s")
        if status != "success":
            break
    if outcome.status == "success":
        from parlib import export

        export.write_workbook(out_processed, out_reports / RESULTS_WORKBOOK, lang, prov)
        record = _run_unit_profiles(cfg, year, lang, {**base, **extra}, root, out_processed,
                                    out_reports)
        outcome.notebooks.append(record)
        _log(f"  {dataset} {year} {record['notebook']} {record['status']:<8} "
             f"{record['seconds']:6.1f}s ({record['units']} units)")
        if record["status"] != "success":
            outcome.status = record["status"]
            outcome.message = record["message"]
    outcome.seconds = round(time.time() - started, 2)
    manifest = {**prov, "title": {"vi": cfg.title_vi, "en": cfg.title_en}, "run_id": run_id,
                "fingerprint": current, "started_at": started_at,
                "outcome": outcome.status, "message": outcome.message, "lang": lang,
                "notebooks": outcome.notebooks, "seconds": outcome.seconds,
                "finished_at": provenance.now_utc(), "validation": _validation_summary(out_processed)}
    try:
        _log(f"{dataset} {year}: {outcome.status} in {outcome.seconds:.1f}s")
        write_text(out_reports / "run.log", "\n".join(_LOG) + "\n")
        if outcome.status == "success":
            write_json(out_processed / "run.json", manifest)
            write_json(out_reports / "run.json", manifest)
            swap_in(out_processed, paths.year_dir(paths.processed_dir(root), dataset, year))
            swap_in(out_reports, paths.year_dir(paths.reports_dir(root), dataset, year))
            shutil.rmtree(failed_dir, ignore_errors=True)
        else:
            write_json(out_reports / "failure.json", manifest)
            swap_in(out_reports, failed_dir)
    finally:
        shutil.rmtree(stage_processed, ignore_errors=True)
        shutil.rmtree(stage_reports, ignore_errors=True)
    return outcome


def _refuse(cfg: DatasetConfig, year: int, lang: str, checked, prov: dict, out_reports: Path,
            failed_dir: Path, started: float, run_id: str) -> None:
    """Publish why a run was refused: a validation page, the problems as CSV, failure.json."""
    from parlib import report, validate
    from parlib.labels import t

    title = t("validation_title", lang)
    subtitle = f"{cfg.title(lang)} — {t('year', lang)} {year} — {cfg.year(year).framework.decision}"
    write_text(out_reports / "validation.html",
               report.validation_page(checked.problems, title, subtitle, cfg.synthetic, lang, prov))
    validate.save(checked, out_reports)
    first = checked.critical[0]
    write_json(out_reports / "failure.json", {
        **prov, "title": {"vi": cfg.title_vi, "en": cfg.title_en}, "run_id": run_id,
        "outcome": "invalid", "lang": lang, "finished_at": provenance.now_utc(),
        "seconds": round(time.time() - started, 2),
        "message": f"{len(checked.critical)} critical problem(s); first: {first}",
        "validation": {"success": False, "critical": len(checked.critical),
                       "warnings": len(checked.warnings)}})
    for problem in checked.critical[:20]:
        _log(f"  {problem}")
    if len(checked.critical) > 20:
        _log(f"  ... and {len(checked.critical) - 20} more (see {paths.display(failed_dir)})")
    write_text(out_reports / "run.log", "\n".join(_LOG) + "\n")
    swap_in(out_reports, failed_dir)


def _validation_summary(out_processed: Path) -> dict:
    from parlib.report import load_validation

    merged = load_validation(out_processed)
    return {k: merged[k] for k in ("success", "critical", "warnings")}


def plan(datasets: list[str] | None, years: list[int] | None, root: Path | None = None,
         broken: list | None = None) -> list[tuple[str, int]]:
    """Which dataset-years to run: all shipped by default; unknown names/years are usage errors.

    A dataset whose ``dataset.toml`` is invalid is reported in ``broken`` (when given) and skipped,
    so one bad dataset does not stop the others.
    """
    raw = paths.raw_dir(root)
    names = datasets or list_datasets(raw)
    if not names:
        raise UsageError(f"no datasets under {raw}")
    pairs = []
    for name in names:
        try:
            cfg = load_dataset(name, raw)
        except DataError as exc:
            if broken is None:
                raise
            broken.append((name, exc))
            continue
        chosen = years or list(cfg.years)
        if years:
            for y in years:
                if y not in cfg.years and len(names) == 1:
                    cfg.year(y)  # raises UsageError naming the dataset's years
        pairs += [(name, y) for y in chosen if y in cfg.years]
    if not pairs and not broken:
        raise UsageError(f"no dataset has the year(s) {years}")
    return pairs


def run(datasets: list[str] | None = None, years: list[int] | None = None, lang: str = "vi",
        extra_pairs: list[str] | None = None, root: Path | None = None, jobs: int = 1,
        force: bool = False) -> list[Outcome]:
    """Run the planned dataset-years (in ``jobs`` parallel processes) under the outputs' lock."""
    if lang not in LANGS:
        raise UsageError(f"--lang must be one of {LANGS}")
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    root = Path(root or paths.project_root())
    extra = parse_extra_parameters(extra_pairs or [], root)
    broken: list = []
    pairs = plan(datasets, years, root, broken)
    outcomes = []
    for name, exc in broken:
        _log(f"{name}: dataset.toml is invalid\n{exc}")
        outcomes.append(Outcome(name, 0, "invalid", str(exc).splitlines()[0]))
    from parlib import kernels

    try:
        with Lock(root):
            if clean_staging(root):
                _log("removed staging folders left by an interrupted run")
            if jobs == 1 or len(pairs) < 2:
                outcomes += [run_year(d, y, lang, extra, root, force) for d, y in pairs]
            else:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                context = multiprocessing.get_context("spawn")  # no fork of a process holding threads
                # a dataset's years run in order in one worker (a year's reports read the earlier
                # years' results); datasets run side by side
                by_dataset: dict[str, list[int]] = {}
                for d, y in pairs:
                    by_dataset.setdefault(d, []).append(y)
                with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                    futures = [pool.submit(_run_years, d, ys, lang, extra, root, force)
                               for d, ys in by_dataset.items()]
                    outcomes += [o for f in futures for o in f.result()]
            for name in dict.fromkeys(d for d, _ in pairs):
                ran = [o for o in outcomes if o.dataset == name]
                outcome = run_dataset(name, lang, extra, root,
                                      force=force or any(o.status == "success" for o in ran))
                if outcome is not None:
                    outcomes.append(outcome)
            write_landing(paths.reports_dir(root))
    finally:
        kernels.shutdown()  # the notebook threads' warm kernels
    return outcomes


def _run_years(dataset: str, years: list[int], lang: str, extra: dict, root: Path,
               force: bool) -> list[Outcome]:
    from parlib import kernels

    try:
        return [run_year(dataset, y, lang, extra, root, force) for y in sorted(years)]
    finally:
        kernels.shutdown()


def run_dataset(dataset: str, lang: str = "vi", extra: dict | None = None,
                root: Path | None = None, force: bool = False) -> Outcome | None:
    """Render the dataset-level reports (``07_trends``) from the published years.

    Runs when ``force`` (a year of the dataset was just rebuilt) or when a report is missing; does
    nothing when no year of the dataset has published results. ``year`` is set to the latest
    published year (the notebook reads every published year). Returns an ``Outcome`` (``year`` 0)
    only when a report was rendered or failed.
    """
    from parlib.labels import t

    root = Path(root or paths.project_root())
    cfg = load_dataset(dataset, paths.raw_dir(root))
    published = [y for y in cfg.years
                 if (paths.year_dir(paths.processed_dir(root), dataset, y) / "run.json").is_file()]
    target_dir = paths.reports_dir(root) / dataset
    if not published:
        return None
    todo = [nb for nb in DATASET_NOTEBOOKS if force or not (target_dir / nb[2]).is_file()]
    if not todo:
        return None
    outcome = Outcome(dataset, 0, "success")
    started = time.time()
    stage = paths.reports_dir(root) / ".staging" / ("dataset-" + uuid.uuid4().hex[:8])
    try:
        for stem, label, page in todo:
            notebook = paths.notebooks_dir(root) / f"{stem}.ipynb"
            declared = notebook_parameters(notebook)
            params = {"dataset": dataset, "year": max(published), "lang": lang,
                      "raw_root": str(paths.raw_dir(root)),
                      "processed_root": str(paths.processed_dir(root)),
                      "reports_root": str(paths.reports_dir(root)),
                      "history_root": str(paths.processed_dir(root)), **(extra or {})}
            executed = stage / f"{stem}.ipynb"
            t0 = time.time()
            status, message = _execute_in_pool(notebook, executed,
                                               {k: v for k, v in params.items() if k in declared})
            seconds = round(time.time() - t0, 2)
            outcome.notebooks.append({"notebook": stem, "status": status, "seconds": seconds})
            _log(f"  {dataset} {stem:<12} {status:<8} {seconds:6.1f}s")
            if executed.is_file() and status == "success":
                export_html(executed, target_dir / page, f"{t(label, lang)} — {cfg.title(lang)}")
                (target_dir / "notebooks").mkdir(parents=True, exist_ok=True)
                os.replace(executed, target_dir / "notebooks" / f"{stem}.ipynb")
            if status != "success":
                outcome.status, outcome.message = "error", f"{stem}: {message}"
                break
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    outcome.seconds = round(time.time() - started, 2)
    return outcome
