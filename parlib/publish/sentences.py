"""Sentences: the one-line readings reports print beside tables and figures, in the report's language
(key figures, movers, reconciliation, trends, benchmarks).
"""

from __future__ import annotations

import pandas as pd

from parlib.core.labels import maybe, number, t
from parlib.publish.markup import esc, warning_box


def measure_name(measure: str, lang: str, components: pd.DataFrame | None = None) -> str:
    """A measure in words ("Tổng điểm điều tra XHH", never ``survey_total``): its label, else
    "total of <part>" for a part's total measure (the ``components`` table names the parts)."""
    measure = str(measure)
    if components is not None and {"total_measure", f"label_{lang}"} <= set(components.columns):
        mine = components[components["total_measure"].astype(str) == measure]
        if len(mine) and maybe(measure, lang) == measure:
            part = str(mine.iloc[0][f"label_{lang}"])
            return t("measure_total_of", lang, part=part.lower() if lang == "en" else part)
    return maybe(measure, lang)


def measures_in_words(
    frame: pd.DataFrame, lang: str, components: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``frame`` with its ``measure`` column in words (``measure_name``), for a page's table."""
    if "measure" not in frame.columns:
        return frame
    return frame.assign(measure=[measure_name(m, lang, components) for m in frame["measure"]])


def reconciliation_sentences(
    recon: pd.DataFrame,
    published: pd.DataFrame | None,
    lang: str,
    names: dict[str, str] | None = None,
    components: pd.DataFrame | None = None,
) -> list[str]:
    """One plain sentence per published figure: does it match, and if not, why. ``names``: unit
    id → name (a sentence names the unit by its name, its id only where it has none); each
    measure named in words (``measure_name``)."""
    names = names or {}
    out = []
    for r in recon.itertuples():
        values = {
            "measure": measure_name(r.measure, lang, components),
            "computed": number(r.computed, 2, lang),
            "published": number(r.published, 2, lang),
            "difference": number(abs(r.difference), 2, lang),
            "tolerance": number(r.tolerance, 3, lang),
            "status": t(r.status, lang),
        }
        if r.measure == "index_pct":
            out.append(
                t("recon_index", lang, from_parts=number(r.computed_from_parts, 2, lang), **values)
            )
        elif r.status == "match":
            out.append(t("recon_match", lang, **values))
        elif r.status == "within_rounding":
            text = t("recon_within", lang, **values)
            out.append(text + (" " + t("recon_used", lang) if r.published_used else ""))
        else:
            out.append(t("recon_mismatch", lang, **values))
    if published is not None and len(published):
        ranks = published.set_index(["unit_id", "measure"])["value"]
        for unit in published["unit_id"].unique():
            if (unit, "rank") in ranks.index and (unit, "rank_of") in ranks.index:
                out.append(
                    f"{names.get(str(unit), unit)}: "
                    + t(
                        "published_rank",
                        lang,
                        rank=int(ranks[(unit, "rank")]),
                        rank_of=int(ranks[(unit, "rank_of")]),
                    )
                )
    return out


def bias_sentence(bias: pd.DataFrame, lang: str, scope: str = "all") -> str:
    row = bias[bias["scope"] == scope].iloc[0]
    return t(
        f"finding_{row['finding']}",
        lang,
        rho=number(row["spearman_rho"], 2, lang),
        p=number(row["p_value"], 4, lang),
    )


def key_figures_html(unit_index: pd.DataFrame, lang: str) -> str:
    top = unit_index.sort_values(["rank", "unit_id"]).iloc[0]
    items = [
        (t("n_units", lang), str(len(unit_index))),
        (t("mean_index", lang), number(unit_index["index_pct"].mean(), 2, lang)),
        (t("median_index", lang), number(unit_index["index_pct"].median(), 2, lang)),
        (t("top_unit", lang), f"{top['unit_name']} ({number(top['index_pct'], 2, lang)})"),
    ]
    cells = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in items)
    return f'<table class="par-table">{cells}</table>'


def band_counts(unit_index: pd.DataFrame) -> str:
    counts = unit_index.loc[unit_index["band"] != "", "band"].value_counts().sort_index()
    return ", ".join(f"{band}: {n}" for band, n in counts.items())


def distribution_sentence(unit_index: pd.DataFrame, lang: str) -> str:
    x = unit_index["index_pct"]
    return t(
        "distribution_reading",
        lang,
        mean=number(x.mean(), 2, lang),
        median=number(x.median(), 2, lang),
        min=number(x.min(), 2, lang),
        max=number(x.max(), 2, lang),
    )


def deducted_sentence(unit_index: pd.DataFrame, lang: str) -> str:
    worst = unit_index.sort_values(["points_deducted", "unit_id"], ascending=[False, True]).iloc[0]
    return t(
        "self_vs_appraised_reading",
        lang,
        deducted=number(unit_index["points_deducted"].sum(), 2, lang),
        worst=f"{worst['unit_name']} ({number(worst['points_deducted'], 2, lang)})",
    )


def movers_sentence(moved, previous_year: int | None, lang: str) -> str:
    """One sentence on the movers since the previous year, or on why there are none."""
    if previous_year is None:
        return t("movers_no_previous_year", lang)
    if moved is None:
        return t("movers_previous_not_published", lang, year=previous_year)
    if moved.empty:
        return t("movers_no_common_units", lang, year=previous_year)
    up = moved.sort_values(["rank_change", "unit_id"], ascending=[False, True]).iloc[0]
    down = moved.sort_values(["rank_change", "unit_id"], ascending=[True, True]).iloc[0]
    return t(
        "movers_reading",
        lang,
        year=previous_year,
        n=len(moved),
        up=up["unit_name"],
        up_places=int(up["rank_change"]),
        down=down["unit_name"],
        down_places=int(-down["rank_change"]),
        mean_change=number(moved["index_change"].mean(), 2, lang),
    )


def methodology_warnings(changes: list, lang: str) -> str:
    """One visible warning per pair of consecutive years scored under different methodologies."""
    return "".join(
        warning_box(t("methodology_changed", lang, a=a, b=b, da=da, db=db))
        for a, b, da, db in changes
    )


def trend_sentence(series: pd.DataFrame, lang: str) -> str:
    """What a unit's series says: how many years, first and last index, or that there is one year."""
    years = sorted(series["year"].unique())
    if len(years) < 2:
        return t("trend_one_year", lang)
    with_index = series.dropna(subset=["index_pct"]).sort_values("year")
    if len(with_index) < 2:
        return t("trend_years_only", lang, n=len(years), first=years[0], last=years[-1])
    a, b = with_index.iloc[0], with_index.iloc[-1]
    return t(
        "trend_reading",
        lang,
        n=len(years),
        first=int(a["year"]),
        first_pct=number(a["index_pct"], 2, lang),
        last=int(b["year"]),
        last_pct=number(b["index_pct"], 2, lang),
    )


def undeclared_warning(years: list, lang: str) -> str:
    if not years:
        return ""
    return warning_box(t("methodology_undeclared", lang, years=", ".join(str(y) for y in years)))


def benchmark_sentence(bench: pd.DataFrame, unit_name: str, lang: str) -> str:
    parts = []
    for r in bench.itertuples(index=False):
        bits = [
            f"{r.year}: {number(r.index_pct, 2, lang) or '–'}"
            + (f" ({t('rank', lang).lower()} {int(r.rank)})" if pd.notna(r.rank) else "")
        ]
        if pd.notna(r.national_average):
            bits.append(
                f"{t('national_average', lang).lower()} {number(r.national_average, 2, lang)}"
            )
        if pd.notna(r.region_average):
            bits.append(f"{t('region_average', lang).lower()} {number(r.region_average, 2, lang)}")
        parts.append(", ".join(bits))
    return t("benchmark_reading", lang, unit=unit_name, details="; ".join(parts))


def successor_sentences(rows: list, unit_name: str, lang: str) -> list[str]:
    return [
        t(
            "lineage_successor",
            lang,
            unit=unit_name,
            successor=s,
            year=y,
            others=o or t("lineage_alone", lang),
        )
        for s, y, o in rows
    ]


def hist_mean_sentence(hist: pd.DataFrame, lang: str) -> str:
    means = hist.groupby("year")["index_pct"].mean()
    if len(means) < 2:
        return t("trend_one_year", lang)
    return t(
        "trends_mean_reading",
        lang,
        first=int(means.index[0]),
        first_pct=number(means.iloc[0], 2, lang),
        last=int(means.index[-1]),
        last_pct=number(means.iloc[-1], 2, lang),
        n=hist["unit_id"].nunique(),
    )
