"""Validate: the Great Expectations suites of ``expectations/`` on a dataset-year.

``frames`` turns each input table into the frame its suite checks (derived flag columns);
``engine`` runs a suite through Great Expectations and turns failures into located ``Problem``
records; ``distinct`` is the row-wise speed-up (each distinct value combination judged once);
``problems`` holds the ``ValidationReport`` and its saved form; ``step`` is the entry point
(``validate_inputs``, ``validate_results``).
"""

from parlib.validate.engine import data_docs_index, publish_docs, run_suites
from parlib.validate.problems import (
    INPUT_SUITES,
    RESULT_SUITES,
    SuiteSummary,
    ValidationReport,
    load,
    save,
)
from parlib.validate.step import validate_inputs, validate_results

__all__ = ["INPUT_SUITES", "RESULT_SUITES", "SuiteSummary", "ValidationReport", "data_docs_index",
           "load", "publish_docs", "run_suites", "save", "validate_inputs", "validate_results"]
