"""Every published HTML report opens in a real browser (Debian's headless Chromium): it loads without
console errors, shows Vietnamese diacritics where expected, and a screenshot is saved.

Each page is opened by ONE Chromium call that both dumps the DOM and takes the screenshot; two
calls run side by side. The Great Expectations Data Docs pages (``data_docs/``) are left out on
purpose: they load their style sheets and scripts from a CDN, which cannot be fetched here (no
network in CI), so they would always log console errors that say nothing about our reports.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]

# pages whose text must show a given string (Vietnamese diacritics, decimal comma, English run)
MUST_SHOW = {
    "index.html": "Chỉ số CCHC: các báo cáo",
    "vn-provinces/2012/05_report.html": "79,96",
    "vn-provinces/2012/03_index.html": "Đối chiếu với số liệu công bố",
    "vn-provinces/2012/units/long-an.html": "Hồ sơ đơn vị",
    "vn-provinces/trends.html": "Kế thừa đơn vị (sáp nhập)",
    "synthetic-province/2024/04_fairness.html": "Fairness of the ranking",
    "synthetic-province/2024/units/so-noi-vu.html": "Unit profile",
}


def chromium(page: Path, profile: Path, shot: Path) -> subprocess.CompletedProcess:
    """One call: the DOM on stdout, the console on stderr, a 1280×1600 screenshot in ``shot``."""
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--window-size=1280,1600",
                           f"--screenshot={shot}", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)


def console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line and re.search(r"error|uncaught", line, re.I)]


def report_pages(reports: Path) -> list[Path]:
    """Every HTML report under ``reports/`` except Data Docs and staging leftovers."""
    return sorted(p for p in reports.rglob("*.html")
                  if "data_docs" not in p.relative_to(reports).parts
                  and not any(part.startswith(".") for part in p.relative_to(reports).parts))


def test_every_report_renders_in_chromium(first_run, tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (`.ci/run` installs Debian's chromium package)")
    project, code, code_en = first_run
    assert (code, code_en) == (0, 0)
    reports = project / "reports"
    pages = report_pages(reports)
    names = {p.relative_to(reports).as_posix() for p in pages}
    assert set(MUST_SHOW) <= names  # every kind of report was published
    assert any(n.startswith("synthetic-province/2024/units/") for n in names)
    shots = tmp_path / "screenshots"
    shots.mkdir()

    def check(page: Path) -> list[str]:
        rel = page.relative_to(reports).as_posix()
        shot = shots / (rel.replace("/", "__") + ".png")
        result = chromium(page, tmp_path / "profiles" / shot.stem, shot)
        problems = []
        if result.returncode != 0:
            problems.append(f"{rel}: chromium exit {result.returncode}: {result.stderr[-500:]}")
        if console_errors(result.stderr):
            problems.append(f"{rel}: console errors {console_errors(result.stderr)}")
        if rel in MUST_SHOW and MUST_SHOW[rel] not in result.stdout:
            problems.append(f"{rel}: does not show {MUST_SHOW[rel]!r}")
        if not shot.is_file() or shot.stat().st_size < 10_000:
            problems.append(f"{rel}: no screenshot")
        return problems

    with ThreadPoolExecutor(max_workers=2) as pool:
        problems = [p for found in pool.map(check, pages) for p in found]
    assert not problems, "\n".join(problems)
