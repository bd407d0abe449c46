"""Validate: the Great Expectations suites of ``expectations/`` on a dataset-year.

``startup`` prepares the GX import (imported first); ``frames`` turns each input table into the
frame its suite checks (derived flag columns); ``engine`` judges a suite on a frame through Great
Expectations (row-wise expectations on the distinct rows of ``distinct``) and turns failures into
located ``Problem`` records; ``docs`` puts the same validation results into the Data Docs site,
``site`` copies it into the reports and ``offline`` makes the copy load only files of its own folder
(bundled in ``static_vendor/``); ``context`` holds the GX context; ``problems`` holds the
``ValidationReport`` and its saved form; ``step`` is the entry point (``validate_inputs``,
``validate_results``).
"""

import importlib

from parlib.validate import startup  # noqa: F401  (first: before any module that imports GX)
from parlib.validate.problems import (
    INPUT_SUITES,
    RESULT_SUITES,
    SuiteSummary,
    ValidationReport,
    load,
    save,
)

# Great Expectations takes seconds to import, and most commands never validate (``parlib list``, a
# rerun with nothing to do, a notebook showing saved records): the names below import the modules
# that need it on first use (the lazy-loading pattern of Scientific Python's SPEC 1).
LAZY = {
    "validate_inputs": "step",
    "validate_results": "step",
    "run_suites": "engine",
    "data_docs_index": "site",
    "publish_docs": "site",
    "forget_docs": "docs",
}


def __getattr__(name: str):
    if name in LAZY:
        module = importlib.import_module(f"parlib.validate.{LAZY[name]}")
        return getattr(module, "forget" if name == "forget_docs" else name)
    raise AttributeError(f"module 'parlib.validate' has no attribute {name!r}")


__all__ = [
    "INPUT_SUITES",
    "RESULT_SUITES",
    "SuiteSummary",
    "ValidationReport",
    "data_docs_index",
    "forget_docs",
    "load",
    "publish_docs",
    "run_suites",
    "save",
    "validate_inputs",
    "validate_results",
]
