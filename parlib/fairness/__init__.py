"""Fairness: how much the maximum a unit is scored on shapes its index and rank — max-points bias
(``bias``), comparable-maximum groups and a like-for-like index, methodology alternatives and Monte
Carlo rank intervals (``robustness``), points deducted at appraisal (``deductions``) and survey quality
(``survey``).
"""
