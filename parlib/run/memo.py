"""Memo: what one run has read, so that it reads it once: the datasets' configurations here, the
files a fingerprint hashes in ``parlib.run.fingerprints``. ``fresh`` forgets both; the runner calls
it at the start of a run and of each worker process, so a run never uses what an earlier one read.
"""

from __future__ import annotations

from pathlib import Path

from parlib.config.dataset import DatasetConfig, load_dataset
from parlib.core import paths
from parlib.run import fingerprints

# checking whether a year is up to date and running it read the same dataset.toml
_CONFIGS: dict[tuple[str, str], DatasetConfig] = {}


def config(dataset: str, root: Path) -> DatasetConfig:
    """The dataset's configuration, read once in this run."""
    key = (dataset, str(root))
    if key not in _CONFIGS:
        _CONFIGS[key] = load_dataset(dataset, paths.raw_dir(root))
    return _CONFIGS[key]


def fresh() -> None:
    """Forget what this process has read and hashed (configurations, fingerprints' files)."""
    _CONFIGS.clear()
    fingerprints.fresh()
