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

# openpyxl writes its XML with lxml when lxml is installed (python-docx, which writes the official
# annex, brings it), and with the standard library's ElementTree otherwise: the two give different
# bytes (``<v />`` or ``<v/>``; a bare CR in a text kept, or read back as LF). The workbooks stay
# on ElementTree, as they were written before lxml came, so that their bytes do not depend on what
# else is installed (scripts/make_synthetic_2025.py's committed output is checked byte for byte).
# It must be set before openpyxl is first imported; a value already set is left alone.
os.environ.setdefault("OPENPYXL_LXML", "False")

from parlib import _compat  # noqa: E402

__version__ = "0.2.0"

_compat.install()
