"""Results across years: history of published runs, movers, unit lineage and national benchmarks.

In: every published year's ``unit_index.csv`` (others are absent), the optional ``lineage.csv``
(e.g. the 2025 province merger) and ``national_results.csv`` (published indexes, ranks, averages,
sources, notes). Out: plain tables for the reports — a ``year × unit`` history, movers, one unit's
lineage-aware series, methodology changes, benchmark rows, the conflicts between sources.

Comparison rule across a merger (docs/methodology.md §11): a successor's series starts in its
``from_year``; for earlier years each predecessor keeps its own line under its own name. Values are
never averaged or summed across predecessors: the methodology defines no such rule (the series
breaks and their sentences are in ``parlib.history.breaks``).

Blocks (khối): results carry a ``block`` (``all`` when none is declared); ranks, movers and
methodology are within it. Published-results-only years stack like computed ones.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from parlib.config.dataset import DatasetConfig
from parlib.config.model import ALL_UNITS_ID
from parlib.core import paths
from parlib.core.labels import decimal_commas, t
from parlib.history.lineage import Lineage
from parlib.ingest.tables import read_text_table
from parlib.score.tables import load_table

HISTORY_COLUMNS = [
    "year",
    "unit_id",
    "unit_name",
    "index_pct",
    "rank",
    "rank_of",
    "band",
    "methodology",
    "source",
    "block",
]
NATIONAL_COLUMNS = [
    "year",
    "unit_id",
    "unit_name",
    "unit_type",
    "region",
    "index_pct",
    "rank",
    "note",
    "source_url",
]
CONFLICT_PATTERN = re.compile(r"\bconflict", re.I)
CONFLICT_COLUMNS = ["year", "unit_name", "kind", "detail", "detail_vi", "source_url"]


# --- history of published runs -------------------------------------------------------------------


def read_unit_index(processed_root: Path, dataset: str, year: int) -> pd.DataFrame | None:
    """One year's published ``unit_index.csv``, or None when that year has no published results."""

    folder = paths.year_dir(processed_root, dataset, year)
    if not (folder / "unit_index.csv").is_file():
        return None
    return load_table(folder, "unit_index")


def previous_year(cfg: DatasetConfig, year: int) -> int | None:
    """The dataset's declared year before ``year`` (not necessarily ``year - 1``)."""
    earlier = [y for y in cfg.years if y < year]
    return max(earlier) if earlier else None


def year_methodology(cfg: DatasetConfig, year: int, block: str | None = None) -> str:
    """The methodology decision a year (or one of its blocks) follows ("" when none is declared).

    A year without declared blocks is its framework's decision, exactly as before blocks existed."""
    yc = cfg.year(year)
    if block is not None:
        for declared in yc.blocks:
            if declared.id == block:
                framework = yc.block_framework(declared)
                return framework.decision if framework is not None else ""
    if not yc.declared_blocks and yc.framework is not None:
        return yc.framework.decision
    return yc.methodology


def methodology_changed(
    cfg: DatasetConfig, year_a: int, year_b: int, block: str | None = None
) -> bool:
    """True when the two years (or the block in both) were scored under different decisions."""
    return year_methodology(cfg, year_a, block) != year_methodology(cfg, year_b, block)


def history(
    cfg: DatasetConfig,
    processed_root: Path,
    current: pd.DataFrame | None = None,
    current_year: int | None = None,
) -> pd.DataFrame:
    """Every published year's unit results stacked (``HISTORY_COLUMNS``), oldest first.

    ``current`` (the year being built, still in staging) replaces that year's published table, and
    later years are left out: a year's report shows its history up to that year, so it depends only
    on earlier years (which the runner builds first) and stays valid when later years are added.
    """
    frames = []
    for year in cfg.years:
        if current_year is not None and year > current_year:
            continue
        table = (
            current
            if (current is not None and year == current_year)
            else read_unit_index(processed_root, cfg.name, year)
        )
        if table is None or table.empty:
            continue
        frame = table.reindex(
            columns=["unit_id", "unit_name", "index_pct", "rank", "rank_of", "band"]
        ).copy()
        frame.insert(0, "year", year)
        blocks = table["block"] if "block" in table.columns else ALL_UNITS_ID
        frame["block"] = blocks
        decisions = {b: year_methodology(cfg, year, b) for b in frame["block"].unique()}
        frame["methodology"] = frame["block"].map(decisions)
        frame["source"] = table["source"] if "source" in table.columns else "computed"
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[HISTORY_COLUMNS]
    out["rank"] = pd.to_numeric(out["rank"], errors="coerce").astype("Int64")
    return out.sort_values(["year", "block", "rank", "unit_id"], ignore_index=True)


def methodology_changes(
    cfg: DatasetConfig, years: list[int], block: str | None = None
) -> list[tuple[int, int, str, str]]:
    """Consecutive years (among ``years``) whose methodology decision differs (for ``block`` when
    given): ``(earlier, later, decision earlier, decision later)``."""
    ordered = sorted(set(int(y) for y in years if int(y) in cfg.years))
    out = []
    for a, b in zip(ordered, ordered[1:]):
        if methodology_changed(cfg, a, b, block):
            out.append((a, b, year_methodology(cfg, a, block), year_methodology(cfg, b, block)))
    return out


def movers(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Rank and index change of every unit present in both years, biggest rank change first.

    ``rank_change`` > 0 means the unit moved up (its rank number fell). When both tables carry a
    ``block`` column, a unit is compared only within its block (a unit that changed block is not a
    mover: its ranks are in different rankings), and the result keeps ``block``, ordered by block.
    """
    by_block = "block" in current.columns and "block" in previous.columns
    keys = ["unit_id", "block"] if by_block else ["unit_id"]
    cols = keys + ["index_pct", "rank"]
    both = current[keys + ["unit_name", "index_pct", "rank"]].merge(
        previous[cols], on=keys, suffixes=("", "_previous"), how="inner"
    )
    both["index_change"] = (both["index_pct"] - both["index_pct_previous"]).round(6)
    both["rank_change"] = both["rank_previous"].astype("Int64") - both["rank"].astype("Int64")
    both["abs_rank_change"] = both["rank_change"].abs()
    order = (["block"] if by_block else []) + ["abs_rank_change", "index_change", "unit_id"]
    out = both.sort_values(
        order,
        ascending=[True] * by_block + [False, False, True],
        ignore_index=True,
    )
    out = out.drop(columns="abs_rank_change")
    if by_block:  # the columns as without blocks, then the block
        out = out[[c for c in out.columns if c != "block"] + ["block"]]
    return out


# --- lineage -------------------------------------------------------------------------------------


def unit_series(
    unit_id: str, hist: pd.DataFrame, lineage: Lineage | None, published: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The series to show for one unit: its own years, plus, before the year it was formed, each
    predecessor's years as a separate line (``line`` = the name the values belong to).

    ``published``: national results (``NATIONAL_COLUMNS``), added with ``source = 'published'``.
    Columns: ``line_id``, ``line``, ``year``, ``index_pct``, ``rank``, ``rank_of``, ``source``.
    """
    lines = [(unit_id, None, None)]  # (id, name, last year shown for it)
    if lineage is not None:
        for row in lineage.predecessors(unit_id).itertuples(index=False):
            if row.predecessor_id != unit_id:
                lines.append((row.predecessor_id, row.predecessor_name, row.from_year - 1))
            else:  # a unit that continues under its own id keeps one line
                lines[0] = (unit_id, row.unit_name, None)
    frames = []
    for line_id, name, last in lines:
        own = hist[hist["unit_id"] == line_id]
        rows = own.assign(source="computed")[
            ["year", "unit_name", "index_pct", "rank", "rank_of", "source"]
        ]
        if published is not None and len(published):
            pub = published[
                (published["unit_id"] == line_id) & published["unit_type"].eq("province")
            ]
            pub = pub.assign(rank_of=pd.NA, source="published")[
                ["year", "unit_name", "index_pct", "rank", "rank_of", "source"]
            ]
            rows = pd.concat([rows, pub], ignore_index=True) if len(rows) else pub
        if last is not None:
            rows = rows[rows["year"] <= last]
        if rows.empty:
            continue
        label = name or (str(rows["unit_name"].iloc[0]) if len(rows) else line_id)
        rows = rows.assign(line_id=line_id, line=label)
        frames.append(rows)
    if not frames:
        return pd.DataFrame(
            columns=["line_id", "line", "year", "index_pct", "rank", "rank_of", "source"]
        )
    out = pd.concat(frames, ignore_index=True)
    out["rank"] = pd.to_numeric(out["rank"], errors="coerce").astype("Int64")
    out["index_pct"] = pd.to_numeric(out["index_pct"], errors="coerce")
    out = out[out["index_pct"].notna() | out["rank"].notna()]
    return out[["line_id", "line", "year", "index_pct", "rank", "rank_of", "source"]].sort_values(
        ["line_id", "year", "source"], ignore_index=True
    )


# --- national results ----------------------------------------------------------------------------


def load_national(cfg: DatasetConfig) -> pd.DataFrame | None:
    """The dataset's published national results (``national_results`` in dataset.toml), or None."""
    path = getattr(cfg, "national_results", None)
    if path is None:
        return None
    table = read_text_table(
        path, NATIONAL_COLUMNS, "national_missing_column", "national_results.csv"
    )
    out = table[NATIONAL_COLUMNS].copy()
    out["note_vi"] = table["note_vi"] if "note_vi" in table.columns else ""  # optional
    out["year"] = out["year"].astype(int)
    for col in ("index_pct", "rank"):
        out[col] = pd.to_numeric(out[col].str.replace(",", ".", regex=False), errors="coerce")
    out["rank"] = out["rank"].astype("Int64")
    return out


def _average(r) -> bool:  # an average, no unit: named by its label in the page's language
    return r.unit_type.endswith("_average") and not r.unit_id


def conflicts(national: pd.DataFrame) -> pd.DataFrame:
    """Conflicts between sources that the data record: a note that says so (contains
    "conflict"), two rows for the same year and unit with different values, or two units given
    the same rank in one year. Columns: ``year``, ``unit_name``, ``kind``, ``detail`` (English),
    ``detail_vi`` (``note_vi``, else the note), ``source_url``."""
    rows = []
    for r in national.itertuples(index=False):
        if CONFLICT_PATTERN.search(r.note or ""):
            rows.append(
                {
                    "year": r.year,
                    "unit_name": r.unit_type if _average(r) else r.unit_name,  # label key
                    "kind": "conflict_note",
                    "detail": r.note,
                    "detail_vi": getattr(r, "note_vi", "") or r.note,
                    "source_url": r.source_url,
                }
            )
    keyed = national[national["unit_id"] != ""]
    for (year, _unit), g in keyed.groupby(["year", "unit_id"], sort=True):
        for col in ("index_pct", "rank"):
            values = g[col].dropna().unique()
            if len(values) > 1:
                rows.append(
                    {
                        "year": year,
                        "unit_name": g["unit_name"].iloc[0],
                        "kind": "conflict_values",
                        "detail": f"{col}: " + " / ".join(str(v) for v in values),
                        "detail_vi": f"{t(col, 'vi')}: " + " / ".join(map(decimal_commas, values)),
                        "source_url": " ; ".join(g["source_url"].unique()),
                    }
                )
    provinces = national[(national["unit_type"] == "province") & national["rank"].notna()]
    for (year, rank), g in provinces.groupby(["year", "rank"], sort=True):
        if g["unit_id"].nunique() > 1:
            rows.append(
                {
                    "year": year,
                    "unit_name": " / ".join(g["unit_name"]),
                    "kind": "conflict_rank",
                    "detail": f"rank {rank}",
                    "detail_vi": f"{t('rank', 'vi')} {rank}",
                    "source_url": " ; ".join(g["source_url"].unique()),
                }
            )
    out = pd.DataFrame(rows, columns=CONFLICT_COLUMNS)
    return out.sort_values(["year", "unit_name", "kind"], ignore_index=True)


def benchmark(national: pd.DataFrame, unit_id: str, region: str) -> pd.DataFrame:
    """Per year where the unit has a published figure: its index and rank, the national average,
    its region's average and the top province's index (empty where not published)."""
    own = national[(national["unit_id"] == unit_id) & (national["unit_type"] == "province")]
    rows = []
    for year in sorted(own["year"].unique()):
        y = national[national["year"] == year]
        mine = own[own["year"] == year].iloc[0]
        nat = y[y["unit_type"] == "province_average"]["index_pct"].dropna()
        reg = y[(y["unit_type"] == "region_average") & (y["region"] == region)][
            "index_pct"
        ].dropna()
        top = y[(y["unit_type"] == "province") & (y["rank"] == 1)]
        rows.append(
            {
                "year": int(year),
                "index_pct": mine["index_pct"],
                "rank": mine["rank"],
                "national_average": nat.iloc[0] if len(nat) else float("nan"),
                "region_average": reg.iloc[0] if len(reg) else float("nan"),
                "top_unit": top["unit_name"].iloc[0] if len(top) else "",
                "top_index": top["index_pct"].iloc[0] if len(top) else float("nan"),
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "year",
            "index_pct",
            "rank",
            "national_average",
            "region_average",
            "top_unit",
            "top_index",
        ],
    )
    out["rank"] = out["rank"].astype("Int64")
    return out


def undeclared_years(cfg: DatasetConfig, years) -> list[int]:
    """Years shown (e.g. from published national results) whose methodology the dataset does not
    declare: comparisons with them cannot be checked for a methodology change."""
    return sorted({int(y) for y in years} - set(cfg.years))


def unit_region(units: pd.DataFrame, unit_id: str) -> str:
    """The unit's region from the registry (empty when not declared)."""
    if "region" not in units.columns:
        return ""
    match = units.loc[units["unit_id"] == unit_id, "region"]
    return str(match.iloc[0]) if len(match) else ""


def conflicts_in_years(found: pd.DataFrame, years) -> pd.DataFrame:
    """The conflicts recorded for the given years."""
    return found[found["year"].isin([int(y) for y in years])].reset_index(drop=True)


def units_with_published(
    hist: pd.DataFrame, national: pd.DataFrame | None, units: pd.DataFrame | None = None
) -> list[tuple[str, str]]:
    """(unit id, name) of the dataset's units that have published national figures."""
    if national is None:
        return []
    known = pd.concat(
        [
            hist[["unit_id", "unit_name"]],
            units[["unit_id", "unit_name"]] if units is not None else None,
        ]
    )
    known = known.drop_duplicates("unit_id")
    have = set(national.loc[national["unit_type"] == "province", "unit_id"])
    return [(u, n) for u, n in known.itertuples(index=False) if u in have]


def wide(hist: pd.DataFrame) -> pd.DataFrame:
    """One row per unit (latest rank order), columns ``index_<year>`` and ``rank_<year>``."""
    if hist.empty:
        return pd.DataFrame(columns=["unit_id", "unit_name"])
    index = hist.pivot_table(index="unit_id", columns="year", values="index_pct", aggfunc="first")
    rank = hist.pivot_table(index="unit_id", columns="year", values="rank", aggfunc="first")
    out = pd.concat([index.add_prefix("index_"), rank.add_prefix("rank_")], axis=1)
    years = sorted(hist["year"].unique())
    latest = hist[hist["year"] == years[-1]].set_index("unit_id")["rank"]
    names = hist.drop_duplicates("unit_id", keep="last").set_index("unit_id")["unit_name"]
    out.insert(0, "unit_name", names)
    out = (
        out.assign(_order=latest.reindex(out.index).astype("Float64"))
        .sort_values(["_order", "unit_name"], na_position="last")
        .drop(columns="_order")
    )
    ordered = ["unit_name"] + [c for y in years for c in (f"index_{y}", f"rank_{y}")]
    return out.reset_index()[["unit_id"] + ordered]
