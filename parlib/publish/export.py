"""Excel export of a dataset-year's result tables, for reviewers who work in Excel, in the report's
language (``results.xlsx`` Vietnamese, ``results.en.xlsx`` English).

In: the processed folder of one dataset-year (``unit_index.csv``, ``area_index.csv``,
``criterion_index.csv``, ``reconciliation.csv`` and the ``fairness_*`` / ``deductions_*`` tables
that exist) and its provenance record. Out: one ``.xlsx`` workbook, one sheet per table plus a
provenance sheet, all in the report language: sheet names (``Chỉ số đơn vị``), headers (the label
catalogue, each part's label from the results' ``components`` — ``sipas_points`` is "Chỉ số hài
lòng (SIPAS)" — and each appraisal round) and the values that are codes (unit kinds, findings,
rules, statuses, measures, sources, parts, yes/no: ``central_branch`` is "Cơ quan ngành dọc");
names, numbers and free text as they are. The unit results lead with the block, the rank within it,
the unit's code (``unit_id``, "Mã đơn vị") and name; the table and column names and the English
headers stay on a columns sheet (``Các cột``). Written atomically, with XlsxWriter
(``core.xlsx``: three times openpyxl's speed here). Every text cell is stored as text: a unit
called ``=HYPERLINK(…)`` is a name, not a formula.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from parlib.core import xlsx
from parlib.core.labels import catalogue, code_name, decimal_commas, maybe, t
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


def component_names(components: pd.DataFrame | None, lang: str) -> dict[str, str]:
    """Each part's label in ``lang`` by its code (``survey`` → "Điều tra xã hội học")."""
    comps = components if components is not None else blocks.legacy_components()
    label = "label_vi" if lang == "vi" else "label_en"
    return {str(r.component): str(getattr(r, label)) for r in comps.itertuples(index=False)}


def _distinct(headers: list[str]) -> list[str]:
    """Headers made unique by numbering the repeats (``Hạng``, ``Hạng (2)``)."""
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def header(column: str, lang: str, parts: dict[str, str]) -> str:
    """A column's header in ``lang``: the catalogue's label, the part's label, the round."""
    if column in HEADER_KEYS:
        return t(HEADER_KEYS[column], lang)
    found = re.fullmatch(r"round_(\d+)_(points|score)", column)
    if found:
        return t("round_points", lang, n=found.group(1))
    text = maybe(column, lang)
    return parts.get(column, text) if text == column else text


def ordered(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the sheet's leading columns first (the others as saved)."""
    lead = [c for c in LEADING.get(name, []) if c in frame.columns]
    return frame[lead + [c for c in frame.columns if c not in lead]]


# columns whose header is not their own label: the block's id beside its names
HEADER_KEYS = {"block": "block_code"}
# columns whose values are codes, and the prefix of their labels in the catalogue
VALUE_LABELS = {
    "kind": "",
    "unit_type": "",
    "scope": "",
    "finding": "",
    "rule": "",
    "alternative": "",
    "status": "",
    "measure": "",
    "level": "",
    "source": "source_",
    "totals_source": "totals_",
    "role": "role_",
}
LIST_COLUMNS = ("kinds",)  # "central_branch, commune": each code of the list
NUMBERS_IN_TEXT = ("max_group", "group")  # comparable-maximum groups are named "83.75–88.5"
SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def value_label(column: str, value: object, lang: str) -> object:
    """A cell's value as the workbook in ``lang`` shows it: a code of ``VALUE_LABELS`` by its
    label (an unknown code without ``_`` / ``-``), anything else as it is."""
    if not isinstance(value, str) or not value:
        return value
    if column in LIST_COLUMNS:
        return ", ".join(str(value_label("kind", v.strip(), lang)) for v in value.split(","))
    key = VALUE_LABELS[column] + value
    return t(key, lang) if key in catalogue() else code_name(value, lang)


def localized_values(frame: pd.DataFrame, lang: str, parts: dict[str, str]) -> pd.DataFrame:
    """``frame`` with its code values and yes/no in ``lang`` (``parts``: component → label)."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_bool_dtype(series):
            out[column] = series.map(lambda v: t("yes" if v else "no", lang))
        elif series.dtype == object and set(series.dropna().map(str)) <= {"True", "False"}:
            if series.notna().any():
                out[column] = series.map(
                    lambda v: v if pd.isna(v) else t("yes" if str(v) == "True" else "no", lang)
                )
        elif column == "component":
            out[column] = series.map(lambda v: parts.get(v, v))
        elif column in NUMBERS_IN_TEXT:
            out[column] = series.map(lambda v: decimal_commas(v, lang) if isinstance(v, str) else v)
        elif column in VALUE_LABELS or column in LIST_COLUMNS:
            out[column] = series.map(lambda v, c=column: value_label(c, v, lang))
    return out


def sheet_title(name: str, lang: str) -> str:
    """A table's sheet name in ``lang`` (``unit_index`` → "Chỉ số đơn vị"), else its name."""
    key = f"sheet_{name}"
    return t(key, lang) if key in catalogue() else name


def _fit(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` UTF-16 code units (how Excel counts a sheet name's length)."""
    while len(text.encode("utf-16-le")) // 2 > limit:
        text = text[:-1]
    return text


SHEET_LIMIT = 31  # Excel's longest sheet name
RESERVED_SHEETS = frozenset({"history"})  # Excel keeps "History" for itself


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel allows 31 characters, none of ``[]:*?/\\``, no ``'`` first or last, no "History",
    and no duplicates, whatever their case (``used`` holds the names taken, case-folded)."""
    base = _fit(SHEET_CHARS.sub(" ", name), SHEET_LIMIT).strip("'") or "_"
    candidate, i = base, 2
    while candidate.casefold() in used | RESERVED_SHEETS:
        suffix = f"_{i}"
        candidate = _fit(base, SHEET_LIMIT - len(suffix)).rstrip("'") + suffix
        i += 1
    used.add(candidate.casefold())
    return candidate


def write_workbook(processed: Path, target: Path, lang: str, prov: dict) -> Path:
    """Write ``target`` (xlsx) from the tables in ``processed``; returns ``target``."""

    book = xlsx.Book()
    used: set[str] = set()
    mapping = []
    components = (
        load_table(processed, "components")
        if (Path(processed) / "components.csv").is_file()
        else None
    )
    parts = part_labels(components, lang)
    english = part_labels(components, "en")
    names = component_names(components, lang)
    for name in tables(processed):
        frame = ordered(name, load_table(processed, name))
        headers = [header(c, lang, parts) for c in frame.columns]
        if len(set(headers)) < len(headers):  # two columns share a label: number the twins
            headers = _distinct(headers)
        sheet = _sheet_name(sheet_title(name, lang), used)
        book.table(sheet, localized_values(frame, lang, names), headers, freeze=True)
        mapping += [
            (sheet, c, h, header(c, "en", english), name) for c, h in zip(frame.columns, headers)
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
    about = [t("figure_item", lang), t("value", lang)]
    book.table(
        _sheet_name(sheet_title("provenance", lang), used),
        pd.DataFrame(rows, columns=about, dtype=object),
        about,
        freeze=False,
    )
    columns = [t(k, lang) for k in ("sheet", "column_name", "header_shown", "header_en", "table")]
    book.table(
        _sheet_name(sheet_title("columns", lang), used),
        pd.DataFrame(mapping, columns=columns),
        columns,
        freeze=False,
    )
    return write_bytes(Path(target), book.close())
