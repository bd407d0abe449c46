"""Layouts: which columns each published table shows, in which order, with which label and number
format (``Column`` specs used by ``markup.html_table``). Code names are never shown as they are:
values that are codes are ``label`` columns (translated), file names and criterion codes ``code``
columns (set in ``<code>``); notes are shown in the page's language (``conflict_columns``).
"""

from __future__ import annotations

import pandas as pd

from parlib.core.labels import t
from parlib.publish.markup import Column

RANKING_COLUMNS = [
    Column("rank", kind="int"),
    Column("unit_name", "unit"),
    Column("kind", kind="label"),
    Column("index_pct", kind="num"),
    Column("band", kind="band"),
    Column("achieved_points", kind="num"),
    Column("max_points", kind="num"),
    Column("self_points", kind="num"),
    Column("appraised_points", kind="num"),
    Column("survey_points", kind="num"),
    Column("points_deducted", kind="num"),
]


RECON_COLUMNS = [
    Column("unit_name", "unit"),
    Column("measure", kind="label"),
    Column("computed", kind="num"),
    Column("published", kind="num"),
    Column("difference", kind="num"),
    Column("tolerance", kind="num", decimals=3),
    Column("status", kind="label"),
    Column("published_used", kind="bool"),
]


PROBLEM_COLUMNS = [
    Column("severity", kind="severity"),
    Column("file", kind="code"),
    Column("row", kind="int"),
    Column("unit_name", "unit"),
    Column("criterion", kind="code"),
    Column("value"),
    Column("expected"),
    Column("message"),
]


CORRECTION_COLUMNS = [
    Column("table", kind="label"),
    Column("file", kind="code"),
    Column("row", kind="int"),
    Column("unit_name", "unit"),
    Column("criterion", kind="code"),
    Column("column", kind="code"),
    Column("old_value"),
    Column("new_value"),
    Column("source", kind="vi"),
    Column("reason", kind="vi"),
]


SUITE_COLUMNS = [
    Column("suite", kind="label"),
    Column("file", kind="code"),
    Column("evaluated", kind="int"),
    Column("failed_critical", kind="int"),
    Column("failed_warning", kind="int"),
]


def area_columns(area_index: pd.DataFrame) -> list[Column]:
    areas = sorted(
        area_index["area"].astype(str).unique(), key=lambda c: [int(x) for x in c.split(".")]
    )
    # area codes are not catalogue keys, so the header shows the code itself
    return [Column("unit_name", "unit")] + [Column(a, kind="num", decimals=1) for a in areas]


DEDUCTED_COLUMNS = [
    Column("area"),
    Column("name"),
    Column("self_points", kind="num"),
    Column("appraised_points", kind="num"),
    Column("points_deducted", kind="num"),
]


RANKING_LINK_COLUMNS = [
    Column("unit_name", "unit", link="profile_href") if c.name == "unit_name" else c
    for c in RANKING_COLUMNS
]


MOVER_COLUMNS = [
    Column("unit_name", "unit"),
    Column("rank_previous", kind="int"),
    Column("rank", kind="int"),
    Column("rank_change", kind="int"),
    Column("index_pct_previous", kind="num"),
    Column("index_pct", kind="num"),
    Column("index_change", kind="num"),
]


HISTORY_COLUMNS = [
    Column("year", kind="int"),
    Column("line", "unit"),
    Column("index_pct", kind="num"),
    Column("rank", kind="int"),
    Column("rank_of", kind="int"),
    Column("source", kind="label"),
]


LINEAGE_COLUMNS = [
    Column("unit_name", "unit"),
    Column("from_year", kind="int"),
    Column("predecessors"),
]


BENCHMARK_COLUMNS = [
    Column("year", kind="int"),
    Column("index_pct", kind="num"),
    Column("rank", kind="int"),
    Column("national_average", kind="num"),
    Column("region_average", kind="num"),
    Column("top_unit"),
    Column("top_index", kind="num"),
]


CONFLICT_COLUMNS = [
    Column("year", kind="int"),
    Column("unit_name", "unit", kind="label"),  # a unit's name, or an average's label key
    Column("kind", kind="label"),
    Column("detail"),
    Column("source_url", kind="code"),
]


def conflict_columns(lang: str) -> list[Column]:
    """``CONFLICT_COLUMNS`` for a page in ``lang``: the detail in the page's language
    (``detail_vi``, from the data's ``note_vi``, on a Vietnamese page)."""
    detail = "detail_vi" if lang == "vi" else "detail"
    return [Column(detail, "detail") if c.name == "detail" else c for c in CONFLICT_COLUMNS]


AREA_PROFILE_COLUMNS = [
    Column("area"),
    Column("name"),
    Column("index_pct", kind="num"),
    Column("average", kind="num"),
    Column("best", kind="num"),
    Column("points_deducted", kind="num"),
]


CRITERIA_PROFILE_COLUMNS = [
    Column("code", "criterion", kind="code"),
    Column("name"),
    Column("index_pct", kind="num"),
    Column("achieved_points", kind="num"),
    Column("max_points", kind="num"),
    Column("points_lost", kind="num"),
]


DEDUCTION_PROFILE_COLUMNS = [
    Column("code", "criterion", kind="code"),
    Column("name"),
    Column("self_points", kind="num"),
    Column("appraised_points", kind="num"),
    Column("points_deducted", kind="num"),
]


COMPARISON_COLUMNS = [
    Column("who", "unit"),
    Column("index_pct", kind="num"),
    Column("achieved_points", kind="num"),
    Column("max_points", kind="num"),
    Column("points_deducted", kind="num"),
]


FIGURE_COLUMNS = [Column("figure_item"), Column("value")]


def wide_columns(wide: pd.DataFrame, lang: str) -> list[Column]:
    """Columns of ``trends.wide``: the unit, then index and rank per year (headers built here,
    since a year is not a catalogue key)."""
    cols = [Column("unit_name", "unit")]
    for name in wide.columns:
        if name.startswith("index_"):
            cols.append(Column(name, f"{name[6:]}: {t('index_pct', lang)}", kind="num"))
        elif name.startswith("rank_"):
            cols.append(Column(name, f"{name[5:]}: {t('rank', lang)}", kind="int"))
    return cols
