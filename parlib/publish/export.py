"""Excel export of a dataset-year's result tables, for reviewers who work in Excel.

In: the processed folder of one dataset-year (``unit_index.csv``, ``area_index.csv``,
``criterion_index.csv``, ``reconciliation.csv`` and the ``fairness_*`` / ``deductions_*`` tables
that exist) and its provenance record. Out: one ``.xlsx`` workbook, one sheet per table plus a
``provenance`` sheet, headers in the report language (Vietnamese by default: the label catalogue,
each part's label from the results' ``components`` — ``sipas_points`` is "Chỉ số hài lòng (SIPAS)"
— and each appraisal round), the unit results leading with the block, the rank within it, the
unit's code (``unit_id``, "Mã đơn vị") and name; the column names and English headers stay on a
``columns`` sheet. Written atomically. Every text cell
is stored as text (``core.cells.sheet``): a unit called ``=HYPERLINK(…)`` is a name, not a formula.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from parlib.core import cells
from parlib.core.labels import maybe, t
from parlib.core.storage import write_bytes
from parlib.publish import blocks
from parlib.publish.markup import public_parameter, public_path
from parlib.score.tables import load_table

FIXED_TABLES = (
    "unit_index",
    "blocks",
    "components",
    "area_index",
    "criterion_index",
    "reconciliation",
)
# the unit results lead with the unit's block and its rank there (ranks are within the block)
LEADING = {
    "unit_index": [
        "year",
        "block",
        "block_name_vi",
        "block_name_en",
        "rank",
        "rank_of",
        "unit_id",
        "unit_name",
    ]
}
PATTERNS = ("fairness_*.csv", "deductions_*.csv")


def tables(processed: Path) -> list[str]:
    """The result tables present in ``processed``, in a stable order."""
    processed = Path(processed)
    names = [n for n in FIXED_TABLES if (processed / f"{n}.csv").is_file()]
    for pattern in PATTERNS:
        names += sorted(p.stem for p in processed.glob(pattern))
    return names


def part_labels(components: pd.DataFrame | None, lang: str) -> dict[str, str]:
    """Headers of the columns the catalogue cannot name: each part's points and maximum (from
    the results' ``components``, else the legacy two), and each appraisal round."""
    comps = components if components is not None else blocks.legacy_components()
    label = "label_vi" if lang == "vi" else "label_en"
    out: dict[str, str] = {}
    for r in comps.drop_duplicates("component").itertuples(index=False):
        name = str(getattr(r, label))
        out.setdefault(str(r.points_column), name)
        out.setdefault(str(r.max_column), t("max_of", lang, part=name))
    return out


def header(column: str, lang: str, parts: dict[str, str]) -> str:
    """A column's header in ``lang``: the catalogue's label, the part's label, the round."""
    found = re.fullmatch(r"round_(\d+)_(points|score)", column)
    if found:
        return t("round_points", lang, n=found.group(1))
    text = maybe(column, lang)
    return parts.get(column, text) if text == column else text


def ordered(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the sheet's leading columns first (the others as saved)."""
    lead = [c for c in LEADING.get(name, []) if c in frame.columns]
    return frame[lead + [c for c in frame.columns if c not in lead]]


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
    components = (
        load_table(processed, "components")
        if (Path(processed) / "components.csv").is_file()
        else None
    )
    parts = part_labels(components, lang)
    english = part_labels(components, "en")
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name in tables(processed):
            frame = ordered(name, load_table(processed, name))
            headers = [header(c, lang, parts) for c in frame.columns]
            if len(set(headers)) < len(headers):  # two columns share a label: keep the names
                headers = list(frame.columns)
            sheet = _sheet_name(name, used)
            frame.to_excel(writer, sheet_name=sheet, index=False, header=headers)
            writer.sheets[sheet].freeze_panes = "A2"
            mapping += [
                (sheet, c, h, header(c, "en", english)) for c, h in zip(frame.columns, headers)
            ]
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
        pd.DataFrame(mapping, columns=["sheet", "column", "header", "header_en"]).to_excel(
            writer, sheet_name=_sheet_name("columns", used), index=False
        )
        for worksheet in writer.sheets.values():
            cells.sheet(worksheet)  # pandas hands "=…" text to openpyxl, which stores a formula
    return write_bytes(Path(target), buffer.getvalue())
