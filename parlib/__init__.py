"""parlib: the PAR Index Workbook library, one package per stage of the data flow.

``config`` (what a dataset declares) → ``ingest`` (raw files → tidy tables) → ``validate`` (Great
Expectations suites from ``expectations/``) → ``score`` (indexes, ranks, bands) → ``fairness``
(max-points bias, groups, robustness, deductions, survey) → ``history`` (years, lineage, profiles) →
``publish`` (HTML, figures, Excel); ``run`` (the pipeline definition, runner, preflight, CLI) sits on
top and ``core`` (errors, paths, labels, atomic writes) below. A stage imports only the stages below
it (``tests/test_layers.py``); ``docs/architecture.md`` describes the layout.

The module names of the flat layout before 0.2 (``parlib.report``, ``parlib.runner``, …) still import,
with a ``DeprecationWarning``, until the next release (``parlib._compat``).
"""

import os

# openpyxl reads and writes XML with lxml whenever lxml is installed (python-docx brings it), and
# with the standard library plus defusedxml otherwise. The two differ in what a hostile or odd
# workbook becomes (a bare CR in a cell, a formula's saved value, the bytes of a written file), and
# only the second is what the input boundary was built and tested on: it is kept, whatever else
# is installed, unless someone sets OPENPYXL_LXML themselves. Set before anything imports openpyxl.
os.environ.setdefault("OPENPYXL_LXML", "False")

from parlib import _compat  # noqa: E402

__version__ = "0.2.0"

_compat.install()
