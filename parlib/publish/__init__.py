"""Publish: everything a reviewer reads — HTML building blocks (``markup``), table layouts
(``layouts``), display tables (``views``), sentences (``sentences``, ``fairness_text``,
``deductions_text``), figures (``plots``, ``history_plots``), the landing page (``landing``), the
Excel export and scoring template (``export``, ``template``), the official annex of a results
decision (``annex``: Word and Excel) and the notebook ``session``.
"""
