"""Run log: where the ``parlib`` loggers' records go — the console, and each dataset-year's ``run.log``.

Modules log through ``logging.getLogger(__name__)`` (children of the ``parlib`` logger). The handlers
sit on the root logger, so Python warnings (``logging.captureWarnings``: logger ``py.warnings``) and
other libraries' warnings reach them too: of ``parlib`` they write everything from INFO up, of the
others only warnings and errors (``_ours_or_warnings``; Great Expectations, say, logs its chatter
at INFO). Each line reads ``HH:MM:SS message``.

- ``console()`` (the command line; idempotent): records to stderr, and warnings routed to logging
  instead of printed, so they reach the console and the run's log, never a reviewer's page.
- ``to_file(path)``: for the time a dataset-year runs, every record of the process (the runner,
  the notebook threads, warnings) is also written to that year's ``run.log`` (a record that
  cannot be written there, the disk being full, is dropped without a traceback).
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

FORMAT = "%(asctime)s %(message)s"
DATE_FORMAT = "%H:%M:%S"
_PARLIB = logging.getLogger("parlib")


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes (a redirected or captured stream)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


class _File(logging.FileHandler):
    """A year's ``run.log``. A record it cannot write (a full disk) is dropped, not reported with
    a traceback on the console: the console has the record, and the run itself meets the full
    disk at its next write and ends with one line (``EnvironmentFault``)."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass


def _ours_or_warnings(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING or record.name.split(".")[0] == "parlib"


def _handler(handler: logging.Handler) -> logging.Handler:
    handler.setFormatter(logging.Formatter(FORMAT, DATE_FORMAT))
    handler.addFilter(_ours_or_warnings)
    return handler


def _enable() -> None:
    """``parlib``'s INFO records are written (unless a caller chose another level)."""
    if _PARLIB.level == logging.NOTSET:
        _PARLIB.setLevel(logging.INFO)


def console() -> None:
    """Log to stderr and route warnings to logging; calling it again changes nothing."""
    _enable()
    logging.captureWarnings(True)
    root = logging.getLogger()
    if not has_console():
        root.addHandler(_handler(_Stderr()))


def has_console() -> bool:
    """Whether ``console()`` was called in this process (worker processes repeat the set-up)."""
    return any(isinstance(h, _Stderr) for h in logging.getLogger().handlers)


@contextlib.contextmanager
def to_file(path: Path) -> Iterator[Callable[[], None]]:
    """Write every record of this process to ``path`` until the block ends.

    Yields a function that ends the file earlier (to publish a folder holding it); calling it
    again, or leaving the block, does nothing more.
    """
    _enable()
    handler = _handler(_File(path, mode="w", encoding="utf-8"))
    root = logging.getLogger()
    root.addHandler(handler)

    def close() -> None:
        root.removeHandler(handler)
        handler.close()

    try:
        yield close
    finally:
        close()
