"""The fairness step: one dataset-year's results → every fairness and robustness table.

In: the score step's ``Results`` (``points``, ``unit_index``, ``criterion_index``), the year's
decimals and optional ``survey_responses`` file, the dataset's optional ``alternatives.toml``, the
``FairnessParameters`` (notebook 04's parameters, ``parameters``) and the report language (it names the criteria of
``deductions_by_criterion``). Out: ``FairnessResult`` — max-points bias, comparable-maximum groups
and their summary, the like-for-like index, the methodology alternatives, Monte Carlo rank
intervals, points deducted by unit, unit × area, criterion and in detail, and survey quality —
which saves its tables as ``<name>.csv`` (``FairnessResult.FILES``) and is read back with ``load``.

``analyse`` only composes ``bias``, ``robustness``, ``deductions`` and ``survey``, block by block
(``blocks``: groups and peers never mix blocks; every table has a ``block`` column; what is skipped,
and why, is the ``skipped`` table, ``fairness_skipped.csv``); the formulas are documented there.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pandas as pd

from parlib.config.alternatives import Alternatives, load_alternatives
from parlib.config.dataset import DatasetConfig
from parlib.core.storage import write_csv
from parlib.fairness import robustness, survey
from parlib.fairness.blocks import block_tables, skipped_table
from parlib.fairness.parameters import FairnessParameters
from parlib.fairness.robustness import RankIntervals
from parlib.fairness.survey import SurveyQuality
from parlib.score.compute import Results
from parlib.score.tables import load_table


@dataclass
class FairnessResult:
    """Every fairness table of one dataset-year, with the settings needed to read them."""

    bias: pd.DataFrame  # index against applicable maximum, per scope (``bias.max_bias``)
    groups: pd.DataFrame  # ranks within declared and comparable-maximum groups
    group_summary: pd.DataFrame  # one row per comparable-maximum group
    like_for_like: pd.DataFrame  # index over the parts every unit of the group shares
    declared: Alternatives  # the alternatives compared (alternatives.toml; an input, not saved)
    alternatives: pd.DataFrame  # every unit under every alternative, long
    intervals: RankIntervals  # Monte Carlo rank intervals; ``settings`` as run
    deductions_by_unit: pd.DataFrame
    deductions_by_area: pd.DataFrame  # unit × area
    deductions_by_criterion: pd.DataFrame
    deductions_detail: pd.DataFrame  # every unit × criterion with a difference
    survey: SurveyQuality | None = None  # None: the year has no survey answers file
    skipped: pd.DataFrame = dataclasses.field(default_factory=lambda: skipped_table([]))

    # attribute (dotted: of an attribute) → file name stem in data/processed/<dataset>/<year>/
    FILES: ClassVar[dict[str, str]] = {
        "bias": "fairness_bias",
        "groups": "fairness_groups",
        "group_summary": "fairness_group_summary",
        "like_for_like": "fairness_like_for_like",
        "alternatives": "fairness_alternatives",
        "intervals.table": "fairness_rank_intervals",
        "deductions_by_unit": "deductions_by_unit",
        "deductions_by_area": "deductions_by_area",
        "deductions_by_criterion": "deductions_by_criterion",
        "deductions_detail": "deductions_detail",
        "skipped": "fairness_skipped",
    }
    OPTIONAL: ClassVar[tuple[str, ...]] = ("fairness_skipped",)  # saved before issue #12: absent
    # attribute of ``survey`` → file name stem, written only when the year has survey answers
    SURVEY_FILES: ClassVar[dict[str, str]] = {
        "quality": "survey_quality",
        "criteria": "survey_criteria",
        "respondents": "survey_respondents",
    }

    @property
    def alternatives_summary(self) -> pd.DataFrame:
        """Per alternative: how many units change rank, the largest move and whose it is."""
        return robustness.alternatives_summary(self.alternatives, self.declared)

    @property
    def alternatives_wide(self) -> pd.DataFrame:
        """One row per unit with its index and rank under each alternative side by side."""
        return robustness.alternatives_wide(self.alternatives, self.declared)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The saved tables by file name stem, in the order they are written."""
        out = {stem: _attribute(self, name) for name, stem in self.FILES.items()}
        if self.survey is not None:
            out.update(
                {stem: getattr(self.survey, name) for name, stem in self.SURVEY_FILES.items()}
            )
        return out

    def save(self, out_dir: Path) -> list[Path]:
        """Write every table to ``out_dir/<stem>.csv``. Without survey answers, survey tables an
        earlier run left there are removed: what is in the folder is this result."""
        written = [
            write_csv(table, Path(out_dir) / f"{stem}.csv") for stem, table in self.tables().items()
        ]
        if self.survey is None:
            for stem in self.SURVEY_FILES.values():
                (Path(out_dir) / f"{stem}.csv").unlink(missing_ok=True)
        return written

    @classmethod
    def load(cls, out_dir: Path, declared: Alternatives) -> FairnessResult:
        """Read back what ``save`` wrote. ``declared``: the alternatives the analysis compared (the
        dataset's ``alternatives.toml``, an input); the Monte Carlo settings are those declared
        with the draws and seed recorded in the rank intervals. Not saved, so not read back: the
        survey answers themselves (``survey.responses`` is None) and the simulation's seconds."""
        tables = {
            stem: load_table(out_dir, stem)
            if stem not in cls.OPTIONAL or (Path(out_dir) / f"{stem}.csv").is_file()
            else skipped_table([])
            for stem in cls.FILES.values()
        }
        intervals = tables["fairness_rank_intervals"]
        settings = declared.monte_carlo
        if len(intervals):
            settings = dataclasses.replace(
                settings, draws=int(intervals["draws"].iloc[0]), seed=int(intervals["seed"].iloc[0])
            )
        surveyed = all(
            (Path(out_dir) / f"{stem}.csv").is_file() for stem in cls.SURVEY_FILES.values()
        )
        found = (
            SurveyQuality(
                **{name: load_table(out_dir, stem) for name, stem in cls.SURVEY_FILES.items()}
            )
            if surveyed
            else None
        )
        fields = {name: tables[stem] for name, stem in cls.FILES.items() if "." not in name}
        return cls(
            **fields,
            declared=declared,
            survey=found,
            intervals=RankIntervals(intervals, settings, float("nan")),
        )


def _attribute(obj: object, dotted: str) -> object:
    for name in dotted.split("."):
        obj = getattr(obj, name)
    return obj


def analyse(
    results: Results,
    cfg: DatasetConfig,
    year: int,
    parameters: FairnessParameters | None = None,
    lang: str = "vi",
) -> FairnessResult:
    """Every fairness analysis of one dataset-year (what notebook 04 shows and saves), block by
    block: groups, peers and ranks never mix blocks; each table has a ``block`` column.

    Reads the dataset's ``alternatives.toml`` and the year's ``survey_responses`` (both optional);
    the rest comes from ``results``. Seeded: the same inputs and parameters give the same tables.
    What cannot be analysed (deductions without a known self-assessment, everything in a year of
    published results only) is listed in ``skipped`` with the reason, instead of zeros.
    """
    p = parameters or FairnessParameters()
    year_cfg = cfg.year(year)
    declared = load_alternatives(cfg.alternatives)
    tables, intervals, skipped = block_tables(
        results, year_cfg.decimals, year_cfg.published_only, declared, p, lang
    )
    unit_index, points = results.unit_index, results.points
    return FairnessResult(
        **tables,
        declared=declared,
        intervals=intervals,
        skipped=skipped,
        survey=None
        if year_cfg.published_only
        else survey.analyse(
            year_cfg.survey_responses,
            points,
            unit_index,
            p.min_respondents,
            p.straightline_min_questions,
            p.survey_gap_points,
            p.straightline_excess,
        ),
    )
