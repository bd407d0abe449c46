"""Readers: one function per input table of a dataset-year (framework, units, scores, published
results, bands), each mapping Vietnamese or English headers to the contract's names, parsing cells and
recording what it noticed (``Notes``) as located problems.

In: a file path. Out: a tidy ``DataFrame`` with the contract's columns and dtypes.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from parlib.config import framework as fwk
from parlib.config.dataset import FrameworkConfig
from parlib.config.model import LEGACY_COMPONENTS
from parlib.core import paths
from parlib.core.errors import DataError, Problem
from parlib.ingest import corrections as corr
from parlib.ingest import parts
from parlib.ingest.cellcheck import check_cells, refuse_critical
from parlib.ingest.tables import (
    by_unique,
    canonical_columns,
    parse_number,
    read_table,
    read_table_coded,
)

SCORE_COLUMNS = ("self_score", "appraised_score", "survey_score")
NAMES = (
    "unit_name",
    "name_vi",
    "name_en",
    "group",
    "region",
)  # text checked for hidden characters and TCVN3/VNI


# score column → component it belongs to
SCORE_COMPONENT = {
    "self_score": "appraisal",
    "appraised_score": "appraisal",
    "survey_score": "survey",
}


FRAMEWORK_ALIASES = {
    "code": ["code", "ma", "ma tieu chi", "ma so"],
    "name_vi": ["name_vi", "ten", "ten tieu chi", "noi dung"],
    "name_en": ["name_en", "ten tieng anh", "english name"],
    "max_points": ["max_points", "diem toi da", "diem chuan"],
    **parts.LEGACY_MAX_ALIASES,
}


UNITS_ALIASES = {
    "unit_id": ["unit_id", "ma don vi", "ma"],
    "unit_name": ["unit_name", "ten don vi", "ten"],
    "kind": ["kind", "loai", "loai don vi"],
    "group": ["group", "nhom"],
    "region": ["region", "vung"],
    "name_en": ["name_en", "ten tieng anh"],
    "valid_from": ["valid_from", "hieu luc tu", "tu ngay"],
    "valid_to": ["valid_to", "hieu luc den", "den ngay"],
    "parent": ["parent", "don vi cap tren", "truc thuoc"],
}
UNIT_TEXT = ("unit_id", "unit_name", "kind", "group", "region", "name_en", "valid_from", "valid_to")


SCORES_ALIASES = {
    "unit_id": ["unit_id", "ma don vi"],
    "criterion": ["criterion", "ma tieu chi", "tieu chi"],
    **parts.LEGACY_SCORE_ALIASES,
    "unit_name": ["unit_name", "ten don vi"],
}


BANDS_ALIASES = {
    "year": ["year", "nam"],
    "band": ["band", "xep loai", "muc"],
    "lower_pct": ["lower_pct", "tu"],
    "upper_pct": ["upper_pct", "den duoi"],
    "block": ["block", "khoi"],
}


class Notes:
    """What ingest did to the data besides reading it: corrections applied, text normalised."""

    def __init__(self, corrections: pd.DataFrame | None = None):

        self.corrections = corrections if corrections is not None else corr.read(None, 0)
        self.audit: list[dict] = []
        self.problems: list[Problem] = []
        self.sheets: dict[str, str] = {}  # file (as displayed) → the sheet read, for XLSX inputs

    def correct(self, raw: pd.DataFrame, table: str, path: Path) -> pd.DataFrame:

        fixed, audit = corr.apply(raw, table, self.corrections, paths.display(path))
        self.audit += audit
        return fixed

    def normalised(self, raw: pd.DataFrame, path: Path, checked: list[Problem] = ()) -> None:
        """Record the sheet read, the reader's warnings (``raw.attrs['problems']``, ``checked``)
        and the rows normalised to NFC."""
        sheet = raw.attrs.get("sheet", "")
        if sheet:
            self.sheets[paths.display(path)] = sheet
        self.problems += [*raw.attrs.get("problems", []), *checked]
        rows = raw.attrs.get("nfc_rows", [])
        if rows:
            shown = ", ".join(map(str, rows[:10])) + (" …" if len(rows) > 10 else "")
            self.problems.append(
                Problem(
                    "warning",
                    "unicode_normalised",
                    paths.display(path),
                    sheet=sheet,
                    row=rows[0],
                    value=f"{len(rows)} row(s): {shown}",
                    expected="text in composed Unicode (NFC)",
                    message="text was in decomposed Unicode and was normalised to NFC, so names typed "
                    "differently still match; save the file as NFC to silence this",
                    message_vi="văn bản ở dạng Unicode tổ hợp và đã được chuẩn hoá về NFC để tên gõ khác "
                    "nhau vẫn khớp; lưu tệp ở dạng NFC để bỏ cảnh báo này",
                )
            )


def _cell_text(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return (format(v, "g") if isinstance(v, float) else str(v)).strip()


def _text(series: pd.Series, coded: tuple[np.ndarray, np.ndarray] | None = None) -> pd.Series:
    return pd.Series(by_unique(series, _cell_text, coded), index=series.index, dtype="str")


def _code_text(value: object) -> str:
    """A criterion code as ``_text`` then ``fwk.normalise_code`` make it."""
    return fwk.normalise_code(_cell_text(value))


def _numbers(
    df: pd.DataFrame, column: str, path: Path, problems: list[Problem], key: str = "code"
) -> pd.Series:
    values = []
    for raw, row, ident in zip(df[column], df["source_row"], df.get(key, df["source_row"])):
        try:
            values.append(parse_number(raw))
        except ValueError:
            problems.append(
                Problem(
                    "critical",
                    "unparseable_number",
                    paths.display(path),
                    sheet=df.attrs.get("sheet", ""),
                    row=int(row),
                    criterion=str(ident),
                    value=str(raw),
                    expected="a number",
                    message=f"{column} is not a number",
                )
            )
            values.append(None)
    return pd.Series(values, index=df.index, dtype="float64")


def read_framework(
    path: Path, notes: Notes | None = None, framework: FrameworkConfig | None = None
) -> pd.DataFrame:
    """The criteria of a framework: one ``max_<id>`` column per part of ``framework`` (the legacy
    appraisal and survey always), ``applies_to`` (a unit-specific criterion) and ``framework``."""
    components = framework.components if framework else LEGACY_COMPONENTS
    aliases = {**FRAMEWORK_ALIASES, **parts.max_aliases(components)}
    raw = read_table(path, aliases, ("code", "name_vi", "max_points"))
    df = canonical_columns(raw, aliases, path, ("code", "name_vi", "max_points"))
    checked = refuse_critical(path, check_cells(df, path, codes=("code",), names=NAMES))
    if notes:
        notes.normalised(raw, path, checked)
        df["code"] = _text(df["code"]).map(fwk.normalise_code)
        df = notes.correct(df, "framework", path)
    problems: list[Problem] = []
    df["code"] = _text(df["code"]).map(fwk.normalise_code)
    for col in ("name_vi", "name_en"):
        df[col] = _text(df[col]) if col in df.columns else ""
    maxima = ["max_points", *dict.fromkeys(c for c in aliases if c.startswith("max_"))]
    for col in maxima[:1] + [c for c in maxima[1:] if c != "max_points"]:
        df[col] = _numbers(df, col, path, problems) if col in df.columns else float("nan")
    if problems:
        raise DataError(f"{paths.display(path)}: framework has unreadable numbers", problems)
    df["applies_to"] = _text(df["applies_to"]) if "applies_to" in df.columns else ""
    df["framework"] = framework.id if framework else ""
    df["source_file"] = paths.display(path)
    return fwk.derive(df, components)


def read_units(path: Path, notes: Notes | None = None) -> pd.DataFrame:
    raw = read_table(path, UNITS_ALIASES, ("unit_id", "unit_name", "kind"))
    df = canonical_columns(raw, UNITS_ALIASES, path, ("unit_id", "unit_name", "kind"))
    checked = refuse_critical(path, check_cells(df, path, ids=("unit_id",), names=NAMES))
    if notes:
        notes.normalised(raw, path, checked)
        df = notes.correct(df, "units", path)
    for col in UNIT_TEXT:
        df[col] = _text(df[col]) if col in df.columns else ""
    df["parent"] = _text(df["parent"]) if "parent" in df.columns else ""
    df["source_file"] = paths.display(path)
    return df


def read_scores(
    path: Path,
    notes: Notes | None = None,
    components=LEGACY_COMPONENTS,
    sheet: str | None = None,
) -> pd.DataFrame:
    """One row per source row; for each score column of ``components`` (the legacy self,
    appraised and survey always; ``parts.score_columns``) and each appraisal round: value,
    ``*_kps`` flag, ``*_unparsed`` text; ``explanation`` where given. ``sheet``: the worksheet."""
    aliases = {**SCORES_ALIASES, **parts.score_aliases(components)}
    raw, coded = read_table_coded(path, aliases, ("unit_id", "criterion"), sheet)
    df = canonical_columns(raw, aliases, path, ("unit_id", "criterion"))
    # each column's codes from reading it, by its canonical name (the rename keeps the order)
    coded = (
        {new: coded[old] for new, old in zip(df.columns, raw.columns) if old in coded}
        if df.columns.is_unique
        else {}
    )
    checked = check_cells(df, path, coded, ids=("unit_id",), codes=("criterion",), names=NAMES)
    refuse_critical(path, checked)
    if notes:
        notes.normalised(raw, path, checked)
        criterion = by_unique(df["criterion"], _code_text, coded.get("criterion"))
        df["criterion"] = pd.Series(criterion, index=df.index, dtype="str")
        if "criterion" in coded:  # normalised twice below, as a code read from the file would be
            codes, uniques = coded["criterion"]
            coded["criterion"] = (
                codes,
                by_unique(None, _code_text, (np.arange(len(uniques)), uniques)),
            )
        corrected = notes.correct(df, "scores", path)
        if corrected is not df:  # corrections changed cells: their codes are no longer known
            coded = {}
        df = corrected
    columns = parts.score_columns(components)
    if not any(c in df.columns for c in [*columns, *parts.rounds(df.columns)]):
        raise DataError(
            f"{paths.display(path)}: no score columns",
            [
                Problem(
                    "critical",
                    "missing_column",
                    paths.display(path),
                    sheet=raw.attrs.get("sheet", ""),
                    row=1,
                    expected=", ".join(columns),
                    message="a scores file needs at least one of the score columns",
                )
            ],
        )
    out = pd.DataFrame(
        {
            "source_file": paths.display(path),
            "source_row": df["source_row"].astype("int64"),
            "unit_id": _text(df["unit_id"], coded.get("unit_id")),
            "criterion": pd.Series(
                by_unique(df["criterion"], _code_text, coded.get("criterion")),
                index=df.index,
                dtype="str",
            ),
            "unit_name": (
                _text(df["unit_name"], coded.get("unit_name")) if "unit_name" in df.columns else ""
            ),
        }
    )
    parts.parse_parts(df, out, columns, coded)
    out.attrs["columns"] = [c for c in df.columns if c != "source_row"]  # as given in the file
    out.attrs["sheet"] = raw.attrs.get("sheet", "")
    if notes:
        known = {*aliases, *columns, *parts.rounds(df.columns), "source_row"}
        notes.problems += [
            _undeclared(path, raw.attrs.get("sheet", ""), found, columns)
            for found in parts.undeclared_parts(df, known)
        ]
    return out


def _undeclared(path: Path, sheet: str, found: tuple, columns: list[str]) -> Problem:
    col, row, cells, value = found
    return Problem(
        "critical",
        "score_column_not_a_part",
        paths.display(path),
        sheet=sheet,
        row=row,
        value=f"{col}: {value} ({cells} cell(s))",
        expected="a score column of a declared part: " + ", ".join(columns),
        expected_vi="cột điểm của một phần được khai báo: " + ", ".join(columns),
        message=f"column {col} holds points but no part of this year's frameworks reads it: "
        "they would be left out of the index; declare the part in "
        "[frameworks.<id>.components] or remove the column",
        message_vi=f"cột {col} có điểm nhưng không thuộc phần điểm nào của khung năm này: điểm "
        "sẽ bị bỏ ngoài chỉ số; khai báo phần đó trong [frameworks.<id>.components] hoặc xóa cột",
    )


def read_bands(path: Path | None, year: int) -> pd.DataFrame:
    """Bands for ``year``: ``band``, ``lower_pct`` (inclusive), ``upper_pct`` (exclusive),
    ``block`` (the block they are for; "" for every block) and ``source_row``."""
    if path is None:
        return pd.DataFrame(
            {
                "band": pd.Series(dtype="str"),
                "lower_pct": pd.Series(dtype="float64"),
                "upper_pct": pd.Series(dtype="float64"),
                "block": pd.Series(dtype="str"),
                "source_row": pd.Series(dtype="int64"),
            }
        )
    raw = read_table(path, BANDS_ALIASES, ("year", "band"))
    df = canonical_columns(raw, BANDS_ALIASES, path, ("year", "band"))
    problems: list[Problem] = []
    df["year"] = _numbers(df, "year", path, problems, key="band")
    for col in ("lower_pct", "upper_pct"):
        df[col] = (
            _numbers(df, col, path, problems, key="band") if col in df.columns else float("nan")
        )
    if problems:
        raise DataError(f"{paths.display(path)}: rating bands have problems", problems)
    df["band"] = _text(df["band"])
    df["block"] = _text(df["block"]) if "block" in df.columns else ""
    sel = df[df["year"] == year]
    return sel[["band", "lower_pct", "upper_pct", "block", "source_row"]].reset_index(drop=True)
