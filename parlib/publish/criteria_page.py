"""The criterion review page (08): which criteria to consider revising, why, since when.

In: the notebook's ``Session``, the score step's ``Results`` and the earlier years'
``criterion_review.csv`` (under the session's ``history_root``). Out: the page's sections through
the session (flagged criteria with their reasons and earlier years, every criterion's measures,
the redundant pairs) and the saved ``criterion_review.csv`` / ``criterion_pairs.csv``. The
measures and flags are ``parlib.fairness.criteria``'s; this module only words and shows them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parlib.core.labels import number, t
from parlib.fairness import criteria
from parlib.fairness.criteria import CriterionReview
from parlib.publish import blocks as bk
from parlib.publish import markup
from parlib.publish.block_pages import skipped
from parlib.publish.markup import Column
from parlib.publish.pages import localized
from parlib.score.compute import Results

PAGE = "08_criteria.html"  # the page, in Vietnamese (parlib.run.pipeline publishes it)
LEVEL_KEYS = {"criterion": "criterion", "subcriterion": "subcriterion"}


def analyse(results: Results, thresholds=None) -> CriterionReview:
    """The year's review (``criteria.review``); a year of published results only is skipped."""
    if bk.published_only(results.unit_index, results.area_index):
        return criteria.empty_review("skip_published_criteria", thresholds)
    return criteria.review(results.criterion_index, results.unit_index, thresholds)


def history(s) -> pd.DataFrame:
    """The flags of the dataset's years before the session's, read from ``history_root``."""
    earlier = [y for y in sorted(s.cfg.years) if y < s.year]
    return criteria.flag_history(s.history_root, s.cfg.name, earlier)


def _pct(value: object, lang: str) -> str:
    return "" if pd.isna(value) else f"{number(float(value) * 100, 0, lang)} %"


def reasons(row: pd.Series, lang: str) -> list[tuple[str, str]]:
    """(flag label, reason) of each flag of a review row, in ``lang``."""
    out = []
    for flag in filter(None, str(row["flags"]).split(";")):
        if flag == "at_ceiling":
            why = t(
                "crit_reason_at_ceiling",
                lang,
                n=int(row["n_at_ceiling"]),
                m=int(row["n_arising"]),
                share=_pct(row["ceiling_share"], lang),
            )
        elif flag == "rarely_arises":
            why = t("crit_reason_rarely_arises", lang, share=_pct(row["not_arising_share"], lang))
        elif flag == "no_separation":
            value = row["discrimination"]
            why = (
                t("crit_reason_no_separation_flat", lang)
                if pd.isna(value)
                else t(
                    "crit_reason_no_separation",
                    lang,
                    value=number(value, 2, lang),
                    upper=number(row.get("discrimination_upper"), 2, lang),
                )
            )
        else:
            why = ""
        codes = ", ".join(  # "tiêu chí 6.2": a code read as MoHA's numbering, not a decimal
            t("criterion_ref", lang, code=c) for c in str(row["same_as"]).split(";") if c
        )
        label = t(f"crit_flag_{flag}", lang, codes=codes)
        out.append((label, why))
    return out


def flagged_table(rv: CriterionReview, past: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per flagged criterion and flag: code, name, flag, reason, earlier years; by flag
    (at ceiling first, the issue's first concern; ``criteria.FLAGS``), then in the framework's
    order."""
    rows = []
    name = "name_vi" if lang == "vi" else "name_en"
    for _, r in rv.table[rv.table["flags"] != ""].iterrows():
        flags = [f for f in str(r["flags"]).split(";") if f]
        for flag, (label, why) in zip(flags, reasons(r, lang)):
            if flag == "redundant":
                pair = rv.pairs[
                    (rv.pairs["code_a"] == r["code"]) | (rv.pairs["code_b"] == r["code"])
                ]
                why = t(
                    "crit_reason_redundant",
                    lang,
                    value=number(pair["correlation"].abs().max(), 2, lang),
                )
            seen = past[
                (past["code"] == r["code"]) & (past["flag"] == flag) & (past["block"] == r["block"])
            ]
            years = sorted(seen["year"].astype(int).unique())
            earlier = (
                t("crit_history_before", lang, years=", ".join(map(str, years)))
                if years
                else t("crit_history_first", lang)
            )
            rows.append(
                {
                    "block": r["block"],
                    "code": r["code"],
                    "name": r[name],
                    "flag": label,
                    "reason": why,
                    "history": earlier,
                    "order": criteria.FLAGS.index(flag),
                }
            )
    out = pd.DataFrame(
        rows, columns=["block", "code", "name", "flag", "reason", "history", "order"]
    )
    out = out.sort_values("order", kind="stable", ignore_index=True).drop(columns="order")
    return _block_shown(out, rv, lang)


def _with_block(rv: CriterionReview, columns: list[Column]) -> list[Column]:
    """``columns``, led by the block's name when the year has several (a code repeats across
    them); the frame shown carries it as ``block_shown`` (``_block_shown``)."""
    several = rv.table["block"].nunique() > 1
    return ([Column("block_shown", "block")] if several else []) + columns


def _block_shown(frame: pd.DataFrame, rv: CriterionReview, lang: str) -> pd.DataFrame:
    """``frame`` with its block's name in ``lang`` beside the block's code."""
    out = frame.copy()
    out["block_shown"] = [rv.block_name(str(b), lang) for b in out["block"]]
    return out


def show_thresholds(s, rv: CriterionReview) -> None:
    """The thresholds the flags use, in a sentence."""
    if rv.skipped:  # nothing is flagged: the flagged section says why
        return
    th = rv.thresholds
    s.say(
        s.t(
            "crit_thresholds",
            ceiling=_pct(th.ceiling_share, s.lang),
            min_units=th.min_units,
            rare=_pct(th.rare_share, s.lang),
            disc=s.num(th.min_discrimination, 1),
            corr=s.num(th.redundant_correlation, 1),
            common=th.min_common_units,
            varied=th.min_varied_units,
        )
    )


def show_flagged(s, rv: CriterionReview, past: pd.DataFrame) -> None:
    """The criteria flagged as candidates to revise, each with its reason and earlier years."""
    if rv.skipped:
        s.show(skipped(rv.skipped, s.lang, title_key="crit_flagged_title"))
        return
    shown = flagged_table(rv, past, s.lang)
    n = int((rv.table["flags"] != "").sum())
    reading = (
        s.t("crit_flagged_reading", n=n, ceiling=len(rv.flagged("at_ceiling")))
        if n
        else s.t("crit_flagged_none")
    )
    s.section(s.t("crit_flagged_title"), reading, anchor="flagged-criteria")
    if n:
        columns = [
            Column("code", "code", kind="code"),
            Column("name", "name"),
            Column("flag", "crit_col_flags"),
            Column("reason", "crit_col_reason"),
            Column("history", "crit_col_history"),
        ]
        s.show(markup.html_table(shown, _with_block(rv, columns), s.lang))


def measures_frame(rv: CriterionReview, lang: str) -> pd.DataFrame:
    """The review table as the page shows it: shares in %, the level and name in ``lang``."""
    out = rv.table.copy()
    out["name"] = out["name_vi" if lang == "vi" else "name_en"]
    out["level_shown"] = out["level"].map(lambda v: t(LEVEL_KEYS.get(str(v), "criterion"), lang))
    for col in ("ceiling_share", "not_arising_share", "deducted_share"):
        out[col + "_pct"] = out[col] * 100
    out["flag_shown"] = [
        "; ".join(label for label, _ in reasons(r, lang)) for _, r in out.iterrows()
    ]
    return _block_shown(out, rv, lang)


def show_measures(s, rv: CriterionReview) -> None:
    """Every criterion and sub-criterion's measures, in the framework's order."""
    if rv.skipped:
        return
    s.section(s.t("crit_table_title"), anchor="criterion-measures")
    columns = [
        Column("code", "code", kind="code"),
        Column("name", "name"),
        Column("level_shown", "crit_col_level"),
        Column("n_arising", "crit_col_n_arising", kind="int"),
        Column("ceiling_share_pct", "crit_col_ceiling", kind="num", decimals=0),
        Column("not_arising_share_pct", "crit_col_not_arising", kind="num", decimals=0),
        Column("sd_index", "crit_col_sd", kind="num", decimals=1),
        Column("iqr_index", "crit_col_iqr", kind="num", decimals=1),
        Column("discrimination", "crit_col_discrimination", kind="num", decimals=2),
        Column("deducted_share_pct", "crit_col_deducted", kind="num", decimals=1),
        Column("flag_shown", "crit_col_flags"),
    ]
    shown = measures_frame(rv, s.lang)
    s.show(markup.html_table(shown[shown["n_units"] > 0], _with_block(rv, columns), s.lang))
    without = shown[shown["n_units"] == 0]
    if len(without):
        s.say(s.t("crit_unmaximised"))
        listed = [Column("code", "code", kind="code"), Column("name", "name")]
        s.show(markup.html_table(without, _with_block(rv, listed), s.lang))


def show_pairs(s, rv: CriterionReview) -> None:
    """The leaf pairs so correlated that they count the same thing twice."""
    if rv.skipped:
        return
    reading = "" if len(rv.pairs) else s.t("crit_pairs_none")
    s.section(s.t("crit_pairs_title"), reading, anchor="redundant-pairs")
    if len(rv.pairs):
        columns = [
            Column("code_a", "crit_col_code_a", kind="code"),
            Column("code_b", "crit_col_code_b", kind="code"),
            Column("n_common", "crit_col_n_common", kind="int"),
            Column("correlation", "crit_col_correlation", kind="num", decimals=2),
        ]
        shown = _block_shown(rv.pairs, rv, s.lang)
        s.show(markup.html_table(shown, _with_block(rv, columns), s.lang))


def save(rv: CriterionReview, out_dir: Path) -> list:
    """Save the review's tables (a skipped year saves none, and removes an earlier run's)."""
    if rv.skipped:
        for stem in CriterionReview.FILES.values():
            (Path(out_dir) / f"{stem}.csv").unlink(missing_ok=True)
        return []
    return rv.save(out_dir)


def overview_link(out_dir, lang: str) -> str:
    """The overview's sentence linking the review (empty when the year has none)."""
    rv = CriterionReview.load(Path(out_dir))
    if rv is None:
        return ""
    n = int((rv.table["flags"] != "").sum())
    href = localized(PAGE, lang)
    return f'<p><a href="{href}">{markup.esc(t("crit_overview_link", lang, n=n))}</a></p>'
