"""The Data Docs sites open offline (``parlib.validate.offline``): no page of a published site loads
anything from outside its folder, every local load finds its file, the bundled files are the
versions the README lists (and the ones GX's pages name), rewriting twice changes nothing, links out
of the site are never followed, and the site opens styled in Chromium with the network off.

The site is the one ``parlib run --dataset tiny`` publishes (``tiny_run``, shared with the fault
tests): GX renders every dataset's pages from the same templates and the project's suites. The checks
here read the markup with their own patterns, not the module's, so a blind spot of one is not
shared by the other.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import re
import shutil
from pathlib import Path

import pytest

from parlib.core.errors import ParlibError
from parlib.validate import offline as docs_offline
from parlib.validate.site import data_docs_index, publish_docs

from .test_browser import CHROMIUM, Chromium, script_errors

VENDOR = docs_offline.VENDOR
GX_VIEW = Path(importlib.util.find_spec("great_expectations").submodule_search_locations[0]) / (
    "render/view"
)
EXTERNAL = r"(?:https?:)?//"
# what a browser fetches by itself: src= of any tag, the href of a <link> tag, CSS url() and @import
SRC = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]+)""", re.I)
LINK_HREF = re.compile(r"""<link\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)""", re.I)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+?)["']?\s*\)""", re.I)
IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)""", re.I)


def loads(text: str, html: bool) -> list[str]:
    """Every address a page (``html``) or a style sheet makes the browser fetch."""
    found = CSS_URL.findall(text) + IMPORT.findall(text)
    if html:
        found += SRC.findall(text) + LINK_HREF.findall(text)
    return found


def site_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".html", ".css"))


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def site(tiny_run: Path) -> Path:
    root = tiny_run / "reports" / "tiny" / "2024" / "data_docs"
    assert (root / "index.html").is_file()
    return root


@pytest.fixture(scope="module")
def gx_project(tiny_run: Path) -> Path:
    """The GX project whose site the run published (its pages as GX wrote them, CDN and all)."""
    project = tiny_run / "data" / "processed" / "tiny" / "2024" / "gx"
    assert data_docs_index(project).is_file()
    return project


def test_no_page_of_the_published_site_loads_anything_from_outside_it(site):
    pages = sorted(site.rglob("*.html"))
    kinds = {p.relative_to(site).parts[0] for p in pages}
    assert kinds == {"index.html", "expectations", "validations"}, kinds
    outside = [
        f"{p.relative_to(site)}: {url}"
        for p in site_files(site)
        for url in loads(p.read_text(encoding="utf-8"), p.suffix == ".html")
        if re.match(EXTERNAL, url.strip(), re.I)
    ]
    assert not outside, outside[:10]
    # and the ones GX writes are indeed gone, not spelled some other way
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for gone in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "amazonaws.com"):
            assert gone not in text, (page, gone)


def test_every_local_load_finds_its_file_inside_the_site(site):
    root = Path(os.path.realpath(site))
    missing, counted = [], 0
    for path in site_files(root):
        for url in loads(path.read_text(encoding="utf-8"), path.suffix == ".html"):
            if url.startswith(("data:", "#")):
                continue
            counted += 1
            target = Path(os.path.normpath(path.parent / url.split("?")[0].split("#")[0]))
            if not (target.is_relative_to(root) and target.is_file()):
                missing.append(f"{path.relative_to(root)}: {url}")
    assert counted > 100  # every page loads a dozen files
    assert not missing, missing[:10]


def readme_rows() -> list[dict]:
    text = (VENDOR / "README.md").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 5 and cells[1][:1].isdigit():
            package, version, licence, files, why = cells
            rows.append(
                {
                    "package": package,
                    "version": version,
                    "folder": f"{package.rsplit('/', 1)[-1]}-{version}",
                    "files": re.findall(r"`([^`]+)`", files),
                }
            )
    return rows


def test_the_bundled_files_are_the_versions_the_readme_lists():
    rows = readme_rows()
    assert len(rows) == 7
    listed, banners = {"README.md"}, 0
    for row in rows:
        folder = VENDOR / row["folder"]
        assert list(folder.glob("LICENSE*")), f"{row['folder']} has no licence file"
        listed |= {p.relative_to(VENDOR).as_posix() for p in folder.glob("LICENSE*")}
        for name in row["files"]:
            path = folder / name
            assert path.is_file(), path
            listed.add(path.relative_to(VENDOR).as_posix())
            if path.suffix in (".js", ".css"):
                head = path.read_text(encoding="utf-8")[:600]
                versions = set(re.findall(r"(?<![\d.])\d+\.\d+\.\d+(?![\d.])", head))
                assert versions <= {row["version"]}, (path, versions)
                banners += bool(versions)
    assert banners >= 10  # all but popper's and bootstrap-dark's files name their version
    bundled = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()}
    assert bundled == listed, bundled ^ listed
    # each CDN address is replaced by a file of the version it names (the one documented exception:
    # the filter-control style sheet, named at 1.19.0, whose rules 1.19.1 has unchanged)
    for url, files in docs_offline.LOCAL.items():
        for name in files:
            if not name.startswith(docs_offline.IN_SITE + "/"):
                assert name.startswith("static/images/")  # GX's own copy in the site
                continue
            version = name.split("/")[2].rsplit("-", 1)[1]
            assert version in url or "bootstrap-table@1.19.0/" in url, (url, name)
            assert (VENDOR / name.split("/", 2)[2]).is_file(), name


def test_the_bundled_scripts_are_those_whose_digests_the_pages_name():
    """GX's template names Bootstrap's and Popper's scripts with an ``integrity`` digest."""
    template = (GX_VIEW / "templates" / "js_script_imports.j2").read_text(encoding="utf-8")
    named = re.findall(r'src="([^"]+)" integrity="sha384-([^"]+)"', template)
    assert len(named) == 2
    for url, digest in named:
        (local,) = docs_offline.LOCAL[url]
        data = (VENDOR / local.split("/", 2)[2]).read_bytes()
        assert base64.b64encode(hashlib.sha384(data).digest()).decode() == digest, url


def test_every_address_gx_loads_is_bundled_or_dropped_for_a_reason():
    known = set(docs_offline.LOCAL) | set(docs_offline.DROPPED)
    found = set()
    for path in [*(GX_VIEW / "templates").glob("*.j2"), *(GX_VIEW / "static").rglob("*.css")]:
        text = path.read_text(encoding="utf-8")
        found |= {u for u in loads(text, path.suffix == ".j2") if re.match(EXTERNAL, u)}
    # the navbar's logo is a Jinja expression in its template: the page shows its address
    found.add(docs_offline._S3 + "logo-long.png")
    assert len(found) >= 15
    assert found <= known, found - known


def test_no_page_draws_a_chart_so_vega_is_not_needed(site):
    """vega, vega-lite and vega-embed are dropped: no page of ours calls them."""
    assert set(docs_offline.DROPPED) == {
        f"https://cdn.jsdelivr.net/npm/{p}" for p in ("vega@5", "vega-lite@5", "vega-embed@6")
    }
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "vegaEmbed" not in text and "vega" not in text.lower(), page


def test_offline_is_idempotent(gx_project, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(data_docs_index(gx_project).parent, raw)
    assert docs_offline.external_loads(raw)  # GX's pages, straight from the CDN
    changed = docs_offline.offline(raw)
    assert Path("index.html") in changed and docs_offline.external_loads(raw) == []
    once = snapshot(raw)
    assert docs_offline.offline(raw) == []
    assert snapshot(raw) == once
    # publishing again over a published copy (what every rerun does) gives the same files
    target = tmp_path / "published"
    publish_docs(gx_project, target)
    first = snapshot(target)
    publish_docs(gx_project, target)
    assert snapshot(target) == first == once


def small_site(root: Path) -> Path:
    """A one-page site as GX writes it: a style sheet and a script from CDNs, and GX's logo."""
    (root / "static" / "images").mkdir(parents=True)
    (root / "static" / "images" / "logo-long.png").write_bytes(b"png")
    (root / "index.html").write_text(
        '<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/'
        'bootstrap.min.css"/>\n<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>\n'
        '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>\n',
        encoding="utf-8",
    )
    return root


def test_offline_rewrites_a_small_site(tmp_path):
    root = small_site(tmp_path / "site")
    docs_offline.offline(root)
    assert (root / "index.html").read_text(encoding="utf-8") == (
        '<link rel="stylesheet" href="static/vendor/bootstrap-4.3.1/css/bootstrap.min.css">\n'
        '<script src="static/vendor/jquery-3.7.1/jquery.min.js"></script>\n'
    )
    assert (root / "static/vendor/jquery-3.7.1/jquery.min.js").is_file()


def test_offline_never_writes_through_a_link_out_of_the_site(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    page = outside / "page.html"
    page.write_text('<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>')
    before = snapshot(outside)

    root = small_site(tmp_path / "site")
    (root / "expectations").mkdir()
    (root / "expectations" / "linked.html").symlink_to(page)  # a page that is a link out
    (root / "validations").symlink_to(outside, target_is_directory=True)  # a folder that is one
    docs_offline.offline(root)
    assert snapshot(outside) == before
    assert "static/vendor" in (root / "index.html").read_text(encoding="utf-8")

    linked = small_site(tmp_path / "linked")
    shutil.rmtree(linked / "static")
    (linked / "static").symlink_to(outside, target_is_directory=True)  # where the files would go
    with pytest.raises(ParlibError, match="out of the site"):
        docs_offline.offline(linked)
    assert snapshot(outside) == before


def test_a_gx_favicon_link_that_misses_is_pointed_at_the_sites_favicon(site):
    page = next((site / "validations").rglob("*.html"))
    depth = len(page.relative_to(site).parts) - 1
    assert f'href="{"../" * depth}static/images/favicon.ico"' in page.read_text(encoding="utf-8")


@pytest.mark.browser
def test_the_site_opens_styled_in_chromium_with_the_network_off(site, tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (`.ci/run` installs Debian's chromium package)")
    pages = [site / "index.html", next((site / "validations").rglob("*.html"))]
    browser = Chromium(tmp_path / "profile")
    seen = []
    try:
        tab = browser.tab()
        browser.call("Network.enable", tab)
        browser.call(
            "Network.emulateNetworkConditions",
            tab,
            offline=True,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )
        for page in pages:
            browser.take_events(tab)
            browser.call("Page.navigate", tab, url=page.as_uri())
            browser.wait_for("Page.loadEventFired", tab)
            shown = browser.call(
                "Runtime.evaluate",
                tab,
                returnByValue=True,
                awaitPromise=True,
                expression="""document.fonts.ready.then(() => ({
                    font: getComputedStyle(document.body).fontFamily,
                    navbar: getComputedStyle(document.querySelector('.navbar')).display,
                    tables: document.querySelectorAll('.bootstrap-table').length,
                    icons: document.fonts.check('900 16px "Font Awesome 6 Free"'),
                    logo: document.querySelector('.navbar-brand img').naturalWidth,
                }))""",
            )["result"]["value"]
            shot = browser.call("Page.captureScreenshot", tab, format="png")
            (tmp_path / f"{page.stem}.png").write_bytes(base64.b64decode(shot["data"]))
            seen.append((page, shown, browser.take_events(tab)))
    finally:
        browser.close()
    for page, shown, events in seen:
        requests = [
            e["params"]["request"]["url"]
            for e in events
            if e.get("method") == "Network.requestWillBeSent"
        ]
        assert len(requests) > 10
        away = [u for u in requests if not u.startswith((site.as_uri() + "/", "data:"))]
        assert not away, (page, away)
        assert not [e for e in events if e.get("method") == "Network.loadingFailed"], page
        assert script_errors(events) == [], page
        assert shown["font"].startswith("-apple-system"), shown  # Bootstrap's type
        assert shown["navbar"] == "flex" and shown["tables"] >= 1, shown  # its layout, the tables
        assert shown["icons"] and shown["logo"] == 366, shown  # the ✓/✗ font and GX's logo
