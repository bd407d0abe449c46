"""Labels and number formats for reports: one catalogue (``labels.csv``), Vietnamese first.

``t('rank', 'vi')`` → ``'Xếp hạng'``. Vietnamese readers expect a decimal comma and a dot between
thousands (``1.234,56``); English reports use ``1,234.56``.
"""

from __future__ import annotations

import csv
import datetime as _dt
import math
import re
from functools import lru_cache
from pathlib import Path

LANGS = ("vi", "en")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    path = Path(__file__).with_name("labels.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["key"]: {"vi": row["vi"], "en": row["en"]} for row in csv.DictReader(handle)}


def t(key: str, lang: str = "vi", **values: object) -> str:
    """The label ``key`` in ``lang``; unknown keys are an error (a typo must not reach a report)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {LANGS}")
    entry = catalogue().get(key)
    if entry is None:
        raise KeyError(f"no label {key!r} in labels.csv")
    text = entry[lang] or entry["en"]
    return text.format(**values) if values else text


def maybe(key: str, lang: str = "vi") -> str:
    """The label ``key`` if the catalogue has it, else ``key`` itself (for data values such as
    unit kinds, which may or may not have a translation)."""
    entry = catalogue().get(str(key))
    return (entry[lang] or entry["en"]) if entry else str(key)


def number(value: object, decimals: int = 2, lang: str = "vi") -> str:
    """``79.96`` → ``'79,96'`` (vi) or ``'79.96'`` (en); empty for missing values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return ""
    text = f"{x:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return text


def number_range(lo: object, hi: object, decimals: int = 2, lang: str = "vi") -> str:
    """``60.25``, ``65`` → ``'60,25–65,00'`` (vi) or ``'60.25–65.00'`` (en): both ends in the
    language's number format, an en dash between; one missing end gives ``'≥ 60,25'`` /
    ``'≤ 65,00'``, both missing ``''``."""
    low, high = number(lo, decimals, lang), number(hi, decimals, lang)
    if low and high:
        return f"{low}–{high}"
    if low:
        return f"≥ {low}"
    return f"≤ {high}" if high else ""


def plus_minus(value: object, err: object, decimals: int = 2, lang: str = "vi") -> str:
    """``30.47``, ``0.04`` → ``'30,47 (± 0,04)'`` (vi) or ``'30.47 (± 0.04)'`` (en): a value and
    its tolerance in the language's number format; without a tolerance, the value alone."""
    shown, margin = number(value, decimals, lang), number(err, decimals, lang)
    return f"{shown} (± {margin})" if margin else shown


_CODE_BEFORE = re.compile(r"(?:tiêu\s+chí|lĩnh\s+vực|criterion|area)\s*$", re.IGNORECASE)
_DECIMAL = re.compile(r"(?<![\w.,])(-?\d+)\.(\d+)(?![\w.,]|\.\d)")


def decimal_commas(text: object, lang: str = "vi") -> str:
    """Free text (a validation message's value, what was expected) with every plain decimal
    number in the language's format: ``'tổng 38.5 (± 0.04)'`` → ``'tổng 38,5 (± 0,04)'`` in
    Vietnamese; dotted codes (``2.1.3``, ``tiêu chí 2.1``) and English text are left as they
    are."""
    text = "" if text is None else str(text)
    if lang != "vi":
        return text

    def comma(m: re.Match[str]) -> str:
        if _CODE_BEFORE.search(text[: m.start()]):
            return m.group(0)  # MoHA's numbering of a criterion: "tiêu chí 2.1"
        return f"{m.group(1)},{m.group(2)}"

    return _DECIMAL.sub(comma, text)


def code_name(code: object, lang: str = "vi") -> str:
    """A code name shown to a reader (a method, a policy, a unit kind, a check, a measure): its
    label when the catalogue has one, else the code with ``_`` and ``-`` as spaces, so that no
    identifier reaches a page (``'rescale-absent-survey'`` → its label, or ``'rescale absent
    survey'``)."""
    text = str(code)
    entry = catalogue().get(text)
    if entry:
        return entry[lang] or entry["en"]
    return re.sub(r"[_-]+", " ", text).strip()


VIETNAM_TIME = _dt.timezone(_dt.timedelta(hours=7))  # Indochina Time, no daylight saving
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def local_time(iso_utc: str, lang: str = "vi") -> str:
    """A recorded time (ISO 8601, UTC, as ``run.json`` keeps it) as a reader in Vietnam reads it:
    ``'2026-12-02T06:05:33+00:00'`` → ``'02/12/2026 13:05 (giờ Việt Nam)'`` (vi) or
    ``'2 Dec 2026 13:05 (Vietnam time, UTC+7)'`` (en). A time without an offset is taken as UTC;
    empty or unreadable text is returned as it is."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {LANGS}")
    text = str(iso_utc or "").strip()
    try:
        when = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    at = when.astimezone(VIETNAM_TIME)
    if lang == "vi":
        return f"{at:%d/%m/%Y %H:%M} (giờ Việt Nam)"
    return f"{at.day} {_MONTHS_EN[at.month - 1]} {at.year} {at:%H:%M} (Vietnam time, UTC+7)"
