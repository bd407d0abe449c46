"""The fairness page (04) block by block: each block's analyses run on its own units (a ward is
never grouped, ranked or simulated with departments), shown under the block's name, and saved
together with a ``block`` column; analyses that do not apply say why instead of showing zeros.

In: the score step's ``Results``, the notebook's ``Session`` and ``FairnessParameters``. Out: the
page's sections (through the session) and the saved ``fairness_*`` / ``deductions_*`` tables.
One function per analysis (``show_bias`` … ``show_survey``, notebook 04 calls one per cell), each
under a heading whose ``id`` is the evidence anchor the caveats link to (``max-bias``,
``survey-quality`` …; ``<anchor>-<block>`` for one block's part when the year has several). A
year of one implicit block runs and saves exactly as before (``fairness.analyse`` on every unit).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from parlib import fairness
from parlib.core.storage import write_csv
from parlib.fairness import deductions, survey
from parlib.fairness.step import FairnessResult
from parlib.fairness.survey import SurveyQuality
from parlib.publish import blocks as bk
from parlib.publish import caveats as cv
from parlib.publish import chart_kit, deductions_text, plots
from parlib.publish import fairness_text as fr
from parlib.publish import group_text as gt
from parlib.score.compute import Results
from parlib.score.tables import load_table

MIN_UNITS = 2  # a block of fewer units has nothing to compare
# whether ``fairness.analyse`` itself analyses block by block (issue #12's fairness step: every
# table with a ``block`` column, the skipped analyses and their reasons in ``skipped``); until
# it does, each block's analyses are run here on the block's own units
BLOCK_AWARE = "skipped" in {f.name for f in dataclasses.fields(FairnessResult)}


def block_results(results: Results, unit_ids) -> Results:
    """``results`` restricted to the units ``unit_ids`` (every table with a ``unit_id``)."""
    keep = set(unit_ids)
    changes = {}
    for f in dataclasses.fields(results):
        table = getattr(results, f.name)
        if isinstance(table, pd.DataFrame) and "unit_id" in table.columns:
            changes[f.name] = table[table["unit_id"].isin(keep)].reset_index(drop=True)
    return dataclasses.replace(results, **changes)


@dataclass
class BlockFairness:
    """The fairness page's analyses: ``sections`` per block in declared order, each
    ``(block id, title, units, FairnessResult or None)`` (None: a block too small to compare;
    title "" for a year of one implicit block), and ``whole``, the one block-aware result of every
    block when the fairness step analyses block by block itself (None otherwise)."""

    sections: list
    whole: FairnessResult | None = None


def analyse_blocks(
    results: Results, cfg, year: int, parameters, lang: str, blocks=None
) -> BlockFairness:
    """Every block's analyses (``BlockFairness``). One implicit block: the analyses of every
    unit, as before.

    The survey answers file holds every block's respondents: it is read and checked once, on
    every unit, and each block shows its own units' rows."""
    ui = bk.with_blocks(results.unit_index, blocks)
    order = bk.block_order(ui, blocks)
    if not bk.is_split(order):
        frame = bk.members(ui, order["block"].iloc[0])
        fair = fairness.analyse(results, cfg, year, parameters, lang)
        return BlockFairness([(order["block"].iloc[0], "", frame, fair)])
    if BLOCK_AWARE:  # the fairness step analyses block by block itself: run it once, show by block
        whole = fairness.analyse(results, cfg, year, parameters, lang)
        out = []
        for r in order.itertuples(index=False):
            frame = bk.members(ui, r.block)
            title = bk.block_title(r.name_vi, r.name_en, lang)
            fair = view_of(whole, r.block, set(frame["unit_id"]))
            out.append((r.block, title, frame, fair if len(frame) >= MIN_UNITS else None))
        return BlockFairness(out, whole)
    p = parameters or fairness.FairnessParameters()
    year_cfg = cfg.year(year)
    answers = survey.analyse(
        year_cfg.survey_responses,
        results.points,
        results.unit_index,
        p.min_respondents,
        p.straightline_min_questions,
        p.survey_gap_points,
        p.straightline_excess,
    )
    quiet = dataclasses.replace(
        cfg, years={**cfg.years, year: dataclasses.replace(year_cfg, survey_responses=None)}
    )
    out = []
    for r in order.itertuples(index=False):
        frame = bk.members(ui, r.block)
        title = bk.block_title(r.name_vi, r.name_en, lang)
        if len(frame) < MIN_UNITS:
            out.append((r.block, title, frame, None))
            continue
        fair = fairness.analyse(block_results(results, frame["unit_id"]), quiet, year, p, lang)
        if answers is not None:
            fair = dataclasses.replace(fair, survey=_survey_of(answers, set(frame["unit_id"])))
        out.append((r.block, title, frame, fair))
    return BlockFairness(out)


def view_of(fair: FairnessResult, block: str, units: set) -> FairnessResult:
    """One block's rows of a block-aware ``FairnessResult`` (its tables carry ``block``)."""

    def rows(table: pd.DataFrame) -> pd.DataFrame:
        if "block" in table.columns:
            return table[table["block"].astype(str) == block].reset_index(drop=True)
        if "unit_id" in table.columns:
            return table[table["unit_id"].isin(units)].reset_index(drop=True)
        return table

    changes = {
        f.name: rows(getattr(fair, f.name))
        for f in dataclasses.fields(fair)
        if isinstance(getattr(fair, f.name), pd.DataFrame)
    }
    changes["intervals"] = dataclasses.replace(fair.intervals, table=rows(fair.intervals.table))
    if fair.survey is not None:
        changes["survey"] = _survey_of(fair.survey, units)
    return dataclasses.replace(fair, **changes)


def _survey_of(answers: SurveyQuality, units: set) -> SurveyQuality:
    """The survey tables' rows of ``units``."""

    def rows(table: pd.DataFrame | None) -> pd.DataFrame | None:
        if table is None or "unit_id" not in table.columns:
            return table
        return table[table["unit_id"].isin(units)].reset_index(drop=True)

    return SurveyQuality(
        respondents=rows(answers.respondents),
        criteria=rows(answers.criteria),
        quality=rows(answers.quality),
        responses=rows(answers.responses),
    )


def save(analysed: BlockFairness, out_dir: Path) -> list[Path]:
    """One block, or the block-aware result of every block: ``FairnessResult.save`` as before.
    Several blocks analysed here: every table once, the blocks' rows together with a ``block``
    column. Nothing analysed (published results only): nothing saved."""
    if analysed.whole is not None:
        return analysed.whole.save(out_dir)
    done = [(b, f) for b, _, _, f in analysed.sections if f is not None]
    if len(analysed.sections) == 1 and done:
        return done[0][1].save(out_dir)
    stems: dict[str, list[pd.DataFrame]] = {}
    for block, fair in done:
        for stem, table in fair.tables().items():
            stems.setdefault(stem, []).append(table.assign(block=block))
    return [
        write_csv(pd.concat(tables, ignore_index=True), Path(out_dir) / f"{stem}.csv")
        for stem, tables in stems.items()
    ]


def each(s, analysed: BlockFairness, anchor: str, title_key: str, body, p) -> None:
    """One analysis on the page: its heading (``id`` = ``anchor``), then, when the year has
    several blocks, each block under its name (``id`` = ``<anchor>-<block>``), its body or the
    sentence saying the block is too small. Nothing analysed (published results only): nothing."""
    if not analysed.sections:
        return
    split = any(title for _, title, _, _ in analysed.sections)
    s.section(s.t(title_key), anchor=anchor)
    for block, title, frame, fair in analysed.sections:
        if split:
            s.section(title, level=3, anchor=cv.anchor(anchor, block, True))
        if fair is None:
            s.say(s.t("skip_fairness_small_block", n=len(frame)))
        else:
            body(s, fair, frame, p)


def _bias(s, fair: FairnessResult, unit_index: pd.DataFrame, p) -> None:
    lang = s.lang
    s.say(fr.bias_sentence(fair.bias, lang))
    if fr.enough(unit_index):
        s.figure(
            plots.index_vs_max(unit_index, fair.bias, lang, s.t("bias_title")),
            fr.scatter_reading(fair.bias, lang),
        )
        s.figure(
            plots.bias_by_kind(unit_index, fair.bias, lang, s.t("bias_by_kind_title")),
            s.t("bias_by_kind_reading"),
        )
    s.say(s.t("bias_table_reading"))
    s.table(fr.bias_table(fair.bias, lang), fr.BIAS_COLUMNS)


def _groups(s, fair: FairnessResult, unit_index: pd.DataFrame, p) -> None:
    lang = s.lang
    s.say(fr.groups_sentence(fair.groups, p.group_tolerance_points, lang))
    if fr.enough(unit_index):
        s.say(gt.group_rule_sentence(fair.groups, p.group_tolerance_points, lang))
        s.say(gt.worked_example(fair.groups, lang))
        s.say(fr.group_summary_sentence(fair.group_summary, lang))
        s.table(fr.group_summary_table(fair.group_summary, lang), fr.GROUP_SUMMARY_COLUMNS)
        s.say(fr.group_ranks_sentence(fair.groups, lang))
        s.table(gt.groups_table(fair.groups, lang), fr.GROUP_COLUMNS)


def _like_for_like(s, fair: FairnessResult, unit_index: pd.DataFrame, p) -> None:
    lang = s.lang
    lfl = fr.lfl_table(fair.like_for_like, fair.groups, lang)
    s.say(fr.lfl_sentence(lfl, p.like_for_like_groups, lang))
    if fr.enough(unit_index):
        s.figure(
            plots.like_for_like(fair.like_for_like, lang, s.t("lfl_title")),
            s.t("lfl_figure_reading"),
        )
    s.say(fr.lfl_table_sentence(lfl, lang))
    s.table(lfl, fr.LFL_COLUMNS)


def _alternatives(s, fair: FairnessResult, unit_index: pd.DataFrame, p) -> None:
    lang = s.lang
    s.say(fr.alt_sentence(fair.declared, fair.alternatives_summary, lang))
    s.say(s.t("alt_summary_reading"))
    s.table(fr.alt_summary_table(fair.alternatives_summary, lang), fr.ALT_SUMMARY_COLUMNS)
    if fr.enough(unit_index) and len(fair.declared.items) > 1:
        wide = fair.alternatives_wide
        s.figure(
            plots.alternative_ranks(
                wide, fr.alt_names(fair.declared, lang), lang, s.t("alt_title")
            ),
            s.t("alt_figure_reading"),
        )
        s.say(s.t("alt_wide_reading"))
        s.table(wide, fr.alt_wide_columns(fair.declared, lang))


def _intervals(s, fair: FairnessResult, unit_index: pd.DataFrame, p) -> None:
    lang = s.lang
    s.say(fr.mc_sentence(fair.intervals, lang, fair.declared))
    if fr.enough(unit_index):
        s.figure(
            plots.rank_intervals(fair.intervals.table, lang, s.t("mc_title")),
            s.t("mc_figure_reading"),
        )
        s.say(fr.intervals_sentence(fair.intervals.table, lang))
        s.table(fair.intervals.table, fr.INTERVAL_COLUMNS)


def _deductions(s, fair: FairnessResult, unit_index: pd.DataFrame, p) -> None:
    lang = s.lang
    if not bk.self_known(bk.with_blocks(unit_index)):
        s.say(s.t("skip_self_unknown"))
        return
    names = unit_index.set_index("unit_id")["unit_name"]
    by_unit, by_criterion = fair.deductions_by_unit, fair.deductions_by_criterion
    s.say(deductions_text.deductions_sentence(by_unit, lang))
    s.say(deductions_text.deduct_unit_sentence(by_unit, lang))
    s.table(by_unit, deductions_text.DEDUCT_UNIT_COLUMNS)
    s.figure(
        plots.deductions_heatmap(
            deductions.area_matrix(fair.deductions_by_area, names),
            names,
            lang,
            s.t("deduct_heatmap_title"),
            area_names=chart_kit.area_names(load_table(s.out, "area_index"), lang),
        ),
        s.t("deduct_heatmap_reading"),
    )
    s.figure(
        plots.deductions_by_criterion(by_criterion, lang, s.t("deduct_crit_title"), p.top_n),
        deductions_text.deduct_crit_sentence(by_criterion, lang),
    )
    s.say(s.t("deduct_crit_table_reading", n=min(p.top_n, len(by_criterion))))
    s.table(by_criterion, deductions_text.DEDUCT_CRIT_COLUMNS, max_rows=p.top_n)


def _survey(s, fair: FairnessResult, unit_index: pd.DataFrame, p) -> None:
    lang = s.lang
    s.say(
        deductions_text.survey_sentence(fair.survey, p.min_respondents, p.survey_gap_points, lang)
    )
    if fair.survey is not None:
        s.figure(
            plots.survey_respondents(
                fair.survey.quality, p.min_respondents, lang, s.t("survey_title")
            ),
            s.t("survey_figure_reading", k=p.min_respondents),
        )
        s.say(deductions_text.survey_table_sentence(fair.survey.quality, lang))
        s.table(
            deductions_text.survey_table(fair.survey.quality, lang), deductions_text.SURVEY_COLUMNS
        )


def show_bias(s, analysed: BlockFairness, p) -> None:
    """1. Index against applicable maximum (Spearman's ρ with its interval), per block."""
    each(s, analysed, "max-bias", "bias_title", _bias, p)


def show_groups(s, analysed: BlockFairness, p) -> None:
    """2. Comparable-maximum groups (the merge rule, a worked example) and ranks within them."""
    each(s, analysed, "groups", "groups_title", _groups, p)


def show_like_for_like(s, analysed: BlockFairness, p) -> None:
    """3. The like-for-like index over the parts every unit of a group shares."""
    each(s, analysed, "like-for-like", "lfl_title", _like_for_like, p)


def show_alternatives(s, analysed: BlockFairness, p) -> None:
    """4. The methodology alternatives of ``alternatives.toml``."""
    each(s, analysed, "alternatives", "alt_title", _alternatives, p)


def show_intervals(s, analysed: BlockFairness, p) -> None:
    """5. Monte Carlo rank intervals."""
    each(s, analysed, "rank-intervals", "mc_title", _intervals, p)


def show_deductions(s, analysed: BlockFairness, p) -> None:
    """6. Self-assessment against appraisal: points deducted."""
    each(s, analysed, "deductions", "deduct_title", _deductions, p)


def show_survey(s, analysed: BlockFairness, p) -> None:
    """7. Survey quality from the respondents' answers."""
    each(s, analysed, "survey-quality", "survey_title", _survey, p)


SHOW = (
    show_bias,
    show_groups,
    show_like_for_like,
    show_alternatives,
    show_intervals,
    show_deductions,
    show_survey,
)


def show_all(s, analysed: BlockFairness, p) -> None:
    """Every analysis in page order (what notebook 04 shows one cell at a time)."""
    for show in SHOW:
        show(s, analysed, p)
