"""Exceptions, and the ``Problem`` record every data error is reported as.

A data problem always names the file, the row or unit, the criterion, the value found and what was
expected, so an analyst can fix the source file without reading code.

Exit codes of ``parlib`` map onto the hierarchy: ``DataError`` → 1, ``UsageError`` → 2, any other
``ParlibError`` → 3 (e.g. ``parlib.run.locking.RunLocked``, ``EnvironmentFault``: a full disk, a
read-only or unwritable folder). A notebook that fails for a reason other than the data is not an
exception here: the runner records it as the outcome ``error`` (3).
"""

from __future__ import annotations

import contextlib
import errno
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from parlib.core import paths


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


# what the machine did wrong, and what the person running parlib can do about it
ENVIRONMENT_ERRNOS = {
    errno.ENOSPC: ("the disk is full", "free space on that disk"),
    errno.EDQUOT: ("the disk quota is exceeded", "free space or raise the quota"),
    errno.EROFS: (
        "the file system is read-only",
        "make it writable or copy the project to a writable disk",
    ),
    errno.EACCES: ("permission denied", "give the user running parlib write access to it"),
    errno.EPERM: ("operation not permitted", "give the user running parlib write access to it"),
    errno.EIO: ("an input/output error of the disk", "check the disk"),
}
# how an OSError reads once a notebook's kernel has turned it into text: "[Errno 28] ...: 'path'"
_OS_ERROR_NAMES = {"OSError", "IOError", "PermissionError", "EnvironmentError"}
_ERRNO_TEXT = re.compile(r"\[Errno (?P<errno>\d+)\][^:]*(?::\s*'(?P<path>[^']*)')?")


class EnvironmentFault(ParlibError):
    """The machine stopped the run, not the data or the code: a full disk, a read-only folder, an
    unwritable lock file (exit code 3). Never retried; the message is one line: what happened,
    where (relative to the project) and what to do."""

    exit_code = 3

    @classmethod
    def of(cls, exc: BaseException, doing: str = "at") -> EnvironmentFault | None:
        """The fault an ``OSError`` (or a notebook error whose text is one) stands for, else None."""
        if isinstance(exc, EnvironmentFault):
            return exc
        code, where = getattr(exc, "errno", None), getattr(exc, "filename", None)
        if not isinstance(exc, OSError):
            if getattr(exc, "ename", "") not in _OS_ERROR_NAMES:
                return None
            found = _ERRNO_TEXT.search(str(getattr(exc, "evalue", "")))
            if not found:
                return None
            code, where = int(found["errno"]), found["path"]
        if code not in ENVIRONMENT_ERRNOS:
            return None
        what, todo = ENVIRONMENT_ERRNOS[code]
        place = paths.display(where) if where else "the project's folders"
        return cls(
            f"environment fault: {what} ({doing} {place}); {todo}, then run again. "
            "The last good outputs are kept."
        )

    @classmethod
    @contextlib.contextmanager
    def raised(cls) -> Iterator[None]:
        """Within the block, an ``OSError`` that is an environment fault is raised as one."""
        try:
            yield
        except OSError as exc:
            fault = cls.of(exc)
            if fault is None:
                raise
            raise fault from exc
