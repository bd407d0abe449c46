"""Every published HTML report opens in a real browser (Debian's headless Chromium): it loads without
a script error, shows Vietnamese diacritics where expected, and a screenshot is saved.

One Chromium serves every page, in one tab, one page after the other (a second tab loading beside
it is throttled and makes the whole slower): the test drives it over the DevTools protocol (a
websocket; ``websocket-client`` is in the lock as a Jupyter dependency), and for each page waits for
its load event, takes a 1280×1600 screenshot, reads the text shown where a test needs it, and
collects what the page reported: uncaught exceptions and ``console.error`` calls. (One browser started per page, as
before, cost about three times as long.)
The reports load nothing from the network (the page shell inlines its style sheet; no require.js,
no MathJax: ``tests/test_render.py`` checks the markup); the browser would report a failed load
of a script as an error. Of the Great Expectations Data Docs (``data_docs/``), which now load only
bundled copies from their own folder (``parlib.validate.offline``), one index page is opened
(``DATA_DOCS_OPENED``): their pages come from GX's templates, the same for every dataset-year, and
``tests/test_datadocs_offline.py`` opens a whole site with the network off.

Both languages of every kind of page are opened; of the unit profiles (31 per language for the
SYNTHETIC year, all made by one template), the first ``PROFILES_OPENED`` of each folder and
language, and those a check reads (``MUST_SHOW``).
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import websocket

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
]
TIMEOUT = 60  # seconds to wait for one answer of the browser (a hang, not a speed check)

# pages whose text must show a given string (Vietnamese diacritics, decimal comma, English pages)
MUST_SHOW = {
    "index.html": "Chỉ số CCHC: các báo cáo",
    "index.en.html": "PAR Index: reports",
    "vn-provinces/2012/05_report.html": "79,96",
    "vn-provinces/2012/05_report.en.html": "79.96",
    "vn-provinces/2012/03_index.html": "Đối chiếu với số liệu công bố",
    "vn-provinces/2012/units/long-an.html": "Hồ sơ đơn vị",
    "vn-provinces/trends.html": "Kế thừa đơn vị (sáp nhập)",
    "synthetic-province/2024/04_fairness.html": "Tính công bằng của xếp hạng",
    "synthetic-province/2024/04_fairness.en.html": "Fairness of the ranking",
    "synthetic-province/2024/units/so-noi-vu.html": "Hồ sơ đơn vị",
    "synthetic-province/2024/units/so-noi-vu.en.html": "Unit profile",
}
PROFILES_OPENED = 2  # unit profiles opened per folder and language (besides MUST_SHOW's)
DATA_DOCS_OPENED = ("vn-provinces/2012/data_docs/index.html",)  # GX's pages: one index is enough


class Chromium:
    """A headless Chromium and one DevTools connection to it; ``tab()`` opens a page target."""

    def __init__(self, profile: Path):
        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for line in self.process.stderr:  # it names its websocket once it listens
            if found := re.search(r"DevTools listening on (ws://\S+)", line):
                break
        else:
            raise RuntimeError(f"chromium exited ({self.process.wait()}) without a DevTools socket")
        self.socket = websocket.create_connection(
            found.group(1), timeout=TIMEOUT, suppress_origin=True
        )
        self.ids = itertools.count(1)
        self.events: list[dict] = []

    def call(self, method: str, session: str | None = None, **params) -> dict:
        ident = next(self.ids)
        self.socket.send(
            json.dumps(
                {
                    "id": ident,
                    "method": method,
                    "params": params,
                    **({"sessionId": session} if session else {}),
                }
            )
        )
        while (message := json.loads(self.socket.recv())).get("id") != ident:
            self.events.append(message)
        if "error" in message:
            raise RuntimeError(f"{method}: {message['error']}")
        return message["result"]

    def wait_for(self, method: str, session: str) -> dict:
        for event in self.events:
            if event.get("method") == method and event.get("sessionId") == session:
                self.events.remove(event)
                return event
        while (event := json.loads(self.socket.recv())).get("method") != method or event.get(
            "sessionId"
        ) != session:
            self.events.append(event)
        return event

    def take_events(self, session: str) -> list[dict]:
        taken = [e for e in self.events if e.get("sessionId") == session]
        self.events = [e for e in self.events if e.get("sessionId") != session]
        return taken

    def tab(self) -> str:
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime"):
            self.call(f"{domain}.enable", session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=1280,
            height=1600,
            deviceScaleFactor=1,
            mobile=False,
        )
        return session

    def close(self) -> None:
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            self.process.wait(timeout=30)


def script_errors(events: list[dict]) -> list[str]:
    """Uncaught exceptions and ``console.error`` / ``console.assert`` calls among a page's events."""
    found = []
    for event in events:
        params = event.get("params", {})
        if event.get("method") == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            found.append(
                "uncaught "
                + (details.get("exception", {}).get("description") or details.get("text", ""))
            )
        elif event.get("method") == "Runtime.consoleAPICalled" and params.get("type") in (
            "error",
            "assert",
        ):
            found.append(
                "console."
                + params["type"]
                + ": "
                + " ".join(
                    str(a.get("value", a.get("description", ""))) for a in params.get("args", [])
                )
            )
    return found


def open_pages(
    pages: list[Path], profile: Path, read: frozenset[Path] = frozenset()
) -> list[tuple[str, bytes, list[str]]]:
    """Each page's text as shown (only for the pages in ``read``; reading a page costs as much as
    opening it), screenshot (PNG) and script errors, in the order of ``pages``."""
    browser = Chromium(profile)
    seen = []
    try:
        tab = browser.tab()
        for page in pages:
            browser.take_events(tab)  # what the tab's previous page said is that page's
            browser.call("Page.navigate", tab, url=page.as_uri())
            browser.wait_for("Page.loadEventFired", tab)
            shot = browser.call("Page.captureScreenshot", tab, format="png")
            text = (
                browser.call(
                    "Runtime.evaluate",
                    tab,
                    returnByValue=True,
                    expression="document.body.innerText",
                )["result"]["value"]
                if page in read
                else ""
            )
            seen.append(
                (text, base64.b64decode(shot["data"]), script_errors(browser.take_events(tab)))
            )
    finally:
        browser.close()
    return seen


def report_pages(reports: Path) -> list[Path]:
    """Every HTML report under ``reports/`` except Data Docs (but ``DATA_DOCS_OPENED``) and staging
    leftovers; of each folder of unit profiles, the first ``PROFILES_OPENED`` per language and those
    ``MUST_SHOW`` reads."""
    every = sorted(
        p
        for p in reports.rglob("*.html")
        if "data_docs" not in p.relative_to(reports).parts
        and not any(part.startswith(".") for part in p.relative_to(reports).parts)
    )
    opened, seen = [], {}
    for p in every:
        if p.parent.name == "units" and p.relative_to(reports).as_posix() not in MUST_SHOW:
            key = (p.parent, p.name.endswith(".en.html"))
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > PROFILES_OPENED:
                continue
        opened.append(p)
    return opened + [reports / name for name in DATA_DOCS_OPENED]


@pytest.fixture
def chromium():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (`.ci/run` installs Debian's chromium package)")


def test_every_report_renders_in_chromium(chromium, first_run, tmp_path):
    project, code, code_en, _ = first_run
    assert (code, code_en) == (0, 0)
    reports = project / "reports"
    pages = report_pages(reports)
    names = {p.relative_to(reports).as_posix() for p in pages}
    assert set(MUST_SHOW) <= names  # every kind of report was published
    assert all((reports / name).is_file() for name in DATA_DOCS_OPENED)
    assert any(n.startswith("synthetic-province/2024/units/") for n in names)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    problems = []
    read = frozenset(reports / name for name in MUST_SHOW)
    for page, (text, png, errors) in zip(pages, open_pages(pages, tmp_path / "profile", read)):
        rel = page.relative_to(reports).as_posix()
        (shots / (rel.replace("/", "__") + ".png")).write_bytes(png)
        if errors:
            problems.append(f"{rel}: script errors {errors}")
        if rel in MUST_SHOW and MUST_SHOW[rel] not in text:
            problems.append(f"{rel}: does not show {MUST_SHOW[rel]!r}")
        if len(png) < 10_000 or not png.startswith(b"\x89PNG"):
            problems.append(f"{rel}: no screenshot")
    assert len(list(shots.iterdir())) == len(pages)
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_script_error(chromium, tmp_path):
    """The same check on a page that fails: its errors are reported, and the next page's are not
    mixed with them."""
    bad = tmp_path / "bad.html"
    bad.write_text('<p>x</p><script>console.error("typo in a chart"); null.f()</script>')
    good = tmp_path / "good.html"
    good.write_text("<p>Xếp hạng</p>", encoding="utf-8")
    (_, _, errors), (text, png, after) = open_pages(
        [bad, good], tmp_path / "profile", frozenset({good})
    )
    assert len(errors) == 2 and "typo in a chart" in errors[0] and "uncaught TypeError" in errors[1]
    assert after == [] and text == "Xếp hạng" and png.startswith(b"\x89PNG")
