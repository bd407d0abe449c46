"""The one place that knows where things live.

The project root is found from ``PARLIB_ROOT`` if set, else by walking up from the current directory
to the folder holding ``pyproject.toml`` and ``data/raw`` (so notebooks opened in ``notebooks/`` work),
else the folder holding the ``parlib`` package.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    env = os.environ.get("PARLIB_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file() and (candidate / "data" / "raw").is_dir():
            return candidate
    return Path(__file__).resolve().parents[2]


def raw_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "data" / "raw"


def processed_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "data" / "processed"


def reports_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "reports"


def expectations_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "expectations"


def notebooks_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "notebooks"


def year_dir(base: Path, dataset: str, year: int) -> Path:
    """Where one dataset-year's outputs live under ``base`` (processed or reports)."""
    return Path(base) / dataset / str(year)


OUTSIDE = "<outside the project>"


def display(path: Path | str) -> str:
    """A path as people should read it: relative to the project root when inside it, else
    ``<outside the project>/<folder>/<file>`` (its last two parts: a local absolute path is never
    shown or published)."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(project_root()).as_posix()
    except ValueError:
        return "/".join((OUTSIDE, *resolved.parts[1:][-2:]))
