"""History: a dataset across its years — trends, unit lineage (merges, renames), published national
results, and each unit's profile (``trends``, ``profile``). Reads the published years' outputs.
"""
