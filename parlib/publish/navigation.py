"""Navigation: the links every page carries besides its breadcrumb, and the unit search boxes.

- **The year's pages** (``year_links``): from any page of a dataset-year (or one of its unit
  profiles), the overview, fairness, the criterion review, validation, index, intake and the list
  of profiles of that year, the Data Docs, the results workbook, the official annex (Word,
  ``phu-luc.docx``, and Excel, ``phu-luc.xlsx``), the action list (Excel, ``ke-hoach-khac-phuc.xlsx``), the dataset's trends page (and its in-year progress page, when the dataset tracks the year after), and the same page in the previous and the next
  declared year. A unit profile's year links go to the other year's list of profiles at the unit's
  anchor (``#u-<id>``): the unit may not exist that year, the list does.
- **The search box** (``search_box``): every unit of a list, with its name folded for matching
  (``fold``: lower case, no diacritics, ``đ`` → ``d``, so "ha noi" finds "Hà Nội"); the page
  shell's one inline script filters the list as the reader types (``templates/parlib.js.j2``).
  Without scripts the list is a plain list of links.

In: the dataset (``parlib.config.dataset.DatasetConfig``), a year, a page's Vietnamese file name
and its folder depth. Out: tuples of (label, href, current) for the shell
(``templates/page.html.j2``), or a search box's HTML (``templates/search.html.j2``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import Markup

from parlib.core.labels import t
from parlib.publish.pages import localized
from parlib.publish.templating import render

# a dataset-year's pages, in the order a reader wants them (file, label key); the pipeline
# (parlib.run.pipeline) publishes each one (tests/test_navigation.py holds the two together)
YEAR_PAGES = (
    ("05_report.html", "report_overview"),
    ("04_fairness.html", "report_fairness"),
    ("08_criteria.html", "report_criteria"),
    ("02_validate.html", "report_validate"),
    ("03_index.html", "report_index"),
    ("01_ingest.html", "report_ingest"),
    ("06_unit_profiles.html", "report_unit_profiles"),
)
PROFILE_LIST = "06_unit_profiles.html"
TRENDS_PAGE = "trends.html"
PROGRESS_PAGE = "progress.html"  # in-year tracking, a dataset page (parlib.publish.progress_page)
DATA_DOCS = "data_docs/index.html"
WORKBOOK = "results.xlsx"
ANNEX = "phu-luc.docx"  # the official annex, in Vietnamese only (parlib.publish.annex)
ANNEX_XLSX = "phu-luc.xlsx"  # the same annex as a workbook, for an office that edits in Excel
ACTION_LIST = "ke-hoach-khac-phuc.xlsx"  # the action list, Vietnamese only (publish.action_list)


@dataclass(frozen=True)
class Link:
    """One link of a page's navigation bar; ``current``: the page itself (not a link)."""

    label: str
    href: str
    current: bool = False
    rel: str = ""  # "prev" / "next" for the other years


def unit_anchor(unit_id: str) -> str:
    """The anchor of a unit's row in the list of profiles (and in the search box)."""
    return "u-" + quote(str(unit_id), safe="")


def year_links(cfg, year: int, lang: str, page: str) -> tuple[tuple[Link, ...], tuple[Link, ...]]:
    """The navigation of a dataset-year's page ``page`` (Vietnamese file name relative to the
    year's folder: ``05_report.html`` or ``units/<id>.html``) in ``lang``: (the year's pages,
    the other years). Hrefs are relative to the page's own folder."""
    unit = page.startswith("units/")
    up = "../" if unit else ""
    here = page.rsplit("/", 1)[-1]
    pages = [
        Link(t(key, lang), up + localized(name, lang), current=(not unit and name == here))
        for name, key in YEAR_PAGES
    ]
    pages.append(Link(t("data_docs_short", lang), up + DATA_DOCS))
    pages.append(Link(t("results_workbook", lang), up + localized(WORKBOOK, lang)))
    pages.append(Link(t("results_annex", lang), up + ANNEX))
    pages.append(Link(t("results_annex_xlsx", lang), up + ANNEX_XLSX))
    pages.append(Link(t("results_actions", lang), up + ACTION_LIST))
    pages.append(Link(t("report_trends", lang), up + "../" + localized(TRENDS_PAGE, lang)))
    if any(tr.baseline == year for tr in getattr(cfg, "tracking", {}).values()):
        progress = up + "../" + localized(PROGRESS_PAGE, lang)  # the year followed after this one
        pages.append(Link(t("report_progress", lang), progress))
    pages.append(Link(t("provenance", lang), "#provenance"))  # this page's footer: inputs, hashes
    years = sorted(cfg.years)
    others = []
    if year in years:
        at = years.index(year)
        for rel, other in (("prev", at - 1), ("next", at + 1)):
            if 0 <= other < len(years):
                y = years[other]
                if unit:
                    unit_id = page.rsplit("/", 1)[-1].rsplit(".", 1)[0]
                    href = f"../../{y}/{localized(PROFILE_LIST, lang)}#{unit_anchor(unit_id)}"
                else:
                    href = f"../{y}/{localized(here, lang)}"
                label = t(f"nav_{rel}_year", lang, year=y)
                others.append(Link(label, href, rel=rel))
    return tuple(pages), tuple(others)


def dataset_links(cfg, lang: str, page: str = "", progress: bool = False) -> tuple[Link, ...]:
    """The navigation of a dataset's page ``page`` (trends, progress): each declared year's
    overview, then the dataset's pages (``progress``: the run builds the progress page, which it
    does only when a tracked year's baseline is published)."""
    years = [Link(str(y), f"{y}/{localized(YEAR_PAGES[0][0], lang)}") for y in sorted(cfg.years)]
    own = [(TRENDS_PAGE, "report_trends")]
    if progress:
        own.append((PROGRESS_PAGE, "report_progress"))
    return tuple(years) + tuple(
        Link(t(key, lang), localized(name, lang), current=name == page) for name, key in own
    )


def fold(text: object) -> str:
    """``text`` as the search box matches it: lower case, without diacritics, ``đ`` (and its
    look-alike ``ð``) as ``d``,
    spaces collapsed ("Thành phố Hà Nội" → "thanh pho ha noi"). The script folds what the reader
    types the same way (``templates/parlib.js.j2``)."""
    # đ, and ð: legacy Vietnamese encodings turned into Unicode often write Đ as Ð (U+00D0)
    lowered = str(text).lower().replace("đ", "d").replace("ð", "d")
    bare = "".join(c for c in unicodedata.normalize("NFD", lowered) if not unicodedata.combining(c))
    return " ".join(bare.split())


def search_box(items: list[tuple[str, str, str]], lang: str, scope: str = "") -> Markup:
    """A unit search box over ``items`` (name, href, detail: e.g. the dataset and year, or the
    block), in ``lang``; ``scope`` names what is searched (e.g. the year's units). Rendered from
    ``templates/search.html.j2`` (autoescaped)."""
    entries = [
        {"name": name, "href": href, "detail": detail, "key": fold(f"{name} {detail}")}
        for name, href, detail in sorted(items, key=lambda i: (fold(i[0]), i[2]))
    ]
    return Markup(
        render(
            "search.html.j2",
            entries=entries,
            label=t("search_label", lang),
            hint=t("search_hint", lang, n=len(entries)),
            nothing=t("search_none", lang),
            scope=scope or t("search_scope_units", lang),
        )
    )
