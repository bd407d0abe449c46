"""Core: what every stage uses and that depends on no other part of parlib — errors and ``Problem``
records, paths, labels (Vietnamese and English), atomic writes and swaps.
"""
