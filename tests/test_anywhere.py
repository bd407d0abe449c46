"""Reports that work wherever reviewers read them (issue #14), in a real browser (Debian's headless
Chromium over the DevTools protocol, ``test_browser.Chromium``) on the shared run:

- **a phone**: every page type at 390 px (mobile emulation) has nothing wider than the screen
  (``scrollWidth`` of the page ≤ its width); wide tables and figures scroll inside their own box;
- **paper**: every page type printed to PDF (the page's own ``@page`` size) is A4, within its
  stated page count (``PAGE_TYPES``: a unit profile on two pages, a 31-unit overview on at most
  six), with the page's title on page 1 (no blank first page); page counts and sizes read by
  poppler's ``pdfinfo``/``pdftotext`` (Debian's poppler-utils, installed by ``.ci/run``);
- **offline**: no page, Data Docs included, asks for anything but ``file:`` and ``data:``
  (every request the browser makes is recorded);
- **finding things**: the search box finds "Hà Nội"-style names typed without diacritics, and a
  click on a column header sorts a table;
- **a static server run by another user**: the reports folder served by ``python -m http.server``
  as ``nobody`` (when the tests run as root) answers every page, and the pages work there.
"""

from __future__ import annotations

import base64
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .test_browser import CHROMIUM, Chromium, script_errors

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PDFINFO = shutil.which("pdfinfo")
PDFTOTEXT = shutil.which("pdftotext")

# page type → (its Vietnamese page in the shared run, the most A4 pages it may print to)
PAGE_TYPES = {
    "landing": ("index.html", 3),
    "ingest": ("synthetic-province/2024/01_ingest.html", 2),
    "validation": ("synthetic-province/2024/02_validate.html", 3),
    "index": ("synthetic-province/2024/03_index.html", 4),
    "fairness": ("synthetic-province/2024/04_fairness.html", 16),
    "criterion review": ("synthetic-province/2024/08_criteria.html", 5),
    "overview": ("synthetic-province/2024/05_report.html", 6),
    "profile list": ("synthetic-province/2024/06_unit_profiles.html", 3),
    "unit profile": ("synthetic-province/2024/units/so-noi-vu.html", 2),
    "trends": ("synthetic-province/trends.html", 4),
    "in-year progress": ("synthetic-province/progress.html", 6),
    "real overview": ("vn-provinces/2012/05_report.html", 4),
    "real profile": ("vn-provinces/2012/units/long-an.html", 2),
}
DATA_DOCS = "synthetic-province/2024/data_docs/index.html"
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
DESKTOP = {"width": 1280, "height": 1600, "deviceScaleFactor": 1, "mobile": False}
A4_POINTS = (595.0, 842.0)  # 210 × 297 mm


def english(page: str) -> str:
    return page[: -len(".html")] + ".en.html"


@pytest.fixture(scope="module")
def reports(first_run) -> Path:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (`.ci/run` installs Debian's chromium package)")
    assert first_run.code == 0
    return first_run.project / "reports"


class Tab:
    """One tab of one browser, recording every request its pages make."""

    def __init__(self, browser: Chromium):
        self.browser = browser
        self.id = browser.tab()
        browser.call("Network.enable", self.id)

    def open(self, url: str, metrics: dict) -> list[dict]:
        """Load ``url`` at ``metrics``; returns the page's events (requests, script errors)."""
        self.browser.call("Emulation.setDeviceMetricsOverride", self.id, **metrics)
        self.browser.take_events(self.id)
        self.browser.call("Page.navigate", self.id, url=url)
        self.browser.wait_for("Page.loadEventFired", self.id)
        return self.browser.take_events(self.id)

    def value(self, expression: str):
        result = self.browser.call(
            "Runtime.evaluate", self.id, expression=expression, returnByValue=True
        )
        return result["result"].get("value")

    def pdf(self) -> bytes:
        found = self.browser.call(
            "Page.printToPDF", self.id, preferCSSPageSize=True, printBackground=True
        )
        return base64.b64decode(found["data"])

    def screenshot(self) -> bytes:
        return base64.b64decode(self.browser.call("Page.captureScreenshot", self.id)["data"])


@pytest.fixture(scope="module")
def tab(reports, tmp_path_factory):
    browser = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield Tab(browser)
    finally:
        browser.close()


def requested(events: list[dict]) -> list[str]:
    return [
        e["params"]["request"]["url"]
        for e in events
        if e.get("method") == "Network.requestWillBeSent"
    ]


def outside(urls: list[str], allowed: tuple[str, ...] = ("file:", "data:", "about:")) -> list[str]:
    return [u for u in urls if not u.startswith(allowed)]


def pdf_facts(data: bytes, folder: Path, name: str) -> tuple[int, tuple[float, float], str]:
    """(pages, page size in points, text of page 1) of a PDF, by poppler's tools."""
    path = folder / f"{name}.pdf"
    path.write_bytes(data)
    info = subprocess.run([PDFINFO, str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    size = next(line for line in info.splitlines() if line.startswith("Page size:")).split()
    first = subprocess.run(
        [PDFTOTEXT, "-f", "1", "-l", "1", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return pages, (float(size[2]), float(size[4])), first


def test_every_page_type_fits_a_phone_and_loads_nothing_from_outside(reports, tab, tmp_path):
    problems = []
    # the Vietnamese page of every type, and the English landing page (the same style sheet and
    # templates make the other English pages; test_browser opens them all at 1280 px)
    pages = [p for p, _ in PAGE_TYPES.values()] + [english("index.html")]
    for page in pages:
        events = tab.open((reports / page).as_uri(), PHONE)
        # the page's width against the phone's (a mobile browser zooms out to fit a wider page,
        # so the window's own width would grow with it)
        wide = tab.value(
            "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        )
        if wide > PHONE["width"]:
            problems.append(f"{page}: {wide} px wide on a {PHONE['width']} px screen")
        problems += [f"{page}: loads {u}" for u in outside(requested(events))]
        problems += [f"{page}: {e}" for e in script_errors(events)]
        if page == PAGE_TYPES["overview"][0]:
            (tmp_path / "overview-390.png").write_bytes(tab.screenshot())
    events = tab.open((reports / DATA_DOCS).as_uri(), DESKTOP)
    problems += [f"Data Docs: loads {u}" for u in outside(requested(events))]
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(PDFINFO is None or PDFTOTEXT is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_every_page_type_prints_on_a4_within_its_page_count(reports, tab, tmp_path, kind):
    page, most = PAGE_TYPES[kind]
    tab.open((reports / page).as_uri(), DESKTOP)
    title = tab.value("document.querySelector('main h1, main h2').textContent.trim()")
    pages, size, first = pdf_facts(tab.pdf(), tmp_path, kind.replace(" ", "-"))
    assert all(abs(a - b) < 2 for a, b in zip(size, A4_POINTS)), f"{kind}: {size} pt, not A4"
    assert 1 <= pages <= most, f"{kind}: {pages} A4 pages, more than {most}"
    words = " ".join(first.split())
    assert " ".join(title.split())[:40] in words, f"{kind}: page 1 does not start with its title"
    assert len(words) > 200, f"{kind}: page 1 is nearly blank"
    assert re.search(rf"\b1 ?/ ?{pages}\b", words)  # the page number: the style sheet's @page


@pytest.mark.skipif(PDFINFO is None or PDFTOTEXT is None, reason="poppler-utils not installed")
def test_the_longest_unit_profile_prints_on_two_a4_pages(reports, tab, tmp_path):
    """Not only the profile of ``PAGE_TYPES``: the one with the most content of the year (the
    largest page) fits on two pages too."""
    profiles = [p for p in (reports / "synthetic-province/2024/units").glob("*.html")]
    longest = max(
        (p for p in profiles if not p.name.endswith(".en.html")), key=lambda p: p.stat().st_size
    )
    tab.open(longest.as_uri(), DESKTOP)
    pages, size, _ = pdf_facts(tab.pdf(), tmp_path, "longest-profile")
    assert pages <= 2, f"{longest.name}: {pages} A4 pages"


def test_the_search_box_finds_a_name_typed_without_diacritics(reports, tab):
    tab.open((reports / PAGE_TYPES["overview"][0]).as_uri(), DESKTOP)
    typed = tab.value(
        """(() => {
        const input = document.querySelector('[data-par-search] input');
        input.value = 'so noi vu';
        input.dispatchEvent(new Event('input'));
        const shown = [...document.querySelectorAll('[data-par-search] li')]
            .filter(li => !li.hidden).map(li => li.querySelector('a').textContent);
        const status = document.querySelector('[data-par-status]').textContent;
        input.value = 'khong co don vi nay';
        input.dispatchEvent(new Event('input'));
        const none = document.querySelector('[data-par-status]').textContent;
        return [shown, status, none];
        })()"""
    )
    shown, status, none = typed
    assert shown == ["Sở Nội vụ"] and status.startswith("1 / 31")
    assert none == "Không tìm thấy đơn vị nào"


def test_a_click_on_a_column_header_sorts_the_table(reports, tab):
    tab.open((reports / PAGE_TYPES["overview"][0]).as_uri(), DESKTOP)
    order = tab.value(
        """(() => {
        const table = [...document.querySelectorAll('table.par-table')]
            .find(t => t.querySelector('th.par-unit') && t.tBodies[0].rows.length > 20);
        const heads = [...table.tHead.rows[0].cells];
        const col = heads.findIndex(th => /Chỉ số \\(%\\)/.test(th.textContent));
        const read = () => [...table.tBodies[0].rows].map(r => r.cells[col].getAttribute('data-sort'));
        heads[col].querySelector('button').click();
        const up = read();
        heads[col].querySelector('button').click();
        return [up, read(), heads[col].getAttribute('aria-sort')];
        })()"""
    )
    up, down, state = order
    numbers = [float(x) for x in up if x is not None]
    assert len(numbers) == 31 and numbers == sorted(numbers)
    assert [float(x) for x in down if x is not None] == sorted(numbers, reverse=True)
    assert state == "descending"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_reports_work_served_by_a_static_server_as_another_user(reports, tab, tmp_path):
    """The folder as ``make report`` wrote it (modes kept), served by ``python -m http.server`` as
    ``nobody``: a file only its owner may read would fail here."""
    served = Path(os.environ.get("TMPDIR", "/tmp")) / f"parlib-served-{os.getpid()}"
    shutil.rmtree(served, ignore_errors=True)
    served.mkdir(mode=0o755)
    try:
        shutil.copytree(reports, served / "reports", copy_function=shutil.copy2)
        port = free_port()
        other, python = {}, sys.executable
        if os.getuid() == 0:  # as another user: the system's Python (root's own may be private)
            python = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin") or python
            other = {"user": "nobody", "group": pwd.getpwnam("nobody").pw_gid}
        command = [python, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
        server = subprocess.Popen(
            command,
            cwd=served / "reports",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **other,
        )
        try:
            base = f"http://127.0.0.1:{port}/"
            for _ in range(100):
                try:
                    urllib.request.urlopen(base, timeout=2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            pages = sorted(
                p.relative_to(served / "reports").as_posix()
                for p in (served / "reports").rglob("*.html")
            )
            failed = []
            for page in pages:
                try:
                    with urllib.request.urlopen(base + page, timeout=10) as answer:
                        if answer.status != 200:
                            failed.append(f"{page}: {answer.status}")
                except OSError as exc:
                    failed.append(f"{page}: {exc}")
            assert not failed, "\n".join(failed[:20])
            for page in ("index.html", PAGE_TYPES["overview"][0], DATA_DOCS):
                events = tab.open(base + page, DESKTOP)
                assert outside(requested(events), (base, "data:", "about:")) == []
                assert script_errors(events) == []
                if page == "index.html":  # every unit of the run, from the landing page's search
                    assert (
                        tab.value("document.querySelectorAll('[data-par-search] li').length") > 31
                    )
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        shutil.rmtree(served, ignore_errors=True)
