"""Leak scanner: what a rendered page shows its reader that it should not, in its language.

In: a page's HTML, its language (``vi`` or ``en``), the unit ids of its dataset and the proper
names (unit names, regions) that may appear in either language. Out: ``scan(...)`` → the list of
``Leak(kind, text)`` found, empty for a clean page. Kinds:

- ``lang``: ``<html lang>`` is not the page's language;
- ``decimal_point`` (vi): a number written with a decimal point (``60.25``, ``0.04``); a dot between
  thousands (``1.234,5``), a code of several levels (``2.1.3``) and MoHA's numbering of a criterion
  named as one (``tiêu chí 2.1``) are not decimals (a table's code column is set in ``<code>``);
- ``identifier``: a snake_case or kebab-case code name (``not_applicable_as_zero``,
  ``rescale-absent-survey``); on an English page, hyphenated English (``one-stop``,
  ``like-for-like``) is not, unless it is one of the known ``codes``;
- ``unit_id``: a unit's id shown as text instead of its name (ids with a ``-``, ``_`` or digit:
  ``most`` or ``mof`` cannot be told from a word);
- ``english`` (vi): an English word of the stop-list; ``vietnamese`` (en): a Vietnamese function
  word outside the proper names;
- ``utc``: a time given in UTC (``UTC``, ``2026-12-02T06:13``); ``UTC+7`` beside Vietnam time is
  not.

What a reader sees is scanned: text, ``alt``, ``title`` and ``aria-label`` attributes, the
``<title>``; style sheets and scripts are not seen; text inside ``<code>`` (file names, hashes,
versions in the provenance footer) is exempt, and nothing else is. Text inside an element with its
own ``lang`` (``<span lang="vi">giải trình</span>`` on an English page: a unit's own words) is
checked as text of that language.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser

ENGLISH_STOP = frozenset(
    """
    the and or of is are was were be been for with from by at on as this that these those it its
    not yes true false none nan null inf which what where when than then also only each every
    index indexes rank ranks ranking score scores scored points point survey surveyed unit units
    block blocks view cross report reports data average mean median total totals ward wards
    commune communes department departments province provinces ministry ministries branch
    central method methods policy framework frameworks rescale rescaled absent applicable zero
    warning warnings error errors conflict conflicts says said published computed source sources
    note notes check checks passed failed self appraisal appraised official alternative
    alternatives area areas criterion criteria round rounds year years band bands rule rules
    match mismatch within rounding tolerance measure value values missing bonus penalty
    explanation explanations group groups kind kinds status click see page profile profiles
    trend trends change changes leader leaders best worst top bottom shift equal impute
    respondents staff citizens organisations maximum maxima deducted deduction deductions
    weight weights share shares like
    """.split()
)

VIETNAMESE_STOP = frozenset(
    """
    của các những được với trong này là cho đến theo nhưng hoặc thì nên đã sẽ bị khi tại về
    cũng hơn nhất chưa mỗi dưới điểm đơn vị tiêu chí lĩnh vực thẩm định xếp hạng chỉ số
    không phát sinh giải trình khối
    """.split()
)

# markers and names a Vietnamese page may carry as they are
ENGLISH_ALLOWED_ON_VI = frozenset({"SYNTHETIC"})

# hyphenated English (never code names) an English page may use
ENGLISH_COMPOUNDS = frozenset(
    """
    like-for-like self-assessed self-assessment self-scores self-scored not-arising
    straight-lining straight-liners straight-liner over-claim over-claimed over-claims
    year-on-year p-value cross-block ministry-level province-level commune-level re-scored
    re-scores e-government well-being two-thirds one-unit rank-interval comparable-maximum
    points-deducted co-operation socio-economic non-state state-owned sub-index sub-indexes
    sub-criterion sub-criteria respondent-level unit-specific criterion-level area-level
    """.split()
)

NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)+(?![\w])")
VI_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
CODE_CONTEXT = re.compile(r"(?:tiêu\s+chí|lĩnh\s+vực|criterion|area|TC|TCTP)\s*$", re.I)
SNAKE = re.compile(r"(?<![\w.\-/])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w\-])")
KEBAB = re.compile(r"(?<![\w.\-/])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w\-])")
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
UTC = re.compile(r"\bUTC\b(?!\s*\+\s*7)|\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class Leak:
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"


class _Reader(HTMLParser):
    """Collects the visible text by chunk (a table cell is one chunk), each with the language of
    the element it is in (``lang`` attributes: a ``<span lang="vi">`` on an English page is read
    as Vietnamese), and the ``<html lang>``."""

    HIDDEN = {"style", "script"}
    EXEMPT = {"code"}
    SHOWN_ATTRS = ("alt", "title", "aria-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.chunks: list[tuple[str | None, str]] = []
        self._hidden = 0
        self._exempt = 0
        self._langs: list[list] = []  # [tag, depth, lang] of the open elements that set a lang
        self._cell: list[str] | None = None

    def _current(self) -> str | None:
        return self._langs[-1][2] if self._langs else None  # None: the page's language

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html" and self.lang is None:
            self.lang = values.get("lang") or ""
        elif values.get("lang"):
            self._langs.append([tag, 0, values["lang"]])
        if self._langs and self._langs[-1][0] == tag:
            self._langs[-1][1] += 1
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag in self.EXEMPT:
            self._exempt += 1
        for name in self.SHOWN_ATTRS:
            if values.get(name) and not self._hidden:
                self.chunks.append((self._current(), str(values[name])))
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1
        if tag in self.EXEMPT and self._exempt:
            self._exempt -= 1
        if tag in ("td", "th") and self._cell is not None:
            self.chunks.append((self._current(), "".join(self._cell)))
            self._cell = None
        if self._langs and self._langs[-1][0] == tag:
            self._langs[-1][1] -= 1
            if self._langs[-1][1] <= 0:
                self._langs.pop()

    def handle_data(self, data: str) -> None:
        if self._hidden or self._exempt:
            return
        if self._cell is not None:
            self._cell.append(data)
        else:
            self.chunks.append((self._current(), data))


def visible_chunks(page: str) -> list[tuple[str | None, str]]:
    """The chunks of text a reader sees on ``page`` (code exempt), each with its language."""
    reader = _Reader()
    reader.feed(page)
    reader.close()
    return [(lang, c) for lang, c in reader.chunks if c.strip()]


def visible_text(page: str) -> list[str]:
    """The text a reader sees on ``page``, by chunk."""
    return [c for _, c in visible_chunks(page)]


def html_lang(page: str) -> str | None:
    reader = _Reader()
    reader.feed(page)
    return reader.lang


def _decimal_points(text: str) -> list[str]:
    found = []
    for m in NUMBER.finditer(text):
        token = m.group(0)
        if "." not in token or VI_NUMBER.fullmatch(token) or re.fullmatch(r"\d+(\.\d+){2,}", token):
            continue  # no decimal point, thousands in Vietnamese, or a code such as 2.1.3
        if CODE_CONTEXT.search(text[: m.start()]) and re.fullmatch(r"\d+(?:\.\d+)*", token):
            continue  # MoHA's numbering: "tiêu chí 2.1"
        found.append(token)
    return found


def _without(text: str, names: list[str]) -> str:
    for name in names:
        if name:
            text = text.replace(name, " ")
    return text


@functools.cache
def _id_pattern(ids: frozenset[str]) -> re.Pattern | None:
    """A unit id standing alone (not inside a path, a file name or a longer code); ``None``
    for no id."""
    if not ids:
        return None
    alternatives = "|".join(re.escape(u) for u in sorted(ids, key=len, reverse=True))
    return re.compile(rf"(?<![\w\-/.])(?:{alternatives})(?![\w\-/])")


def scan(
    page: str, lang: str, unit_ids: object = (), names: object = (), codes: object = ()
) -> list[Leak]:
    """The leaks of ``page`` (HTML) for a reader of ``lang``; ``unit_ids`` are the dataset's ids,
    ``names`` proper names that are not words of either language (unit names, regions),
    ``codes`` known code names (the declared alternatives: ``equal-areas``)."""
    known = {str(c) for c in codes}
    page_lang = lang
    leaks: list[Leak] = []
    found_lang = html_lang(page)
    if found_lang != lang:
        leaks.append(Leak("lang", f'<html lang="{found_lang}">, expected "{lang}"'))
    ordered_names = sorted({str(n) for n in names if str(n).strip()}, key=len, reverse=True)
    # an id without "-", "_" or a digit ("most", "mof") cannot be told from a word: left out
    ids = {str(u) for u in unit_ids if re.search(r"[-_\d]", str(u))}
    # one pattern for every id, longest first: a chunk it finds nothing in has no unit id (each
    # id's own match is one of its matches), so the ids are looked up one by one only where it hits
    any_id = _id_pattern(frozenset(ids))
    for chunk_lang, chunk in visible_chunks(page):
        text = " ".join(chunk.split())
        lang = chunk_lang if chunk_lang in ("vi", "en") else page_lang
        if lang == "vi":
            leaks += [
                Leak("decimal_point", f"{tok} in «{text[:120]}»") for tok in _decimal_points(text)
            ]
        for m in SNAKE.finditer(text):
            leaks.append(Leak("identifier", f"{m.group(0)} in «{text[:120]}»"))
        for m in KEBAB.finditer(text):
            token = m.group(0)
            if token in ids:
                continue  # reported as a unit id below
            if (
                lang == "en"
                and token not in known
                and (token in ENGLISH_COMPOUNDS or token.count("-") == 1)
            ):
                continue  # "one-stop", "law-making": English, unless a known code name
            leaks.append(Leak("identifier", f"{token} in «{text[:120]}»"))
        for uid in ids if any_id is not None and any_id.search(text) else ():
            if _id_pattern(frozenset([uid])).search(text):
                leaks.append(Leak("unit_id", f"{uid} in «{text[:120]}»"))
        for m in UTC.finditer(text):
            leaks.append(Leak("utc", f"{m.group(0)} in «{text[:120]}»"))
        # words of the names, and of the identifiers reported above, are not words of a language
        bare = KEBAB.sub(" ", SNAKE.sub(" ", _without(text, ordered_names)))
        words = WORD.findall(bare)
        if lang == "vi":
            for w in words:
                if w in ENGLISH_ALLOWED_ON_VI or not w.isascii():
                    continue
                if w.casefold() in ENGLISH_STOP:
                    leaks.append(Leak("english", f"{w} in «{text[:120]}»"))
        else:
            for w in words:
                if w.casefold() in VIETNAMESE_STOP and not w.isascii():
                    leaks.append(Leak("vietnamese", f"{w} in «{text[:120]}»"))
    return leaks
