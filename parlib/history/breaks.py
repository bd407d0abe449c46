"""Series breaks and national trends: where a lineage event (a merger, a split, a rename, a change
of status) cuts a unit's series, what a comparison across it means, and each block's trend across
the years.

In: the declared ``Lineage`` (``parlib.history.lineage``), the stacked history
(``trends.HISTORY_COLUMNS``), the published national results and the dataset's config. Out: plain
tables — ``events`` (one row per event: the unit after it, its predecessors, the kind, the date and
a sentence in Vietnamese and English on how the series compares), the events between two years, a
unit's breaks, and ``national_trend`` (per block and year: units, the top and the bottom unit by
name, the published national average, the methodology and whether a series break or a methodology
change separates the year from the one before).

Rule (issue #12): no merged index is computed across an event. Each predecessor keeps its own series
under its own name; a merged index is shown only when the dataset declares ``lineage_method`` in
``dataset.toml``, and is then labelled with that method. The key is read here from the raw TOML when
the typed config does not carry it yet (the model helper owns the schema).
"""

from __future__ import annotations

import tomllib

import pandas as pd

from parlib.config.dataset import DatasetConfig
from parlib.history import trends
from parlib.history.lineage import Lineage

EVENT_COLUMNS = [
    "unit_id",
    "unit_name",
    "event",
    "date",
    "year",
    "block",
    "predecessor_ids",
    "predecessors",
    "sentence_vi",
    "sentence_en",
]
TREND_COLUMNS = [
    "block",
    "year",
    "n_units",
    "top_unit",
    "top_index",
    "bottom_unit",
    "bottom_index",
    "national_average",
    "methodology",
    "methodology_changed",
    "series_break",
    "break_note",
]
EVENT_VI = {
    "merge": "hợp nhất",
    "split": "chia tách",
    "rename": "đổi tên",
    "status_change": "thay đổi vị thế",
    "create": "thành lập",
    "abolish": "giải thể",
}
EVENT_EN = {
    "merge": "merger",
    "split": "split",
    "rename": "rename",
    "status_change": "change of status",
    "create": "creation",
    "abolish": "abolition",
}
AVERAGE_OF_KIND = {"province": "province_average", "ministry": "ministry_average"}


def lineage_method(cfg: DatasetConfig) -> str | None:
    """The declared method of a merged index (``lineage_method`` in dataset.toml), or None.

    Read from the typed config when it has the key, otherwise from the raw TOML (a string, or a
    table whose ``label_vi``/``label``/``id`` names the method). None when not declared."""
    declared = getattr(cfg, "lineage_method", None)
    if declared is None:
        try:
            with open(cfg.folder / "dataset.toml", "rb") as handle:
                declared = tomllib.load(handle).get("lineage_method")
        except (OSError, tomllib.TOMLDecodeError):
            return None
    if isinstance(declared, dict):
        declared = declared.get("label_vi") or declared.get("label") or declared.get("id")
    return str(declared) if declared else None


def _day(date: str, year: int) -> str:
    """``2025-07-01`` as ``01/07/2025`` (a year alone as the year)."""
    if len(date) == 10:
        return f"{date[8:10]}/{date[5:7]}/{date[:4]}"
    return date or str(year)


def sentences(
    name: str, event: str, date: str, year: int, names: list[str], method: str | None
) -> tuple[str, str]:
    """How a series compares across one event, in Vietnamese and English."""
    day = _day(date, year)
    before = ", ".join(names)
    vi = f"Ngắt chuỗi số liệu: từ {day}, {name} ({EVENT_VI.get(event, event)}; trước đó: {before})."
    en = f"Series break: from {day}, {name} ({EVENT_EN.get(event, event)}; before: {before})."
    if method:
        vi += f" Chỉ số gộp của các năm trước tính theo phương pháp đã khai báo: {method}."
        en += f" The earlier years' merged index follows the declared method: {method}."
    elif len(names) > 1:
        vi += (
            " Các năm trước được so sánh theo chuỗi riêng của từng đơn vị cũ;"
            " không tính chỉ số gộp (chưa khai báo phương pháp)."
        )
        en += (
            " Earlier years are compared through each predecessor's own series;"
            " no merged index is computed (no method is declared)."
        )
    else:
        vi += " Các năm trước là chuỗi của đơn vị cũ, mang tên cũ; so sánh qua mốc này là không liên tục."
        en += (
            " Earlier years are the predecessor's series under its former name; a comparison across"
            " this date is not continuous."
        )
    return vi, en


def events(
    lineage: Lineage | None, hist: pd.DataFrame | None = None, method: str | None = None
) -> pd.DataFrame:
    """One row per lineage event (``EVENT_COLUMNS``), oldest first. ``block``: the predecessors'
    block in the history (empty when they have no results)."""
    if lineage is None or lineage.table.empty:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    table = lineage.table.copy()
    for col, default in (("event", "merge"), ("date", "")):
        if col not in table.columns:
            table[col] = default
    block_of = {}
    if hist is not None and len(hist) and "block" in hist.columns:
        block_of = hist.sort_values("year").groupby("unit_id")["block"].last().to_dict()
    rows = []
    for (unit, event, date), g in table.groupby(["unit_id", "event", "date"], sort=False):
        year = int(date[:4]) if date else int(g["from_year"].iloc[0])
        ids = list(g["predecessor_id"])
        names = list(g["predecessor_name"])
        name = str(g["unit_name"].iloc[0])
        vi, en = sentences(name, event, date, year, names, method)
        blocks = {block_of[i] for i in ids if i in block_of}
        rows.append(
            {
                "unit_id": unit,
                "unit_name": name,
                "event": event,
                "date": date,
                "year": year,
                "block": blocks.pop() if len(blocks) == 1 else "",
                "predecessor_ids": ";".join(ids),
                "predecessors": ", ".join(names),
                "sentence_vi": vi,
                "sentence_en": en,
            }
        )
    out = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    return out.sort_values(["year", "date", "unit_id"], ignore_index=True)


def between(found: pd.DataFrame, year_a: int, year_b: int) -> pd.DataFrame:
    """The events that separate the results of ``year_a`` from those of ``year_b`` (in force in a
    year after the earlier and not after the later)."""
    low, high = sorted((int(year_a), int(year_b)))
    return found[(found["year"] > low) & (found["year"] <= high)].reset_index(drop=True)


def unit_breaks(found: pd.DataFrame, unit_id: str) -> pd.DataFrame:
    """The events a unit's series goes through: as the unit after it, or as a predecessor."""
    own = found["unit_id"] == unit_id
    before = found["predecessor_ids"].str.split(";").apply(lambda ids: unit_id in ids)
    return found[own | before].reset_index(drop=True)


def _average(national: pd.DataFrame | None, year: int, kinds: set[str]) -> float:
    """The published national average of the year for the block's kind of unit (NaN if none)."""
    if national is None or len(national) == 0:
        return float("nan")
    types = {AVERAGE_OF_KIND[k] for k in kinds if k in AVERAGE_OF_KIND}
    if len(types) != 1:
        return float("nan")
    rows = national[(national["year"] == year) & (national["unit_type"] == types.pop())]
    values = rows["index_pct"].dropna()
    return float(values.iloc[0]) if len(values) else float("nan")


def _kinds(cfg: DatasetConfig, year: int, block: str) -> set[str]:
    if year not in cfg.years:
        return set()
    return {k for b in cfg.year(year).blocks if b.id == block for k in b.kinds}


def national_trend(
    cfg: DatasetConfig,
    hist: pd.DataFrame,
    national: pd.DataFrame | None = None,
    found: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each block's trend across its years (``TREND_COLUMNS``): units with an index, the top and
    bottom unit by name, the published national average, the methodology, and whether the year is
    separated from the block's previous year by a methodology change or a series break (the
    events' sentences in ``break_note``). The units are those of the history (for published-only
    years, those whose index was published: not necessarily every unit of the block)."""
    rows = []
    if hist.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    blocks = hist["block"] if "block" in hist.columns else pd.Series("all", index=hist.index)
    frame = hist.assign(block=blocks)
    frame = frame[frame["index_pct"].notna()]
    for block, g in frame.groupby("block", sort=True):
        previous = None
        for year, y in g.groupby("year", sort=True):
            ranked = y.sort_values(["index_pct", "unit_name"], ascending=[False, True])
            top, bottom = ranked.iloc[0], ranked.iloc[-1]
            changed = previous is not None and trends.methodology_changed(
                cfg, previous, int(year), block
            )
            cut = pd.DataFrame(columns=EVENT_COLUMNS)
            if previous is not None and found is not None and len(found):
                cut = between(found, previous, int(year))
                cut = cut[cut["block"].isin([block, ""])]
            rows.append(
                {
                    "block": block,
                    "year": int(year),
                    "n_units": len(y),
                    "top_unit": top["unit_name"],
                    "top_index": float(top["index_pct"]),
                    "bottom_unit": bottom["unit_name"],
                    "bottom_index": float(bottom["index_pct"]),
                    "national_average": _average(national, int(year), _kinds(cfg, year, block)),
                    "methodology": trends.year_methodology(cfg, int(year), block),
                    "methodology_changed": bool(changed),
                    "series_break": bool(len(cut)),
                    "break_note": " ".join(cut["sentence_vi"]),
                }
            )
            previous = int(year)
    return pd.DataFrame(rows, columns=TREND_COLUMNS)
