"""Config: what a dataset declares, typed and checked when loaded — ``dataset`` (``dataset.toml``,
checked against ``schema``, its files confined to the dataset folder by ``confine``, the file read
as bytes by ``tomlfile``), ``framework`` (the criteria tree as data), ``alternatives``
(methodology alternatives and Monte Carlo settings), ``provenance`` (input hashes, methodology,
versions, time of a dataset-year).
"""
