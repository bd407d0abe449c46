"""Frames: each input table plus the derived flag columns its suite checks (orphans, splits, totals,
missing or unreadable scores, unregistered units, name variants, coverage, bands).

``published_frame`` is in ``model_frames``. In: ``YearInputs`` (and the score table's unit and criterion codes, ``score_codes``, computed once
per call of ``validate_inputs``). Out: ``Frame`` objects (table, suite name, file and row column for
messages, codes of columns already factorised).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from parlib.config import framework as fwk
from parlib.core import paths
from parlib.ingest.inputs import YearInputs
from parlib.ingest.tables import ascii_key
from parlib.validate.distinct import Codes, factorize
from parlib.validate.leaves import block_grid, specific
from parlib.validate.validity import bounds, validity


@dataclass(frozen=True)
class Frame:
    """A table to validate, with what a person needs to find its rows: the file and row column."""

    suite: str
    data: pd.DataFrame
    file: str
    row_column: str | None = "source_row"
    codes: Mapping[str, Codes] = field(default_factory=dict)  # ``factorize`` of some data columns
    sheet: str = ""  # the worksheet the table was read from (XLSX inputs)
    file_column: str | None = None  # a table of several files: the column naming each row's
    sheet_column: str | None = None  # ... and its worksheet


SCORE_CODES = ("unit_id", "criterion")


def score_codes(inputs: YearInputs) -> dict[str, Codes]:
    """The score table's unit and criterion columns factorised, once for every frame built from it."""
    return {col: factorize(inputs.scores[col]) for col in SCORE_CODES}


def _framework_totals(fw: pd.DataFrame, fwc) -> list[dict]:
    """Declared totals of one framework against the sum of its leaves (the tree as published)."""
    sums = fwk.totals(fw, fwc.components)
    declared = [
        ("total", fwc.declared_total, "total"),
        ("appraisal", fwc.declared_appraisal, "share"),
        ("survey", fwc.declared_survey, "share"),
    ]
    declared += [(c.id, c.max, "share") for c in fwc.components if c.max is not None]
    rows, seen = [], set()
    for measure, value, kind in declared:
        if value is None or measure in seen:
            continue
        seen.add(measure)
        diff = round(float(value) - sums.get(measure, 0.0), 6)
        rows.append(
            {
                "code": measure,
                "declared": float(value),
                "leaves_sum": sums.get(measure, 0.0),
                "total_difference": diff if kind == "total" else math.nan,
                "share_difference": diff if kind == "share" else math.nan,
            }
        )
    return rows


def framework_frames(inputs: YearInputs) -> list[Frame]:
    """The criteria of each framework the year uses with criteria, and its declared totals (two
    frames per framework: codes repeat across the blocks' frameworks)."""
    yc = inputs.year
    used = [f for f in yc.frameworks.values() if f.file is not None] or [
        f for f in [yc.framework] if f is not None and f.file is not None
    ]
    toml = paths.display(inputs.dataset.folder / "dataset.toml")
    out = []
    for fwc in used:
        own = inputs.framework
        if "framework" in own.columns and (own["framework"] != "").any():
            own = own[own["framework"] == fwc.id]
        fw = own.copy()
        codes = set(fw["code"])
        fw["orphan"] = fw["parent"].map(lambda p, c=codes: p != "" and p not in c).astype("bool")
        fw["leaf_split_difference"] = fwk.leaf_split_check(fw, fwc.components)
        sub = fwk.subtotal_check(fw).drop_duplicates("code").set_index("code")
        fw["children_sum"] = fw["code"].map(sub["children_sum"])
        fw["subtotal_difference"] = fw["code"].map(sub["difference"])
        _applies_checks(fw, inputs.units)
        file = paths.display(fwc.file)
        out.append(Frame("framework", fw, file, file_column="source_file"))
        totals = pd.DataFrame(
            _framework_totals(fw, fwc),
            columns=["code", "declared", "leaves_sum", "total_difference", "share_difference"],
        ).astype({"code": "str", "total_difference": "float64", "share_difference": "float64"})
        out.append(
            Frame("framework_totals", totals, f"{toml} [frameworks.{fwc.id}]", row_column=None)
        )
    if not out:  # published results only: the (empty) table with the flag columns
        fw = inputs.framework.copy()
        for col in ("orphan",):
            fw[col] = pd.Series(dtype="bool")
        for col in ("leaf_split_difference", "children_sum", "subtotal_difference"):
            fw[col] = pd.Series(dtype="float64")
        fw["applies_to_unknown"] = pd.Series(dtype="str")
        fw["applies_on_area"] = pd.Series(dtype="bool")
        out.append(Frame("framework", fw, toml, file_column="source_file"))
        empty = pd.DataFrame(
            {
                "code": pd.Series(dtype="str"),
                **{
                    c: pd.Series(dtype="float64")
                    for c in ("declared", "leaves_sum", "total_difference", "share_difference")
                },
            }
        )
        out.append(Frame("framework_totals", empty, toml, row_column=None))
    # the criteria first, then the totals (the order of the suites before blocks)
    return sorted(out, key=lambda f: f.suite != "framework")


def _applies_checks(fw: pd.DataFrame, units: pd.DataFrame) -> None:
    """``applies_to`` on an area (only leaves are scored: it would be ignored) and the ids or
    kinds it names that the registry does not know (a typo: the unit loses the criterion)."""
    text = fw["applies_to"] if "applies_to" in fw.columns else pd.Series("", index=fw.index)
    text = text.fillna("").astype("str")
    known = set(units["unit_id"]) | set(units["kind"])
    fw["applies_to_unknown"] = text.map(
        lambda t: ";".join(x for x in (y.strip() for y in t.split(";")) if x and x not in known)
    ).astype("str")
    fw["applies_on_area"] = ((text.str.strip() != "") & ~fw["is_leaf"].astype(bool)).astype("bool")


@lru_cache(maxsize=100_000)
def name_key(name: str) -> str:
    """Names compared as people read them: no diacritics, case or spacing (``Sở Tư  pháp`` =
    ``so tu phap``). Two units with the same key are probably one unit entered twice."""

    return ascii_key(name)


def units_frame(inputs: YearInputs) -> Frame:
    units = inputs.units.copy()
    units["valid_bad"] = validity(units, inputs.year.year)["valid_bad"]
    for col in ("unit_id", "unit_name", "kind"):
        units[f"{col}_empty"] = (units[col].str.strip() == "").astype("bool")
    keys = units["unit_name"].map(name_key)
    # two units of one name are one unit entered twice only when their validity overlaps (a
    # province re-formed by the 2025 merger under an old name is another unit)
    start, end = (b.fillna(v) for b, v in zip(bounds(units), (-np.inf, np.inf), strict=True))
    seen: dict[str, list[tuple[str, float, float]]] = {}
    same = []
    for uid, key, a, b in zip(units["unit_id"], keys, start, end, strict=True):
        earlier = [u for u, a0, b0 in seen.get(key, []) if a < b0 and a0 < b and u != uid]
        same.append(earlier[0] if earlier else "")
        seen.setdefault(key, []).append((uid, a, b))
    units["same_name_as"] = same
    units["name_near_duplicate"] = (units["same_name_as"] != "").astype("bool")
    return Frame("units", units, paths.display(inputs.dataset.units))


def _take(values, codes: np.ndarray, index: pd.Index, dtype: str) -> pd.Series:
    """Per-distinct-value results spread back over the rows (``codes`` from ``pd.factorize``).
    Text is made a ``str`` array once per distinct value and then taken, not checked per row."""
    if dtype == "str":
        return pd.Series(
            pd.array(np.asarray(values, dtype=object), dtype="str").take(codes), index=index
        )
    return pd.Series(np.asarray(values, dtype=dtype)[codes], index=index, dtype=dtype)


def _given(series: pd.Series) -> np.ndarray:
    """Where a text column is not empty (missing counts as given, as ``series != ""`` has it),
    compared on the plain values: a ``str`` column's own comparison checks every row for NA first."""
    return series.to_numpy(dtype=object) != ""


def scores_frame(
    inputs: YearInputs, codes: Mapping[str, Codes], leaf_at: np.ndarray | None = None
) -> Frame:
    """Scores with each leaf's maxima beside them, and a flag column per rule. ``codes``:
    ``score_codes(inputs)``; ``leaf_at``: each row's leaf (``leaves.leaf_positions``), used when the
    year's blocks have several frameworks."""
    # duplicate codes are reported by the framework suite; here the first one is used
    leaves = inputs.framework.loc[
        inputs.framework["is_leaf"], ["code", "max_appraisal", "max_survey"]
    ].drop_duplicates("code")
    scores = inputs.scores
    s = scores.copy(deep=False)  # copy on write: the new columns do not touch inputs.scores
    # per distinct criterion, not per row: a million rows name a hundred criteria
    crit_codes, crits = codes["criterion"]
    at = pd.Index(leaves["code"]).get_indexer(crits)
    found = at >= 0
    s["code"] = _take(np.where(found, crits, np.nan), crit_codes, s.index, "str")
    maxima = {}
    for col in ("max_appraisal", "max_survey"):
        per_criterion = np.where(found, leaves[col].to_numpy("float64")[at], np.nan)
        s[col] = _take(per_criterion, crit_codes, s.index, "float64")
        # factorize(s[col]) from the criteria's: values first appear in the criteria's order
        max_codes, max_uniques = factorize(pd.Series(per_criterion))
        maxima[col] = (max_codes[crit_codes], max_uniques)
    known = (found & ~np.asarray(pd.isna(crits), dtype=bool))[crit_codes]  # code not missing
    if leaf_at is not None and len(inputs.year.frameworks) > 1:  # each row in its block's one
        fw = inputs.framework
        ok = leaf_at >= 0
        where = np.where(ok, leaf_at, 0)
        code = np.where(ok, fw["code"].to_numpy(dtype=object)[where], np.nan)
        s["code"] = pd.Series(pd.array(code, dtype="str"), index=s.index)
        for col in ("max_appraisal", "max_survey"):
            s[col] = np.where(ok, fw[col].to_numpy("float64")[where], np.nan)
            maxima[col] = factorize(s[col])
        known = ok
    unreadable = {col: _given(s[f"{col}_unparsed"]) for col in ("self", "appraised", "survey")}
    for col, max_col in (
        ("self", "max_appraisal"),
        ("appraised", "max_appraisal"),
        ("survey", "max_survey"),
    ):
        has_component = s[max_col].fillna(0).to_numpy() > 0
        score_missing = s[f"{col}_score"].isna().to_numpy()
        kps = s[f"{col}_kps"].to_numpy(bool)
        s[f"{col}_missing"] = known & has_component & score_missing & ~kps & ~unreadable[col]
        s[f"{col}_without_component"] = known & ~has_component & (~score_missing | kps)
    # a flag rather than a value set of every unit id: GX serialises value sets once per metric,
    # which for 10,000 units cost seconds per validation
    for col in ("self", "appraised", "survey"):
        s[f"{col}_unreadable"] = unreadable[col]
    # per distinct unit id, and per distinct (unit name, unit id) pair
    unit_codes, unit_ids = codes["unit_id"]
    unit_ids = pd.Series(unit_ids, dtype=object)
    s["unit_registered"] = _take(
        unit_ids.isin(set(inputs.units["unit_id"])), unit_codes, s.index, "bool"
    )
    registry = inputs.units.drop_duplicates("unit_id").set_index("unit_id")["unit_name"]
    registry_names = unit_ids.map(registry).fillna("").astype("str")
    s["registry_name"] = _take(registry_names, unit_codes, s.index, "str")
    name_codes, names = factorize(s["unit_name"])
    pair_codes, pairs = pd.factorize(name_codes.astype("int64") * len(unit_ids) + unit_codes)
    name = pd.Series(np.asarray(names, dtype=object)[pairs // max(len(unit_ids), 1)], dtype="str")
    registered_name = registry_names.to_numpy(dtype=object)[pairs % max(len(unit_ids), 1)]
    registered_name = pd.Series(registered_name, dtype="str")
    given = name.fillna("").str.strip() != ""
    differs = (given & (name != registered_name) & (registered_name != "")).to_numpy(bool)
    same_key = np.array(
        [
            differs[i] and name_key(a) == name_key(b)
            for i, (a, b) in enumerate(zip(name, registered_name))
        ],
        dtype=bool,
    )
    s["unit_name_mismatch"] = _take(differs & ~same_key, pair_codes, s.index, "bool")
    s["unit_name_variant"] = _take(differs & same_key, pair_codes, s.index, "bool")
    s["leaf_unsplit"] = (
        known & s["max_appraisal"].isna().to_numpy() & s["max_survey"].isna().to_numpy()
    )
    if leaf_at is not None and _other_parts(inputs):  # a leaf of SIPAS or bonus only is split
        maxima_given = inputs.framework.filter(like="max_").drop(columns="max_points").notna()
        given = maxima_given.any(axis=1).to_numpy(bool)
        s["leaf_unsplit"] = (leaf_at >= 0) & ~given[np.where(leaf_at >= 0, leaf_at, 0)]
    s["kps_mismatch"] = (s["max_appraisal"].fillna(0).to_numpy() > 0) & (
        s["self_kps"].to_numpy(bool) != s["appraised_kps"].to_numpy(bool)
    )
    if not inputs.year.self_assessment:  # no self-assessment this year: none is required
        s["self_missing"] = False
        s["kps_mismatch"] = False
    return Frame(
        "scores",
        s,
        paths.display(inputs.year.scores) if inputs.year.scores else "scores",
        codes={**{col: codes[col] for col in SCORE_CODES}, **maxima},
        file_column="source_file",
        sheet_column="source_sheet" if "source_sheet" in s.columns else None,
    )


def _other_parts(inputs: YearInputs) -> bool:
    """Whether a framework of the year has parts beyond the legacy appraisal and survey."""
    legacy = {"appraisal", "survey"}
    return any({c.id for c in f.components} - legacy for f in inputs.year.frameworks.values())


def coverage_frames(inputs: YearInputs, codes: Mapping[str, Codes]) -> list[Frame]:
    """Every (assessed unit, leaf) cell with whether it has a row; every registered unit with
    whether it was assessed. ``codes``: ``score_codes(inputs)``."""
    leaves = list(dict.fromkeys(inputs.framework.loc[inputs.framework["is_leaf"], "code"]))
    registered = set(inputs.units["unit_id"])
    unit_codes, units = codes["unit_id"]
    units = pd.Series(units, dtype=object)
    is_assessed = units.isin(registered).to_numpy(bool)
    assessed = units[is_assessed].to_numpy(dtype=object)  # in order of first appearance
    # text arrays of the distinct units and leaves, repeated (not a million strings checked)
    grid = pd.DataFrame(
        {
            "unit_id": pd.array(assessed, dtype="str").take(
                np.repeat(np.arange(len(assessed)), len(leaves))
            ),
            "criterion": pd.array(np.asarray(leaves, dtype=object), dtype="str").take(
                np.tile(np.arange(len(leaves)), len(assessed))
            ),
        }
    )
    # which (assessed unit, leaf) cells have a row: positions in the grid, from integer codes
    unit_at = np.where(is_assessed, np.cumsum(is_assessed) - 1, -1)[unit_codes]
    crit_codes, crits = codes["criterion"]
    leaf_at = pd.Index(leaves, dtype=object).get_indexer(pd.Index(crits, dtype=object))[crit_codes]
    ok = (unit_at >= 0) & (leaf_at >= 0)
    has_row = np.zeros(len(grid), dtype=bool)
    has_row[unit_at[ok] * len(leaves) + leaf_at[ok]] = True
    grid["has_row"] = has_row
    if specific(inputs):  # each unit's block's framework, and unit-specific criteria
        grid = block_grid(inputs, assessed)
    reg = inputs.units[["unit_id", "unit_name", "source_row"]].copy()
    # expected to be scored: a unit valid this year that belongs to one of the year's blocks (the
    # province above its departments, or a province abolished in 2025, is not); a year of published
    # results only covers whom the sources cover, so nobody is expected there
    expected = validity(inputs.units, inputs.year.year)["valid_this_year"].to_numpy(bool).copy()
    if "block" in inputs.units.columns:
        expected &= (inputs.units["block"].fillna("") != "").to_numpy(bool)
    if inputs.year.published_only:
        expected[:] = False
    reg["assessed"] = (reg["unit_id"].isin(set(units)).to_numpy(bool) | ~expected).astype("bool")
    return [
        Frame(
            "coverage",
            grid,
            paths.display(inputs.year.scores) if inputs.year.scores else "scores",
            row_column=None,
        ),
        Frame("registry_coverage", reg, paths.display(inputs.dataset.units)),
    ]


def bands_frame(inputs: YearInputs) -> Frame:
    """Rating bands of the year, sorted from the top within each block's set (``block`` "": the
    bands of every block without its own): each must start where the next one ends."""
    b = inputs.bands.copy()
    if "block" not in b.columns:
        b["block"] = ""
    b["block"] = b["block"].fillna("").astype("str")
    b["lower"] = b["lower_pct"].fillna(-float("inf"))
    b["upper"] = b["upper_pct"].fillna(float("inf"))
    b = b.sort_values(["block", "lower"], ascending=[True, False], ignore_index=True)
    b["inverted"] = (b["lower"] >= b["upper"]).astype("bool")
    below = b.groupby("block", sort=False)["upper"].shift(-1)
    # the next band down must end exactly where this one starts (no gap, no overlap)
    b["gap_or_overlap"] = ((below.notna()) & (below != b["lower"])).astype("bool")
    b["next_upper"] = below
    b["criterion"] = b["band"]
    # a block id no block of the year has (a typo): its bands would be silently unused
    declared = {blk.id for blk in inputs.year.blocks}
    b["unknown_block"] = ((b["block"] != "") & ~b["block"].isin(declared)).astype("bool")
    b["blocks_declared"] = ", ".join(sorted(declared))
    where = (
        f"{paths.display(inputs.dataset.bands)} (year {inputs.year.year})"
        if inputs.dataset.bands
        else "bands"
    )
    rows = "source_row" if "source_row" in b.columns else None
    return Frame("bands", b, where, row_column=rows)
