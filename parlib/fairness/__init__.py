"""Fairness: how much the maximum a unit is scored on shapes its index and rank — max-points bias
(``bias``), comparable-maximum groups and a like-for-like index, methodology alternatives and Monte
Carlo rank intervals (``robustness``), points deducted at appraisal (``deductions``) and survey quality
(``survey``). ``step`` is the entry point: ``analyse(results, cfg, year, parameters, lang)`` runs them
all and returns a ``FairnessResult``, which saves its tables and is read back with ``load``.
"""

from parlib.fairness.step import FairnessParameters, FairnessResult, analyse

__all__ = ["FairnessParameters", "FairnessResult", "analyse"]
