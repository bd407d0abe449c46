"""Shell: every page the reports publish, in one frame, from Jinja2 templates (autoescaped).

The templates are in ``parlib/publish/templates/``: ``page.html.j2`` is the shell (``<html lang>``,
the style sheet, the SYNTHETIC or real-data banner, the breadcrumb, the link to the page in the
other language, ``<main>``, the provenance footer); the nbconvert template
(``templates/nbconvert/parlib``) renders the notebooks' reports inside the same shell, and the
library's own pages (landing, unit profiles rendered in one execution, a refused run's validation
page) extend it. Text from data is escaped by Jinja2; a fragment already built as HTML is passed
as ``markupsafe.Markup`` (``html``).

STUB (contract /work/tools/contract13.md §2): the signatures are fixed; the render helper owns the
templates and fills in the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

TEMPLATES = Path(__file__).with_name("templates")

_ENV: list[Environment] = []


def environment() -> Environment:
    """The one Jinja2 environment of the library's pages (autoescape on)."""
    if not _ENV:
        _ENV.append(
            Environment(
                loader=FileSystemLoader(TEMPLATES),
                autoescape=select_autoescape(default=True, default_for_string=True),
                trim_blocks=True,
                lstrip_blocks=True,
            )
        )
    return _ENV[0]


def html(fragment: str) -> Markup:
    """A fragment the library built as escaped HTML, to be inserted as is."""
    return Markup(fragment)


@dataclass(frozen=True)
class Frame:
    """What the shell of one page needs besides its body."""

    title: str
    lang: str
    synthetic: bool | None = None  # None: no banner (the landing page lists both kinds)
    counterpart: str = ""  # relative href of the same page in the other language
    crumbs: tuple[tuple[str, str], ...] = ()  # (label, relative href); the last is this page
    footer: Markup = field(default_factory=lambda: Markup(""))  # the provenance footer


def render(template: str, **context: object) -> str:
    """Render one template of ``templates/`` with ``context``."""
    return environment().get_template(template).render(**context)


def page(frame: Frame, body: Markup | str) -> str:
    """A complete page: the shell around ``body`` (escaped unless it is ``Markup``)."""
    return render("page.html.j2", frame=frame, body=body)
