"""The published HTML opens in a real browser (Debian's headless Chromium): it loads without
console errors, shows Vietnamese diacritics, and a screenshot is saved."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]


def chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (`.ci/run` installs Debian's chromium package)")
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)


def console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line and re.search(r"error|uncaught", line, re.I)]


@pytest.mark.parametrize("page, must_show", [
    ("index.html", "Chỉ số CCHC: các báo cáo"),
    ("vn-provinces/2012/05_report.html", "79,96"),
    ("vn-provinces/2012/03_index.html", "Đối chiếu với số liệu công bố"),
    ("synthetic-province/2024/04_fairness.html", "Fairness of the ranking"),
])
def test_report_renders_in_chromium(first_run, tmp_path, page, must_show):
    project, code, _ = first_run
    assert code == 0
    target = project / "reports" / page
    dom = chromium(target, tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert must_show in dom.stdout
    assert not console_errors(dom.stderr), console_errors(dom.stderr)
    shot = tmp_path / "page.png"
    result = chromium(target, tmp_path / "profile2", "--window-size=1280,1600", f"--screenshot={shot}")
    assert result.returncode == 0 and shot.stat().st_size > 10_000
