"""The declared schema of every parameter any notebook takes: type, range or allowed values,
default and meaning (``NotebookParameters``; strict, NaN and infinities refused, see
``parlib.core.declared``). ``parlib run -p`` is checked against it before anything runs
(``parlib.run.parameters``); each notebook's first code cell calls ``check_parameters``, so a hand
run (JupyterLab, papermill) refuses a bad value at once with the same message.
``tests/test_parameters.py`` checks that the notebooks' parameters cells, this schema and the
README's table agree. Light to import (no papermill): every notebook imports it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from parlib.core.declared import Declared
from parlib.core.labels import LANGS
from parlib.fairness.parameters import FairnessParameters

MIN_YEAR, MAX_YEAR = 2000, 2100  # the years a dataset-year can have (the PAR Index began in 2012)


class RunParameters(Declared):
    """The parameters the runner sets itself, from its options or its plan (never with ``-p``)."""

    dataset: str = Field(
        "synthetic-province", min_length=1, description="the dataset: its folder in data/raw"
    )
    year: int = Field(2024, ge=MIN_YEAR, le=MAX_YEAR, description="the year of the dataset")
    lang: Literal[LANGS] = Field(
        "vi", description="report language and number format; the runner builds both"
    )
    raw_root: str = Field("", description="where inputs are read; empty: data/raw of this project")
    processed_root: str = Field(
        "", description="where tables are written; empty: data/processed of this project"
    )
    reports_root: str = Field(
        "", description="where reports are written; empty: reports of this project"
    )
    history_root: str = Field(
        "", description="where other years are read; empty: data/processed of this project"
    )
    unit_id: str = Field("", description="the unit a profile shows; empty: the first in rank order")
    validated: bool = Field(
        False, description="True: the runner's preflight already read and checked the inputs"
    )
    save_tables: bool = Field(
        True,
        description="False: a second language's run, beside the one that saves the tables",
    )


class NotebookParameters(FairnessParameters, RunParameters):
    """Every parameter any notebook takes: the runner's (``RunParameters``) and the fairness
    analyses' (``FairnessParameters``). A notebook takes some of them; the others keep their
    defaults."""


def check_parameters(**values: object) -> None:
    """A notebook's parameters, checked against the schema (its first code cell calls this): a
    bad value is a ``UsageError`` with the message ``parlib run -p`` gives."""
    NotebookParameters(**values)
