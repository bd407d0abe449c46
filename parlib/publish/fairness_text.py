"""What the fairness report shows: the columns of its tables and the one sentence under each.

In: the tables made by ``fairness``, ``robustness``, ``deductions`` and ``survey``, and the report
language. Out: display frames, ``report.Column`` lists and plain sentences from the label catalogue
(Vietnamese and English), each saying what a table or figure shows and what it means for the
ranking. No computation of results happens here; only counting and wording.
"""

from __future__ import annotations

import pandas as pd

from parlib.core.labels import maybe, number, t
from parlib.publish.group_text import group_range, with_group_bounds
from parlib.publish.markup import Column

MIN_UNITS = 3  # below this, rankings, correlations and intervals say nothing


def enough(unit_index: pd.DataFrame) -> bool:
    """Whether there are enough ranked units for a comparison to mean anything."""
    return int(unit_index["index_pct"].notna().sum()) >= MIN_UNITS


def too_few(unit_index: pd.DataFrame, lang: str) -> str:
    return t("too_few_units", lang, n=int(unit_index["index_pct"].notna().sum()), k=MIN_UNITS)


def _pct(x: float, lang: str, decimals: int = 0) -> str:
    return number(100 * x, decimals, lang)


# --- 1. max-points bias -------------------------------------------------------------------------

BIAS_COLUMNS = [
    Column("scope", kind="label"),
    Column("n_units", kind="int"),
    Column("max_range"),
    Column("spearman_rho", kind="num"),
    Column("ci_text"),
    Column("p_value", kind="num", decimals=4),
    Column("slope", kind="num"),
    Column("reading"),
]


def _ci(row: pd.Series, lang: str) -> str:
    if pd.isna(row["ci_low"]):
        return t("ci_none", lang)
    return t(
        "ci_range",
        lang,
        level=_pct(row["ci_level"], lang),
        low=number(row["ci_low"], 2, lang),
        high=number(row["ci_high"], 2, lang),
    )


def bias_scope_sentence(row: pd.Series, lang: str) -> str:
    """One plain sentence for one scope of ``fairness.max_bias``."""
    if row["finding"] == "too_few":
        return t("finding_too_few", lang)
    return t(
        f"bias_scope_{row['finding']}",
        lang,
        rho=number(row["spearman_rho"], 2, lang),
        ci=_ci(row, lang),
        p=number(row["p_value"], 4, lang),
    )


def bias_sentence(bias: pd.DataFrame, lang: str) -> str:
    """The headline: all units, with the confidence interval."""
    row = bias[bias["scope"] == "all"].iloc[0]
    return f"{t('scope_all_units', lang, n=int(row['n_units']))} {bias_scope_sentence(row, lang)}"


def bias_table(bias: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = bias.copy()
    out["max_range"] = [
        f"{number(a, 2, lang)}–{number(b, 2, lang)}" for a, b in zip(out["max_min"], out["max_max"])
    ]
    out["ci_text"] = [_ci(r, lang) for _, r in out.iterrows()]
    out["reading"] = [bias_scope_sentence(r, lang) for _, r in out.iterrows()]
    return out


def scatter_reading(bias: pd.DataFrame, lang: str) -> str:
    finding = bias.loc[bias["scope"] == "all", "finding"].iloc[0]
    return t("scatter_reading_negative" if finding == "negative" else "scatter_reading_other", lang)


# --- 2. comparable groups -----------------------------------------------------------------------

GROUP_SUMMARY_COLUMNS = [
    Column("max_group_text", "max_group"),
    Column("n_units", kind="int"),
    Column("kinds_text"),
    Column("mean_index", kind="num"),
    Column("median_index", kind="num"),
    Column("best_unit"),
    Column("n_moves", kind="int"),
]
GROUP_COLUMNS = [
    Column("rank", kind="int"),
    Column("unit_name", "unit"),
    Column("kind", kind="label"),
    Column("index_pct", kind="num"),
    Column("max_points", kind="num"),
    Column("declared_group", kind="label"),
    Column("rank_in_declared_group", kind="int"),
    Column("max_group_text", "max_group"),
    Column("rank_in_max_group", kind="int"),
    Column("size_max_group", kind="int"),
    Column("shift_in_max_group", kind="num"),
    Column("moves", kind="bool"),
]


def group_summary_table(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    return summary.assign(
        kinds_text=[", ".join(maybe(k, lang) for k in s.split(", ")) for s in summary["kinds"]],
        max_group_text=[
            group_range(a, b, lang) for a, b in zip(summary["max_min"], summary["max_max"])
        ],
    )


def groups_sentence(groups: pd.DataFrame, tolerance: float, lang: str) -> str:
    if not enough(groups):
        return too_few(groups, lang)
    return t(
        "groups_reading", lang, tol=number(tolerance, 1, lang), moves=int(groups["moves"].sum())
    )


def group_summary_sentence(summary: pd.DataFrame, lang: str) -> str:
    mixed = int(summary["kinds"].str.contains(",").sum())
    return t("group_summary_reading", lang, n=len(summary), mixed=mixed)


def group_ranks_sentence(groups: pd.DataFrame, lang: str) -> str:
    movers = groups[groups["moves"]]
    if movers.empty:
        return t("group_ranks_none", lang)
    # a small group puts its unit first easily: name a mover from a real group if any
    real = movers[movers["size_max_group"] >= MIN_UNITS]
    top = real if len(real) else movers
    top = (
        top.assign(a=movers["shift_in_max_group"].abs())
        .sort_values(["a", "unit_id"], ascending=[False, True])
        .iloc[0]
    )
    return t(
        "group_ranks_reading",
        lang,
        n=len(movers),
        total=len(groups),
        unit=top["unit_name"],
        rank=int(top["rank"]),
        rank_of=int(top["rank_of"]),
        group_rank=int(top["rank_in_max_group"]),
        size=int(top["size_max_group"]),
    )


# --- 3. like-for-like ---------------------------------------------------------------------------

LFL_COLUMNS = [
    Column("group_text", "group"),
    Column("unit_name", "unit"),
    Column("index_pct", kind="num"),
    Column("rank_in_group", kind="int"),
    Column("common_max", kind="num"),
    Column("lfl_index_pct", kind="num"),
    Column("lfl_difference", kind="num"),
    Column("lfl_rank_in_group", kind="int"),
    Column("lfl_rank_change", kind="int"),
]


def lfl_table(lfl: pd.DataFrame, groups: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The like-for-like table with its groups as a reader sees them: a comparable-maximum
    group by its range in the page's number format, a declared group or kind by its label."""
    g = with_group_bounds(groups)
    ranges = {
        str(n): group_range(a, b, lang)
        for n, a, b in zip(g["max_group"], g["max_group_lo"], g["max_group_hi"])
    }
    text = [ranges.get(str(x), maybe(str(x), lang)) for x in lfl["group"]]
    return lfl.assign(group_text=text)


def lfl_sentence(lfl: pd.DataFrame, which: str, lang: str) -> str:
    if not enough(lfl):
        return too_few(lfl, lang)
    moved = lfl[lfl["lfl_rank_change"].fillna(0) != 0]
    shown = "group_text" if "group_text" in lfl.columns else "group"
    empty = sorted(lfl.loc[lfl["common_max"].fillna(0) == 0, shown].unique())
    if moved.empty:
        head = t("lfl_reading_none", lang, grouping=t(f"grouping_{which}", lang))
    else:
        head = t(
            "lfl_reading", lang, grouping=t(f"grouping_{which}", lang), n=len(moved), total=len(lfl)
        )
    if empty:
        head += " " + t("lfl_empty", lang, groups=", ".join(map(str, empty)))
    return head


def lfl_table_sentence(lfl: pd.DataFrame, lang: str) -> str:
    moved = lfl[lfl["lfl_rank_change"].fillna(0) != 0]
    if moved.empty:
        return t("lfl_table_none", lang)
    top = (
        moved.assign(a=moved["lfl_rank_change"].abs().astype(float))
        .sort_values(["a", "unit_id"], ascending=[False, True])
        .iloc[0]
    )
    return t(
        "lfl_table_reading",
        lang,
        unit=top["unit_name"],
        group=top["group_text"] if "group_text" in top.index else top["group"],
        before=int(top["rank_in_group"]),
        after=int(top["lfl_rank_in_group"]),
        official=number(top["index_pct"], 2, lang),
        lfl=number(top["lfl_index_pct"], 2, lang),
    )


# --- 4. methodology alternatives ----------------------------------------------------------------

ALT_SUMMARY_COLUMNS = [
    Column("alternative", kind="code"),
    Column("label"),
    Column("rule", kind="label"),
    Column("n_units_moved", kind="int"),
    Column("max_abs_rank_change", kind="int"),
    Column("most_moved"),
]


def alt_summary_table(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = summary.copy()
    out["label"] = out["label_vi"] if lang == "vi" else out["label_en"]
    out["most_moved"] = [
        f"{u} ({int(a)} → {int(b)})" if u else ""
        for u, a, b in zip(
            out["most_moved_unit"], out["most_moved_from"].fillna(0), out["most_moved_to"].fillna(0)
        )
    ]
    return out


def alt_wide_columns(config, lang: str) -> list[Column]:
    """Unit, then index and rank under each alternative (headers are the alternatives' labels in
    the page's language, never their code names)."""
    cols = [Column("unit_name", "unit")]
    for alt in config.items:
        cols += [
            Column(f"index__{alt.name}", f"{t('index_pct', lang)}: {alt.label(lang)}", kind="num"),
            Column(f"rank__{alt.name}", f"{t('rank', lang)}: {alt.label(lang)}", kind="int"),
        ]
    return cols + [Column("max_rank_change", kind="int")]


def alt_names(config, lang: str) -> list[tuple[str, str]]:
    return [(a.name, a.label(lang)) for a in config.items]


def alt_sentence(config, summary: pd.DataFrame, lang: str) -> str:
    if len(config.items) == 1:
        return t("alt_none", lang)
    moved = summary[summary["alternative"] != "official"]
    top = moved.sort_values(["n_units_moved", "alternative"], ascending=[False, True]).iloc[0]
    if int(top["n_units_moved"]) == 0:
        return t("alt_reading_stable", lang, n=len(moved), file=config.source)
    return t(
        "alt_reading",
        lang,
        n=len(moved),
        file=config.source,
        alt=next((a.label(lang) for a in config.items if a.name == top["alternative"]), "")
        or top["alternative"],
        moved=int(top["n_units_moved"]),
    )


# --- 5. rank intervals --------------------------------------------------------------------------

INTERVAL_COLUMNS = [
    Column("rank", kind="int"),
    Column("unit_name", "unit"),
    Column("index_pct", kind="num"),
    Column("rank_median", kind="int"),
    Column("rank_p05", kind="int"),
    Column("rank_p95", kind="int"),
    Column("interval_width", kind="int"),
    Column("official_in_interval", kind="bool"),
]


def mc_sentence(result, lang: str, config=None) -> str:
    """The simulation in one sentence; ``config`` (the declared alternatives) names each
    alternative by its label, not its code name."""
    if not enough(result.table):
        return too_few(result.table, lang)
    mc = result.settings
    return t(
        "mc_reading",
        lang,
        draws=mc.draws,
        seed=mc.seed,
        range=number(100 * mc.area_weight_range, 0, lang),
        sd=number(mc.survey_noise_sd, 2, lang),
        alts=", ".join(
            next((a.label(lang) for a in (config.items if config else ()) if a.name == n), n)
            for n in mc.alternatives
        ),
    )


def intervals_sentence(table: pd.DataFrame, lang: str, places: int = 5) -> str:
    data = table.dropna(subset=["interval_width"])
    if data.empty:
        return t("mc_table_none", lang)
    wide = int((data["interval_width"] > places).sum())
    widest = data.sort_values(["interval_width", "rank"], ascending=[False, True]).iloc[0]
    return t(
        "mc_table_reading",
        lang,
        wide=wide,
        n=len(data),
        k=places,
        median=number(float(data["interval_width"].median()), 0, lang),
        unit=widest["unit_name"],
        low=int(widest["rank_p05"]),
        high=int(widest["rank_p95"]),
    )


# --- 6. self-assessment versus appraisal --------------------------------------------------------


# --- 7. survey quality --------------------------------------------------------------------------
