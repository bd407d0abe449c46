"""Excel export of a dataset-year's result tables, for reviewers who work in Excel.

In: the processed folder of one dataset-year (``unit_index.csv``, ``area_index.csv``,
``criterion_index.csv``, ``reconciliation.csv`` and the ``fairness_*`` / ``deductions_*`` tables
that exist) and its provenance record. Out: one ``.xlsx`` workbook, one sheet per table plus a
``provenance`` sheet, headers from the label catalogue in the report language (the column names
stay in a second header-free mapping on the provenance sheet), written atomically. Every text cell
is stored as text (``core.cells.sheet``): a unit called ``=HYPERLINK(…)`` is a name, not a formula.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from parlib.core import cells
from parlib.core.labels import maybe, t
from parlib.core.storage import write_bytes
from parlib.publish.markup import public_parameter, public_path
from parlib.score.tables import load_table

FIXED_TABLES = ("unit_index", "area_index", "criterion_index", "reconciliation")
PATTERNS = ("fairness_*.csv", "deductions_*.csv")


def tables(processed: Path) -> list[str]:
    """The result tables present in ``processed``, in a stable order."""
    processed = Path(processed)
    names = [n for n in FIXED_TABLES if (processed / f"{n}.csv").is_file()]
    for pattern in PATTERNS:
        names += sorted(p.stem for p in processed.glob(pattern))
    return names


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel allows 31 characters and no duplicates."""
    base = name[:31]
    candidate, i = base, 2
    while candidate in used:
        candidate = f"{base[:28]}_{i}"
        i += 1
    used.add(candidate)
    return candidate


def write_workbook(processed: Path, target: Path, lang: str, prov: dict) -> Path:
    """Write ``target`` (xlsx) from the tables in ``processed``; returns ``target``."""

    buffer = io.BytesIO()
    used: set[str] = set()
    mapping = []
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name in tables(processed):
            frame = load_table(processed, name)
            headers = [maybe(c, lang) for c in frame.columns]
            if len(set(headers)) < len(headers):  # two columns share a label: keep the names
                headers = list(frame.columns)
            sheet = _sheet_name(name, used)
            frame.to_excel(writer, sheet_name=sheet, index=False, header=headers)
            writer.sheets[sheet].freeze_panes = "A2"
            mapping += [(sheet, c, h) for c, h in zip(frame.columns, headers)]
        rows = [
            (t("dataset", lang), prov.get("dataset", "")),
            (t("year", lang), prov.get("year", "")),
            (t("methodology", lang), prov.get("methodology", "")),
            (t("generated_at", lang), prov.get("generated_at", "")),
            (t("package_version", lang), prov.get("versions", {}).get("parlib", "")),
            (
                t("parameters", lang),
                ", ".join(
                    f"{k}={public_parameter(k, v)}" for k, v in prov.get("parameters", {}).items()
                ),
            ),
        ]
        rows += [
            (f"{t('inputs', lang)}: {public_path(i['path'])}", i["sha256"])
            for i in prov.get("inputs", [])
        ]
        pd.DataFrame(rows, columns=[t("figure_item", lang), t("value", lang)]).to_excel(
            writer, sheet_name=_sheet_name("provenance", used), index=False
        )
        pd.DataFrame(mapping, columns=["sheet", "column", "header"]).to_excel(
            writer, sheet_name=_sheet_name("columns", used), index=False
        )
        for worksheet in writer.sheets.values():
            cells.sheet(worksheet)  # pandas hands "=…" text to openpyxl, which stores a formula
    return write_bytes(Path(target), buffer.getvalue())
