"""Rendering (issue #13 §1, §5): every page comes from one shell of Jinja2 templates, in both
languages side by side. Each page type (landing, ingest, validation, index, fairness, overview,
trends, a unit profile, a refused run's page) in each language has its ``lang``, the shell's
header, a counterpart link that resolves to the other language's file (which links back), no
script, style sheet, font or image from the network, no require.js or MathJax, no script but the
shell's own inline one (issue #14: sortable tables, unit search), links in its navigation bar that
resolve, and text from the data escaped, never markup or a spreadsheet formula run.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from parlib.core.labels import local_time
from parlib.publish import landing, markup, pages, shell
from parlib.run import cli, execute, pipeline

from .conftest import ROOT, FirstRun, write_tiny

HOSTILE_TITLE = '<script>alert("t")</script> =HYPERLINK("http://evil.example","x")'
HOSTILE_UNIT = "<img src=x onerror=alert(1)>Sở <b>A</b>"
# the page types of the shared run, by their Vietnamese file (the English one sits beside it)
PAGE_TYPES = {
    "landing": "index.html",
    "ingest": "synthetic-province/2024/01_ingest.html",
    "validation": "synthetic-province/2024/02_validate.html",
    "index": "synthetic-province/2024/03_index.html",
    "fairness": "synthetic-province/2024/04_fairness.html",
    "overview": "synthetic-province/2024/05_report.html",
    "trends": "synthetic-province/trends.html",
    "unit profile": "synthetic-province/2024/units/so-noi-vu.html",
    "real overview": "vn-provinces/2012/05_report.html",
}
# an element that loads something: its src/href must never leave the page's folder tree
LOADS = re.compile(
    r"<(script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?\b(src|href|data)\s*=\s*"
    r"[\"']?\s*(?:https?:)?//",
    re.I,
)
CSS_FETCH = re.compile(r"@import|url\(\s*[\"']?\s*(?:https?:)?//", re.I)


def page_problems(path: Path, lang: str, banner: bool = True) -> list[str]:
    """What is wrong with one published page in ``lang`` (empty: nothing)."""
    html = path.read_text(encoding="utf-8")
    problems = []
    if f'<html lang="{lang}">' not in html:
        problems.append(f"not <html lang={lang!r}>")
    if '<meta name="viewport"' not in html or html.count("<style>") != 1:
        problems.append("not the shell's head (viewport, one inline style sheet)")
    if '<header class="par-shell">' not in html or "<main>" not in html:
        problems.append("no shell header or <main>")
    banners = html.count('class="par-banner')
    if banner and banners != 1:
        problems.append(f"{banners} banners, not one")
    found = re.search(r'<a class="par-lang" href="([^"]+)" hreflang="(\w+)"', html)
    other = pages.other(lang)
    if not found or found.group(2) != other:
        problems.append("no counterpart link with hreflang")
    else:
        target = path.parent / found.group(1)
        if not target.is_file():
            problems.append(f"counterpart {found.group(1)} does not exist")
        else:
            back = target.read_text(encoding="utf-8")
            if f'<html lang="{other}">' not in back or f'href="{path.name}"' not in back:
                problems.append(f"counterpart {found.group(1)} is not this page in {other}")
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I)
    if html.lower().count("<script") != 1 or len(scripts) != 1:
        problems.append("not exactly the shell's one script")
    elif scripts[0][0].strip() != 'data-parlib="shell"' or scripts[0][1].strip() != shell.script():
        problems.append("a script other than the shell's own")
    if LOADS.search(html) or CSS_FETCH.search(html):
        problems.append("loads something from the network")
    if re.search(r"require(\.min)?\.js|mathjax", html, re.I):
        problems.append("require.js or MathJax")
    for href in re.findall(r'<nav class="par-crumbs".*?</nav>', html, re.S)[:1]:
        for link in re.findall(r'href="([^"#]+)', href):
            if not (path.parent / link).is_file():
                problems.append(f"breadcrumb {link} does not resolve")
    for nav in re.findall(r'<nav class="par-nav".*?</nav>', html, re.S)[:1]:
        for link in re.findall(r'href="([^"#]+)', nav):
            target = path.parent / link
            # another year's page resolves once that year is published (this run may not hold it)
            if not target.is_file() and target.parent.resolve().is_dir():
                problems.append(f"navigation link {link} does not resolve")
    return problems


# --- the shell and its templates, without a run ---------------------------------------------


def test_the_shell_escapes_what_the_data_say():
    frame = shell.Frame(
        HOSTILE_TITLE,
        "vi",
        True,
        "x.en.html",
        shell.crumbs("vi", 2, HOSTILE_TITLE, "ds-2024", HOSTILE_UNIT),
    )
    html = shell.page(frame, shell.html(f"<p>{markup.esc(HOSTILE_UNIT)}</p>"))
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>A</b>" not in html
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in html
    assert "=HYPERLINK(&#34;http://evil.example&#34;" in html  # shown as text, nothing more
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 2  # breadcrumb and body
    assert '<html lang="vi">' in html and 'hreflang="en"' in html and 'lang="en">English' in html
    escaped = shell.page(shell.Frame("t", "en"), "<p>raw</p>")  # a str body is text
    assert "&lt;p&gt;raw&lt;/p&gt;" in escaped and "<p>raw</p>" not in escaped


def test_the_style_sheet_is_inline_with_the_palettes_band_colours():
    css = shell.css()
    for band, colour in shell.band_colours().items():
        assert f".band-{band} {{background: {colour};}}" in css
    assert "#c6f6d5" not in css and "#fed7d7" not in css  # the old red-green pair is gone
    assert "http" not in css and "@import" not in css


def test_a_notebook_page_is_the_shell_around_its_outputs(tmp_path):
    """nbconvert's template ``parlib``: outputs only (text escaped, HTML as the notebook made
    it), the banner output left to the shell, the footer output in the shell's footer, no code,
    no prompt, an error as its one line."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("Một đoạn **markdown**"),
            nbformat.v4.new_code_cell("secret_code()"),
        ]
    )
    out = nbformat.v4.new_output
    nb.cells[1].outputs = [
        out(
            "display_data",
            {"text/html": markup.banner(True, "vi")},
            metadata={markup.SHELL_PLACE: markup.BANNER},
        ),
        out("display_data", {"text/html": "<h1>Tiêu đề</h1>"}),
        out("execute_result", {"text/plain": HOSTILE_UNIT}, execution_count=1),
        out("stream", name="stdout", text=HOSTILE_TITLE),
        out("stream", name="stderr", text="a warning for the log"),
        out(
            "display_data",
            {"text/html": "<div>FOOTER</div>"},
            metadata={markup.SHELL_PLACE: markup.FOOTER},
        ),
        out("error", ename="DataError", evalue="<bad>", traceback=["Traceback (most recent"]),
    ]
    executed = tmp_path / "05_report.en.ipynb"
    nb.metadata["papermill"] = {"parameters": {"lang": "en"}}
    nbformat.write(nb, executed)
    html = execute.export_html(executed, tmp_path / "05_report.en.html", HOSTILE_TITLE).read_text(
        encoding="utf-8"
    )
    main = html.split("<main>")[1].split("</main>")[0]
    footer = html.split("<footer>")[1]
    assert '<html lang="en">' in html and 'href="05_report.html" hreflang="vi"' in html
    assert "<h1>Tiêu đề</h1>" in main and "<strong>markdown</strong>" in main
    assert "&lt;img src=x" in main and "&lt;script&gt;alert" in main and "<img src=x" not in html
    assert "<title>&lt;script&gt;" in html
    assert "secret_code" not in html and "In&nbsp;[" not in html and "Traceback" not in html
    assert "a warning for the log" not in html
    assert "DataError: &lt;bad&gt;" in main
    assert "FOOTER" in footer and "FOOTER" not in main
    assert "par-banner" not in main  # the notebook's own banner: the shell shows it (none here)


def test_the_footer_shows_vietnam_time_and_keeps_the_record(tmp_path):
    prov = {
        "dataset": "tiny",
        "year": 2024,
        "methodology": "m",
        "inputs": [{"path": "data/raw/<script>.csv", "sha256": "ab" * 32}],
        "parameters": {"lang": "vi", "title": HOSTILE_TITLE},
        "versions": {"parlib": "1.0", "pandas": "2"},
        "git_commit": "",
        "generated_at": "2026-12-02T06:05:33+00:00",
    }
    vi, en = markup.provenance_footer(prov, "vi"), markup.provenance_footer(prov, "en")
    assert "02/12/2026 13:05 (giờ Việt Nam)" in vi and "2 Dec 2026 13:05 (Vietnam time" in en
    assert '<time datetime="2026-12-02T06:05:33+00:00">' in vi  # the ISO record, for machines
    assert "<script>" not in vi and "&lt;script&gt;.csv" in vi and "<script>alert" not in vi
    assert "UTC" not in vi.replace('datetime="', "")


@pytest.mark.parametrize(
    "iso, vi, en",
    [
        ("2026-12-02T06:05:33+00:00", "02/12/2026 13:05 (giờ Việt Nam)", "2 Dec 2026 13:05"),
        ("2026-12-31T20:00:00Z", "01/01/2027 03:00 (giờ Việt Nam)", "1 Jan 2027 03:00"),
        ("2025-03-01T00:00:00", "01/03/2025 07:00 (giờ Việt Nam)", "1 Mar 2025 07:00"),
    ],
)
def test_local_time_is_vietnam_time(iso, vi, en):
    assert local_time(iso, "vi") == vi
    assert local_time(iso, "en") == f"{en} (Vietnam time, UTC+7)"


def test_local_time_leaves_what_it_cannot_read():
    assert local_time("", "vi") == "" and local_time("yesterday", "en") == "yesterday"
    with pytest.raises(ValueError):
        local_time("2026-12-02T06:05:33Z", "fr")


def test_the_landing_page_escapes_a_hostile_title_and_links_its_own_language(tmp_path):
    reports = tmp_path / "reports"
    year = reports / "evil" / "2024"
    (year / "units").mkdir(parents=True)
    for name in ("05_report.html", "05_report.en.html", "results.xlsx", "results.en.xlsx"):
        (year / name).write_text("x", encoding="utf-8")
    (year / "units" / "a.html").write_text(f"<title>{markup.esc(HOSTILE_UNIT)} — x</title>")
    (year / "units" / "a.en.html").write_text("<title>Unit A — x</title>")
    manifest = {
        "dataset": "evil",
        "year": 2024,
        "outcome": "success",
        "synthetic": True,
        "title": {"vi": HOSTILE_TITLE, "en": HOSTILE_TITLE},
        "finished_at": "2026-12-02T06:05:33+00:00",
        "inputs": [{"path": "data/raw/evil/<x>.csv", "sha256": "c" * 64}],
    }
    (year / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    vi = landing.landing_page(reports, pipeline.REPORT_PAGES, "vi")
    en = landing.landing_page(reports, pipeline.REPORT_PAGES, "en")
    for html in (vi, en):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert" in html and "=HYPERLINK(" in html
    vi_links = set(re.findall(r'href="([^"]+)"', vi))
    en_links = set(re.findall(r'href="([^"]+)"', en))
    assert {
        "evil/2024/05_report.html",
        "evil/2024/results.xlsx",
        "evil/2024/units/a.html",
    } <= vi_links
    assert {"evil/2024/05_report.en.html", "evil/2024/results.en.xlsx"} <= en_links
    assert "evil/2024/units/a.en.html" in en_links and "evil/2024/units/a.en.html" not in vi_links
    assert "index.en.html" in vi_links and "index.html" in en_links  # the counterparts
    assert "02/12/2026 13:05 (giờ Việt Nam)" in vi and "2026-12-02T06" not in vi
    assert 'id="evil-2024"' in vi  # the breadcrumbs' target


def test_localized_and_vietnamese_are_inverse():
    for name in ("05_report.html", "units/so-noi-vu.html", "results.xlsx", "index.html"):
        assert pages.vietnamese(pages.localized(name, "en"), "en") == name
        assert pages.vietnamese(name, "vi") == name
    with pytest.raises(ValueError):
        pages.vietnamese("05_report.html", "en")


# --- a refused run, both languages -----------------------------------------------------------


@pytest.fixture(scope="module")
def refused_run(tmp_path_factory) -> Path:
    """A project whose one dataset (titled and with a unit named to break a page) is refused by
    the preflight (a score above its maximum): no notebook runs, a second or two."""
    root = tmp_path_factory.mktemp("refused") / "project"
    for name in ("notebooks", "expectations"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    raw = write_tiny(root / "data" / "raw") / "tiny"
    toml = raw / "dataset.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'title_vi = "Bộ dữ liệu nhỏ"', f"title_vi = {json.dumps(HOSTILE_TITLE)}"
        ),
        encoding="utf-8",
    )
    units = raw / "units.csv"
    units.write_text(
        units.read_text(encoding="utf-8").replace(
            "Sở A", json.dumps(HOSTILE_UNIT, ensure_ascii=False)
        ),
        encoding="utf-8",
    )
    scores = raw / "scores" / "2024.csv"
    scores.write_text(
        scores.read_text(encoding="utf-8").replace("a,1.1,6,6,", "a,1.1,6,60,"), encoding="utf-8"
    )
    mp = pytest.MonkeyPatch()
    mp.setenv("PARLIB_ROOT", str(root))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            assert cli.main(["run", "--dataset", "tiny"]) == 1
    finally:
        mp.undo()
    return root


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_refused_runs_page_is_in_the_shell_in_both_languages(refused_run, lang):
    folder = refused_run / "reports" / "_failed" / "tiny" / "2024"
    page = folder / pages.localized("validation.html", lang)
    assert page_problems(page, lang) == []
    html = page.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the unit, by its (hostile) name
    crumbs = re.findall(r'<li><a href="([^"]+)"', html)
    assert crumbs[0] == "../../../" + pages.localized("index.html", lang)
    landing_page = (refused_run / "reports" / pages.localized("index.html", lang)).read_text(
        encoding="utf-8"
    )
    assert f'href="_failed/tiny/2024/{page.name}"' in landing_page
    assert "<script>alert" not in landing_page


# --- every page type of the shared run, both languages ---------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_type_is_in_the_shell_in_both_languages(first_run: FirstRun, kind, lang):
    assert first_run.code == 0
    path = first_run.project / "reports" / pages.localized(PAGE_TYPES[kind], lang)
    assert page_problems(path, lang, banner=kind != "landing") == []


@pytest.mark.slow
def test_every_published_page_has_its_counterpart(first_run: FirstRun):
    """Not only one of each type: every page of the shared run (Data Docs aside) exists in both
    languages, and rerunning with nothing changed rebuilds none of them."""
    reports = first_run.project / "reports"
    found = [
        p.relative_to(reports).as_posix()
        for p in reports.rglob("*.html")
        if "data_docs" not in p.parts and not any(x.startswith(".") for x in p.parts)
    ]
    english = {n for n in found if n.endswith(".en.html")}
    vietnamese = set(found) - english
    assert len(vietnamese) > 40
    assert {pages.localized(n, "en") for n in vietnamese} == english
    for name in sorted(vietnamese)[:3] + sorted(english)[:3]:
        lang = "en" if name.endswith(".en.html") else "vi"
        landing_page = name in ("index.html", "index.en.html")
        assert page_problems(reports / name, lang, banner=not landing_page) == [], name


@pytest.mark.slow
def test_a_rerun_with_nothing_changed_does_nothing_whatever_lang(first_run: FirstRun, capsys):
    """The fingerprint has no language: ``--lang en`` after the shared run finds every year up to
    date and says that both languages are built."""
    root = first_run.project
    before = {p: p.stat().st_mtime_ns for p in (root / "reports").rglob("*.html")}
    mp = pytest.MonkeyPatch()
    mp.setenv("PARLIB_ROOT", str(root))
    try:
        code = cli.main(["run", "--dataset", "vn-provinces", "--lang", "en"])
    finally:
        mp.undo()
    assert code == 0
    assert "vn-provinces 2012: up-to-date" in capsys.readouterr().out
    after = {p: p.stat().st_mtime_ns for p in (root / "reports" / "vn-provinces").rglob("*.html")}
    assert all(before[p] == t for p, t in after.items())


def test_a_warning_in_a_notebook_names_its_file_without_a_local_absolute_path(tmp_path):
    """A warning raised while a notebook runs (matplotlib's "Glyph 9 missing" for a unit name
    with a tab) names the file that raised it; the kernel's stderr goes into the executed notebook
    and the run's log, so the path is the project-relative one (or "<outside the project>/…").
    Run in a process of its own, as a kernel would: ``setup_notebook`` changes the logging of the
    process it runs in."""
    inside, outside = ROOT / "parlib" / "publish" / "plots.py", tmp_path / "elsewhere" / "lib.py"
    code = (
        "import warnings\n"
        "from parlib.publish import markup\n"
        "markup.setup_notebook()\n"
        f"for path in ({str(inside)!r}, {str(outside)!r}):\n"
        "    warnings.warn_explicit('Glyph 9 missing, see http://example.org/a/b and 1/2',"
        " UserWarning, path, 7)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PARLIB_ROOT": str(ROOT)},
        cwd=tmp_path,
        check=True,
    )
    text = done.stderr
    assert "parlib/publish/plots.py:7: UserWarning: Glyph 9 missing" in text
    assert "<outside the project>/elsewhere/lib.py:7" in text
    assert str(ROOT) not in text and str(tmp_path) not in text
    assert "http://example.org/a/b and 1/2" in text
