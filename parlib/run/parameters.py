"""Parameters: what a run is asked to do — the dataset-years (``plan``) and the ``-p NAME=VALUE``
pairs, checked against the datasets and the notebooks' parameters cells.
"""

from __future__ import annotations

import ast
from pathlib import Path

from parlib.config.dataset import list_datasets, load_dataset
from parlib.core import paths
from parlib.core.errors import DataError, UsageError
from parlib.run.pipeline import (
    BASE_PARAMETERS,
    RUNNER_PARAMETERS,
    notebook_parameters,
    notebook_paths,
)


def parse_extra_parameters(pairs: list[str], root: Path | None = None) -> dict[str, object]:
    """``['group_tolerance_points=3']`` → ``{'group_tolerance_points': 3.0}``, checked against the
    notebooks' parameters cells: unknown names and values of the wrong type are usage errors."""
    if not pairs:  # nothing to check: no need to inspect every notebook
        return {}
    declared: dict[str, dict] = {}
    for nb in notebook_paths(root, every=True):
        declared.update(notebook_parameters(nb))
    out: dict[str, object] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"parameter {pair!r}: write it as NAME=VALUE")
        if name in BASE_PARAMETERS:
            raise UsageError(
                f"parameter {name!r} is set with its own option (--dataset, --year, "
                f"--lang), not with -p"
            )
        if name in RUNNER_PARAMETERS:
            raise UsageError(
                f"parameter {name!r} is set by the runner (one profile per unit, "
                f"history from the published years), not with -p"
            )
        if name not in declared:
            known = sorted(set(declared) - set(BASE_PARAMETERS) - set(RUNNER_PARAMETERS))
            raise UsageError(f"unknown parameter {name!r}; the notebooks take: {', '.join(known)}")
        out[name] = _coerce(name, text, declared[name])
    return out


def _coerce(name: str, text: str, info: dict) -> object:
    kind = info["type"]
    default = info["default"]
    try:
        default_value = ast.literal_eval(default)
    except (ValueError, SyntaxError):
        default_value = None
    target = type(default_value) if default_value is not None else str
    if kind in ("int", "float", "bool") or target in (int, float, bool):
        target = {"int": int, "float": float, "bool": bool}.get(kind, target)
    try:
        if target is bool:
            if text.lower() not in ("true", "false", "1", "0"):
                raise ValueError(text)
            return text.lower() in ("true", "1")
        if target is int:
            return int(text)
        if target is float:
            return float(text.replace(",", "."))
        return text
    except ValueError:
        raise UsageError(f"parameter {name!r}: {text!r} is not a valid {target.__name__}") from None


def plan(
    datasets: list[str] | None,
    years: list[int] | None,
    root: Path | None = None,
    broken: list | None = None,
) -> list[tuple[str, int]]:
    """Which dataset-years to run: all shipped by default; unknown names/years are usage errors.

    A dataset whose ``dataset.toml`` is invalid is reported in ``broken`` (when given) and skipped,
    so one bad dataset does not stop the others.
    """
    raw = paths.raw_dir(root)
    names = datasets or list_datasets(raw)
    if not names:
        raise UsageError(f"no datasets under {raw}")
    pairs = []
    for name in names:
        try:
            cfg = load_dataset(name, raw)
        except DataError as exc:
            if broken is None:
                raise
            broken.append((name, exc))
            continue
        chosen = years or list(cfg.years)
        if years:
            for y in years:
                if y not in cfg.years and len(names) == 1:
                    cfg.year(y)  # raises UsageError naming the dataset's years
        pairs += [(name, y) for y in chosen if y in cfg.years]
    if not pairs and not broken:
        raise UsageError(f"no dataset has the year(s) {years}")
    return pairs
