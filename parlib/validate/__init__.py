"""Validate: the Great Expectations suites of ``expectations/`` on a dataset-year.

``startup`` prepares the GX import (imported first); ``frames`` turns each input table into the
frame its suite checks (derived flag columns); ``engine`` judges a suite on a frame through Great
Expectations (row-wise expectations on the distinct rows of ``distinct``) and turns failures into
located ``Problem`` records; ``docs`` puts the same validation results into the Data Docs site;
``context`` holds the GX context; ``problems`` holds the ``ValidationReport`` and its saved form;
``step`` is the entry point (``validate_inputs``, ``validate_results``).
"""

from parlib.validate import startup  # noqa: F401  (first: before any module that imports GX)
from parlib.validate.docs import data_docs_index, publish_docs
from parlib.validate.engine import run_suites
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
