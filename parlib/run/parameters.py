"""Parameters: what a run is asked to do — the dataset-years (``plan``) and the ``-p NAME=VALUE``
pairs, checked against ``parlib.run.schema`` (every notebook parameter's type, range or allowed
values) before anything runs — and ``parameter_table``, the README's table of the schema.
"""

from __future__ import annotations

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
from parlib.run.schema import NotebookParameters

SET_WITH = {"dataset": "--dataset", "year": "--year"}  # lang: the runner runs both


def set_with(name: str) -> str:
    """How a parameter is set on the command line (Markdown): its own option, ``-p`` or the
    runner."""
    if name in SET_WITH:
        return f"`{SET_WITH[name]}`"
    if name in BASE_PARAMETERS or name in RUNNER_PARAMETERS:
        return "the runner"
    return f"`-p {name}=…`"


def parse_extra_parameters(pairs: list[str], root: Path | None = None) -> dict[str, object]:
    """``['group_tolerance_points=3']`` → ``{'group_tolerance_points': 3.0}``, checked against the
    schema before anything runs: a name no notebook takes, one the runner sets, a value of the
    wrong type, outside its range or not allowed, NaN or an infinity is a usage error naming the
    parameter, the value and what it allows."""
    if not pairs:  # nothing to check: no need to inspect every notebook
        return {}
    taken: set[str] = set()
    for nb in notebook_paths(root, every=True):
        taken.update(notebook_parameters(nb))
    settable = [
        name
        for name in NotebookParameters.model_fields
        if name in taken and name not in BASE_PARAMETERS and name not in RUNNER_PARAMETERS
    ]
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
        if name not in settable:
            raise UsageError(
                f"unknown parameter {name!r}; the notebooks take: {', '.join(settable)}"
            )
        if name in out:
            raise UsageError(f"parameter {name!r} is given twice")
        out[name] = NotebookParameters.from_text(name, text)
    NotebookParameters(**out)  # every value in its range, or a UsageError naming each refused
    return out


def parameter_table() -> str:
    """The README's table of every notebook parameter, from the schema (Markdown)."""
    rows = [
        "| parameter | set with | type and range | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for name, field in NotebookParameters.model_fields.items():
        default = "None" if field.default is None else repr(field.default).replace("'", '"')
        allowed = NotebookParameters.allowed(name)
        rows.append(
            f"| `{name}` | {set_with(name)} | {allowed} | `{default}` | {field.description} |"
        )
    return "\n".join(rows) + "\n"


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
