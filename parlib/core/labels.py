"""Labels and number formats for reports: one catalogue (``labels.csv``), Vietnamese first.

``t('rank', 'vi')`` → ``'Xếp hạng'``. Vietnamese readers expect a decimal comma and a dot between
thousands (``1.234,56``); English reports use ``1,234.56``.
"""

from __future__ import annotations

import csv
import datetime as _dt
import math
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
