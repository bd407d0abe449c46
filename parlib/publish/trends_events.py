"""The trends page's marks for what cuts a block's series: methodology changes and lineage events.

In: ``trends.methodology_changes`` (consecutive years under different decisions) and
``History.breaks()`` (``breaks.EVENT_COLUMNS``: one row per lineage event with its sentences), the
block's history rows and the units registry. Out: where a chart draws each mark (a change half-way
between its years, an event at its date as a decimal year) with its label, the sentences of the
changes, the events of a block, and the table of breaks: each event's sentence (Vietnamese first)
with the predecessors' last figures before it — the comparison across a break is each
predecessor's own series, never a merged index unless ``lineage_method`` is declared.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd

from parlib.history import breaks
from parlib.publish.markup import Column
from parlib.publish.trends_labels import label, num

DECISION = re.compile(r"^(.*?)\s*\(")


def short_decision(decision: str) -> str:
    """``QĐ 2948/QĐ-BNV (28/12/2017)`` → ``QĐ 2948/QĐ-BNV`` (for a label on a chart)."""
    match = DECISION.match(decision or "")
    return match.group(1) if match else (decision or "")


def method_marks(changes: list[tuple[int, int, str, str]]) -> pd.DataFrame:
    """Where a chart marks each methodology change: half-way between the two years."""
    rows = [
        {"x": (a + b) / 2, "year": b, "label": short_decision(after), "before": before}
        for a, b, before, after in changes
    ]
    return pd.DataFrame(rows, columns=["x", "year", "label", "before"])


def method_sentences(changes: list[tuple[int, int, str, str]], lang: str) -> list[str]:
    """One sentence per methodology change (or one saying there is none)."""
    if not changes:
        return [label("no_method_change", lang)]
    return [
        label("method_change_sentence", lang, a=a, b=b, before=before, after=after)
        for a, b, before, after in changes
    ]


def block_events(
    found: pd.DataFrame, block: str, units: pd.DataFrame | None, kinds: set[str]
) -> pd.DataFrame:
    """The lineage events of the block: those ``History.breaks()`` placed in it, and those it
    could not place (predecessors without results) whose unit is of one of the block's kinds."""
    if found.empty:
        return found
    mine = found["block"] == block
    if units is not None and kinds and "kind" in units.columns:
        kind_of = dict(zip(units["unit_id"], units["kind"]))
        unplaced = (found["block"] == "") & found["unit_id"].map(kind_of).isin(kinds)
        mine = mine | unplaced
    return found[mine].reset_index(drop=True)


def decimal_year(day: str, year: int) -> float:
    """``2025-07-01`` → 2025.5 (a year's results are drawn at the year; an event at its date)."""
    if len(day or "") != 10:
        return float(year)
    when = date.fromisoformat(day)
    start = date(when.year, 1, 1)
    length = (date(when.year + 1, 1, 1) - start).days
    return when.year + (when - start).days / length


def _valid(units: pd.DataFrame, kinds: set[str], day: str) -> int:
    """How many units of ``kinds`` the registry has valid on ``day`` (ISO)."""
    mine = units[units["kind"].isin(kinds)]
    start = mine.get("valid_from", pd.Series("", index=mine.index)).fillna("").astype(str)
    end = mine.get("valid_to", pd.Series("", index=mine.index)).fillna("").astype(str)
    start = start.map(lambda s: f"{s}-01-01" if len(s) == 4 else s)
    end = end.map(lambda s: f"{s}-12-31" if len(s) == 4 else s)
    valid = ((start == "") | (start <= day)) & ((end == "") | (end >= day))
    return int(valid.sum())


def event_marks(
    events: pd.DataFrame,
    lang: str,
    units: pd.DataFrame | None = None,
    kinds: set[str] = frozenset(),
) -> pd.DataFrame:
    """One mark per event date: its x, a label (the date, the kinds of event and how many) and,
    with the registry, how many units of the block were valid the day before and on the day."""
    names = breaks.EVENT_VI if lang == "vi" else breaks.EVENT_EN
    rows = []
    for (day, year), g in events.groupby(["date", "year"], sort=True):
        counts = g["event"].value_counts()
        what = ", ".join(f"{names.get(e, e)} ({n})" for e, n in counts.items())
        shown = breaks._day(day, int(year))
        before = after = None
        if units is not None and kinds and len(day) == 10:
            eve = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
            before, after = _valid(units, kinds, eve), _valid(units, kinds, day)
        rows.append(
            {
                "x": decimal_year(day, int(year)),
                "date": shown,
                "year": int(year),
                "label": f"{shown}: {what}",
                "before": before,
                "after": after,
            }
        )
    return pd.DataFrame(rows, columns=["x", "date", "year", "label", "before", "after"])


def break_table(events: pd.DataFrame, rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per event: its date, unit, kind, predecessors and the sentence on how the series
    compares (``History.breaks()``'s, Vietnamese first), followed by the predecessors' last
    figures before the date (decimal commas on Vietnamese pages)."""
    names = breaks.EVENT_VI if lang == "vi" else breaks.EVENT_EN
    out = []
    for e in events.itertuples(index=False):
        parts = []
        ids = e.predecessor_ids.split(";")
        given = e.predecessors.split(", ")  # names may hold ", ": then the history's names
        for i, pid in enumerate(ids):
            own = rows[(rows["unit_id"] == pid) & (rows["year"] < e.year)]
            pname = given[i] if len(given) == len(ids) else pid
            if len(own) and len(given) != len(ids):
                pname = str(own["unit_name"].iloc[-1])
            if own.empty:
                parts.append(label("no_figure", lang, name=pname))
                continue
            last = own.sort_values("year").iloc[-1]
            parts.append(
                label(
                    "last_figure",
                    lang,
                    name=pname,
                    year=int(last["year"]),
                    value=num(last["index_pct"], lang),
                )
            )
        compare = label("break_compare", lang, parts="; ".join(parts))
        sentence = e.sentence_vi if lang == "vi" else (e.sentence_en or e.sentence_vi)
        out.append(
            {
                "date": breaks._day(e.date, int(e.year)),
                "unit_name": e.unit_name,
                "event": names.get(e.event, e.event),
                "predecessors": e.predecessors,
                "sentence": f"{sentence} {compare}",
            }
        )
    return pd.DataFrame(out, columns=["date", "unit_name", "event", "predecessors", "sentence"])


def break_columns(lang: str) -> list[Column]:
    """The columns of ``break_table`` with the page's headers."""
    keys = {
        "date": "col_date",
        "unit_name": "col_unit",
        "event": "col_event",
        "predecessors": "col_predecessors",
        "sentence": "col_sentence",
    }
    return [Column(c, label(k, lang)) for c, k in keys.items()]


def unit_change_sentence(mark: pd.Series, lang: str) -> str:
    """How many units the block had the day before an event date and on it ("" unknown)."""
    if mark["before"] is None or pd.isna(mark["before"]) or mark["before"] == mark["after"]:
        return ""
    return label(
        "units_change", lang, before=int(mark["before"]), after=int(mark["after"]), day=mark["date"]
    )
