"""Problems: the ``ValidationReport`` of a dataset-year (its ``Problem`` records and a summary per
suite), saved as ``validation*.json`` and ``*_problems.csv`` and read back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from parlib.core.errors import Problem, ValidationFailed
from parlib.core.storage import write_csv, write_json

INPUT_SUITES = (
    "framework",
    "framework_totals",
    "units",
    "scores",
    "coverage",
    "registry_coverage",
    "published",
    "bands",
    "parts",
    "blocks",
    "criteria",
)


RESULT_SUITES = ("results", "reconciliation")


@dataclass
class SuiteSummary:
    suite: str
    file: str
    evaluated: int
    failed_critical: int
    failed_warning: int


@dataclass
class ValidationReport:
    problems: list[Problem] = field(default_factory=list)
    suites: list[SuiteSummary] = field(default_factory=list)

    @property
    def critical(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "critical"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def success(self) -> bool:
        return not self.critical

    def extend(self, other: ValidationReport) -> ValidationReport:
        return ValidationReport(self.problems + other.problems, self.suites + other.suites)

    def problems_frame(self) -> pd.DataFrame:
        cols = list(Problem.__dataclass_fields__)
        return pd.DataFrame([p.to_dict() for p in self.problems], columns=cols)

    def to_dict(self) -> dict:
        return {
            "success": self.success,
            "critical": len(self.critical),
            "warnings": len(self.warnings),
            "suites": [s.__dict__ for s in self.suites],
            "problems": [p.to_dict() for p in self.problems],
        }

    def raise_if_failed(self, what: str) -> None:
        if not self.success:
            raise ValidationFailed(
                f"{what}: {len(self.critical)} critical problem(s); nothing was "
                f"published and earlier outputs are kept",
                self.critical,
            )


def load(out_dir: Path, name: str = "validation") -> ValidationReport:
    """A report saved by ``save``."""
    data = json.loads((Path(out_dir) / f"{name}.json").read_text(encoding="utf-8"))
    return ValidationReport(
        [Problem(**p) for p in data["problems"]], [SuiteSummary(**x) for x in data["suites"]]
    )


def save(report: ValidationReport, out_dir: Path, name: str = "validation") -> list[Path]:

    return [
        write_json(Path(out_dir) / f"{name}.json", report.to_dict()),
        write_csv(report.problems_frame(), Path(out_dir) / f"{name}_problems.csv"),
    ]
