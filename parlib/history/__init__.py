"""History: a dataset across its years — trends, unit lineage (merges, renames), published national
results, series breaks and each block's trend (``breaks``), and each unit's profile (``trends``,
``lineage``, ``breaks``, ``profile``). Reads the published years' outputs.
``step`` is the entry point: ``gather(cfg, history_root, year, current)`` returns a ``History``
(the stacked years, lineage, national results, previous year) with the views the reports show.
"""

from parlib.history.step import History, gather

__all__ = ["History", "gather"]
