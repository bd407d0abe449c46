"""Shell: every page the reports publish, in one frame, from Jinja2 templates (autoescaped).

The templates are in ``parlib/publish/templates/``: ``page.html.j2`` is the shell (``<html lang>``,
the one inline style sheet ``parlib.css.j2``, the SYNTHETIC or real-data banner, the breadcrumb,
the link to the page in the other language, ``<main>``, the provenance footer ``footer.html.j2``);
the nbconvert template (``templates/nbconvert/parlib``) renders the notebooks' reports inside the
same shell (``parlib.run.execute.export_html``), and the library's own pages (landing, unit
profiles rendered in one execution, a refused run's validation page) extend it. Text from data is
escaped by Jinja2; a fragment already built as escaped HTML is passed as ``markupsafe.Markup``
(``html``).

A page is self-contained: the style sheet is inline, figures are data URIs, nothing is fetched
from the network (no script, font or style sheet from a CDN), so one page works alone, offline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from markupsafe import Markup

from parlib.core.labels import t
from parlib.publish import palette
from parlib.publish.navigation import PROFILE_LIST, Link, dataset_links, year_links
from parlib.publish.pages import counterpart, localized, other
from parlib.publish.templating import TEMPLATES, environment, render

NBCONVERT_TEMPLATES = TEMPLATES / "nbconvert"  # the nbconvert template "parlib" is in here
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}  # each in its own language


def html(fragment: str) -> Markup:
    """A fragment the library built as escaped HTML, to be inserted as is."""
    return Markup(fragment)


def band_colours() -> dict[str, str]:
    """Band → background colour of its table cells (``palette.BAND_COLOURS``: colour-blind safe, never red against green)."""
    return dict(zip(palette.BAND_NAMES, palette.BAND_COLOURS))


@cache
def css() -> Markup:
    """The reports' one style sheet (``templates/parlib.css.j2``), inlined in every page."""
    text = (
        environment()
        .get_template("parlib.css.j2")
        .render(
            bands=band_colours(),
            synthetic_edge=palette.OKABE_ITO["vermillion"],
            real_edge=palette.OKABE_ITO["blue"],
        )
    )
    return Markup(text.strip())


@cache
def script() -> Markup:
    """The reports' one script (``templates/parlib.js.j2``: sortable tables, the unit search
    boxes), inlined in every page; a page reads fully without it."""
    return Markup(environment().get_template("parlib.js.j2").render().strip())


@dataclass(frozen=True)
class Frame:
    """What the shell of one page needs besides its body."""

    title: str
    lang: str
    synthetic: bool | None = None  # None: no banner (the landing page lists both kinds)
    counterpart: str = ""  # relative href of the same page in the other language
    crumbs: tuple[tuple[str, str], ...] = ()  # (label, relative href); the last is this page
    footer: Markup = field(default_factory=lambda: Markup(""))  # the provenance footer
    nav: tuple[Link, ...] = ()  # the year's (or dataset's) pages (parlib.publish.navigation)
    years: tuple[Link, ...] = ()  # the same page in the previous and the next year

    @property
    def other_lang(self) -> str:
        return other(self.lang)

    @property
    def css(self) -> Markup:
        return css()

    @property
    def script(self) -> Markup:
        return script()

    @property
    def words(self) -> dict[str, str]:
        """The shell's own words in this page's language."""
        return {
            "synthetic": t("synthetic_banner", self.lang),
            "real": t("real_banner", self.lang),
            "crumbs": t("shell_crumbs", self.lang),
            "other_language": LANGUAGE_NAMES[self.other_lang],
            "nav": t("shell_nav", self.lang),
            "years": t("shell_years", self.lang),
        }


def page(frame: Frame, body: Markup | str) -> str:
    """A complete page: the shell around ``body`` (escaped unless it is ``Markup``)."""
    return render("page.html.j2", frame=frame, body=body)


def landing_href(depth: int, lang: str, anchor: str = "") -> str:
    """The landing page (``reports/index[.en].html``) from a page ``depth`` folders below
    ``reports/``, optionally at one of its anchors (a dataset's or a dataset-year's row)."""
    return "../" * depth + localized("index.html", lang) + (f"#{anchor}" if anchor else "")


def year_anchor(dataset: str, year: int | str | None = None) -> str:
    """The landing page's anchor of a dataset (``year`` None) or of one of its years."""
    return f"{dataset}-{year}" if year is not None else dataset


def crumbs(
    lang: str,
    depth: int,
    dataset_label: str,
    anchor: str,
    title: str,
    year: int | str | None = None,
    parent: tuple[str, str] | None = None,
) -> tuple[tuple[str, str], ...]:
    """The breadcrumb of a page ``depth`` folders below ``reports/``: the landing page, the
    dataset's row on it, the year's row (with ``year``), a ``parent`` page (label, href; a unit
    profile's list of profiles), the page itself."""
    dataset_anchor = anchor.rsplit("-", 1)[0] if year is not None else anchor
    trail = [
        (t("landing_title", lang), landing_href(depth, lang)),
        (dataset_label, landing_href(depth, lang, dataset_anchor)),
    ]
    if year is not None:
        trail.append((str(year), landing_href(depth, lang, anchor)))
    if parent:
        trail.append(parent)
    return (*trail, (title, ""))


def year_frame(
    cfg, year: int, lang: str, page: str, label: str, depth: int = 2, subject: str = ""
) -> Frame:
    """The shell of a dataset-year's page ``page`` (Vietnamese file name, e.g. ``05_report.html``
    or ``units/so-y-te.html``) in ``lang``: its title (``subject``, e.g. a unit's name, first),
    banner, the page in the other language beside it, the breadcrumb from a folder ``depth``
    levels below ``reports/`` (2: ``reports/<ds>/<year>/``; 3: its ``units/`` or a failed run's
    folder under ``_failed``) and, on a published page, the links to the year's other pages and
    to the same page in the other years (``parlib.publish.navigation``). ``cfg`` is the dataset
    (``parlib.config.dataset.DatasetConfig``)."""
    title = f"{subject} — {t(label, lang)}" if subject else t(label, lang)
    unit = page.startswith("units/")
    parent = (t("report_unit_profiles", lang), "../" + localized(PROFILE_LIST, lang))
    published = depth == 2 or unit  # a failed run's page (under _failed) has no year around it
    nav, years = year_links(cfg, year, lang, page) if published else ((), ())
    return Frame(
        f"{title} — {cfg.title(lang)} {year}",
        lang,
        cfg.synthetic,
        counterpart=counterpart(page.rsplit("/", 1)[-1], lang),
        crumbs=crumbs(
            lang,
            depth,
            cfg.title(lang),
            year_anchor(cfg.name, year),
            subject or title,
            year=year,
            parent=parent if unit else None,
        ),
        nav=nav,
        years=years,
    )


def dataset_frame(cfg, lang: str, page: str, label: str, progress: bool = False) -> Frame:
    """The shell of a dataset's page (``reports/<ds>/trends.html``) in ``lang``: its breadcrumb,
    a link to each year's overview and to the dataset's pages (``progress``: the in-year
    progress page is built in this run)."""
    title = t(label, lang)
    return Frame(
        f"{title} — {cfg.title(lang)}",
        lang,
        cfg.synthetic,
        counterpart=counterpart(page, lang),
        crumbs=crumbs(lang, 1, cfg.title(lang), year_anchor(cfg.name), title),
        nav=dataset_links(cfg, lang, page, progress),
    )
