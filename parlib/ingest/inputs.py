"""Ingest: raw scoring files (CSV or XLSX, Vietnamese or English headers) → tidy tables.

In: a dataset folder and a year. Out: ``YearInputs`` holding the framework (with derived tree
columns), the units registry, the scores (one row per source row, every cell parsed: number,
``KPS`` = not arising, empty, or unparseable text kept verbatim for the error message), the published
totals and the rating bands. Nothing is fixed silently here: a cell that cannot be read stays visible
in ``*_unparsed`` and validation turns it into an error naming file, row, unit, criterion and value.

``load_year`` is the stage's entry point; ``YearInputs.save`` writes the tidy tables
(``tidy/<name>.csv``) and ``YearInputs.load`` reads them back, ``load_tidy_table`` only one of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from parlib.config.dataset import DatasetConfig, YearConfig
from parlib.core import cells
from parlib.core.errors import DataError, Problem
from parlib.core.storage import write_csv, write_json
from parlib.ingest import corrections as corr
from parlib.ingest import year as yr
from parlib.ingest.published import read_published
from parlib.ingest.readers import Notes, read_bands, read_units


@dataclass
class YearInputs:
    """Everything one dataset-year's computation reads, already parsed."""

    dataset: DatasetConfig
    year: YearConfig
    framework: pd.DataFrame
    units: pd.DataFrame
    scores: pd.DataFrame
    published: pd.DataFrame
    bands: pd.DataFrame
    corrections: pd.DataFrame  # audit trail of the corrections applied (may be empty)
    notes: pd.DataFrame  # warnings about what ingest did (Problem rows), e.g. text normalised
    sheets: dict[str, str] = field(default_factory=dict)  # file → the sheet read (XLSX inputs)

    def save(self, out_dir: Path) -> list[Path]:
        """Write every table to ``out_dir/tidy/<name>.csv`` (``TIDY_FILES``)."""
        written = [
            write_csv(getattr(self, name), Path(out_dir) / "tidy" / f"{name}.csv")
            for name in TIDY_FILES
        ]
        sheets = Path(out_dir) / "tidy" / "sheets.json"
        if self.sheets:  # which worksheet each XLSX input was read from, for the messages
            written.append(write_json(sheets, self.sheets))
        else:
            sheets.unlink(missing_ok=True)
        return written

    @classmethod
    def load(cls, out_dir: Path, cfg: DatasetConfig, year: int) -> YearInputs:
        """Read back what ``save`` wrote (types restored); raises if the ingest step has not run."""
        tables = {name: load_tidy_table(out_dir, name) for name in TIDY_FILES}
        sheets = Path(out_dir) / "tidy" / "sheets.json"
        read = json.loads(sheets.read_text("utf-8")) if sheets.is_file() else {}
        return cls(dataset=cfg, year=cfg.year(year), **tables, sheets=read)


def load_year(cfg: DatasetConfig, year: int) -> YearInputs:
    """Read every input of one dataset-year, applying declared corrections with an audit trail."""

    yc = cfg.year(year)
    notes = Notes(corr.read(cfg.corrections, year))
    framework = yr.framework_table(yc, notes)
    units = yr.units_blocks(read_units(cfg.units, notes), yc)
    inputs = YearInputs(
        dataset=cfg,
        year=yc,
        framework=framework,
        units=units,
        scores=yr.scores_table(cfg, yc, units, notes),
        published=read_published(yc.published, notes, yr.components(yc)),
        bands=read_bands(cfg.bands, year),
        corrections=pd.DataFrame(notes.audit, columns=list(corr.AUDIT_COLUMNS)),
        notes=pd.DataFrame(
            [p.to_dict() for p in notes.problems], columns=list(Problem.__dataclass_fields__)
        ),
        sheets=dict(notes.sheets),
    )
    return inputs


TIDY_FILES = ("framework", "units", "scores", "published", "bands", "corrections", "notes")


_DTYPES = {
    "framework": {
        "code": "str",
        "parent": "str",
        "area": "str",
        "name_vi": "str",
        "name_en": "str",
        "level": "str",
        "component": "str",
        "applies_to": "str",
        "framework": "str",
        "source_file": "str",
    },
    "units": {
        "unit_id": "str",
        "unit_name": "str",
        "kind": "str",
        "group": "str",
        "region": "str",
        "name_en": "str",
        "valid_from": "str",
        "valid_to": "str",
        "parent": "str",
        "block": "str",
        "block_candidates": "str",
        "source_file": "str",
    },
    "scores": {
        "unit_id": "str",
        "criterion": "str",
        "unit_name": "str",
        "source_file": "str",
        "self_unparsed": "str",
        "appraised_unparsed": "str",
        "survey_unparsed": "str",
        "explanation": "str",
        "block": "str",
        "file_block": "str",
        "source_sheet": "str",
    },
    "published": {
        c: "str"
        for c in (
            "unit_id",
            "measure",
            "source",
            "unit_name",
            "block",
            "note",
            "role",
            "value_text",
            "source_file",
        )
    },
    "bands": {"band": "str", "block": "str"},
    # every audit column but the row number is text
    "corrections": {c: "str" for c in corr.AUDIT_COLUMNS if c != "row"},
    "notes": {
        c: "str"
        for c in (
            "severity",
            "check",
            "file",
            "unit_id",
            "criterion",
            "value",
            "expected",
            "message",
            "message_vi",
            "expected_vi",
            "sheet",
            "key",
        )
    },
}


_BOOLS = {"framework": ("is_leaf",), "scores": ("self_kps", "appraised_kps", "survey_kps")}


def save_tidy(inputs: YearInputs, out_dir: Path) -> list[Path]:
    """``inputs.save(out_dir)`` (the name notebooks and tests used before ``YearInputs.save``)."""
    return inputs.save(out_dir)


def load_tidy(out_dir: Path, cfg: DatasetConfig, year: int) -> YearInputs:
    """``YearInputs.load(out_dir, cfg, year)``: every tidy table of a dataset-year, types restored."""
    return YearInputs.load(out_dir, cfg, year)


def load_tidy_table(out_dir: Path, name: str) -> pd.DataFrame:
    """One tidy table saved by ``YearInputs.save`` (``name`` in ``TIDY_FILES``), types restored:
    for a report that needs the units or the published totals, not every score row."""
    if name not in TIDY_FILES:
        raise ValueError(f"no tidy table {name!r}; tables: {', '.join(TIDY_FILES)}")
    path = Path(out_dir) / "tidy" / f"{name}.csv"
    if not path.is_file():
        raise DataError(
            f"{path.parent}: no ingested data; run the ingest notebook (or `parlib run`) first"
        )
    header = pd.read_csv(path, nrows=0).columns
    # the columns of every part and round (``sipas_unparsed``, ``round_2_kps``) by their suffix
    text = {**_DTYPES[name], **{c: "str" for c in header if c.endswith("_unparsed")}}
    flags = [*_BOOLS.get(name, ()), *(c for c in header if c.endswith("_kps"))]
    flags += [c for c in header if c in ("appraised_from_round",)]
    table = cells.csv_restore(  # the text exactly as ingested, without write_csv's escapes
        pd.read_csv(path, dtype=text, keep_default_na=False, na_values=[""])
    )
    for col, dtype in text.items():
        if col in table.columns and dtype == "str":
            table[col] = table[col].fillna("").astype("str")
    for col in dict.fromkeys(flags):
        if col in table.columns:
            table[col] = table[col].astype("bool")
    return table


def summary(inputs: YearInputs) -> dict[str, int | float]:
    """Counts a reviewer checks first: units, leaves, score rows, not-arising cells, decimal commas."""
    fw, sc = inputs.framework, inputs.scores
    return {
        "units_registered": int(len(inputs.units)),
        "units_scored": int(sc["unit_id"].nunique()),
        "framework_nodes": int(len(fw)),
        "leaves": int(fw["is_leaf"].sum()),
        "framework_total": float(fw.loc[fw["is_leaf"], "max_points"].sum()),
        "score_rows": int(len(sc)),
        "kps_cells": int(sc[["self_kps", "appraised_kps", "survey_kps"]].to_numpy().sum()),
        "unparsed_cells": int(
            (sc[["self_unparsed", "appraised_unparsed", "survey_unparsed"]] != "").to_numpy().sum()
        ),
        "published_figures": int(len(inputs.published)),
        "corrections_applied": int(len(inputs.corrections)),
    }
