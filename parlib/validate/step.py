"""The validate step: every input suite on one dataset-year (``validate_inputs``) and the result
suites on its computed results (``validate_results``).

In: ``YearInputs`` / ``Results``. Out: a ``ValidationReport``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parlib.core.errors import Problem
from parlib.ingest.inputs import YearInputs
from parlib.validate.engine import run_suites
from parlib.validate.frames import (
    Frame,
    bands_frame,
    coverage_frames,
    framework_frames,
    published_frame,
    scores_frame,
    units_frame,
)
from parlib.validate.problems import ValidationReport


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
