"""Frames of the data model's checks (issue #12): every scored part beyond the legacy two, blocks,
validity in time, unit-specific criteria, appraisal rounds, published figures.

In: ``YearInputs``. Out: ``Frame``s for the suites ``parts`` (one row per score row and part or
round: 0..max, required where the leaf has that part and it is not KPS, none where the part does not
exist), ``blocks`` (one row per scored or published unit and file: in exactly one block, the block of
its file, valid this year) and ``criteria`` (one row per score row: the criterion is a leaf of the
unit's block's framework and applies to the unit; the final appraised score is the last round).
``published_frame``: the published figures, each about a registered unit, a possible value of its
measure, in the unit's block.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parlib.config import framework as fwk
from parlib.core import paths
from parlib.ingest import parts
from parlib.ingest.inputs import YearInputs
from parlib.validate.frames import Frame
from parlib.validate.leaves import row_frameworks
from parlib.validate.validity import validity

LEGACY = ("self_score", "appraised_score", "survey_score")


def _take(column: pd.Series, at: np.ndarray, fill=np.nan) -> np.ndarray:
    values = column.to_numpy()
    out = np.full(len(at), fill, dtype=values.dtype if fill != fill else object)
    ok = at >= 0
    out[ok] = values[at[ok]]
    return out


def _file(inputs: YearInputs) -> str:
    return paths.display(inputs.year.scores) if inputs.year.scores else "scores"


def parts_frame(inputs: YearInputs, at: np.ndarray) -> Frame:
    """One row per score row and part (beyond the legacy appraisal and survey) or round."""
    sc, fw, yc = inputs.scores, inputs.framework, inputs.year
    reg = inputs.units.drop_duplicates("unit_id").set_index("unit_id")
    checked = []
    for comp in parts.components_of(yc.frameworks.values()):
        checked.append((comp, comp.score_column, comp.in_maximum, comp.max_column))
        if comp.self_assessed and comp.id != "appraisal":
            checked.append((comp, comp.self_column, yc.self_assessment, comp.max_column))
    appraisal = next(c for c in parts.components_of([]) if c.id == "appraisal")
    checked += [(appraisal, r, False, "max_appraisal") for r in parts.rounds(sc.columns)]
    tables = []
    for comp, col, required, max_col in checked:
        if col in LEGACY or col not in sc.columns:
            continue
        s = parts.stem(col)
        maximum = _take(fw[max_col], at) if max_col in fw.columns else np.full(len(sc), np.nan)
        score, kps = sc[col].to_numpy(), sc[f"{s}_kps"].to_numpy(bool)
        unparsed = sc[f"{s}_unparsed"].to_numpy(dtype=object)
        unreadable = unparsed != ""
        given = ~np.isnan(score) | kps | unreadable
        has = np.nan_to_num(maximum) > 0
        known = at >= 0
        keep = given | (known & has)
        t = pd.DataFrame(
            {
                "source_file": sc["source_file"].to_numpy(),
                "source_sheet": sc.get("source_sheet", pd.Series("", index=sc.index)).to_numpy(),
                "source_row": sc["source_row"].to_numpy(),
                "unit_id": sc["unit_id"].to_numpy(),
                "unit_name": _names(sc, reg),
                "criterion": sc["criterion"].to_numpy(),
                "column": col,
                "part": comp.label_vi,
                "score": score,
                "shown": np.where(unreadable, unparsed, pd.Series(score).map(_num).to_numpy()),
                "max": maximum,
                "unreadable": unreadable,
                "negative": score < 0,
                "above_max": has & (score > maximum + 1e-9),
                "missing": known & has & required & ~given,
                "without_part": known & ~has & given,
            }
        )[keep]
        tables.append(t)
    frame = pd.concat(tables, ignore_index=True) if tables else _empty_parts()
    return Frame(
        "parts", frame, _file(inputs), file_column="source_file", sheet_column="source_sheet"
    )


def _names(sc: pd.DataFrame, reg: pd.DataFrame) -> np.ndarray:
    """Each row's unit name: the registry's, else as the row gives it."""
    registered = sc["unit_id"].map(reg["unit_name"]).fillna("").astype("str")
    return registered.where(registered != "", sc["unit_name"]).to_numpy(dtype=object)


def _num(v: float) -> str:
    return "" if v != v else format(v, "g")


def _empty_parts() -> pd.DataFrame:
    text = ("source_file", "source_sheet", "unit_id", "unit_name", "criterion", "column", "part")
    flags = ("unreadable", "negative", "above_max", "missing", "without_part")
    cols = {c: pd.Series(dtype="str") for c in (*text, "shown")}
    cols.update({c: pd.Series(dtype="float64") for c in ("score", "max")})
    cols["source_row"] = pd.Series(dtype="int64")
    cols.update({c: pd.Series(dtype="bool") for c in flags})
    return pd.DataFrame(cols)


def blocks_frame(inputs: YearInputs) -> Frame:
    """One row per scored (or published) unit and file: its block this year and validity."""
    reg = inputs.units.drop_duplicates("unit_id").set_index("unit_id")
    valid = validity(reg, inputs.year.year)
    sc = inputs.scores
    cols = ["unit_id", "source_file", "source_row"]
    rows = sc.drop_duplicates(["unit_id", "source_file", "file_block"])[
        [*cols, "file_block", "source_sheet"]
    ].copy()
    pub = inputs.published.drop_duplicates(["unit_id", "source_file"])[cols].copy()
    pub = pub.assign(file_block="", source_sheet="")
    if len(pub) and inputs.year.published_only:
        rows = pd.concat([rows, pub], ignore_index=True)
    ids = rows["unit_id"]
    registered = ids.isin(reg.index).to_numpy(bool)
    get = lambda col, frame=reg: ids.map(frame[col]).fillna("").astype("str")  # noqa: E731
    rows["unit_name"] = get("unit_name") if "unit_name" in reg else ""
    rows["kind"] = get("kind")
    rows["block"] = get("block") if "block" in reg else "all"
    rows["block_candidates"] = get("block_candidates") if "block_candidates" in reg else "all"
    rows["valid_from"] = get("valid_from") if "valid_from" in reg else ""
    rows["valid_to"] = get("valid_to") if "valid_to" in reg else ""
    candidates = rows["block_candidates"].to_numpy(dtype=object)
    rows["in_no_block"] = registered & (candidates == "")
    rows["in_two_blocks"] = registered & np.array([";" in c for c in candidates], dtype=bool)
    fb, b = rows["file_block"].to_numpy(dtype=object), rows["block"].to_numpy(dtype=object)
    rows["in_other_block"] = registered & (fb != "") & (b != "") & (fb != b)
    ok = ids.map(valid["valid_this_year"]).fillna(True).astype(bool).to_numpy()
    rows["not_valid"] = registered & ~ok
    rows["year"] = inputs.year.year
    rows["listed_unknown"] = False
    rows = pd.concat([rows, _listed_unknown(inputs, reg)], ignore_index=True)
    return Frame(
        "blocks", rows, _file(inputs), file_column="source_file", sheet_column="source_sheet"
    )


def _listed_unknown(inputs: YearInputs, reg: pd.DataFrame) -> pd.DataFrame:
    """A row per unit id a block lists that the registry does not have (a misspelt id would leave
    the unit to the block of its kind, in silence)."""
    toml = paths.display(inputs.dataset.folder / "dataset.toml")
    found = [
        {"unit_id": uid, "block": b.id, "source_file": toml, "year": inputs.year.year}
        for b in inputs.year.declared_blocks
        for uid in b.units
        if uid not in reg.index
    ]
    out = pd.DataFrame(found, columns=["unit_id", "block", "source_file", "year"])
    for col in ("in_no_block", "in_two_blocks", "in_other_block", "not_valid"):
        out[col] = False
    out["listed_unknown"] = True
    for col in ("unit_name", "kind", "file_block", "source_sheet", "block_candidates"):
        out[col] = ""
    return out


def criteria_frame(inputs: YearInputs, at: np.ndarray) -> Frame:
    """One row per score row: its criterion in its block's framework, applicable to the unit;
    its final appraised score the last round present."""
    sc, fw = inputs.scores, inputs.framework
    reg = inputs.units.drop_duplicates("unit_id").set_index("unit_id")
    kind = sc["unit_id"].map(reg["kind"]).fillna("").astype("str").to_numpy(dtype=object)
    leaf_codes = set(fw.loc[fw["is_leaf"], "code"])
    framework = row_frameworks(inputs)
    some_leaf = sc["criterion"].isin(leaf_codes).to_numpy(bool)
    applies_to = (
        _take(fw["applies_to"], at, "")
        if "applies_to" in fw.columns
        else np.full(len(sc), "", dtype=object)
    )
    applies_to = np.where(pd.isna(applies_to), "", applies_to).astype(object)
    applicable = np.ones(len(sc), dtype=bool)
    specific = applies_to != ""
    if specific.any():  # unit-specific criteria: each (applies_to, unit, kind) judged once
        pairs = pd.Series(list(zip(applies_to[specific], sc["unit_id"][specific], kind[specific])))
        codes, uniques = pd.factorize(pairs)
        ok = np.array([fwk.applies(a, u, k) for a, u, k in uniques], dtype=bool)
        applicable[specific] = ok[codes]
    found = parts.rounds(sc.columns)
    last = np.full(len(sc), np.nan)
    for col in found:
        v = sc[col].to_numpy()
        last = np.where(~np.isnan(v), v, last)
    appraised = sc["appraised_score"].to_numpy()
    from_round = (
        sc["appraised_from_round"].to_numpy(bool)
        if "appraised_from_round" in sc.columns
        else np.zeros(len(sc), dtype=bool)
    )
    mismatch = ~from_round & ~np.isnan(last) & ~np.isnan(appraised)
    mismatch &= np.abs(np.nan_to_num(last) - np.nan_to_num(appraised)) > 1e-9
    frame = pd.DataFrame(
        {
            "source_file": sc["source_file"].to_numpy(),
            "source_sheet": sc.get("source_sheet", pd.Series("", index=sc.index)).to_numpy(),
            "source_row": sc["source_row"].to_numpy(),
            "unit_id": sc["unit_id"].to_numpy(),
            "unit_name": _names(sc, reg),
            "criterion": sc["criterion"].to_numpy(),
            "framework": framework.to_numpy(),
            "applies_to": applies_to,
            "last_round": last,
            "appraised": appraised,
            "not_in_framework": some_leaf & (at < 0) & (framework.to_numpy(dtype=object) != ""),
            "not_applicable": (at >= 0) & ~applicable,
            "round_final_mismatch": mismatch,
        }
    )
    return Frame(
        "criteria", frame, _file(inputs), file_column="source_file", sheet_column="source_sheet"
    )


def _figure_ok(measure: str, value: float, text: str, top: float) -> bool:
    """Whether a published figure is a possible value of its measure."""
    if measure == "band":
        return text.strip() != ""
    if value != value:  # read as NaN: an empty cell
        return False
    if measure == "index_pct":
        return 0 <= value <= top
    if measure in ("rank", "rank_of"):
        return value >= 1 and float(value).is_integer()
    if measure == "max_total":
        return value > 0
    return True


FIGURES = (
    "index_pct 0..100 (or the index cap), rank and rank_of whole numbers from 1, rank at most "
    "rank_of, max_total above 0, a part's total at most its declared max, a band as text",
    "index_pct từ 0 đến 100, rank và rank_of là số nguyên từ 1, rank không quá rank_of, "
    "max_total lớn hơn 0, tổng điểm một phần không quá điểm tối đa đã khai báo, xếp loại là văn bản",
)


def _part_above_max(pub: pd.DataFrame, inputs: YearInputs) -> pd.Series:
    """A published part's total (``sipas_total``...) above the ``max`` its block's framework
    declares for the part (a typo or another scale: the sum of parts would be wrong)."""
    maxima: dict[tuple[str, str], float] = {}
    for b in inputs.year.blocks:
        fw = inputs.year.block_framework(b)
        for c in fw.components if fw is not None else ():
            if c.max is not None:
                maxima[(b.id, c.total_measure)] = float(c.max)
    if not maxima or not len(pub):
        return pd.Series(False, index=pub.index, dtype=bool)
    reg = inputs.units.drop_duplicates("unit_id").set_index("unit_id")
    block = pub["unit_id"].map(reg["block"]).fillna("") if "block" in reg else ""
    top = [maxima.get((b, m), np.inf) for b, m in zip(block, pub["measure"], strict=True)]
    return pd.Series(pub["value"].to_numpy(float) > np.array(top) + 1e-9, index=pub.index)


def published_frame(inputs: YearInputs) -> Frame:
    pub = inputs.published.copy()
    pub["criterion"] = pub["measure"]
    pub["unit_registered"] = pub["unit_id"].isin(set(inputs.units["unit_id"])).astype("bool")
    caps = [f.index_cap for f in inputs.year.frameworks.values() if f.index_cap]
    top = max([100.0, *caps])
    text = pub["value_text"] if "value_text" in pub.columns else pub["value"].astype(str)
    ok = [
        _figure_ok(m, v, t, top) for m, v, t in zip(pub["measure"], pub["value"], text, strict=True)
    ]
    rank_of = pub[pub["measure"] == "rank_of"].drop_duplicates("unit_id").set_index("unit_id")
    over = (pub["measure"] == "rank") & (pub["value"] > pub["unit_id"].map(rank_of["value"]))
    above = _part_above_max(pub, inputs)
    pub["bad_figure"] = (~pd.Series(ok, index=pub.index, dtype=bool) | over | above).astype("bool")
    pub["value_text"] = text
    pub["figure_expected"], pub["figure_expected_vi"] = FIGURES
    reg = inputs.units.drop_duplicates("unit_id").set_index("unit_id")
    names = pub["unit_id"].map(reg["unit_name"]).fillna("").astype("str")
    given = pub["unit_name"] if "unit_name" in pub.columns else pd.Series("", index=pub.index)
    pub["unit_name"] = names.where(names != "", given)
    block = pub["block"] if "block" in pub.columns else pd.Series("", index=pub.index)
    registry = pub["unit_id"].map(reg["block"]).fillna("") if "block" in reg else ""
    pub["registry_block"] = registry
    pub["block_mismatch"] = ((block != "") & (block != registry) & pub["unit_registered"]).astype(
        "bool"
    )
    return Frame("published", pub, paths.display(inputs.year.published or "published"))
