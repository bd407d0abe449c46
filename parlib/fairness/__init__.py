"""Fairness: how much the maximum a unit is scored on shapes its index and rank — max-points bias
(``bias``), comparable-maximum groups and a like-for-like index, methodology alternatives and Monte
Carlo rank intervals (``robustness``), points deducted at appraisal (``deductions``) and survey quality
(``survey``), each within a block (``blocks``). ``step`` is the entry point: ``analyse(results, cfg, year, parameters, lang)`` runs them
all and returns a ``FairnessResult``, which saves its tables and is read back with ``load``.
"""

import importlib

# scipy.stats takes about a second to import; a command that analyses nothing (``parlib list``, a
# rerun with nothing to do, the preflight reading survey answers) does not pay it: these names
# import ``step`` on first use (as ``parlib.validate`` does with Great Expectations).
LAZY = ("FairnessParameters", "FairnessResult", "analyse")


def __getattr__(name: str):
    if name in LAZY:
        return getattr(importlib.import_module("parlib.fairness.step"), name)
    raise AttributeError(f"module 'parlib.fairness' has no attribute {name!r}")


__all__ = ["FairnessParameters", "FairnessResult", "analyse"]
