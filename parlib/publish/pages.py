"""Pages: the file names of a report in each language, side by side in one folder.

Vietnamese is the default language and keeps the plain name (``05_report.html``,
``units/an-giang.html``, ``index.html``); English sits beside it with ``.en`` before the extension
(``05_report.en.html``). Every page links to its counterpart (``counterpart``). The same rule names
executed notebooks (``notebooks/05_report.en.ipynb``) and the results workbook
(``results.en.xlsx``).
"""

from __future__ import annotations

from parlib.core.labels import LANGS

DEFAULT_LANG = "vi"


def localized(name: str, lang: str) -> str:
    """``name`` (a file name or a relative path, Vietnamese form) as the page in ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {LANGS}")
    if lang == DEFAULT_LANG:
        return name
    head, dot, ext = name.rpartition(".")
    return f"{head}.{lang}.{ext}" if dot else f"{name}.{lang}"


def other(lang: str) -> str:
    """The other language of the two (``vi`` ↔ ``en``)."""
    return next(x for x in LANGS if x != lang)


def counterpart(name: str, lang: str) -> str:
    """The file of the page ``name`` (Vietnamese form) in the other language than ``lang``."""
    return localized(name, other(lang))


def vietnamese(name: str, lang: str) -> str:
    """The Vietnamese (plain) form of ``name``, the file of the page in ``lang``:
    ``vietnamese("05_report.en.html", "en")`` → ``"05_report.html"`` (``localized``'s inverse)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {LANGS}")
    if lang == DEFAULT_LANG:
        return name
    head, dot, ext = name.rpartition(".")
    suffix = f".{lang}"
    if dot and head.endswith(suffix):
        return f"{head[: -len(suffix)]}.{ext}"
    if name.endswith(suffix):
        return name[: -len(suffix)]
    raise ValueError(f"{name!r} is not the {lang} form of a page name")
