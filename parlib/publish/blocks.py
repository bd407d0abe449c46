"""Blocks (khối) and components as the reports read them: the results' ``blocks`` and
``components`` tables, or what they are for results written before there were blocks.

In: a dataset-year's ``unit_index`` and, when the score step saved them, its ``blocks`` and
``components`` tables (issue #12 contract §6). Out: the same tables completed defensively — a
``unit_index`` without ``block`` is one block ``all`` (every unit, ranks as they are), a year
without ``components`` has the appraisal and the survey (``LEGACY_COMPONENTS``), a unit without
``self_known`` had its self-assessment known — and the questions the pages ask of them: which
blocks, in which order; a block's units in rank order; its parts; whether its self-assessment is
known; whether the year is published results only; the movers within a block.

Nothing here ranks across blocks except ``cross_block``, whose table the pages show only under a
heading that says it is the cross-block view.
"""

from __future__ import annotations

import pandas as pd

from parlib.config.model import ALL_UNITS_ID, LEGACY_COMPONENTS, all_units
from parlib.core.labels import t
from parlib.score import blocks as score_blocks
from parlib.score.arithmetic import rank_desc

# the shape of the score step's components table (results saved before it lack it)
COMPONENT_COLUMNS = score_blocks.COMPONENT_COLUMNS
_ALL = all_units(None)


def _present(frame: pd.DataFrame | None) -> bool:
    return frame is not None and len(frame.columns) > 0


def with_blocks(unit_index: pd.DataFrame, blocks: pd.DataFrame | None = None) -> pd.DataFrame:
    """``unit_index`` with ``block``, ``block_name_vi``, ``block_name_en``, ``rank_all``,
    ``rank_all_of``, ``self_known``, ``band`` and ``source`` always present (defaults: one block
    ``all``, the ranks as they are, self-assessment known, no band, figures computed)."""
    out = unit_index.copy()
    if "block" not in out.columns:
        out["block"] = ALL_UNITS_ID
    out["block"] = out["block"].fillna("").astype(str).replace("", ALL_UNITS_ID)
    names = {}
    if _present(blocks) and "block" in blocks.columns:
        names = blocks.set_index(blocks["block"].astype(str))[["name_vi", "name_en"]].to_dict(
            "index"
        )
    for lang, default in (("vi", _ALL.name_vi), ("en", _ALL.name_en)):
        col = f"block_name_{lang}"
        known = out["block"].map(lambda b, lang=lang: names.get(b, {}).get(f"name_{lang}"))
        if col not in out.columns:
            out[col] = known
        out[col] = out[col].where(out[col].notna() & (out[col].astype(str) != ""), known)
        fallback = out["block"].where(out["block"] != ALL_UNITS_ID, default)
        out[col] = out[col].fillna(fallback).astype(str)
    if "rank_all" not in out.columns:
        out["rank_all"] = out["rank"] if out["block"].nunique() <= 1 else pd.NA
    if "rank_all_of" not in out.columns:
        out["rank_all_of"] = len(out)
    if "self_known" not in out.columns:
        out["self_known"] = True
    out["self_known"] = out["self_known"].map(_truth)
    if "band" not in out.columns:
        out["band"] = ""  # a year without bands
    if "source" not in out.columns:
        out["source"] = "computed"
    out["source"] = out["source"].fillna("computed").astype(str).replace("", "computed")
    return out


def _truth(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value) if pd.notna(value) else False


def block_order(unit_index: pd.DataFrame, blocks: pd.DataFrame | None = None) -> pd.DataFrame:
    """The year's blocks in their declared order (the ``blocks`` table's, else first seen), with
    ``block, name_vi, name_en, n_units, published_only``; only blocks that hold units."""
    ui = with_blocks(unit_index, blocks)
    seen = list(dict.fromkeys(ui["block"]))
    if _present(blocks) and "block" in blocks.columns:
        declared = [b for b in blocks["block"].astype(str) if b in seen]
        seen = declared + [b for b in seen if b not in declared]
    rows = []
    for block in seen:
        mine = ui[ui["block"] == block]
        rows.append(
            {
                "block": block,
                "name_vi": mine["block_name_vi"].iloc[0],
                "name_en": mine["block_name_en"].iloc[0],
                "n_units": len(mine),
                "published_only": bool((mine["source"] == "published").all()),
            }
        )
    return pd.DataFrame(rows, columns=["block", "name_vi", "name_en", "n_units", "published_only"])


def is_split(order: pd.DataFrame) -> bool:
    """Whether the year has blocks worth naming: more than one, or one that is not ``all``."""
    return len(order) > 1 or (len(order) == 1 and order["block"].iloc[0] != ALL_UNITS_ID)


def block_title(name_vi: str, name_en: str, lang: str = "vi") -> str:
    """A block's heading in the page's language: the Vietnamese name on a Vietnamese page (no
    English word there), the English one on an English page (the Vietnamese where none is given)."""
    return (name_en or name_vi) if lang == "en" else name_vi


def members(unit_index: pd.DataFrame, block: str) -> pd.DataFrame:
    """A block's units in rank order (``with_blocks`` applied first)."""
    mine = unit_index[unit_index["block"] == block]
    return mine.sort_values("rank", kind="stable", na_position="last", ignore_index=True)


def legacy_components(block: str = ALL_UNITS_ID) -> pd.DataFrame:
    """The ``components`` rows of a framework that declares none: appraisal + survey."""
    return score_blocks.components_frame((block, c) for c in LEGACY_COMPONENTS)


def block_components(
    components: pd.DataFrame | None, block: str, unit_index: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A block's parts in declared order (the legacy two when the results have no components
    table). With ``unit_index``, parts whose points column it lacks are left out (a page shows
    no column of nothing)."""
    if _present(components) and "block" in components.columns:
        mine = components[components["block"].astype(str) == block]
        if mine.empty and block == ALL_UNITS_ID:
            mine = components.drop_duplicates("component")
    else:
        mine = legacy_components(block)
    mine = mine.reindex(columns=COMPONENT_COLUMNS).reset_index(drop=True)
    if unit_index is not None:
        mine = mine[mine["points_column"].isin(unit_index.columns)].reset_index(drop=True)
    return mine


def self_known(frame: pd.DataFrame) -> bool:
    """Whether self-assessment is known for every unit of ``frame`` (``with_blocks`` applied)."""
    if frame.empty:
        return False
    known = frame["self_known"] if "self_known" in frame.columns else pd.Series(True, frame.index)
    return bool(known.all()) and "self_points" in frame.columns


def published_only(unit_index: pd.DataFrame, area_index: pd.DataFrame | None = None) -> bool:
    """A year of published results only: every figure as printed, no criteria scored."""
    ui = with_blocks(unit_index)
    printed = len(ui) > 0 and bool((ui["source"] == "published").all())
    return printed or (area_index is not None and area_index.empty and len(ui) > 0)


def cross_block(unit_index: pd.DataFrame) -> pd.DataFrame:
    """Every unit in the cross-block order (``rank_all``; by index when absent), with its block's
    name: only for a section labelled as the cross-block view."""
    ui = unit_index.copy()
    if ui["rank_all"].isna().all():
        ui["rank_all"] = ui["index_pct"].rank(method="min", ascending=False)
    ui["rank_all"] = pd.to_numeric(ui["rank_all"], errors="coerce").astype("Int64")
    return ui.sort_values(["rank_all", "unit_name", "unit_id"], ignore_index=True)


def block_movers(
    current: pd.DataFrame, previous: pd.DataFrame | None, broken: set | frozenset = frozenset()
) -> pd.DataFrame | None:
    """Rank and index change since the previous year of a block's units (``current``: one block,
    ``with_blocks`` applied), biggest rank change first; None when the previous year has no
    results. When the previous year names blocks, only the units that were in the same block are
    compared, on their rank there; when it has none (one ranking of every unit), the block's
    units are ranked among themselves on the previous year's index, so both ranks are within the
    same units. ``broken``: units whose series breaks between the two years (a lineage event):
    not movers."""
    if previous is None:
        return None
    current = current[~current["unit_id"].isin(broken)]
    block = current["block"].iloc[0]
    before = previous.copy()
    named_blocks = "block" in before.columns and before["block"].fillna("").ne("").any()
    if block != ALL_UNITS_ID and named_blocks:
        before["block"] = before["block"].fillna("").astype(str).replace("", ALL_UNITS_ID)
        before = before[before["block"] == block]
    elif block != ALL_UNITS_ID:
        before = before[before["unit_id"].isin(set(current["unit_id"]))].copy()
        before["rank"] = rank_desc(before["index_pct"])
    both = current[["unit_id", "unit_name", "index_pct", "rank"]].merge(
        before[["unit_id", "index_pct", "rank"]],
        on="unit_id",
        suffixes=("", "_previous"),
        how="inner",
    )
    both["index_change"] = (both["index_pct"] - both["index_pct_previous"]).round(6)
    rank_now = pd.to_numeric(both["rank"], errors="coerce").astype("Int64")
    rank_then = pd.to_numeric(both["rank_previous"], errors="coerce").astype("Int64")
    both["rank_change"] = rank_then - rank_now
    both["_abs"] = both["rank_change"].abs()
    out = both.sort_values(
        ["_abs", "index_change", "unit_id"], ascending=[False, False, True], ignore_index=True
    )
    return out.drop(columns="_abs")


def series_breaks(past, lang: str) -> tuple[set, list[str]]:
    """The units whose series breaks between the previous year and this one (a merger, a split,
    a rename: the history step's lineage events) and the sentences saying how they compare; none
    when the history has no such view."""
    view = getattr(past, "breaks_since_previous", None)
    events = view() if callable(view) else None
    if events is None or len(events) == 0:
        return set(), []
    ids = set(events["unit_id"].astype(str))
    if "predecessor_ids" in events.columns:
        for found in events["predecessor_ids"].fillna("").astype(str):
            ids |= {u for u in found.split(";") if u}
    column = f"sentence_{lang}"
    said = list(dict.fromkeys(events[column].dropna().astype(str))) if column in events else []
    return ids, [x for x in said if x]


def unit_names(unit_index: pd.DataFrame, units: pd.DataFrame | None = None) -> dict[str, str]:
    """Unit id → name, from the results and the registry (the results' name wins)."""
    names: dict[str, str] = {}
    for frame in (units, unit_index):
        if frame is not None and {"unit_id", "unit_name"} <= set(frame.columns):
            for uid, name in zip(frame["unit_id"].astype(str), frame["unit_name"]):
                if isinstance(name, str) and name.strip():
                    names[uid] = name
    return names


def named(frame: pd.DataFrame, names: dict[str, str], column: str = "unit_id") -> pd.DataFrame:
    """``frame`` with ``unit_name`` set from ``names`` (the id itself where no name exists), so a
    page shows the name; the id stays in ``column`` for downloads."""
    if column not in frame.columns:
        return frame.assign(unit_name=frame.get("unit_name", ""))
    ids = frame[column].fillna("").astype(str)
    return frame.assign(unit_name=ids.map(lambda u: names.get(u, u)))


def methodology(year_cfg, lang: str) -> str:
    """The decisions a year's frameworks follow, or that it has published results only."""
    text = getattr(year_cfg, "methodology", "")
    if text:
        return text
    if year_cfg.framework is not None:
        return year_cfg.framework.decision
    return t("published_results_only", lang)
