"""The trends page, block by block: pure functions from the history's tables to what the page shows.

In: the stacked history (``trends.HISTORY_COLUMNS``), a block's national trend
(``breaks.TREND_COLUMNS``, from ``History.trend()``), the lineage events (``breaks.EVENT_COLUMNS``,
from ``History.breaks()``), the methodology changes (``trends.methodology_changes``), the units
registry and the dataset's config. Out: plain tables and sentences — each unit's series by NAME on
every year of the block's range (a year without a figure is NaN: a gap, never a joined line), the
block's median and interquartile range per year (``median_by_year``, the table ``spread_table``),
the published national average, the units whose lines are labelled (the top, the
bottom, the year leaders and the movers; at most ``MAX_LABELLED``), the marks a chart draws for the
methodology changes and the lineage events (at their date), the chart's caption naming only the
marks it draws (``chart_reading``), the trend table, the movers and the sentences, Vietnamese
first, with decimal commas on Vietnamese pages. The marks of methodology changes and lineage
events and the table of breaks are in ``trends_events``, the page's labels in ``trends_labels``;
the figure itself is ``history_plots.block_trend``.

Comparison across a lineage event (issue #12): never a merged index unless the dataset declares
``lineage_method``; each predecessor keeps its own series, and the sentence says so and quotes the
predecessors' last figures.

"""

from __future__ import annotations

import math

import pandas as pd

from parlib.config.dataset import DatasetConfig
from parlib.core.labels import t
from parlib.history import breaks, trends
from parlib.publish.markup import Column
from parlib.publish.trends_labels import label, num
from parlib.score.spread import MIN_QUARTILE_UNITS, spread_by

MAX_LABELLED = 7  # unit lines with a colour and a legend entry (+ average, median, IQR: ≤ 10)


# --- the block -----------------------------------------------------------------------------------


def block_title(cfg: DatasetConfig, block: str, lang: str = "vi") -> str:
    """The block's name in the page's language (its latest declaration; the Vietnamese name when
    it has no English one)."""
    for year in sorted(cfg.years, reverse=True):
        for declared in cfg.year(year).blocks:
            if declared.id == block:
                return (declared.name_en or declared.name_vi) if lang == "en" else declared.name_vi
    return block


def block_order(cfg: DatasetConfig, blocks) -> list[str]:
    """The blocks in the order the dataset declares them (its latest year first), then any other."""
    declared = [b.id for y in sorted(cfg.years, reverse=True) for b in cfg.year(y).blocks]
    order = list(dict.fromkeys(declared))
    present = list(dict.fromkeys(str(b) for b in blocks))
    return [b for b in order if b in present] + sorted(b for b in present if b not in order)


def block_kinds(cfg: DatasetConfig, block: str) -> set[str]:
    """The unit kinds the block takes in any year (empty: the block is declared by unit list or
    takes every unit)."""
    return {k for y in cfg.years for b in cfg.year(y).blocks if b.id == block for k in b.kinds}


def block_rows(hist: pd.DataFrame, block: str) -> pd.DataFrame:
    """The block's rows of the history that carry an index."""
    blocks = hist["block"] if "block" in hist.columns else pd.Series("all", index=hist.index)
    rows = hist[(blocks == block) & pd.to_numeric(hist["index_pct"], errors="coerce").notna()]
    return rows.assign(index_pct=pd.to_numeric(rows["index_pct"])).reset_index(drop=True)


def line_names(rows: pd.DataFrame) -> dict[str, str]:
    """Unit id → the name its line carries (its latest name; the id only when it has no name).
    Two ids under one name (a successor named as its predecessor) get their years beside it."""
    latest = rows.sort_values("year").groupby("unit_id")
    names = {
        u: (str(n) if isinstance(n, str) and n.strip() else u)
        for u, n in latest["unit_name"].last().items()
    }
    first, last = latest["year"].min(), latest["year"].max()
    counts = pd.Series(list(names.values())).value_counts()
    for unit, name in list(names.items()):
        if counts[name] > 1:
            a, b = int(first[unit]), int(last[unit])
            names[unit] = f"{name} ({a}–{b})" if a != b else f"{name} ({a})"
    return names


def year_range(rows: pd.DataFrame) -> list[int]:
    """Every year from the block's first to its last (years without figures included)."""
    if rows.empty:
        return []
    return list(range(int(rows["year"].min()), int(rows["year"].max()) + 1))


def series(rows: pd.DataFrame) -> pd.DataFrame:
    """One column per unit (by id), one row per year of the block's range; NaN where the unit has
    no index that year (a gap)."""
    wide = rows.pivot_table(index="year", columns="unit_id", values="index_pct", aggfunc="first")
    return wide.reindex(year_range(rows))


MIN_MEDIAN_UNITS = 3  # a median of fewer units is not shown (one unit's index is no median)


def median_by_year(rows: pd.DataFrame) -> pd.DataFrame:
    """The median index of the block's units with an index, per year of its range (``year``,
    ``median``, ``n``) and beside it their ``mean``, ``q1``, ``q3`` and ``iqr`` (``score.spread``:
    pandas' linear quantiles); the mean and median NaN (a gap) where fewer than
    ``MIN_MEDIAN_UNITS`` units have one, the quartiles where fewer than ``MIN_QUARTILE_UNITS``."""
    out = spread_by(rows, "year", "index_pct").set_index("year")
    out.loc[out["n"] < MIN_MEDIAN_UNITS, ["mean", "median"]] = float("nan")
    out = out[["median", "n", "mean", "q1", "q3", "iqr"]]
    return out.reindex(year_range(rows)).rename_axis("year").reset_index()


def draws_band(rows: pd.DataFrame) -> bool:
    """Whether the block's trend chart shades an interquartile range (some year has one)."""
    return bool(len(rows)) and bool(median_by_year(rows)["iqr"].notna().any())


def average_by_year(trend: pd.DataFrame, years: list[int]) -> pd.Series:
    """The published national average per year of ``years`` (NaN where none was published)."""
    values = trend.set_index("year")["national_average"].astype(float)
    return values.reindex(years)


def block_movers(
    rows: pd.DataFrame, found: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, int | None, int | None]:
    """Movers within the block between its last two years with figures: ``trends.movers`` on the
    block's rows, without units whose series breaks between the two years. Returns the movers and
    the two years (None when the block has fewer than two years)."""
    years = sorted(rows["year"].unique())
    if len(years) < 2:
        return pd.DataFrame(), None, None
    a, b = int(years[-2]), int(years[-1])
    before, after = rows[rows["year"] == a], rows[rows["year"] == b]
    out = trends.movers(after, before)
    if found is not None and len(found):
        cut = breaks.between(found, a, b)
        ids = set(cut["unit_id"]) | {i for p in cut["predecessor_ids"] for i in p.split(";")}
        out = out[~out["unit_id"].isin(ids)]
    return out.reset_index(drop=True), a, b


def labelled_units(
    rows: pd.DataFrame, movers: pd.DataFrame | None = None, limit: int = MAX_LABELLED
) -> list[str]:
    """The units whose lines are labelled, at most ``limit``: the latest year's top and bottom,
    then each year's leader (latest first), then the biggest movers."""
    if rows.empty:
        return []
    chosen: list[str] = []

    def add(unit: str) -> None:
        if unit not in chosen and len(chosen) < limit:
            chosen.append(unit)

    ranked = rows.sort_values(["year", "index_pct", "unit_name"], ascending=[False, False, True])
    latest = ranked[ranked["year"] == ranked["year"].max()]
    add(latest["unit_id"].iloc[0])
    add(latest["unit_id"].iloc[-1])
    for _year, g in ranked.groupby("year", sort=False):
        add(g["unit_id"].iloc[0])
    if movers is not None and len(movers):
        order = movers.assign(
            _r=movers["rank_change"].abs().astype("Float64").fillna(0),
            _i=movers["index_change"].abs(),
        )
        for unit in order.sort_values(["_r", "_i"], ascending=False)["unit_id"]:
            add(unit)
    return chosen


def y_range(values) -> tuple[float, float]:
    """The y axis of an index chart: 0 to 100 unless every value is at least 40, then from the
    tens below the lowest value minus 5 (the page states the range: the axis is not from 0)."""
    finite = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if not finite:
        return 0.0, 100.0
    low, high = min(finite), max(finite)
    lo = 0.0 if low < 40 else float(math.floor((low - 5) / 10) * 10)
    return lo, max(100.0, float(math.ceil(high)))


def chart_reading(
    methods: pd.DataFrame | None, events: pd.DataFrame | None, lang: str, band: bool = False
) -> str:
    """The caption of ``history_plots.block_trend``: the lines, the interquartile band when it is
    drawn (``band``: ``draws_band``), then only the verticals the chart draws (dashed: methodology
    changes; solid: lineage events), none when it draws none."""
    parts = [t("block_chart_lines", lang)]
    if band:
        parts.append(t("block_chart_band", lang))
    if methods is not None and len(methods):
        parts.append(t("block_chart_methods", lang))
    if events is not None and len(events):
        parts.append(t("block_chart_events", lang))
    return " ".join(parts)


def range_sentence(lo: float, hi: float, vmin: float, vmax: float, lang: str) -> str:
    """What the y axis shows, said in so many words."""
    key = "y_range" if lo > 0 else "y_range_zero"
    return label(
        key,
        lang,
        lo=num(lo, lang, 0),
        hi=num(hi, lang, 0),
        vmin=num(vmin, lang),
        vmax=num(vmax, lang),
    )


# --- tables and sentences ------------------------------------------------------------------------


def trend_table(
    trend: pd.DataFrame, rows: pd.DataFrame, events: pd.DataFrame, lang: str
) -> pd.DataFrame:
    """The block's national trend as the page shows it: ``History.trend()``'s rows with the
    block's median, yes/no flags, and one row per event year after the last year with results
    (the series break ahead, no figures yet)."""
    med = median_by_year(rows).set_index("year")["median"]
    out = trend.assign(
        median=trend["year"].map(med),
        methodology=trend["methodology"],
        method_changed=trend["methodology_changed"].map(
            lambda v: label("yes" if v else "no", lang)
        ),
        series_break=trend["series_break"].map(lambda v: label("yes" if v else "no", lang)),
    )
    last = int(trend["year"].max()) if len(trend) else None
    ahead = sorted({int(y) for y in events["year"]}) if len(events) else []
    extra = [
        {
            "year": y,
            "top_unit": label("no_results", lang),
            "series_break": label("yes", lang),
            "method_changed": "",
            "methodology": "",
        }
        for y in ahead
        if last is not None and y > last
    ]
    if extra:
        out = pd.concat([out, pd.DataFrame(extra)], ignore_index=True)
    return out


def trend_columns(lang: str, table: pd.DataFrame | None = None) -> list[Column]:
    """The columns of ``trend_table`` with the page's headers (without the national average when
    ``table`` has none: a dataset without published national results)."""
    columns = [
        Column("year", label("col_year", lang), kind="int"),
        Column("n_units", label("col_units", lang), kind="int"),
        Column("top_unit", label("col_top", lang)),
        Column("top_index", label("col_top_index", lang), kind="num"),
        Column("bottom_unit", label("col_bottom", lang)),
        Column("bottom_index", label("col_bottom_index", lang), kind="num"),
        Column("national_average", label("col_average", lang), kind="num"),
        Column("median", label("col_median", lang), kind="num"),
        Column("methodology", label("col_methodology", lang), kind="vi"),
        Column("method_changed", label("col_method_changed", lang)),
        Column("series_break", label("col_break", lang)),
    ]
    if table is not None and table["national_average"].isna().all():
        columns = [c for c in columns if c.name != "national_average"]
    return columns


def spread_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per year with figures: units with an index, their mean, median, Q1, Q3 and IQR
    (``median_by_year``: empty where too few units have one)."""
    med = median_by_year(rows)
    return med[med["n"].fillna(0) > 0].astype({"n": "int64"}).reset_index(drop=True)


def spread_columns(lang: str) -> list[Column]:
    """The columns of ``spread_table`` with the page's headers."""
    return [
        Column("year", label("col_year", lang), kind="int"),
        Column("n", label("col_units", lang), kind="int"),
        Column("mean", label("col_mean", lang), kind="num"),
        Column("median", label("col_median", lang), kind="num"),
        Column("q1", label("col_q1", lang), kind="num"),
        Column("q3", label("col_q3", lang), kind="num"),
        Column("iqr", label("col_iqr", lang), kind="num"),
    ]


def spread_reading(lang: str) -> str:
    """What ``spread_table`` is of, and from how many units its figures are given."""
    return label("spread_reading", lang, k=MIN_QUARTILE_UNITS, m=MIN_MEDIAN_UNITS)


def mover_columns(lang: str) -> list[Column]:
    """The columns of ``block_movers`` with the page's headers."""
    return [
        Column("unit_name", label("col_unit", lang)),
        Column("index_pct_previous", label("col_index_before", lang), kind="num"),
        Column("index_pct", label("col_index", lang), kind="num"),
        Column("index_change", label("col_index_change", lang), kind="num"),
        Column("rank", label("col_rank", lang), kind="int"),
        Column("rank_change", label("col_rank_change", lang), kind="int"),
    ]


def trend_sentences(trend: pd.DataFrame, lang: str) -> list[str]:
    """The block's latest leader and lowest unit, and the published national average's first and
    last years (decimal commas on Vietnamese pages)."""
    if trend.empty:
        return []
    last = trend.sort_values("year").iloc[-1]
    key = "trend_sentence" if int(last["n_units"]) > 1 else "trend_sentence_one"
    out = [
        label(
            key,
            lang,
            year=int(last["year"]),
            top=last["top_unit"],
            top_index=num(last["top_index"], lang),
            bottom=last["bottom_unit"],
            bottom_index=num(last["bottom_index"], lang),
            n=int(last["n_units"]),
        )
    ]
    avg = trend.dropna(subset=["national_average"]).sort_values("year")
    if len(avg) > 1:
        out.append(
            label(
                "average_sentence",
                lang,
                first=num(avg["national_average"].iloc[0], lang),
                y0=int(avg["year"].iloc[0]),
                last=num(avg["national_average"].iloc[-1], lang),
                y1=int(avg["year"].iloc[-1]),
            )
        )
    return out


def partial(rows: pd.DataFrame) -> bool:
    """Whether the block's figures are published results (which list only some units a year, the
    top ten say): its median is then that of the units with an index, and the page says so."""
    return "source" in rows.columns and bool((rows["source"] == "published").any())
