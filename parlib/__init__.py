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

from parlib import _compat

__version__ = "0.2.0"

_compat.install()
