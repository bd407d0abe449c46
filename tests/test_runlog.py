"""The run log: ``parlib``'s records, warnings and other libraries' warnings reach the console and the
dataset-year's ``run.log`` in one format; the file takes every thread's records, and only while the
year runs."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import warnings

import pytest

from parlib.run import runlog

RECORD = re.compile(r"^\d\d:\d\d:\d\d (.*)$", re.M)  # a record's first line: the time, its message


@contextlib.contextmanager
def warnings_logged():
    """``logging.captureWarnings`` inside a test (pytest records warnings its own way around each
    test; the command line turns the capture on for good, in its own process)."""
    logging.captureWarnings(False)  # whatever an earlier test's command line left
    logging.captureWarnings(True)
    try:
        yield
    finally:
        logging.captureWarnings(False)


def messages(text: str) -> list[str]:
    assert RECORD.match(text), text
    return RECORD.findall(text)


@pytest.fixture
def chatty():
    """A library that logs its news at INFO (Great Expectations sets such a level on its logger)."""
    library = logging.getLogger("great_expectations.core")
    level = library.level
    library.setLevel(logging.INFO)
    yield library
    library.setLevel(level)


def test_run_log_file_takes_every_thread_and_warnings_until_the_year_ends(tmp_path, chatty):
    log = logging.getLogger("parlib.run.runner")
    path = tmp_path / "run.log"
    with warnings_logged(), runlog.to_file(path) as end_log:
        log.info("tiny 2024: running")
        worker = threading.Thread(target=log.info, args=("  tiny 2024 06_unit_profile success",))
        worker.start()
        worker.join()
        chatty.info("chatter")  # another library's news
        chatty.warning("their warning")
        warnings.warn("a warning of ours", UserWarning, stacklevel=1)
        log.info("tiny 2024: success in 1.0s")
        end_log()
        log.info("after the file was ended")
    log.info("after the block")
    written = messages(path.read_text(encoding="utf-8"))
    assert written[:2] == ["tiny 2024: running", "  tiny 2024 06_unit_profile success"]
    assert written[2] == "their warning"
    assert "UserWarning: a warning of ours" in written[3]
    assert written[-1] == "tiny 2024: success in 1.0s"
    assert not any("chatter" in m or "after" in m for m in written)
    assert not [
        h for h in logging.getLogger().handlers if getattr(h, "baseFilename", None) == str(path)
    ]


def test_console_writes_to_the_current_stderr_once(capsys, chatty):
    runlog.console()
    runlog.console()  # the command line may be called many times in one process
    assert runlog.has_console()
    logging.getLogger("parlib.run.runner").info("vn-provinces 2012: running")
    chatty.info("chatter")
    err = capsys.readouterr().err
    assert messages(err) == ["vn-provinces 2012: running"]
