"""Caveats: everything that qualifies a dataset-year's figures, collected once from the saved
tables, so that every page of the year states the same ones (none says "no warnings" while another
raises one).

STUB (contract /work/tools/contract13.md §4): the shapes are fixed; ``collect`` is filled in by the
overview helper.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Caveat:
    """One caveat: what kind of evidence, how serious, whom it concerns, what it says in each
    language and where the evidence is (a link relative to the year's reports folder)."""

    kind: str  # validation | survey | fairness | reconciliation | conflict | methodology
    severity: str  # warning | info
    block: str = ""  # "" = the whole year
    unit_id: str = ""  # "" = not about one unit
    text_vi: str = ""
    text_en: str = ""
    evidence: str = ""  # e.g. "04_fairness.html#survey-quality" (Vietnamese page name)

    def text(self, lang: str) -> str:
        return self.text_vi if lang == "vi" else self.text_en


def collect(out: Path) -> list[Caveat]:
    """The caveats of the dataset-year whose tables are in ``out`` (STUB: none yet)."""
    return []


def for_unit(caveats: list[Caveat], unit_id: str) -> list[Caveat]:
    """The caveats about one unit."""
    return [c for c in caveats if c.unit_id == unit_id]
