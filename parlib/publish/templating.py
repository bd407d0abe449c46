"""Templating: the one Jinja2 environment of the library's pages (autoescape on) over
``parlib/publish/templates/``, and ``render``. The shell (``parlib.publish.shell``) and the
navigation (``parlib.publish.navigation``) render through it.

In: a template's name and its context. Out: the rendered text (text from data escaped unless it
is ``markupsafe.Markup``).
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

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


def render(template: str, **context: object) -> str:
    """Render one template of ``templates/`` with ``context``."""
    return environment().get_template(template).render(**context)
