"""Config: what a dataset declares, typed and checked when loaded — ``dataset`` (``dataset.toml``),
``framework`` (the criteria tree as data), ``alternatives`` (methodology alternatives and Monte Carlo
settings), ``provenance`` (input hashes, methodology, versions, time of a dataset-year).
"""
