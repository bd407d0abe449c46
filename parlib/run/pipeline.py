"""Pipeline: the notebooks a run executes, in order, what each publishes, and the parameters they
declare (read from their ``parameters`` cells).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import papermill

from parlib.core import paths
from parlib.core.errors import UsageError
from parlib.publish.landing import ReportPages

NOTEBOOKS = (  # (notebook file stem, label key of its report) in the order a run executes them
    ("01_ingest", "report_ingest"),
    ("02_validate", "report_validate"),
    ("03_index", "report_index"),
    ("04_fairness", "report_fairness"),
    ("05_report", "report_overview"),
)


# run once per unit of a dataset-year, after NOTEBOOKS: reports/<dataset>/<year>/units/<unit>.html
UNIT_NOTEBOOK = ("06_unit_profile", "report_unit_profile")


# run once per dataset, after all its years: reports/<dataset>/<file>
DATASET_NOTEBOOKS = (("07_trends", "report_trends", "trends.html"),)


RESULTS_WORKBOOK = "results.xlsx"  # reports/<dataset>/<year>/results.xlsx (parlib.export)


LANGS = ("vi", "en")


# Parameters every notebook takes; set by the runner from its own options, never with -p.
BASE_PARAMETERS = ("dataset", "year", "lang", "raw_root", "processed_root", "reports_root")


# Parameters the runner sets itself for the unit and dataset notebooks; never with -p.
RUNNER_PARAMETERS = ("unit_id", "history_root", "validated")


DATA_ERRORS = ("ValidationFailed", "DataError")


@cache
def notebook_parameters(notebook: Path) -> dict[str, dict]:
    """The parameters a notebook declares in its ``parameters`` cell: name → type and default."""

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


# what the landing page links, from the definition above
REPORT_PAGES = ReportPages(year=tuple((f"{stem}.html", key) for stem, key in NOTEBOOKS),
                           dataset=tuple((page, key) for _stem, key, page in DATASET_NOTEBOOKS),
                           workbook=RESULTS_WORKBOOK)
