"""Publish: everything a reviewer reads — HTML building blocks (``markup``), table layouts
(``layouts``), display tables (``views``), sentences (``sentences``, ``fairness_text``), figures
(``plots``), the landing page (``landing``), the Excel export and scoring template (``export``,
``template``) and the notebook ``session``.
"""
