"""Run: the pipeline definition (notebooks, their order and parameters, as data), the runner that
executes them per dataset-year with staging, fingerprints and a lock, the preflight, and the CLI.
"""
