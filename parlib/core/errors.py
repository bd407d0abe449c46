"""Exceptions, and the ``Problem`` record every data error is reported as.

A data problem always names the file, the row or unit, the criterion, the value found and what was
expected, so an analyst can fix the source file without reading code.

Exit codes of ``parlib`` map onto the hierarchy: ``DataError`` → 1, ``UsageError`` → 2, any other
``ParlibError`` → 3 (e.g. ``parlib.run.locking.RunLocked``). A notebook that fails for a reason
other than the data is not an exception here: the runner records it as the outcome ``error`` (3).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in the inputs or results."""

    severity: str  # "critical" | "warning" | "info"
    check: str  # short id of the check, e.g. "score_above_max"
    file: str = ""
    row: int | None = None  # 1-based line in the file (header = line 1), or None
    unit_id: str = ""
    criterion: str = ""
    value: str = ""
    expected: str = ""
    message: str = ""
    message_vi: str = ""
    expected_vi: str = ""
    sheet: str = ""  # the worksheet read, for XLSX inputs
    key: str = ""  # the configuration key, for dataset.toml problems (e.g. "years.2012.decimals")

    def expectation(self, lang: str = "en") -> str:
        return (self.expected_vi or self.expected) if lang == "vi" else self.expected

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = self.file or "?"
        if self.sheet:
            where += f", sheet {self.sheet!r}"
        if self.key:
            where += f", key {self.key}"
        if self.row is not None:
            where += f", row {self.row}"
        parts = [f"[{self.severity}] {where}"]
        if self.unit_id:
            parts.append(f"unit {self.unit_id}")
        if self.criterion:
            parts.append(f"criterion {self.criterion}")
        if self.value != "":
            parts.append(f"value {self.value!r}")
        if self.expected:
            parts.append(f"expected {self.expected}")
        text = "; ".join(parts)
        return f"{text}: {self.message}" if self.message else text


class ParlibError(Exception):
    """Base of every error parlib raises on purpose."""

    exit_code = 3


class UsageError(ParlibError):
    """The command or its parameters are wrong (unknown dataset, year, parameter...)."""

    exit_code = 2


class DataError(ParlibError):
    """The inputs are wrong. Carries the list of problems found."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None):
        self.problems = list(problems or [])
        detail = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{message}\n{detail}{more}" if detail else message)


class ValidationFailed(DataError):
    """Critical validation checks failed; nothing downstream may run or be published."""
