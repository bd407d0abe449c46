"""Data Docs that open offline: every page of a Great Expectations site loads only files inside it.

In: a Data Docs site folder as GX 1.24.1 writes it (``site.publish_docs`` runs ``offline`` on the
copy it makes in the reports). Out: the same folder, its pages rewritten in place to load bundled
copies (relative paths, so the site works from disk and from any web server), and the files of
``static_vendor/`` (see its README: package, version, licence) copied into its ``static/vendor/``,
so each dataset-year's folder stays self-contained.

What GX's templates load from the network, and what becomes of it (``LOCAL``, ``DROPPED``):

- Bundled, because our pages use them: Bootstrap 4.3.1 (CSS; JS for the tabs, collapses and
  buttons); jQuery 3.7.1; Popper 1.12.9 (Bootstrap's dropdowns: the page-size menu of the index's
  paginated tables); bootstrap-table 1.19.1 and its filter-control extension (every table is one);
  bootstrap-datepicker 1.9.0 (the index's "Run Time" column is filtered with a datepicker: without
  the plugin the extension throws and the validation results table is never drawn); Font Awesome
  6.6.0's core and solid styles with the solid webfont (the ✓ and ✗ of the index and validation
  pages and bootstrap-table's icons are solid icons; no page uses brands or regular icons); bootstrap-dark
  1.1.0's prefers-dark sheet (GX's own dark-mode rules assume it: without it a dark-themed reader
  sees dark tables on a white page). The filter-control sheet is named at 1.19.0 by GX's templates:
  1.19.1's rules are the same (only the version comment differs), so one bootstrap-table is bundled.
- GX's logo, read from S3 (``logo-long.png``; ``full_logo_dark.png`` in the dark-mode rules): GX
  already copies ``logo-long.png`` into the site's ``static/images/``; both point there (a dark
  theme shows the light logo: the dark one exists only on S3).
- GX's favicon link on validation pages climbs one folder too few and finds no file: it is
  pointed at the site's ``static/images/favicon.ico`` (any ``static/`` reference that misses is).
- Dropped, because nothing on our pages needs them: vega 5, vega-lite 5 and vega-embed 6 draw
  GX's charts, which only profiling and distribution expectations render; no page of ours calls
  ``vegaEmbed`` (a test checks).

The ``integrity``/``crossorigin`` attributes of the rewritten tags go: a browser refuses a
``crossorigin`` script read from disk. ``offline`` is idempotent (a second run changes nothing) and
never reads or writes through a link leading out of the site.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

from parlib.core.errors import ParlibError
from parlib.core.storage import write_bytes, write_text

VENDOR = Path(__file__).resolve().with_name("static_vendor")
IN_SITE = "static/vendor"  # where the bundled files go in a site, relative to its root
_V = IN_SITE + "/"
_S3 = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
_FC_CDN = "https://unpkg.com/bootstrap-table@{}/dist/extensions/filter-control/bootstrap-table-filter-control"
_FC = _V + "bootstrap-table-1.19.1/extensions/filter-control/bootstrap-table-filter-control"

# each address GX's templates load, without its query: the site files (relative to the site root)
# loaded instead, in that order
LOCAL: dict[str, tuple[str, ...]] = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        _V + "bootstrap-4.3.1/css/bootstrap.min.css",
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        _V + "bootstrap-4.3.1/js/bootstrap.min.js",
    ),
    "https://code.jquery.com/jquery-3.7.1.min.js": (_V + "jquery-3.7.1/jquery.min.js",),
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        _V + "popper.js-1.12.9/umd/popper.min.js",
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        _V + "bootstrap-table-1.19.1/bootstrap-table.min.css",
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        _V + "bootstrap-table-1.19.1/bootstrap-table.min.js",
    ),
    _FC_CDN.format("1.19.1") + ".min.js": (_FC + ".min.js",),
    _FC_CDN.format("1.19.0") + ".min.css": (_FC + ".min.css",),  # 1.19.1's: the same rules
    _FC_CDN.format("1.19.0") + ".css": (_FC + ".min.css",),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
        _V + "bootstrap-datepicker-1.9.0/css/bootstrap-datepicker.min.css",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
        _V + "bootstrap-datepicker-1.9.0/js/bootstrap-datepicker.min.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        _V + "fontawesome-free-6.6.0/css/fontawesome.min.css",
        _V + "fontawesome-free-6.6.0/css/solid.min.css",
    ),
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": (
        _V + "bootstrap-dark-1.1.0/css/bootstrap-prefers-dark.min.css",
    ),
    _S3 + "logo-long.png": ("static/images/logo-long.png",),  # GX's own copy in the site
    _S3 + "full_logo_dark.png": ("static/images/logo-long.png",),
}
# addresses whose tags are removed, and why
DROPPED: dict[str, str] = {
    "https://cdn.jsdelivr.net/npm/vega@5": "charts: no page of ours draws one",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "charts: no page of ours draws one",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "charts: no page of ours draws one",
}

_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # https://x, http://x, //x
# a script tag loading a file, with its closing tag and the rest of its line
_SCRIPT = re.compile(r'<script\b[^>]*?\bsrc="(?P<url>[^"]*)"[^>]*>\s*</script>[ \t]*\n?', re.I)
_LINK = re.compile(r'<link\b[^>]*?\bhref="(?P<url>[^"]*)"[^>]*>[ \t]*\n?', re.I)
_SRC = re.compile(
    r'(?P<head><(?:img|iframe|source|embed|audio|video|track|input)\b[^>]*?\bsrc=")(?P<url>[^"]*)"',
    re.I,
)
_CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>[^'")]*?)(?P=q)\s*\)""", re.I)
_IMPORT = re.compile(r"""@import\s+(?P<q>['"])(?P<url>[^'"]*)(?P=q)""", re.I)
_STATIC_REF = re.compile(r"^(?:\./|(?:\.\./)+)?(?P<path>static/[^?#]+)$")
_LOADING_RELS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest"}


def _address(url: str) -> str:
    """A URL as ``LOCAL`` and ``DROPPED`` know it: without its query (GX adds ``?d=<time>``)."""
    return url.split("?", 1)[0].split("#", 1)[0]


def _is_inside(root: Path, path: Path) -> bool:
    """Whether ``path`` lies in ``root`` with no link on the way (``root`` is resolved)."""
    return os.path.realpath(path) == os.path.normpath(path) and Path(path).is_relative_to(root)


def _files(root: Path) -> list[Path]:
    """The site's pages and style sheets (not the bundled ones), never through a link."""
    found = []
    for folder, dirs, names in os.walk(root):  # os.walk does not follow links to folders
        here = Path(folder)
        if here == root / IN_SITE:
            dirs[:] = []
            continue
        for name in names:
            path = here / name
            if path.suffix in (".html", ".css") and not path.is_symlink():
                found.append(path)
    return sorted(found)


def _relative(root: Path, page: Path, site_file: str) -> str:
    return Path(os.path.relpath(root / site_file, page.parent)).as_posix()


def _static_fixed(url: str, page: Path, root: Path) -> str | None:
    """A local reference to the site's ``static/`` folder that misses it, made to hit it; None for
    any other. GX writes the favicon link of a validation page one folder too shallow
    (``favicon.j2`` climbs three folders, its navbar four), so that link finds no file."""
    found = _STATIC_REF.match(url)
    if found is None or _EXTERNAL.match(url):
        return None
    aimed = os.path.normpath(page.parent / url)
    if Path(aimed).is_relative_to(root) and os.path.isfile(aimed):
        return None
    if not (root / found["path"]).is_file():
        return None
    return _relative(root, page, found["path"])


def _rewritten(text: str, page: Path, root: Path) -> str:
    """``text`` (a page or style sheet of the site) loading the local copies of what it can."""

    def tags(match: re.Match, kind: str) -> str:
        address = _address(match["url"])
        if address in DROPPED:
            return ""
        if address not in LOCAL:
            fixed = _static_fixed(match["url"], page, root)
            return (
                match[0] if fixed is None else match[0].replace(f'"{match["url"]}"', f'"{fixed}"')
            )
        paths = [_relative(root, page, f) for f in LOCAL[address]]
        if kind == "script":
            return "".join(f'<script src="{p}"></script>\n' for p in paths)
        return "".join(f'<link rel="stylesheet" href="{p}">\n' for p in paths)

    def attribute(match: re.Match) -> str:
        address = _address(match["url"])
        if address not in LOCAL:
            fixed = _static_fixed(match["url"], page, root)
            return match[0] if fixed is None else f'{match["head"]}{fixed}"'
        return f'{match["head"]}{_relative(root, page, LOCAL[address][0])}"'

    def css_url(match: re.Match) -> str:
        address = _address(match["url"])
        if address not in LOCAL:
            return match[0]
        return f"url('{_relative(root, page, LOCAL[address][0])}')"

    if page.suffix == ".html":
        text = _SCRIPT.sub(lambda m: tags(m, "script"), text)
        text = _LINK.sub(lambda m: tags(m, "link") if _loads(m[0]) else m[0], text)
        text = _SRC.sub(attribute, text)
    return _CSS_URL.sub(css_url, text)


def _loads(link_tag: str) -> bool:
    """Whether a ``<link>`` tag makes the browser fetch its ``href`` (a style sheet, an icon...)."""
    rel = re.search(r'\brel="([^"]*)"', link_tag, re.I)
    return rel is not None and bool(_LOADING_RELS & set(rel[1].lower().split()))


def _copy_vendor(root: Path) -> list[Path]:
    """Copy ``static_vendor/`` into the site's ``static/vendor/``; only files that differ."""
    copied = []
    for source in sorted(p for p in VENDOR.rglob("*") if p.is_file()):
        if "__pycache__" in source.parts:
            continue
        target = root / IN_SITE / source.relative_to(VENDOR)
        if not _is_inside(root, target):  # a link on the way (static/, vendor/ or the file)
            raise ParlibError(f"Data Docs: {target} would lead out of the site {root}")
        if target.exists() and not target.is_file():
            raise ParlibError(f"Data Docs: {target} is not a file (a bundled file goes there)")
        data = source.read_bytes()
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(target, data)
        copied.append(target)
    return copied


def offline(site: Path) -> list[Path]:
    """Make the Data Docs site in folder ``site`` load nothing from outside it (see the module's
    docstring). Returns the files written, relative to ``site`` (none on a second run). An address
    that neither ``LOCAL`` nor ``DROPPED`` knows is left, with a warning naming it."""
    root = Path(os.path.realpath(site))
    if not (root / "index.html").is_file():
        raise ParlibError(f"Data Docs: {site} is not a Data Docs site (no index.html)")
    changed = _copy_vendor(root)
    for path in _files(root):
        text = path.read_bytes().decode("utf-8")
        new = _rewritten(text, path, root)
        if new != text:
            write_text(path, new)
            changed.append(path)
    left = external_loads(root)
    if left:
        warnings.warn(
            f"Data Docs: {len(left)} loads from outside the site have no local copy "
            f"(add them to parlib/validate/offline.py): {left[:5]}",
            stacklevel=2,
        )
    return [p.relative_to(root) for p in changed]


def external_loads(site: Path) -> list[str]:
    """Every load from outside the site (``src=``, a loading ``<link href>``, CSS ``url()`` and
    ``@import``) in its pages and style sheets, as ``"<file>: <address>"``."""
    root = Path(os.path.realpath(site))
    found = []
    for path in _files(root):
        text = path.read_bytes().decode("utf-8")
        urls = [m["url"] for m in _CSS_URL.finditer(text)]
        urls += [m["url"] for m in _IMPORT.finditer(text)]
        if path.suffix == ".html":
            urls += [m["url"] for m in _SCRIPT.finditer(text)]
            urls += [m["url"] for m in _SRC.finditer(text)]
            urls += [m["url"] for m in _LINK.finditer(text) if _loads(m[0])]
        rel = path.relative_to(root).as_posix()
        found += [f"{rel}: {u}" for u in urls if _EXTERNAL.match(u.strip())]
    return found
