"""The trends page's labels and number format: its texts live in ``parlib/core/labels.csv`` under
``trends_<key>`` (Vietnamese first, the glossary's terms), so that one catalogue holds every label
and the language tests check them all; decimal commas on Vietnamese pages.
"""

from __future__ import annotations

from parlib.core.labels import number, t

PREFIX = "trends_"


def label(key: str, lang: str, **values: object) -> str:
    """The page's label ``key`` (``trends_<key>`` in the catalogue) in ``lang``, filled with
    ``values``."""
    return t(f"{PREFIX}{key}", lang, **values)


def num(value: object, lang: str, decimals: int = 2) -> str:
    """A number as the page writes it (decimal comma in Vietnamese)."""
    return number(value, decimals, lang)
