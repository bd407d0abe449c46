"""Run log: the log lines of the dataset-year being run (printed to stderr and saved as ``run.log``).
"""

from __future__ import annotations

import sys
import threading
import time

_LOG: list[str] = []  # this process's log lines for the dataset-year being run


_LOG_LOCK = threading.Lock()  # unit profiles log from worker threads


def _log(message: str) -> None:
    line = f"{time.strftime('%H:%M:%S')} {message}"
    with _LOG_LOCK:
        _LOG.append(line)
        print(line, file=sys.stderr, flush=True)
