"""Provenance: where an output came from (input hashes, methodology, parameters, versions, time).

Every report shows it as a footer and every run stores it beside its outputs, so a reviewer can tell
exactly which files and which method produced a figure.

``collect`` makes the record of one dataset-year (it hashes every input and asks git for the
commit). ``parlib run`` collects it once per dataset-year and writes it (``save``) to
``provenance.json`` in the year's staging folder before any notebook runs; the notebooks' footers
read it back (``read``) instead of collecting it again. A published year keeps the record in its
``run.json`` (``published`` reads it from there).
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import parlib
from parlib.config.dataset import DatasetConfig
from parlib.core import paths
from parlib.core.storage import write_json

FILE = "provenance.json"  # the runner's record of a dataset-year, in its staging folder


RECORD_KEYS = (
    "dataset",
    "synthetic",
    "year",
    "framework",
    "methodology",
    "inputs",
    "parameters",
    "versions",
    "git_commit",
    "generated_at",
)


PACKAGES = (
    "pandas",
    "great-expectations",
    "papermill",
    "matplotlib",
    "numpy",
    "scipy",
    "openpyxl",
    "python-docx",  # writes the official annex (parlib.publish.annex)
)


def sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "parlib": parlib.__version__}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit(root: Path | None = None) -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root or paths.project_root(),
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return out.stdout.strip() if out.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def collect(cfg: DatasetConfig, year: int, parameters: dict) -> dict:
    """The provenance record of one dataset-year run."""
    yc = cfg.year(year)
    return {
        "dataset": cfg.name,
        "synthetic": cfg.synthetic,
        "year": year,
        "framework": yc.framework.id if yc.framework else ", ".join(yc.frameworks),
        "methodology": yc.methodology,
        "inputs": [
            {"path": paths.display(p), "sha256": sha256(p), "bytes": Path(p).stat().st_size}
            for p in cfg.input_files(year)
        ],
        "parameters": parameters,
        "versions": package_versions(),
        "git_commit": git_commit(),
        "generated_at": now_utc(),
    }


def save(record: dict, folder: Path) -> Path:
    """Write ``record`` to ``folder/provenance.json`` (atomically)."""
    return write_json(Path(folder) / FILE, record)


def read(folder: Path) -> dict | None:
    """The record ``save`` wrote in ``folder``, or None when there is none (a notebook run by hand)."""
    path = Path(folder) / FILE
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def published_years(cfg: DatasetConfig, processed_root: Path) -> list[int]:
    """The dataset's declared years that have a published run under ``processed_root`` (its
    ``run.json``), in order."""
    return [
        y for y in cfg.years if (paths.year_dir(processed_root, cfg.name, y) / "run.json").is_file()
    ]


def published(folder: Path) -> dict | None:
    """The provenance record of a published dataset-year (the ``RECORD_KEYS`` of its ``run.json``
    in ``folder``), or None when the year has no published run."""
    path = Path(folder) / "run.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return {key: manifest[key] for key in RECORD_KEYS if key in manifest}
