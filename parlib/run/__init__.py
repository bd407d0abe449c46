"""Run: the pipeline definition (notebooks, their order and parameters, as data), the runner that
executes them per dataset-year with staging, fingerprints and a lock, the preflight, and the CLI.

``parlib.validate.startup`` is imported first: papermill imports nbformat, nbformat ``jsonschema``,
and ``jsonschema`` the IRI grammar that compiles about 30 parsers (2–3 s of every ``parlib``
command, a rerun with nothing to do included) unless the stand-in is in place before.
"""

from parlib.validate import startup  # noqa: F401  (first: before papermill, nbformat, jsonschema)
