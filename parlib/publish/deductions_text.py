"""Deductions and survey text: the tables and sentences of the fairness report's last two sections
(points deducted at appraisal, survey quality), in the report's language.
"""

from __future__ import annotations

import math

import pandas as pd

from parlib.core.labels import number, t
from parlib.publish.markup import Column

DEDUCT_UNIT_COLUMNS = [
    Column("unit_name", "unit"),
    Column("kind", kind="label"),
    Column("self_points", kind="num"),
    Column("appraised_points", kind="num"),
    Column("points_deducted", kind="num"),
    Column("overclaim_pct", kind="num"),
    Column("n_deducted", kind="int"),
    Column("claimed_rank", kind="int"),
    Column("rank", kind="int"),
    Column("rank_drop", kind="int"),
]


DEDUCT_CRIT_COLUMNS = [
    Column("criterion", kind="code"),
    Column("name"),
    Column("n_units_deducted", kind="int"),
    Column("n_units", "n_units_applicable", kind="int"),
    Column("points_deducted", kind="num"),
    Column("mean_deducted", kind="num"),
]


def deductions_sentence(by_unit: pd.DataFrame, lang: str) -> str:
    data = by_unit.dropna(subset=["overclaim_pct"])
    if data.empty:
        return t("deduct_none", lang)
    worst = data.iloc[0]
    return t(
        "deduct_reading",
        lang,
        deducted=number(data["points_deducted"].sum(), 2, lang),
        n=int((data["points_deducted"] > 0).sum()),
        total=len(data),
        unit=worst["unit_name"],
        pct=number(worst["overclaim_pct"], 1, lang),
    )


def deduct_unit_sentence(by_unit: pd.DataFrame, lang: str) -> str:
    data = by_unit.dropna(subset=["rank_drop"])
    if data.empty or int(data["rank_drop"].max()) <= 0:
        return t("deduct_unit_reading_none", lang)
    top = data.sort_values(["rank_drop", "unit_id"], ascending=[False, True]).iloc[0]
    return t(
        "deduct_unit_reading",
        lang,
        unit=top["unit_name"],
        claimed=int(top["claimed_rank"]),
        rank=int(top["rank"]),
    )


def deduct_crit_sentence(by_criterion: pd.DataFrame, lang: str) -> str:
    if by_criterion.empty or by_criterion["n_units_deducted"].max() == 0:
        return t("deduct_none", lang)
    top = by_criterion.iloc[0]
    return t(
        "deduct_crit_reading",
        lang,
        criterion=f"{top['criterion']} {top['name']}".strip(),
        n=int(top["n_units_deducted"]),
        total=int(top["n_units"]),
    )


SURVEY_COLUMNS = [
    Column("unit_name", "unit"),
    Column("n_respondents", kind="int"),
    Column("n_leader", "role_leader", kind="int"),
    Column("n_staff", "role_staff", kind="int"),
    Column("n_citizen", "role_citizen", kind="int"),
    Column("straightliner_share", kind="num"),
    Column("straightliner_chance_share", kind="num"),
    Column("survey_points_file", kind="num"),
    Column("survey_points_answers", kind="num"),
    Column("survey_points_clean", kind="num"),
    Column("difference", kind="num"),
    Column("flags"),
]


def survey_table(quality: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The quality table with shares as percentages and one text column of warnings."""
    out = quality.copy()
    for col in ("straightliner_share", "straightliner_chance_share"):
        out[col] = out[col] * 100
    flags = []
    for r in out.itertuples():
        items = [
            t(key, lang)
            for key, on in (
                ("flag_too_few", r.too_few),
                ("flag_no_leader", r.n_leader == 0),
                ("flag_straightlining", r.excess_straightlining),
                ("flag_gap", r.gap),
            )
            if on
        ]
        flags.append("; ".join(items))
    out["flags"] = flags
    return out


def survey_sentence(result, min_respondents: int, gap_points: float, lang: str) -> str:
    """The section's headline; ``result`` is ``survey.analyse``'s (None: no answers supplied)."""
    if result is None:
        return t("survey_none", lang)
    quality = result.quality
    return t(
        "survey_reading",
        lang,
        respondents=int(quality["n_respondents"].sum()),
        units=len(quality),
        few=int(quality["too_few"].sum()),
        k=min_respondents,
        straight=int(quality["excess_straightlining"].sum()),
        no_leader=int((quality["n_leader"] == 0).sum()),
        gap=int(quality["gap"].sum()),
        g=number(gap_points, 1, lang),
    )


def survey_table_sentence(quality: pd.DataFrame, lang: str) -> str:
    flagged = quality[
        quality["gap"]
        | quality["too_few"]
        | quality["excess_straightlining"]
        | (quality["n_leader"] == 0)
    ]
    if flagged.empty:
        return t("survey_table_none", lang)
    worst = (
        quality.assign(a=quality["difference"].abs())
        .sort_values(["a", "unit_id"], ascending=[False, True])
        .iloc[0]
    )
    if math.isnan(float(worst["difference"])):
        return t("survey_table_reading_short", lang, n=len(flagged))
    return t(
        "survey_table_reading",
        lang,
        n=len(flagged),
        unit=worst["unit_name"],
        answers=number(worst["survey_points_answers"], 2, lang),
        file=number(worst["survey_points_file"], 2, lang),
    )
