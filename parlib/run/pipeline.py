"""Pipeline: the notebooks a run executes, in order, what each publishes, and the parameters they
declare (read from their ``parameters`` cells).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from parlib.core import lazy, paths
from parlib.core.errors import UsageError
from parlib.publish.landing import ReportPages

papermill = lazy.module("papermill")  # loaded when a notebook's parameters are first read


@dataclass(frozen=True)
class Notebook:
    """One notebook of the pipeline: its file stem, the label key of its report's title, how often
    it runs (``year``: once per dataset-year, in order; ``unit``: once per unit of a dataset-year,
    after the year's notebooks; ``dataset``: once per dataset, after all its years) and the page it
    publishes (relative to the year's, the unit folder's or the dataset's reports folder), in
    Vietnamese (the English page sits beside it, ``parlib.publish.pages.localized``). ``writes``:
    the notebook writes tables into the year's output folder (some name criteria in the report's
    language): only its Vietnamese run saves them, its English run, beside it, is given
    ``save_tables=False``. ``tracking``: a dataset page that only a dataset declaring
    ``[tracking.<year>]`` has; it is rebuilt when a tracking file changes."""

    stem: str
    label: str
    scope: str
    page: str
    writes: bool = False
    tracking: bool = False  # a dataset page only for a dataset declaring [tracking.<year>]


PIPELINE = (
    Notebook("01_ingest", "report_ingest", "year", "01_ingest.html"),
    Notebook("02_validate", "report_validate", "year", "02_validate.html"),
    Notebook("03_index", "report_index", "year", "03_index.html"),
    Notebook("04_fairness", "report_fairness", "year", "04_fairness.html", writes=True),
    # the criterion review (issue #15): after 04, so that the overview (05) links it
    Notebook("08_criteria", "report_criteria", "year", "08_criteria.html", writes=True),
    Notebook("05_report", "report_overview", "year", "05_report.html"),
    # every unit's profile (units/<unit>.html) from one execution, after 05 and results.xlsx;
    # 06_unit_profile (one unit) stays for analysts (parlib.publish.profile_doc)
    Notebook("06_unit_profiles", "report_unit_profiles", "unit", "06_unit_profiles.html"),
    Notebook("07_trends", "report_trends", "dataset", "trends.html"),
    # in-year progress (issue #15): a dataset tracking a year by interim self-assessments
    Notebook("09_progress", "report_progress", "dataset", "progress.html", tracking=True),
)

# the same, in the shapes the runner iterates over
NOTEBOOKS = tuple((n.stem, n.label) for n in PIPELINE if n.scope == "year")
UNIT_NOTEBOOK = next((n.stem, n.label) for n in PIPELINE if n.scope == "unit")
DATASET_NOTEBOOKS = tuple((n.stem, n.label, n.page) for n in PIPELINE if n.scope == "dataset")
WRITING_NOTEBOOKS = frozenset(n.stem for n in PIPELINE if n.writes)
TRACKING_NOTEBOOKS = frozenset(n.stem for n in PIPELINE if n.tracking)

RESULTS_WORKBOOK = "results.xlsx"  # reports/<dataset>/<year>/results.xlsx, results.en.xlsx


LANGS = ("vi", "en")  # every run builds both, side by side (parlib.publish.pages)


# Parameters every notebook takes; set by the runner from its own options, never with -p.
BASE_PARAMETERS = ("dataset", "year", "lang", "raw_root", "processed_root", "reports_root")


# Parameters the runner sets itself (the unit a profile shows, where other years are read,
# ``validated``: the preflight has read, validated and computed the year, and ``save_tables``:
# False for the English run of a notebook that saves tables, beside the Vietnamese run that saves
# them); never with -p.
RUNNER_PARAMETERS = ("unit_id", "history_root", "validated", "save_tables")


DATA_ERRORS = ("ValidationFailed", "DataError")


@cache
def notebook_parameters(notebook: Path) -> dict[str, dict]:
    """The parameters a notebook declares in its ``parameters`` cell: name → type and default."""

    declared = papermill.inspect_notebook(str(notebook))
    missing = [p for p in BASE_PARAMETERS if p not in declared]
    if missing:
        raise UsageError(f"{paths.display(notebook)}: parameters cell lacks {', '.join(missing)}")
    return {
        name: {"type": info["inferred_type_name"], "default": info["default"]}
        for name, info in declared.items()
    }


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


# what the landing page links, from the definition above
REPORT_PAGES = ReportPages(
    year=tuple((n.page, n.label) for n in PIPELINE if n.scope == "year"),
    dataset=tuple((n.page, n.label) for n in PIPELINE if n.scope == "dataset"),
    workbook=RESULTS_WORKBOOK,
)
