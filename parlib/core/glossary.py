"""Glossary: the Ministry of Home Affairs' terms of the PAR Index (``glossary.csv``), one per concept.

In: ``glossary.csv`` (key, vi, en, definition_vi, definition_en, avoid_vi — the synonyms a
Vietnamese page must not use, ``;``-separated). Out: ``terms()`` (key → ``Term``), ``term(key,
lang)``, ``avoided(text)`` (the avoided synonyms a Vietnamese text uses, with the term to use
instead) and ``markdown()`` (the table in ``docs/methodology.md``). Every label in ``labels.csv``
uses these terms: the language tests fail on a label whose Vietnamese uses an avoided synonym
(``điểm tự chấm`` where the term is ``điểm tự đánh giá``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

COLUMNS = ("key", "vi", "en", "definition_vi", "definition_en", "avoid_vi")


@dataclass(frozen=True)
class Term:
    """One concept: its Vietnamese and English term, definitions, and the synonyms to avoid."""

    key: str
    vi: str
    en: str
    definition_vi: str
    definition_en: str
    avoid_vi: tuple[str, ...]

    def text(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


@lru_cache(maxsize=1)
def terms() -> dict[str, Term]:
    """Every term of ``glossary.csv`` by key (in the file's order)."""
    path = Path(__file__).with_name("glossary.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path.name}: columns {reader.fieldnames}, expected {COLUMNS}")
        out: dict[str, Term] = {}
        for row in reader:
            avoid = tuple(a.strip() for a in row["avoid_vi"].split(";") if a.strip())
            out[row["key"]] = Term(
                row["key"],
                row["vi"],
                row["en"],
                row["definition_vi"],
                row["definition_en"],
                avoid,
            )
        return out


def term(key: str, lang: str = "vi") -> str:
    """The term ``key`` in ``lang``; an unknown key is an error."""
    found = terms().get(key)
    if found is None:
        raise KeyError(f"no term {key!r} in glossary.csv")
    return found.text(lang)


def _phrase(words: str) -> re.Pattern[str]:
    """``words`` as whole words, any case, any run of spaces between them."""
    parts = [re.escape(w) for w in words.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _avoid_patterns() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    return tuple((_phrase(a), a, t.vi) for t in terms().values() for a in t.avoid_vi)


def avoided(text: str) -> list[tuple[str, str]]:
    """The avoided synonyms ``text`` (Vietnamese) uses, each with the term to use instead."""
    return [(word, use) for pattern, word, use in _avoid_patterns() if pattern.search(text)]


def markdown() -> str:
    """The glossary as a Markdown table (Vietnamese term, English term, meaning, not to be used)."""
    rows = [
        "| thuật ngữ | term | định nghĩa / definition | không dùng |",
        "|---|---|---|---|",
    ]
    for t in terms().values():
        avoid = ", ".join(f"~~{a}~~" for a in t.avoid_vi)
        rows.append(f"| {t.vi} | {t.en} | {t.definition_vi} *{t.definition_en}* | {avoid} |")
    return "\n".join(rows) + "\n"
