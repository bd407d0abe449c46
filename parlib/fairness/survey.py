"""Survey quality: respondent-level answers → who answered, how, and what score they support.

In: the year's optional ``survey_responses`` file (one row per respondent × question; format in
``data/raw/README.md``), the ``points`` table (the survey scores in the scores file and each survey
leaf's maximum) and the scored units.
Out: ``read_responses`` (checked answers), ``straightliners`` (per respondent), ``criterion_scores``
(unit × survey criterion, from the answers, beside the scores file) and ``quality`` (per unit:
respondents by role, straight-lining, too few answers, survey points from answers vs the file);
``analyse`` does all of it, or returns None when the year has no answers file.

Why: practitioners doubt the survey part (questionnaires for leaders filled in by staff, respondents
without the information to judge). A score resting on a handful of answers, or on respondents who
tick the same box throughout, should be read with care.

Score from answers, for unit u and survey criterion c with maximum M_c, answers on 1…5:
share = (answer − 1) ÷ 4; each respondent's mean share over the criterion's questions; the unit's
mean over respondents; score = mean × M_c (each respondent counts once, however many questions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from parlib.core import paths
from parlib.core.errors import DataError, Problem
from parlib.ingest.tables import ascii_key, canonical_columns, read_table

SCALE = (1, 5)  # answers are whole numbers on this scale
ROLES = ("leader", "staff", "citizen", "organisation")
ROLE_ALIASES = {  # ascii keys (no diacritics, lower case) → role
    "leader": "leader",
    "lanh dao": "leader",
    "can bo lanh dao": "leader",
    "staff": "staff",
    "cong chuc": "staff",
    "vien chuc": "staff",
    "can bo": "staff",
    "can bo cong chuc": "staff",
    "cbcc": "staff",
    "citizen": "citizen",
    "nguoi dan": "citizen",
    "cong dan": "citizen",
    "organisation": "organisation",
    "organization": "organisation",
    "to chuc": "organisation",
    "doanh nghiep": "organisation",
}
RESPONSE_ALIASES = {
    "respondent_id": ["respondent_id", "mã người trả lời", "mã phiếu", "phiếu"],
    "unit_id": ["unit_id", "mã đơn vị"],
    "role": ["role", "vai trò", "đối tượng"],
    "criterion": ["criterion", "mã tiêu chí"],
    "question": ["question", "câu hỏi", "mã câu hỏi"],
    "answer": ["answer", "trả lời", "câu trả lời", "điểm"],
}


def survey_leaves(points: pd.DataFrame) -> pd.Series:
    """Maximum survey points of every leaf that has a survey component (criterion → M_c)."""
    s = points[points["component"] == "survey"]
    return s.drop_duplicates("criterion").set_index("criterion")["max_points"].astype("float64")


def read_responses(path, points: pd.DataFrame, unit_ids) -> pd.DataFrame:
    """Read and check a survey responses file (CSV or XLSX, English or Vietnamese headers).

    Every problem is collected and raised together as a ``DataError`` naming file, row, respondent,
    unit, criterion and value: unknown unit, criterion without a survey component, unknown role,
    answer not a whole number on the scale, one respondent in two units or roles, a question
    answered twice. Empty answers are skipped (not counted), never read as a score.
    """
    where = paths.display(path)
    raw = read_table(path)
    df = canonical_columns(raw, RESPONSE_ALIASES, path, tuple(RESPONSE_ALIASES))
    for col in ("respondent_id", "unit_id", "criterion", "question", "role"):
        df[col] = df[col].map(
            lambda v: (
                ""
                if v is None or (isinstance(v, float) and math.isnan(v))
                else (format(v, "g") if isinstance(v, float) else str(v)).strip()
            )
        )
    df["criterion"] = df["criterion"].str.rstrip(".")
    leaves = survey_leaves(points)
    known_units = set(map(str, unit_ids))
    problems: list[Problem] = []

    def problem(row, check, message, expected="", value="", unit="", criterion=""):
        problems.append(
            Problem(
                "critical",
                check,
                where,
                row=int(row),
                unit_id=unit,
                criterion=criterion,
                value=str(value),
                expected=expected,
                message=message,
            )
        )

    answers, roles = [], []
    for r in df.itertuples():
        role = ROLE_ALIASES.get(ascii_key(r.role))
        roles.append(role or "")
        if role is None:
            problem(
                r.source_row,
                "survey_unknown_role",
                "unknown respondent role",
                f"one of {list(ROLES)}",
                r.role,
                r.unit_id,
                r.criterion,
            )
        if r.unit_id not in known_units:
            problem(
                r.source_row,
                "survey_unknown_unit",
                "unit not among the scored units",
                "a scored unit_id",
                r.unit_id,
                r.unit_id,
                r.criterion,
            )
        if r.criterion not in leaves.index:
            problem(
                r.source_row,
                "survey_not_survey_criterion",
                "criterion has no survey component in this year's framework",
                "a leaf with max_survey > 0",
                r.criterion,
                r.unit_id,
                r.criterion,
            )
        value = r.answer
        text = (
            ""
            if value is None or (isinstance(value, float) and math.isnan(value))
            else str(value).strip().replace(",", ".")
        )
        if text == "":
            answers.append(math.nan)
            continue
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if (
            not (number == int(number) if not math.isnan(number) else False)
            or not SCALE[0] <= number <= SCALE[1]
        ):
            problem(
                r.source_row,
                "survey_bad_answer",
                "answer is not a whole number on the scale",
                f"a whole number {SCALE[0]}–{SCALE[1]} or empty",
                value,
                r.unit_id,
                r.criterion,
            )
            answers.append(math.nan)
        else:
            answers.append(number)
    df["role"] = roles
    df["answer"] = pd.Series(answers, index=df.index, dtype="float64")
    per_resp = df.groupby("respondent_id")[["unit_id", "role"]].nunique()
    for rid in per_resp.index[(per_resp["unit_id"] > 1) | (per_resp["role"] > 1)]:
        first = df[df["respondent_id"] == rid].iloc[0]
        problem(
            first["source_row"],
            "survey_respondent_inconsistent",
            "respondent appears with more than one unit or role",
            "one unit and one role per respondent",
            rid,
            first["unit_id"],
        )
    dup = df.duplicated(["respondent_id", "criterion", "question"], keep="first")
    for r in df[dup].itertuples():
        problem(
            r.source_row,
            "survey_duplicate_answer",
            "question answered twice by one respondent",
            "one answer per respondent and question",
            f"{r.respondent_id} {r.question}",
            r.unit_id,
            r.criterion,
        )
    if problems:
        raise DataError(f"{where}: the survey answers have problems", problems)
    df = df[df["answer"].notna()]
    return df[
        ["respondent_id", "unit_id", "role", "criterion", "question", "answer", "source_row"]
    ].reset_index(drop=True)


def straightliners(responses: pd.DataFrame, min_questions: int = 5) -> pd.DataFrame:
    """Per respondent: questions answered, distinct answers, and whether they straight-lined.

    Rule: a respondent who answered at least ``min_questions`` questions, all with the same value.
    ``p_chance``: the chance of that pattern if the respondent's answers were drawn independently
    from the unit's answer mix f_v (share of the unit's answers equal to v): Σ_v f_v^n for a
    respondent with n ≥ ``min_questions`` answers, else 0. In a very satisfied unit, all-5 answers
    are common by chance; the unit's excess over the sum of ``p_chance`` is the warning sign.
    """
    g = responses.groupby("respondent_id")
    out = pd.DataFrame(
        {
            "unit_id": g["unit_id"].first(),
            "role": g["role"].first(),
            "n_answers": g["answer"].size(),
            "n_distinct": g["answer"].nunique(),
        }
    )
    out["straightliner"] = (out["n_answers"] >= min_questions) & (out["n_distinct"] == 1)
    mix = responses.groupby("unit_id")["answer"].value_counts(normalize=True).rename("f")
    mix = mix.reset_index()
    shares = {u: grp["f"].to_numpy() for u, grp in mix.groupby("unit_id", sort=False)}
    pairs = list(zip(out["unit_id"], out["n_answers"]))  # a unit's respondents share their n
    by_pair = {(u, n): float((shares[u] ** n).sum()) for u, n in set(pairs) if n >= min_questions}
    chance = [by_pair.get(pair, 0.0) for pair in pairs]
    out["p_chance"] = np.round(chance, 6)
    return out.reset_index()


def _scores(responses: pd.DataFrame, leaves: pd.Series) -> pd.DataFrame:
    """unit × criterion: respondents, answers and the score the answers support."""
    r = responses.assign(share=(responses["answer"] - SCALE[0]) / (SCALE[1] - SCALE[0]))
    per_resp = r.groupby(["unit_id", "criterion", "respondent_id"], as_index=False)["share"].mean()
    out = per_resp.groupby(["unit_id", "criterion"], as_index=False).agg(
        n_respondents=("respondent_id", "nunique"), mean_share=("share", "mean")
    )
    out["n_answers"] = (
        r.groupby(["unit_id", "criterion"])["answer"]
        .size()
        .reindex(pd.MultiIndex.from_frame(out[["unit_id", "criterion"]]))
        .to_numpy()
    )
    out["score_answers"] = (out["mean_share"] * out["criterion"].map(leaves)).round(2)
    return out


def criterion_scores(
    responses: pd.DataFrame, points: pd.DataFrame, straight: pd.DataFrame | None = None
) -> pd.DataFrame:
    """unit × survey criterion: the score from the answers beside the score in the scores file.

    ``score_answers`` uses every answer; ``score_clean`` leaves out straight-liners (when
    ``straight`` is given); ``difference`` = score_answers − score_file. Criteria where the unit's
    survey did not arise (KPS) have no file score.
    """
    leaves = survey_leaves(points)
    out = _scores(responses, leaves)
    if straight is not None:
        keep = responses[
            ~responses["respondent_id"].isin(
                straight.loc[straight["straightliner"], "respondent_id"]
            )
        ]
        clean = _scores(keep, leaves)[["unit_id", "criterion", "score_answers"]]
        out = out.merge(
            clean.rename(columns={"score_answers": "score_clean"}),
            on=["unit_id", "criterion"],
            how="left",
        )
    file = points[(points["component"] == "survey")]
    file = file.assign(score_file=file["points"].where(file["applicable"].astype(bool)))
    out = out.merge(
        file[["unit_id", "criterion", "max_points", "score_file"]],
        on=["unit_id", "criterion"],
        how="left",
    )
    out["difference"] = (out["score_answers"] - out["score_file"]).round(2)
    return out.sort_values(["unit_id", "criterion"], ignore_index=True)


def quality(
    responses: pd.DataFrame,
    points: pd.DataFrame,
    unit_index: pd.DataFrame,
    min_respondents: int = 10,
    min_questions: int = 5,
    gap_points: float = 1.0,
    excess_share: float = 0.15,
) -> pd.DataFrame:
    """Per unit with survey points or answers: respondents by role, answers, straight-liners,
    ``too_few`` (fewer than ``min_respondents`` respondents), and the survey points the answers
    support (all, and without straight-liners) beside the scores file; ``gap`` when they differ by
    more than ``gap_points``. The comparison is over the criteria the unit has both for.

    ``straightliner_chance_share`` = Σ p_chance ÷ respondents (see ``straightliners``);
    ``excess_straightlining`` when at least 2 respondents straight-lined and the observed share
    exceeds the chance share by more than ``excess_share`` (one respondent is not a pattern).
    """
    straight = straightliners(responses, min_questions)
    crit = criterion_scores(responses, points, straight)
    both = crit[crit["score_file"].notna()]
    sums = both.groupby("unit_id").agg(
        survey_points_file=("score_file", "sum"),
        survey_points_answers=("score_answers", "sum"),
        survey_points_clean=("score_clean", "sum"),
    )
    by_role = (
        straight.pivot_table(
            index="unit_id", columns="role", values="respondent_id", aggfunc="count"
        )
        .reindex(columns=list(ROLES))
        .fillna(0)
    )
    by_role.columns = [f"n_{c}" for c in by_role.columns]
    resp = straight.groupby("unit_id").agg(
        n_respondents=("respondent_id", "size"),
        n_answers=("n_answers", "sum"),
        n_straightliners=("straightliner", "sum"),
        chance=("p_chance", "sum"),
    )
    file_units = points[(points["component"] == "survey") & points["applicable"].astype(bool)]
    surveyed = set(file_units["unit_id"]) | set(responses["unit_id"])
    base = unit_index.loc[unit_index["unit_id"].isin(surveyed), ["unit_id", "unit_name", "kind"]]
    out = (
        base.merge(resp, on="unit_id", how="left")
        .merge(by_role, on="unit_id", how="left")
        .merge(sums, on="unit_id", how="left")
    )
    for col in ["n_respondents", "n_answers", "n_straightliners"] + [f"n_{r}" for r in ROLES]:
        out[col] = out[col].fillna(0).astype("int64")
    out["straightliner_share"] = np.where(
        out["n_respondents"] > 0,
        out["n_straightliners"] / out["n_respondents"].where(out["n_respondents"] > 0, 1),
        np.nan,
    ).round(4)
    out["straightliner_chance_share"] = np.where(
        out["n_respondents"] > 0,
        out["chance"] / out["n_respondents"].where(out["n_respondents"] > 0, 1),
        np.nan,
    ).round(4)
    out["excess_straightlining"] = (out["n_straightliners"] >= 2) & (
        out["straightliner_share"] - out["straightliner_chance_share"] > excess_share + 1e-9
    )
    out["too_few"] = out["n_respondents"] < min_respondents
    out["difference"] = (out["survey_points_answers"] - out["survey_points_file"]).round(2)
    out["gap"] = out["difference"].abs() > gap_points + 1e-9
    cols = (
        ["unit_id", "unit_name", "kind", "n_respondents"]
        + [f"n_{r}" for r in ROLES]
        + [
            "n_answers",
            "n_straightliners",
            "straightliner_share",
            "straightliner_chance_share",
            "excess_straightlining",
            "too_few",
            "survey_points_file",
            "survey_points_answers",
            "survey_points_clean",
            "difference",
            "gap",
        ]
    )
    return out[cols].sort_values(["n_respondents", "unit_id"], ignore_index=True)


@dataclass
class SurveyQuality:
    respondents: pd.DataFrame  # per respondent (straightliners)
    criteria: pd.DataFrame  # unit × survey criterion (criterion_scores)
    quality: pd.DataFrame  # per unit (quality)
    responses: pd.DataFrame | None = None  # checked answers (an input: None when read back)


def analyse(
    path: Path | None,
    points: pd.DataFrame,
    unit_index: pd.DataFrame,
    min_respondents: int = 10,
    min_questions: int = 5,
    gap_points: float = 1.0,
    excess_share: float = 0.15,
) -> SurveyQuality | None:
    """Every survey-quality table for one year, or None when no answers file is declared."""
    if path is None:
        return None
    responses = read_responses(path, points, unit_index["unit_id"])
    respondents = straightliners(responses, min_questions)
    return SurveyQuality(
        responses=responses,
        respondents=respondents,
        criteria=criterion_scores(responses, points, respondents),
        quality=quality(
            responses, points, unit_index, min_respondents, min_questions, gap_points, excess_share
        ),
    )
