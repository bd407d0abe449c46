"""Fingerprints: one hash of everything a dataset-year's outputs depend on (its inputs, the earlier
years' inputs and lineage, parameters, code), so a rerun with nothing changed does nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from parlib.config import provenance
from parlib.config.dataset import DatasetConfig
from parlib.core import paths
from parlib.history.lineage import lineage_path
from parlib.publish.pages import localized
from parlib.run.pipeline import LANGS, NOTEBOOKS


def code_files(root: Path) -> list[Path]:
    """The code a result depends on: the library, its labels and page templates, the notebooks
    and the suites."""
    package = Path(__file__).resolve().parents[1]
    files = sorted(package.rglob("*.py")) + sorted(package.rglob("*.csv"))
    files += sorted(package.rglob("*.j2")) + sorted(
        (package / "publish" / "templates").rglob("*.json")
    )
    files += sorted(paths.notebooks_dir(root).glob("*.ipynb"))
    files += sorted(paths.expectations_dir(root).glob("*.json"))
    return files


def context_files(cfg: DatasetConfig, year: int, root: Path) -> list[Path]:
    """Files beyond the year's inputs that its reports depend on: the dataset's lineage and the
    inputs of the EARLIER years, whose results the reports show (movers since last year, each
    unit's trend up to this year). Inputs, not published outputs: outputs appear and disappear as
    years are built, and a fingerprint that followed them would never settle."""

    files = [p for p in [lineage_path(cfg)] if p is not None]
    for other in cfg.years:
        if other < year:
            files += [p for p in cfg.input_files(other) if p not in files]
    return files


def fingerprint(cfg: DatasetConfig, year: int, extra: dict, root: Path) -> str:
    """One hash of everything a dataset-year's outputs depend on: inputs, parameters and code.
    Not the language: every run builds both languages."""
    digest = hashlib.sha256()
    for path in cfg.input_files(year) + context_files(cfg, year, root):
        digest.update(_entry(path))
    digest.update(_code_digest(root).encode())
    digest.update(json.dumps(extra, sort_keys=True, default=str).encode())
    return digest.hexdigest()


# What this run has hashed already (``fresh`` empties it; ``parlib.run.runner.run`` does at its
# start): a dataset-year's fingerprint hashes the earlier years' inputs and the whole library
# again, 19 dataset-years hashed the same files some 300 times. An input is known by its path,
# size, modification time and inode: one that changes during the run is hashed again.
_RUN: dict = {}


def fresh() -> None:
    """Forget what was hashed: the next fingerprint reads every file again."""
    _RUN.clear()


def _entry(path: Path) -> bytes:
    """A file's part of a fingerprint: its path as people read it and its content's hash."""
    st = os.stat(path)
    key = (os.fspath(path), st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in _RUN:
        _RUN[key] = paths.display(path).encode() + b"\0" + provenance.sha256(path).encode()
    return _RUN[key]


def _code_digest(root: Path) -> str:
    """One hash of the code (``code_files``), once per run: the code does not change while it
    runs."""
    key = ("code", os.fspath(root))
    if key not in _RUN:
        digest = hashlib.sha256()
        for path in code_files(root):
            digest.update(_entry(path))
        _RUN[key] = digest.hexdigest()
    return _RUN[key]


def published_fingerprint(root: Path, dataset: str, year: int) -> str | None:
    """The fingerprint of the published outputs, if they are complete (every page in both
    languages)."""
    manifests = []
    for base in (paths.processed_dir(root), paths.reports_dir(root)):
        path = paths.year_dir(base, dataset, year) / "run.json"
        try:
            manifests.append(json.loads(path.read_text(encoding="utf-8")).get("fingerprint"))
        except (OSError, json.JSONDecodeError):
            return None
    folder = paths.year_dir(paths.reports_dir(root), dataset, year)
    complete = all(
        (folder / localized(f"{stem}.html", lang)).is_file()
        for stem, _ in NOTEBOOKS
        for lang in LANGS
    )
    return manifests[0] if complete and manifests[0] == manifests[1] else None
