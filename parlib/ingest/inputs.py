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

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from parlib.config import framework as fwk
from parlib.config.dataset import DatasetConfig, YearConfig
from parlib.core import paths
from parlib.core.errors import DataError, Problem
from parlib.core.storage import write_csv
from parlib.ingest import corrections as corr
from parlib.ingest.tables import (
    by_unique,
    canonical_columns,
    parse_cells,
    parse_number,
    read_table,
    read_table_coded,
)

SCORE_COLUMNS = ("self_score", "appraised_score", "survey_score")


# score column → component it belongs to
SCORE_COMPONENT = {"self_score": "appraisal", "appraised_score": "appraisal", "survey_score": "survey"}


FRAMEWORK_ALIASES = {
    "code": ["code", "ma", "ma tieu chi", "ma so"],
    "name_vi": ["name_vi", "ten", "ten tieu chi", "noi dung"],
    "name_en": ["name_en", "ten tieng anh", "english name"],
    "max_points": ["max_points", "diem toi da", "diem chuan"],
    "max_appraisal": ["max_appraisal", "diem toi da tham dinh", "diem tham dinh toi da"],
    "max_survey": ["max_survey", "diem toi da dieu tra", "diem dieu tra toi da"],
}


UNITS_ALIASES = {
    "unit_id": ["unit_id", "ma don vi", "ma"],
    "unit_name": ["unit_name", "ten don vi", "ten"],
    "kind": ["kind", "loai", "loai don vi"],
    "group": ["group", "nhom"],
    "region": ["region", "vung"],
}


SCORES_ALIASES = {
    "unit_id": ["unit_id", "ma don vi"],
    "criterion": ["criterion", "ma tieu chi", "tieu chi"],
    "self_score": ["self_score", "diem tu cham", "tu cham", "diem tu danh gia"],
    "appraised_score": ["appraised_score", "diem tham dinh", "tham dinh"],
    "survey_score": ["survey_score", "diem dieu tra", "diem dieu tra xhh", "dieu tra xhh",
                     "diem dtxhh"],
    "unit_name": ["unit_name", "ten don vi"],
}


PUBLISHED_ALIASES = {
    "unit_id": ["unit_id", "ma don vi"],
    "measure": ["measure", "chi tieu"],
    "value": ["value", "gia tri"],
    "source": ["source", "nguon"],
}


BANDS_ALIASES = {
    "year": ["year", "nam"],
    "band": ["band", "xep loai", "muc"],
    "lower_pct": ["lower_pct", "tu"],
    "upper_pct": ["upper_pct", "den duoi"],
}


PUBLISHED_MEASURES = ("self_total", "appraised_total", "survey_total", "index_pct", "rank", "rank_of")


class Notes:
    """What ingest did to the data besides reading it: corrections applied, text normalised."""

    def __init__(self, corrections: pd.DataFrame | None = None):

        self.corrections = corrections if corrections is not None else corr.read(None, 0)
        self.audit: list[dict] = []
        self.problems: list[Problem] = []

    def correct(self, raw: pd.DataFrame, table: str, path: Path) -> pd.DataFrame:

        fixed, audit = corr.apply(raw, table, self.corrections, paths.display(path))
        self.audit += audit
        return fixed

    def normalised(self, raw: pd.DataFrame, path: Path) -> None:
        rows = raw.attrs.get("nfc_rows", [])
        if rows:
            shown = ", ".join(map(str, rows[:10])) + (" …" if len(rows) > 10 else "")
            self.problems.append(Problem(
                "warning", "unicode_normalised", paths.display(path), row=rows[0],
                value=f"{len(rows)} row(s): {shown}", expected="text in composed Unicode (NFC)",
                message="text was in decomposed Unicode and was normalised to NFC, so names typed "
                        "differently still match; save the file as NFC to silence this",
                message_vi="văn bản ở dạng Unicode tổ hợp và đã được chuẩn hoá về NFC để tên gõ khác "
                           "nhau vẫn khớp; lưu tệp ở dạng NFC để bỏ cảnh báo này"))


def _cell_text(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return (format(v, "g") if isinstance(v, float) else str(v)).strip()


def _text(series: pd.Series, coded: tuple[np.ndarray, np.ndarray] | None = None) -> pd.Series:
    return pd.Series(by_unique(series, _cell_text, coded), index=series.index, dtype="str")


def _code_text(value: object) -> str:
    """A criterion code as ``_text`` then ``fwk.normalise_code`` make it."""
    return fwk.normalise_code(_cell_text(value))


def _numbers(df: pd.DataFrame, column: str, path: Path, problems: list[Problem],
             key: str = "code") -> pd.Series:
    values = []
    for raw, row, ident in zip(df[column], df["source_row"], df.get(key, df["source_row"])):
        try:
            values.append(parse_number(raw))
        except ValueError:
            problems.append(Problem("critical", "unparseable_number", paths.display(path), row=int(row),
                                    criterion=str(ident), value=str(raw), expected="a number",
                                    message=f"{column} is not a number"))
            values.append(None)
    return pd.Series(values, index=df.index, dtype="float64")


def read_framework(path: Path, notes: Notes | None = None) -> pd.DataFrame:
    raw = read_table(path)
    df = canonical_columns(raw, FRAMEWORK_ALIASES, path, ("code", "name_vi", "max_points"))
    if notes:
        notes.normalised(raw, path)
        df["code"] = _text(df["code"]).map(fwk.normalise_code)
        df = notes.correct(df, "framework", path)
    problems: list[Problem] = []
    df["code"] = _text(df["code"]).map(fwk.normalise_code)
    for col in ("name_vi", "name_en"):
        df[col] = _text(df[col]) if col in df.columns else ""
    for col in ("max_points", "max_appraisal", "max_survey"):
        df[col] = _numbers(df, col, path, problems) if col in df.columns else float("nan")
    if problems:
        raise DataError(f"{paths.display(path)}: framework has unreadable numbers", problems)
    df["source_file"] = paths.display(path)
    return fwk.derive(df)


def read_units(path: Path, notes: Notes | None = None) -> pd.DataFrame:
    raw = read_table(path)
    df = canonical_columns(raw, UNITS_ALIASES, path, ("unit_id", "unit_name", "kind"))
    if notes:
        notes.normalised(raw, path)
        df = notes.correct(df, "units", path)
    for col in ("unit_id", "unit_name", "kind", "group", "region"):
        df[col] = _text(df[col]) if col in df.columns else ""
    df["source_file"] = paths.display(path)
    return df


def read_scores(path: Path, notes: Notes | None = None) -> pd.DataFrame:
    """One row per source row; for each score column: value, ``*_kps`` flag, ``*_unparsed`` text."""
    raw, coded = read_table_coded(path)
    df = canonical_columns(raw, SCORES_ALIASES, path, ("unit_id", "criterion"))
    # each column's codes from reading it, by its canonical name (the rename keeps the order)
    coded = ({new: coded[old] for new, old in zip(df.columns, raw.columns) if old in coded}
             if df.columns.is_unique else {})
    if notes:
        notes.normalised(raw, path)
        criterion = by_unique(df["criterion"], _code_text, coded.get("criterion"))
        df["criterion"] = pd.Series(criterion, index=df.index, dtype="str")
        if "criterion" in coded:  # normalised twice below, as a code read from the file would be
            codes, uniques = coded["criterion"]
            coded["criterion"] = (codes, by_unique(None, _code_text,
                                                   (np.arange(len(uniques)), uniques)))
        corrected = notes.correct(df, "scores", path)
        if corrected is not df:  # corrections changed cells: their codes are no longer known
            coded = {}
        df = corrected
    missing_scores = [c for c in SCORE_COLUMNS if c not in df.columns]
    if len(missing_scores) == len(SCORE_COLUMNS):
        raise DataError(f"{paths.display(path)}: no score columns", [Problem(
            "critical", "missing_column", paths.display(path), row=1, expected=", ".join(SCORE_COLUMNS),
            message="a scores file needs at least one of the score columns")])
    out = pd.DataFrame({
        "source_file": paths.display(path),
        "source_row": df["source_row"].astype("int64"),
        "unit_id": _text(df["unit_id"], coded.get("unit_id")),
        "criterion": pd.Series(by_unique(df["criterion"], _code_text, coded.get("criterion")),
                               index=df.index, dtype="str"),
        "unit_name": (_text(df["unit_name"], coded.get("unit_name")) if "unit_name" in df.columns
                      else ""),
    })
    for col in SCORE_COLUMNS:
        source = df[col] if col in df.columns else pd.Series("", index=df.index, dtype="str")
        values, kps, unparsed = parse_cells(source, coded.get(col))
        out[col] = values
        out[col.replace("_score", "_kps")] = kps
        out[col.replace("_score", "_unparsed")] = unparsed
    return out


def read_published(path: Path | None, notes: Notes | None = None) -> pd.DataFrame:
    columns = ["unit_id", "measure", "value", "source", "source_row"]
    if path is None:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "str")
                             for c in columns})
    raw = read_table(path)
    df = canonical_columns(raw, PUBLISHED_ALIASES, path, ("unit_id", "measure", "value"))
    if notes:
        notes.normalised(raw, path)
        df = notes.correct(df, "published", path)
    problems: list[Problem] = []
    df["unit_id"] = _text(df["unit_id"])
    df["measure"] = _text(df["measure"])
    df["value"] = _numbers(df, "value", path, problems, key="unit_id")
    df["source"] = _text(df["source"]) if "source" in df.columns else ""
    dup = df[df.duplicated(["unit_id", "measure"], keep=False)]
    problems += [Problem("critical", "duplicate_published", paths.display(path), row=int(r.source_row),
                         unit_id=r.unit_id, value=r.measure, expected="one value per unit and measure",
                         message="the same published figure is given twice") for r in dup.itertuples()]
    bad = df[~df["measure"].isin(PUBLISHED_MEASURES)]
    problems += [Problem("critical", "unknown_measure", paths.display(path), row=int(r.source_row),
                         unit_id=r.unit_id, value=r.measure, expected=" | ".join(PUBLISHED_MEASURES),
                         message="unknown published measure") for r in bad.itertuples()]
    if problems:
        raise DataError(f"{paths.display(path)}: published totals have problems", problems)
    return df[columns]


def read_bands(path: Path | None, year: int) -> pd.DataFrame:
    """Bands for ``year``: ``band``, ``lower_pct`` (inclusive), ``upper_pct`` (exclusive)."""
    if path is None:
        return pd.DataFrame({"band": pd.Series(dtype="str"), "lower_pct": pd.Series(dtype="float64"),
                             "upper_pct": pd.Series(dtype="float64")})
    raw = read_table(path)
    df = canonical_columns(raw, BANDS_ALIASES, path, ("year", "band"))
    problems: list[Problem] = []
    df["year"] = _numbers(df, "year", path, problems, key="band")
    for col in ("lower_pct", "upper_pct"):
        df[col] = _numbers(df, col, path, problems, key="band") if col in df.columns else float("nan")
    if problems:
        raise DataError(f"{paths.display(path)}: rating bands have problems", problems)
    df["band"] = _text(df["band"])
    sel = df[df["year"] == year]
    return sel[["band", "lower_pct", "upper_pct"]].reset_index(drop=True)


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

    def save(self, out_dir: Path) -> list[Path]:
        """Write every table to ``out_dir/tidy/<name>.csv`` (``TIDY_FILES``)."""
        return [write_csv(getattr(self, name), Path(out_dir) / "tidy" / f"{name}.csv")
                for name in TIDY_FILES]

    @classmethod
    def load(cls, out_dir: Path, cfg: DatasetConfig, year: int) -> YearInputs:
        """Read back what ``save`` wrote (types restored); raises if the ingest step has not run."""
        tables = {name: load_tidy_table(out_dir, name) for name in TIDY_FILES}
        return cls(dataset=cfg, year=cfg.year(year), **tables)


def load_year(cfg: DatasetConfig, year: int) -> YearInputs:
    """Read every input of one dataset-year, applying declared corrections with an audit trail."""

    yc = cfg.year(year)
    notes = Notes(corr.read(cfg.corrections, year))
    inputs = YearInputs(
        dataset=cfg, year=yc, framework=read_framework(yc.framework.file, notes),
        units=read_units(cfg.units, notes), scores=read_scores(yc.scores, notes),
        published=read_published(yc.published, notes), bands=read_bands(cfg.bands, year),
        corrections=pd.DataFrame(notes.audit, columns=list(corr.AUDIT_COLUMNS)),
        notes=pd.DataFrame([p.to_dict() for p in notes.problems],
                           columns=list(Problem.__dataclass_fields__)))
    return inputs


TIDY_FILES = ("framework", "units", "scores", "published", "bands", "corrections", "notes")


_DTYPES = {
    "framework": {"code": "str", "parent": "str", "area": "str", "name_vi": "str", "name_en": "str",
                  "level": "str", "component": "str", "source_file": "str"},
    "units": {"unit_id": "str", "unit_name": "str", "kind": "str", "group": "str", "region": "str",
              "source_file": "str"},
    "scores": {"unit_id": "str", "criterion": "str", "unit_name": "str", "source_file": "str",
               "self_unparsed": "str", "appraised_unparsed": "str", "survey_unparsed": "str"},
    "published": {"unit_id": "str", "measure": "str", "source": "str"},
    "bands": {"band": "str"},
    "corrections": {c: "str" for c in ("table", "file", "unit_id", "criterion", "column",
                                       "old_value", "new_value", "source", "reason")},
    "notes": {c: "str" for c in ("severity", "check", "file", "unit_id", "criterion", "value",
                                 "expected", "message", "message_vi", "expected_vi")},
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
        raise DataError(f"{path.parent}: no ingested data; run the ingest notebook (or `parlib run`) "
                        f"first")
    table = pd.read_csv(path, dtype=_DTYPES[name], keep_default_na=False, na_values=[""])
    for col, dtype in _DTYPES[name].items():
        if col in table.columns and dtype == "str":
            table[col] = table[col].fillna("").astype("str")
    for col in _BOOLS.get(name, ()):
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
        "unparsed_cells": int((sc[["self_unparsed", "appraised_unparsed", "survey_unparsed"]]
                               != "").to_numpy().sum()),
        "published_figures": int(len(inputs.published)),
        "corrections_applied": int(len(inputs.corrections)),
    }
