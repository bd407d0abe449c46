"""The validate step: every input suite on one dataset-year (``validate_inputs``) and the result
suites on its computed results (``validate_results``), both through the one engine
(``engine.run_suites``), with or without a Data Docs folder.

In: ``YearInputs`` / ``Results``. Out: a ``ValidationReport``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from parlib.core.errors import Problem
from parlib.ingest.inputs import YearInputs
from parlib.validate.engine import run_suites
from parlib.validate.frames import (
    Frame,
    bands_frame,
    coverage_frames,
    framework_frames,
    score_codes,
    scores_frame,
    units_frame,
)
from parlib.validate.leaves import leaf_positions
from parlib.validate.model_frames import (
    blocks_frame,
    criteria_frame,
    parts_frame,
    published_frame,
)
from parlib.validate.problems import ValidationReport


def input_frames(inputs: YearInputs) -> tuple[list[Frame], dict]:
    """The frames of every input suite, and the suite parameters (the year's leaf codes and
    framework). The score table's unit and criterion columns are factorised once, for all frames."""
    fw, yc = inputs.framework, inputs.year
    parameters = {
        "leaf_codes": sorted(set(fw.loc[fw["is_leaf"], "code"].tolist())),
        "framework": ", ".join(yc.frameworks) or (yc.framework.id if yc.framework else ""),
        "blocks_declared": "; ".join(
            f"{b.id} ({', '.join([*b.kinds, *b.units]) or 'every unit'})" for b in yc.blocks
        ),
    }
    codes = score_codes(inputs)
    at = leaf_positions(inputs)
    frames = [
        *framework_frames(inputs),
        units_frame(inputs),
        scores_frame(inputs, codes, at),
        *coverage_frames(inputs, codes),
        published_frame(inputs),
        bands_frame(inputs),
        parts_frame(inputs, at),
        blocks_frame(inputs),
        criteria_frame(inputs, at),
    ]
    # every message about an XLSX input names the sheet read
    frames = [replace(f, sheet=f.sheet or inputs.sheets.get(f.file, "")) for f in frames]
    return frames, parameters


def validate_inputs(
    inputs: YearInputs, folder: Path | None = None, docs: Path | None = None
) -> ValidationReport:
    """Every input suite on one dataset-year; with ``docs`` (a folder) also its Data Docs site.
    The problems found while reading (``inputs.notes``) come first."""
    frames, parameters = input_frames(inputs)
    report = run_suites(frames, parameters, folder, docs)
    notes = [
        Problem(**{k: (None if k == "row" and pd.isna(v) else v) for k, v in row.items()})
        for row in inputs.notes.to_dict("records")
    ]
    report.problems = notes + report.problems
    return report


def _in_maximum(unit: pd.DataFrame) -> pd.DataFrame:
    """The unit indexes with ``achieved_in_maximum``: the points achieved without bonus and
    penalty points (outside the maximum, so only these are bounded by it)."""
    achieved = unit["achieved_points"]
    if "bonus_points" in unit.columns:
        achieved = achieved - unit["bonus_points"].fillna(0.0)
    if "penalty_points" in unit.columns:
        achieved = achieved + unit["penalty_points"].fillna(0.0)
    return unit.assign(achieved_in_maximum=achieved)


def result_frames(results) -> list[Frame]:
    """The frames of the result suites: the unit indexes, the reconciliation with published
    figures."""
    recon = results.reconciliation
    files = recon["source_file"] if "source_file" in recon.columns else pd.Series(dtype="str")
    named = ", ".join(dict.fromkeys(f for f in files.fillna("").astype("str") if f))
    located = "source_row" in recon.columns
    unit = results.unit_index
    if "source" in unit.columns:  # a unit published with a rank or band only has no index to check
        unit = unit[~((unit["source"] == "published") & unit["index_pct"].isna())]
    return [
        Frame("results", _in_maximum(unit), "computed unit_index", row_column=None),
        Frame(
            "reconciliation",
            recon,
            named or "published totals vs computed",  # the published file: its rows are named
            row_column="source_row" if located else None,
        ),
    ]


def validate_results(
    results, folder: Path | None = None, docs: Path | None = None
) -> ValidationReport:
    """The results suites: indexes in 0–100, achieved ≤ maximum, published figures reconciled;
    with ``docs``, into the same Data Docs site as the input suites."""
    return run_suites(result_frames(results), {}, folder, docs)
