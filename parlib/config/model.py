"""The data model of an evaluation, as declared: scored parts (components) and blocks (khối).

In: nothing (types only; ``parlib.config.dataset`` fills them from ``dataset.toml``). Out:

- ``ComponentConfig``: one scored part of a framework (appraisal, a survey such as SIPAS or the
  leaders' survey, socio-economic impact, bonus, penalty), its kind, labels, maximum and cap, and the
  names of its columns in every table (score files, the framework, the results);
- ``BlockConfig``: a block of units ranked together on one framework (departments, wards, communes);
- ``LEGACY_COMPONENTS`` and ``ALL_UNITS``: what a framework and a year are when they declare
  neither, so datasets written before blocks and components keep their meaning and results.

Kinds of part: ``assessed`` (self-assessment, then appraisal: the appraised score counts),
``measured`` (surveys and other external measures: no self-assessment), ``bonus`` and ``penalty``
(outside the maximum: added to or taken from the points achieved, each capped by ``cap``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

KINDS = ("assessed", "measured", "bonus", "penalty")
IN_MAXIMUM = ("assessed", "measured")  # the kinds whose maxima make up a unit's maximum


@dataclass(frozen=True)
class ComponentConfig:
    """One scored part of a framework, and where it lives in every table."""

    id: str  # letters, digits, underscores: "appraisal", "survey", "sipas", "bonus"
    kind: str  # one of KINDS
    label_vi: str
    label_en: str
    max: float | None = None  # declared maximum of the part (checked against the leaves)
    cap: float | None = None  # bonus/penalty: the most points it adds/removes in total
    self_assessed: bool = False  # a self-assessed score precedes this part's final score
    aliases: tuple[str, ...] = ()  # extra headers of its score column in score files

    @property
    def stem(self) -> str:
        """The prefix of its columns: ``appraised`` for the appraisal (the names the first datasets
        used), the id otherwise."""
        return "appraised" if self.id == "appraisal" else self.id

    @property
    def in_maximum(self) -> bool:
        return self.kind in IN_MAXIMUM

    @property
    def score_column(self) -> str:
        """Its final score in a score file and the tidy scores: ``appraised_score``, ``sipas_score``."""
        return f"{self.stem}_score"

    @property
    def self_column(self) -> str:
        """Its self-assessed score: ``self_score`` for the appraisal, ``self_<id>_score`` otherwise."""
        return "self_score" if self.id == "appraisal" else f"self_{self.id}_score"

    @property
    def max_column(self) -> str:
        """Its maximum in the framework table: ``max_appraisal``, ``max_survey``, ``max_sipas``."""
        return f"max_{self.id}"

    @property
    def points_column(self) -> str:
        """Its points in the unit results: ``appraised_points``, ``survey_points``, ``bonus_points``."""
        return f"{self.stem}_points"

    @property
    def total_measure(self) -> str:
        """Its published total in a published file: ``appraised_total``, ``sipas_total``."""
        return f"{self.stem}_total"

    def label(self, lang: str) -> str:
        return self.label_vi if lang == "vi" else self.label_en


APPRAISAL = ComponentConfig(
    "appraisal", "assessed", "Điểm thẩm định", "Appraised points", self_assessed=True
)
SURVEY = ComponentConfig("survey", "measured", "Điểm điều tra xã hội học", "Survey points")
LEGACY_COMPONENTS = (APPRAISAL, SURVEY)


@dataclass(frozen=True)
class BlockConfig:
    """A block (khối): units ranked together, on one framework, with their own bands."""

    id: str
    name_vi: str
    name_en: str
    framework: str | None  # a framework id (None: a published-results-only year)
    kinds: tuple[str, ...] = ()  # units of these kinds belong to the block ...
    units: tuple[str, ...] = ()  # ... and these units by id (both empty: every unit)
    scores: Path | None = None  # its own score file (None: the year's)
    sheet: str | None = None  # the worksheet of the score workbook holding it
    implicit: bool = False  # the year declared no blocks: one block of every unit

    def name(self, lang: str) -> str:
        return self.name_vi if lang == "vi" else self.name_en

    def holds(self, unit_id: str, kind: str) -> bool:
        """Whether a unit of this id and kind belongs to the block."""
        if not self.kinds and not self.units:
            return True
        return unit_id in self.units or kind in self.kinds


ALL_UNITS_ID = "all"


def all_units(framework: str | None) -> BlockConfig:
    """The one block of a year that declares none: every unit, on the year's framework."""
    return BlockConfig(ALL_UNITS_ID, "Tất cả đơn vị", "All units", framework, implicit=True)
