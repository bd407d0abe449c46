"""parlib: the PAR Index Workbook library.

Stages, one module each: ``dataset`` (what a dataset declares) → ``ingest`` (read raw files into tidy
tables) → ``validate`` (Great Expectations suites from ``expectations/``) → ``score`` (indexes, ranks,
bands, points deducted) → ``fairness`` (max-points bias, comparable groups) → ``report`` (HTML pieces
and the landing page). ``runner`` executes the notebooks with papermill; ``cli`` is the command line.
"""

__version__ = "0.1.0"
