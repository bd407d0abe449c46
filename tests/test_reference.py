"""``score.compute`` against a plain reference computation, and property tests on ``compute``.

How the tests work: hypothesis draws a random *valid* dataset-year (a framework tree, a units
registry, scores with not-arising (KPS) cells, a unit with no survey, optional rating bands and
published totals), the test writes it as the raw CSV files of a dataset folder, reads it with
``load_dataset`` + ``load_year`` (so ingest is covered as well) and compares ``compute`` with
``reference`` below.

``reference`` is written from docs/methodology.md (§2 tree, §4 points and KPS, §5 indexes, §6
rounding, ranks and bands, §7 reconciliation), not from the code: one loop per unit over plain
lists, in exact rational arithmetic (``fractions.Fraction``), so a float in the code can be checked
against the decimal figure a reviewer would compute by hand.

The random years pass the input validation (``validate_inputs``: no critical problem; warnings
only for NFD names and a registered unit left unscored): scores within the component's maximum,
self and appraised KPS together, empty cells only where a leaf has no such component, every scored
unit on every leaf, contiguous rating bands, published figures within 0 and the maximum. Two things
are generated on purpose although the results suites call them critical: a unit for which nothing
arose (``index_missing``; ``compute`` leaves it unranked, §6) and published totals far from the
computed ones (``published_mismatch``; §7 defines the status).
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import math
import os
import random
import tempfile
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, event, example, given, note, settings
from hypothesis import strategies as st

from parlib.config.dataset import load_dataset
from parlib.ingest import YearInputs, load_year
from parlib.score import aggregate, compute

SETTINGS = dict(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
# Every example writes, ingests and scores a dataset-year (about 0.1 s), so the counts below keep
# the file under ~20 s. PARLIB_REFERENCE_EXAMPLES=10 runs ten times as many (a thorough check).
SCALE = float(os.environ.get("PARLIB_REFERENCE_EXAMPLES", "1"))


def examples(n: int) -> int:
    return max(1, round(n * SCALE))


KPS = "KPS"  # a score cell that says "not arising" in the ground-truth tables below
COMPONENTS = (
    ("appraisal", "max_appraisal", "appraised_score", "appraised_kps"),
    ("survey", "max_survey", "survey_score", "survey_kps"),
)
LEVEL_NAMES = {1: "area", 2: "criterion", 3: "subcriterion"}  # deeper: level4, level5, ...
HALF = Fraction(1, 2)


# ================================================================================================
# The reference: docs/methodology.md §2-§7, loops over plain lists, exact arithmetic
# ================================================================================================


def q(x) -> Fraction | None:
    """A cell as an exact number; ``None`` when empty (None, NaN, ``""``). A float is read by its
    shortest repr, i.e. as the decimal that was typed (``0.1`` → 1/10, not the binary value)."""
    if x is None or isinstance(x, str) and x.strip() == "":
        return None
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, np.integer)):
        return Fraction(int(x))
    x = float(x)
    return None if math.isnan(x) else Fraction(repr(x))


def round_half_up_exact(x: Fraction, decimals: int) -> Fraction:
    """Round half away from zero (``x`` ≥ 0 here): 79.965 → 79.97, exactly."""
    scale = 10**decimals
    sign = -1 if x < 0 else 1
    return sign * Fraction(math.floor(abs(x) * scale + HALF), scale)


def tolerance(n_parts: int, decimals: int) -> Fraction:
    """§7: a sum of n parts printed to d decimals is within (n + 1) · ½·10⁻ᵈ of its printed total."""
    return (n_parts + 1) * HALF / 10**decimals


def ancestors(code: str) -> list[str]:
    """``'1.2.3'`` → ``['1', '1.2', '1.2.3']``: the node itself and every node above it."""
    parts = code.split(".")
    return [".".join(parts[:k]) for k in range(1, len(parts) + 1)]


def level_name(code: str) -> str:
    depth = len(code.split("."))
    return LEVEL_NAMES.get(depth, f"level{depth}")


def records(df: pd.DataFrame) -> list[dict]:
    """``df.to_dict("records")``, column by column (many times faster under pandas 3)."""
    cols = list(df.columns)
    return [dict(zip(cols, row)) for row in zip(*(df[c].tolist() for c in cols))]


@dataclass
class Part:
    """One unit × leaf × component that exists for the leaf (§4)."""

    unit: str
    leaf: str
    component: str  # "appraisal" | "survey"
    maximum: Fraction
    applicable: bool  # False: the cell of this component is KPS
    points: Fraction | None  # appraised_score or survey_score
    self_points: Fraction | None  # self_score (appraisal only)


def totals(parts: list[Part], decimals: int) -> dict:
    """§5 for one set of a unit's parts: sums, index, rounded index, points deducted."""
    t = dict(
        achieved_points=Fraction(0),
        max_points=Fraction(0),
        self_points=Fraction(0),
        appraised_points=Fraction(0),
        survey_points=Fraction(0),
        max_appraisal=Fraction(0),
        max_survey=Fraction(0),
        max_points_full=Fraction(0),
        n_appraisal_parts=0,
        n_survey_parts=0,
        n_not_arising=0,
    )
    for p in parts:
        t["max_points_full"] += p.maximum
        if not p.applicable:
            t["n_not_arising"] += 1
            continue
        t["achieved_points"] += p.points
        t["max_points"] += p.maximum
        if p.component == "appraisal":
            t["self_points"] += p.self_points
            t["appraised_points"] += p.points
            t["max_appraisal"] += p.maximum
            t["n_appraisal_parts"] += 1
        else:
            t["survey_points"] += p.points
            t["max_survey"] += p.maximum
            t["n_survey_parts"] += 1
    finish(t, decimals)
    return t


def finish(t: dict, decimals: int) -> None:
    """Index (NaN = None when nothing applies), rounded index and points deducted of a row."""
    t["index_pct_exact"] = (
        t["achieved_points"] / t["max_points"] * 100 if t["max_points"] > 0 else None
    )
    t["index_pct"] = (
        None
        if t["index_pct_exact"] is None
        else round_half_up_exact(t["index_pct_exact"], decimals)
    )
    t["points_deducted"] = t["self_points"] - t["appraised_points"]


def reference(
    framework: pd.DataFrame,
    units: pd.DataFrame,
    scores: pd.DataFrame,
    decimals: int,
    year: int,
    bands: pd.DataFrame | None = None,
    published: pd.DataFrame | None = None,
    prefer_published: bool = False,
) -> dict[str, pd.DataFrame]:
    """Unit, area and criterion indexes and the reconciliation, from plain tables.

    ``framework``: code, name_vi, name_en, max_appraisal, max_survey (a leaf's split; on other
    nodes ignored). ``units``: unit_id, unit_name, kind, group. ``scores``: unit_id, criterion,
    self_score, appraised_score, survey_score and the flags self_kps, appraised_kps, survey_kps.
    ``bands``: band, lower_pct, upper_pct (file order). ``published``: unit_id, measure, value.
    Every number may be a Fraction or a float; results are Fractions (None = empty / NaN).
    """
    fw = framework.pipe(records)
    codes = [str(r["code"]) for r in fw]
    node = {str(r["code"]): r for r in fw}
    # §2: a leaf is a node no other node lies under
    leaves = {c for c in codes if not any(d.startswith(c + ".") for d in codes)}
    leaf_parts = {}
    for c in leaves:
        leaf_parts[c] = []
        for component, max_col, _, _ in COMPONENTS:
            m = q(node[c][max_col]) or Fraction(0)
            if m > 0:
                leaf_parts[c].append((component, m))

    # §4: one part per unit × leaf × component of the leaf
    parts_of: dict[str, list[Part]] = {}
    for s in scores.pipe(records):
        if s["criterion"] not in leaves:
            continue
        for component, m in leaf_parts[s["criterion"]]:
            if component == "appraisal":
                kps, pts, selfp = (
                    bool(s["appraised_kps"]),
                    q(s["appraised_score"]),
                    q(s["self_score"]),
                )
            else:
                kps, pts, selfp = bool(s["survey_kps"]), q(s["survey_score"]), None
            parts_of.setdefault(s["unit_id"], []).append(
                Part(s["unit_id"], s["criterion"], component, m, not kps, pts, selfp)
            )

    # §5 units: the registered units that have scores
    unit_rows = []
    for u in units.pipe(records):
        if u["unit_id"] not in parts_of:
            continue
        t = totals(parts_of[u["unit_id"]], decimals)
        t.update(
            year=year,
            unit_id=u["unit_id"],
            unit_name=u["unit_name"],
            kind=u["kind"],
            group=u["group"],
            achieved_from_parts=t["achieved_points"],
            totals_source="parts",
        )
        unit_rows.append(t)

    # §7 reconciliation (possibly adopting published component totals)
    recon = []
    if published is not None and len(published):
        pub = {(r["unit_id"], r["measure"]): q(r["value"]) for r in published.pipe(records)}
        exact = HALF / 10**decimals
        for t in unit_rows:
            u = t["unit_id"]
            adopted = False
            for col, measure, n in (
                ("self_points", "self_total", t["n_appraisal_parts"]),
                ("appraised_points", "appraised_total", t["n_appraisal_parts"]),
                ("survey_points", "survey_total", t["n_survey_parts"]),
            ):
                if (u, measure) not in pub:
                    continue
                value, computed = pub[(u, measure)], t[col]
                diff, tol = computed - value, tolerance(n, decimals)
                status = (
                    "match"
                    if abs(diff) < exact
                    else "within_rounding"
                    if abs(diff) <= tol
                    else "mismatch"
                )
                used = prefer_published and status == "within_rounding"
                if used:
                    t[col] = value
                    adopted = True
                recon.append(
                    dict(
                        unit_id=u,
                        measure=measure,
                        computed=computed,
                        published=value,
                        difference=diff,
                        tolerance=tol,
                        status=status,
                        published_used=used,
                        computed_from_parts=None,
                    )
                )
            if adopted:
                t["totals_source"] = "published"
                t["achieved_points"] = t["appraised_points"] + t["survey_points"]
            finish(t, decimals)
            if (u, "index_pct") in pub:
                value = pub[(u, "index_pct")]
                n = t["n_appraisal_parts"] + t["n_survey_parts"]
                tol = tolerance(n, decimals) * 100 / t["max_points"] + exact
                diff = t["index_pct"] - value
                status = (
                    "match"
                    if abs(diff) < exact
                    else "within_rounding"
                    if abs(diff) <= tol
                    else "mismatch"
                )
                recon.append(
                    dict(
                        unit_id=u,
                        measure="index_pct",
                        computed=t["index_pct_exact"],
                        published=value,
                        difference=diff,
                        tolerance=tol,
                        status=status,
                        published_used=False,
                        computed_from_parts=t["achieved_from_parts"] / t["max_points"] * 100,
                    )
                )

    # §6 ranks on the rounded index: 1 + the number of units strictly better ("1224"); none = unranked
    ranked = [t["index_pct"] for t in unit_rows if t["index_pct"] is not None]
    band_rows = [] if bands is None else bands.pipe(records)
    for t in unit_rows:
        x = t["index_pct"]
        t["rank"] = None if x is None else 1 + sum(1 for y in ranked if y > x)
        t["rank_of"] = len(ranked)
        t["band"] = ""
        if x is not None:
            for b in band_rows:  # the first band, in file order, with lower ≤ index < upper
                lower, upper = q(b["lower_pct"]), q(b["upper_pct"])
                if (lower is None or lower <= x) and (upper is None or x < upper):
                    t["band"] = b["band"]
                    break

    # §5 areas and every node of the tree: the parts of the leaves under the node
    area_rows, crit_rows = [], []
    for u, parts in parts_of.items():
        area_parts: dict[str, list[Part]] = {}
        node_parts: dict[str, list[Part]] = {}
        for p in parts:
            area_parts.setdefault(p.leaf.split(".")[0], []).append(p)
            for c in ancestors(p.leaf):
                node_parts.setdefault(c, []).append(p)
        for a, these in area_parts.items():
            t = totals(these, decimals)
            t.update(
                year=year,
                unit_id=u,
                area=a,
                name_vi=node[a]["name_vi"],
                name_en=node[a]["name_en"],
                level=level_name(a),
            )
            area_rows.append(t)
        for c, these in node_parts.items():
            t = totals(these, decimals)
            t.update(
                year=year,
                unit_id=u,
                code=c,
                name_vi=node[c]["name_vi"],
                name_en=node[c]["name_en"],
                level=level_name(c),
            )
            crit_rows.append(t)

    return {
        "unit_index": pd.DataFrame(unit_rows),
        "area_index": pd.DataFrame(area_rows),
        "criterion_index": pd.DataFrame(crit_rows),
        "reconciliation": pd.DataFrame(recon),
        "parts": pd.DataFrame([dataclasses.asdict(p) for ps in parts_of.values() for p in ps]),
    }


# ================================================================================================
# Comparing compute's tables with the reference
# ================================================================================================

SUMS = [
    "achieved_points",
    "max_points",
    "self_points",
    "appraised_points",
    "survey_points",
    "max_appraisal",
    "max_survey",
    "max_points_full",
    "points_deducted",
    "index_pct_exact",
]
COUNTS = ["n_appraisal_parts", "n_survey_parts", "n_not_arising"]
NAMES = ["name_vi", "name_en", "level"]
CHECKED = {
    "unit_index": (
        ["unit_id"],
        SUMS
        + COUNTS
        + [
            "index_pct",
            "rank",
            "rank_of",
            "band",
            "year",
            "unit_name",
            "kind",
            "group",
            "achieved_from_parts",
            "totals_source",
        ],
    ),
    "area_index": (["unit_id", "area"], SUMS + COUNTS + ["index_pct", "year"] + NAMES),
    "criterion_index": (["unit_id", "code"], SUMS + COUNTS + ["index_pct", "year"] + NAMES),
}
APPROX = set(SUMS) | {
    "achieved_from_parts",
    "computed",
    "published",
    "difference",
    "tolerance",
    "computed_from_parts",
}


def is_missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def same(actual, expected, column: str) -> bool:
    """Sums and unrounded figures to 1e-9; the rounded index exactly (the float nearest the
    rounded decimal); ranks, counts and flags exactly; text exactly. Missing expected = empty/NaN."""
    if is_missing(expected):
        return is_missing(actual)
    if is_missing(actual):
        return False
    if column in APPROX:
        return abs(float(actual) - float(expected)) <= 1e-9
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    if isinstance(expected, (bool, np.bool_)):
        return bool(actual) == bool(expected)
    return float(actual) == float(expected)


def show(x) -> str:
    """A reference value as a reader checks it: Fraction(1413, 100) → '14.13', 1/3 → '0.333… (1/3)'."""
    if not isinstance(x, Fraction):
        return repr(x)
    d = x.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    return decimal_text(x) if d == 1 else f"{float(x)!r} (= {x})"


def assert_matches(
    actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str], columns: list[str], what: str
) -> None:
    """Same rows (by ``keys``, none missing, none extra) and the same value in every column."""
    got = {tuple(r[k] for k in keys): r for r in actual.pipe(records)}
    want = {tuple(r[k] for k in keys): r for r in expected.pipe(records)}
    assert len(got) == len(actual), f"{what}: duplicate keys {keys}"
    assert set(got) == set(want), (
        f"{what}: rows differ; only computed: "
        f"{sorted(set(got) - set(want))[:5]}, only reference: "
        f"{sorted(set(want) - set(got))[:5]}"
    )
    bad = [
        f"{key} {c}: computed {got[key][c]!r}, reference {show(want[key][c])}"
        for key in sorted(want)
        for c in columns
        if not same(got[key][c], want[key][c], c)
    ]
    assert not bad, f"{what}: {len(bad)} difference(s):\n  " + "\n  ".join(bad[:12])


def assert_results_match(results, ref: dict[str, pd.DataFrame]) -> None:
    for name, (keys, columns) in CHECKED.items():
        assert_matches(getattr(results, name), ref[name], keys, columns, name)
    # the unit table is listed by rank, then unit id (unranked last)
    unit = ref["unit_index"]
    order = sorted(
        unit.pipe(records),
        key=lambda t: (math.inf if is_missing(t["rank"]) else t["rank"], t["unit_id"]),
    )
    assert list(results.unit_index["unit_id"]) == [t["unit_id"] for t in order]
    # the points table: one row per unit × leaf × component that exists, with its maximum
    parts = ref["parts"]
    got = {(r["unit_id"], r["criterion"], r["component"]): r for r in results.points.pipe(records)}
    want = {(p["unit"], p["leaf"], p["component"]): p for p in parts.pipe(records)}
    assert set(got) == set(want)
    for key, p in want.items():
        assert float(got[key]["max_points"]) == float(p["maximum"])
        assert bool(got[key]["applicable"]) == p["applicable"]
        if p["applicable"]:
            assert float(got[key]["points"]) == float(p["points"])


# ================================================================================================
# Random valid dataset-years (ground truth) and their raw files
# ================================================================================================

# codes: areas and criteria numbered from this pool, so that "1" and "10", "1.1" and "1.10" and
# "1.11" often occur together (codes are text: not numbers, and "1" is not a prefix of "10.1")
NUMBERS = [1, 2, 10, 11]
MAXIMA = [Fraction(x) for x in ("0.5", "1", "2.5", "4", "10")]
UNIT_IDS = [
    "1",
    "01",
    "10",
    "2",
    "B",
    "a",
    "so-noi-vu",
    "so-tu-phap",
    "xa-an-binh",
    "phuong-1",
    "phuong-10",
    "u3",
    "u12",
    "cn-kho-bac",
    "dac-khu-7",
    "001",
    "x",
    "Y2",
]
KINDS = ["department", "commune", "ward", "central_branch"]
KPS_SPELLINGS = ["KPS", "kps", " KPS ", "Không phát sinh", "không phát sinh", "KHONG PHAT SINH"]
HEADERS_VI = {
    "unit_id": "Mã đơn vị",
    "criterion": "Mã tiêu chí",
    "self_score": "Điểm tự chấm",
    "appraised_score": "Điểm thẩm định",
    "survey_score": "Điểm điều tra",
    "unit_name": "Tên đơn vị",
    "kind": "Loại",
    "group": "Nhóm",
    "code": "Mã",
    "name_vi": "Tên",
    "name_en": "Tên tiếng Anh",
    "max_points": "Điểm tối đa",
    "max_appraisal": "Điểm tối đa thẩm định",
    "max_survey": "Điểm tối đa điều tra",
}


@dataclass
class Year:
    """One dataset-year as ground truth. Scores: Fraction, ``KPS`` or ``None`` (empty cell)."""

    year: int
    decimals: int
    leaves: dict[str, tuple[Fraction, Fraction]]  # leaf code → (max_appraisal, max_survey)
    codes: list[str]  # every node, in tree order
    units: list[dict]  # unit_id, unit_name, kind, group
    scores: list[dict]  # unit_id, criterion, self_score, appraised_score, survey_score
    bands: list[dict] = field(default_factory=list)  # year, band, lower_pct, upper_pct
    published: list[dict] | None = None  # unit_id, measure, value
    prefer_published: bool = False
    style: int = 0  # seed of the cosmetic choices made when the files are written

    def node_name(self, code: str) -> tuple[str, str]:
        return f"Tiêu chí {code} (Lĩnh vực {code.split('.')[0]})", f"Criterion {code}"

    def framework_table(self) -> pd.DataFrame:
        rows = []
        for c in self.codes:
            ma, ms = self.leaves.get(c, (None, None))
            vi, en = self.node_name(c)
            rows.append(dict(code=c, name_vi=vi, name_en=en, max_appraisal=ma, max_survey=ms))
        return pd.DataFrame(rows)

    def scores_table(self) -> pd.DataFrame:
        rows = []
        for s in self.scores:
            r = dict(unit_id=s["unit_id"], criterion=s["criterion"])
            for col in ("self_score", "appraised_score", "survey_score"):
                r[col] = None if s[col] is KPS else s[col]
                r[col.replace("_score", "_kps")] = s[col] is KPS
            rows.append(r)
        return pd.DataFrame(rows)

    def reference(self) -> dict[str, pd.DataFrame]:
        return reference(
            self.framework_table(),
            pd.DataFrame(self.units),
            self.scores_table(),
            self.decimals,
            self.year,
            bands=pd.DataFrame(
                [b for b in self.bands if b["year"] == self.year],
                columns=["band", "lower_pct", "upper_pct"],
            ),
            published=(None if self.published is None else pd.DataFrame(self.published)),
            prefer_published=self.prefer_published,
        )


def score_value(draw, maximum: Fraction, step: Fraction) -> Fraction:
    """A score within [0, maximum] in the unit's steps (quarter, half or hundredth points); one
    draw: -1 = full marks, -2 = zero, k ≥ 0 = k steps."""
    k = draw(st.integers(-2, math.floor(maximum / step)))
    return maximum if k == -1 else Fraction(0) if k == -2 else k * step


@st.composite
def years(draw, max_units: int = 12, max_areas: int = 4) -> Year:
    """A random valid dataset-year (no published totals)."""
    codes: list[str] = []
    leaves: dict[str, tuple[Fraction, Fraction]] = {}

    def children(of: str, max_size: int) -> list[str]:
        nums = draw(st.lists(st.sampled_from(NUMBERS), max_size=max_size, unique=True))
        return [f"{of}.{n}" for n in nums]

    def grow(code: str, depth: int) -> None:
        codes.append(code)
        if depth == 1:
            kids = children(code, 3)  # criteria of an area (none: the area is a leaf, as in 2012)
        elif depth == 2:
            kids = children(code, 3)  # 0-3 sub-criteria
        else:  # now and then one level deeper (level4)
            kids = children(code, 2) if depth == 3 and draw(st.integers(0, 9)) == 0 else []
        for k in kids:
            grow(k, depth + 1)
        if not kids:
            kind = draw(st.sampled_from(["appraisal", "appraisal", "survey", "mixed"]))
            ma = draw(st.sampled_from(MAXIMA)) if kind != "survey" else Fraction(0)
            ms = draw(st.sampled_from(MAXIMA)) if kind != "appraisal" else Fraction(0)
            leaves[code] = (ma, ms)

    for a in draw(st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=max_areas, unique=True)):
        grow(str(a), 1)

    ids = draw(st.permutations(UNIT_IDS))
    n_units = draw(st.integers(1, max_units))
    units = [
        dict(
            unit_id=u,
            unit_name=f"Đơn vị {u}",
            kind=draw(st.sampled_from(KINDS)),
            group=draw(st.sampled_from(["", "Nhóm 1", "Nhóm 2"])),
        )
        for u in ids[: n_units + 1]
    ]  # the last one may stay unscored (registry warning only)
    scored = units if draw(st.integers(0, 4)) == 0 else units[:n_units]

    scores = []
    for u in scored:
        no_survey = draw(st.integers(0, 4)) == 0  # no survey held for this unit
        step = draw(st.sampled_from([Fraction(1, 4), Fraction(1, 2), Fraction(1, 100)]))
        for leaf, (ma, ms) in leaves.items():
            row = dict(
                unit_id=u["unit_id"],
                criterion=leaf,
                self_score=None,
                appraised_score=None,
                survey_score=None,
            )
            if ma > 0:
                if draw(st.integers(0, 5)) == 0:
                    row["self_score"] = row["appraised_score"] = KPS
                else:
                    row["appraised_score"] = score_value(draw, ma, step)
                    claim = draw(st.integers(-1, 2))  # as appraised, full marks, or anything
                    row["self_score"] = (
                        row["appraised_score"]
                        if claim < 1
                        else ma
                        if claim == 1
                        else score_value(draw, ma, step)
                    )
            if ms > 0:
                row["survey_score"] = (
                    KPS
                    if no_survey or draw(st.integers(0, 5)) == 0
                    else score_value(draw, ms, step)
                )
            scores.append(row)
    draw(st.randoms(use_true_random=False)).shuffle(scores)

    year = draw(st.sampled_from([2012, 2024, 2025]))
    bands = []
    for y in (year, year + 1):  # another year's bands must not apply
        cuts = sorted(
            draw(
                st.lists(
                    st.sampled_from(
                        [
                            Fraction(x)
                            for x in ("50", "62.5", "70", "75", "80", "87.5", "90", "99.99", "100")
                        ]
                    ),
                    max_size=3,
                    unique=True,
                )
            ),
            reverse=True,
        )
        labels = "ABCD"
        bounds = [(None if not i else cuts[i - 1]) for i in range(len(cuts) + 1)]
        for i, upper in enumerate(bounds):
            lower = cuts[i] if i < len(cuts) else None
            if i == 0 and cuts and draw(st.integers(0, 4)) == 0:
                upper = Fraction(100) if cuts[0] < 100 else None  # a top band "< 100": 100 unbanded
            if cuts:
                bands.append(dict(year=y, band=labels[i], lower_pct=lower, upper_pct=upper))
    return Year(
        year=year,
        decimals=draw(st.sampled_from([2, 2, 2, 1, 0, 3])),
        leaves=leaves,
        codes=codes,
        units=units,
        scores=scores,
        bands=bands,
        style=draw(st.integers(0, 2**32 - 1)),
    )


@st.composite
def years_with_published(draw) -> Year:
    """A random year with published totals near (and sometimes far from) the computed ones."""
    y = draw(years(max_units=8))
    ref = y.reference()["unit_index"]
    d, step = y.decimals, Fraction(1, 10**y.decimals)
    published = []
    for t in ref.pipe(records):
        if t["max_points"] == 0 or draw(st.integers(0, 3)) == 0:
            continue  # nothing arose for this unit (no index to publish), or nothing published
        for col, measure, n in (
            ("self_points", "self_total", t["n_appraisal_parts"]),
            ("appraised_points", "appraised_total", t["n_appraisal_parts"]),
            ("survey_points", "survey_total", t["n_survey_parts"]),
        ):
            if draw(st.booleans()):
                k = draw(st.integers(-(n + 2), n + 2))  # match, within rounding or mismatch
                value = round_half_up_exact(t[col], d) + k * step
                top = t["max_survey" if measure == "survey_total" else "max_appraisal"]
                value = min(max(Fraction(0), value), top)  # a printed total lies within 0..max
                published.append(dict(unit_id=t["unit_id"], measure=measure, value=value))
        if draw(st.booleans()):
            n = t["n_appraisal_parts"] + t["n_survey_parts"]
            steps = math.ceil(tolerance(n, d) * 100 / t["max_points"] / step) + 2
            value = (
                round_half_up_exact(t["index_pct_exact"], d)
                + draw(st.integers(-steps, steps)) * step
            )
            published.append(
                dict(
                    unit_id=t["unit_id"],
                    measure="index_pct",
                    value=min(Fraction(100), max(Fraction(0), value)),
                )
            )
        if draw(st.booleans()):  # read and quoted, never compared
            published.append(dict(unit_id=t["unit_id"], measure="rank", value=Fraction(3)))
            published.append(dict(unit_id=t["unit_id"], measure="rank_of", value=Fraction(63)))
    return dataclasses.replace(y, published=published, prefer_published=draw(st.booleans()))


def decimal_text(x: Fraction, comma: bool = False) -> str:
    """An exact decimal as printed: 2.5 → '2.5' (or '2,5')."""
    text = format((Decimal(x.numerator) / Decimal(x.denominator)).normalize(), "f")
    return text.replace(".", ",") if comma else text


def write_csv(path: Path, header: list[str], rows: list[list[str]], vietnamese: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow([HEADERS_VI.get(h, h) if vietnamese else h for h in header])
        out.writerows(rows)


def write_dataset(y: Year, root: Path, shuffle: random.Random | None = None) -> Path:
    """The raw files of ``y`` in ``root/gen`` (as data/raw/README.md describes them); returns the
    raw root. Cosmetic choices (decimal commas, KPS spellings, trailing dots on codes, Vietnamese
    headers, NFD names) are drawn from ``y.style``; ``shuffle`` reorders every file's rows."""
    rnd = random.Random(y.style)
    folder = root / "gen"

    def num(x: Fraction | None) -> str:
        return "" if x is None else decimal_text(x, comma=rnd.random() < 0.3)

    def code(c: str) -> str:
        return rnd.choice([c, c, c, f"{c}.", f" {c} "])

    def order(rows: list) -> list:
        rows = list(rows)
        if shuffle is not None:
            shuffle.shuffle(rows)
        return rows

    inner_split = rnd.random() < 0.5  # inner nodes: split subtotals given, or left empty
    fw_rows = []
    for c in y.codes:
        under = [ml for leaf, ml in y.leaves.items() if c in ancestors(leaf)]
        ma, ms = sum(m[0] for m in under), sum(m[1] for m in under)
        vi, en = y.node_name(c)
        if rnd.random() < 0.2:
            vi = unicodedata.normalize("NFD", vi)  # read back as NFC (with a warning note)
        if c in y.leaves:
            a, s = y.leaves[c]
            split = [
                num(a) if a > 0 or rnd.random() < 0.5 else "",
                num(s) if s > 0 or rnd.random() < 0.5 else "",
            ]
        else:
            split = [num(ma), num(ms)] if inner_split else ["", ""]
        fw_rows.append([code(c), vi, en, num(ma + ms), *split])
    write_csv(
        folder / "frameworks" / "fw.csv",
        ["code", "name_vi", "name_en", "max_points", "max_appraisal", "max_survey"],
        order(fw_rows),
        rnd.random() < 0.3,
    )
    write_csv(
        folder / "units.csv",
        ["unit_id", "unit_name", "kind", "group"],
        order([[u["unit_id"], u["unit_name"], u["kind"], u["group"]] for u in y.units]),
        rnd.random() < 0.3,
    )

    def cell(v) -> str:
        return rnd.choice(KPS_SPELLINGS) if v is KPS else num(v)

    write_csv(
        folder / "scores" / f"{y.year}.csv",
        ["unit_id", "criterion", "self_score", "appraised_score", "survey_score"],
        order(
            [
                [
                    s["unit_id"],
                    code(s["criterion"]),
                    cell(s["self_score"]),
                    cell(s["appraised_score"]),
                    cell(s["survey_score"]),
                ]
                for s in y.scores
            ]
        ),
        rnd.random() < 0.3,
    )
    toml = [
        'title_vi = "Sinh ngẫu nhiên"',
        'title_en = "Generated"',
        "synthetic = true",
        'units = "units.csv"',
        "",
        "[frameworks.fw]",
        'file = "frameworks/fw.csv"',
        'decision = "Generated framework"',
        f"declared_total = {float(sum(a + s for a, s in y.leaves.values()))}",
        "",
        f"[years.{y.year}]",
        'framework = "fw"',
        f'scores = "scores/{y.year}.csv"',
        f"decimals = {y.decimals}",
        f"prefer_published_totals = {'true' if y.prefer_published else 'false'}",
    ]
    if y.published is not None:
        toml.append(f'published = "published/{y.year}.csv"')
        write_csv(
            folder / "published" / f"{y.year}.csv",
            ["unit_id", "measure", "value", "source"],
            order(
                [[p["unit_id"], p["measure"], num(p["value"]), "generated"] for p in y.published]
            ),
            False,
        )
    if y.bands:
        toml.insert(4, 'bands = "bands.csv"')
        write_csv(
            folder / "bands.csv",
            ["year", "band", "lower_pct", "upper_pct"],
            order(
                [
                    [str(b["year"]), b["band"], num(b["lower_pct"]), num(b["upper_pct"])]
                    for b in y.bands
                ]
            ),
            False,
        )
    (folder / "dataset.toml").write_text("\n".join(toml) + "\n", encoding="utf-8")
    return root


def load(y: Year, shuffle: random.Random | None = None) -> YearInputs:
    """``y`` written as raw files and read back by ingest, exactly as ``01_ingest`` reads a year."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = write_dataset(y, Path(tmp), shuffle)
        inputs = load_year(load_dataset("gen", raw), y.year)
    assert isinstance(inputs, YearInputs)
    return inputs


def run(y: Year, shuffle: random.Random | None = None):
    return compute(load(y, shuffle))


def by(table: pd.DataFrame, *keys: str) -> pd.DataFrame:
    return table.set_index(list(keys)).sort_index()


# ================================================================================================
# compute == reference
# ================================================================================================


def assert_ingested(inputs: YearInputs, y: Year) -> None:
    """Ingest read the ground truth: the tree, every leaf's split, every score cell (number, KPS or
    empty), the registry and the year's bands; ids and codes stay text ('01' ≠ '1')."""
    fw = inputs.framework
    assert sorted(fw["code"]) == sorted(y.codes)
    assert set(fw.loc[fw["is_leaf"], "code"]) == set(y.leaves)
    assert list(fw["area"]) == [c.split(".")[0] for c in fw["code"]]
    for r in fw[fw["is_leaf"]].pipe(records):
        assert (q(r["max_appraisal"]) or 0, q(r["max_survey"]) or 0) == y.leaves[r["code"]]
        assert r["name_vi"] == y.node_name(r["code"])[0]  # NFC, whatever the file held
    got = {(r["unit_id"], r["criterion"]): r for r in inputs.scores.pipe(records)}
    want = {(r["unit_id"], r["criterion"]): r for r in y.scores_table().pipe(records)}
    assert got.keys() == want.keys() and len(got) == len(inputs.scores)
    for key, w in want.items():
        for col in ("self", "appraised", "survey"):
            assert bool(got[key][f"{col}_kps"]) == w[f"{col}_kps"], (key, col)
            assert q(got[key][f"{col}_score"]) == w[f"{col}_score"], (key, col)
    assert records(inputs.units[["unit_id", "unit_name", "kind", "group"]]) == y.units
    bands = [
        (b["band"], q(b["lower_pct"]), q(b["upper_pct"])) for b in y.bands if b["year"] == y.year
    ]
    assert sorted(
        zip(
            inputs.bands["band"],
            map(q, inputs.bands["lower_pct"]),
            map(q, inputs.bands["upper_pct"]),
        ),
        key=str,
    ) == sorted(bands, key=str)
    for table, col in (
        (inputs.scores, "unit_id"),
        (inputs.scores, "criterion"),
        (inputs.units, "unit_id"),
        (fw, "code"),
    ):
        assert pd.api.types.is_string_dtype(table[col]), col


def events(y: Year, ref: dict[str, pd.DataFrame]) -> None:
    """What the example exercises (``pytest --hypothesis-show-statistics`` counts them)."""
    d = y.decimals
    for name in ("unit_index", "area_index", "criterion_index"):
        exact = [x for x in ref[name]["index_pct_exact"] if not is_missing(x)]
        if any((x * 10**d) % 1 == HALF for x in exact):
            event(f"{name}: an index exactly half-way between two printed values")
    unit = ref["unit_index"]
    ranks = [r for r in unit["rank"] if not is_missing(r)]
    if len(ranks) != len(set(ranks)):
        event("units tied on the rounded index")
    if any(is_missing(x) for x in unit["index_pct"]):
        event("a unit for which nothing arose (unranked)")
    survey = [p for p in records(ref["parts"]) if p["component"] == "survey"]
    held = {p["unit"] for p in survey if p["applicable"]}
    if any(p["unit"] not in held for p in survey):
        event("a unit with survey criteria but no survey held (every survey part KPS)")
    bounds = {b[k] for b in y.bands if b["year"] == y.year for k in ("lower_pct", "upper_pct")}
    if any(x in bounds for x in unit["index_pct"] if not is_missing(x)):
        event("an index exactly on a band bound")
    if {"1.1", "1.10"} <= set(y.codes) or {"1", "10"} <= set(y.codes):
        event("codes 1 and 10, or 1.1 and 1.10, together")
    if len(ref["reconciliation"]):
        for status in set(ref["reconciliation"]["status"]):
            event(f"reconciliation status {status}")
        if ref["reconciliation"]["published_used"].any():
            event("a published total adopted")


def _edge_year() -> Year:
    """Fixed edge cases, checked on every run. Leaves 1 (appraisal 4), 10.1 (appraisal 4), 10.10
    (survey 2.5). Units '01' and '1' score 1.13 + 0 with no survey: 1.13 ÷ 8 × 100 = 14.125
    exactly, which prints 14.13 (half away from zero), although the float 1.13 / 8 * 100 is
    14.124999999999998; they tie at rank 2 behind '10' (full marks, 100 %); 'a' is 4th
    (1 ÷ 10.5 → 9.52): ranks 1, 2, 2, 4; 'B' has nothing applicable (unranked). Band A starts at
    14.13 exactly, where band B (listed first) ends."""
    leaves = {
        "1": (Fraction(4), Fraction(0)),
        "10.1": (Fraction(4), Fraction(0)),
        "10.10": (Fraction(0), Fraction(5, 2)),
    }

    def row(unit, leaf, self_score, appraised, survey=None):
        return dict(
            unit_id=unit,
            criterion=leaf,
            self_score=self_score,
            appraised_score=appraised,
            survey_score=survey,
        )

    scores = []
    for u in ("01", "1"):
        scores += [
            row(u, "1", Fraction(4), Fraction(113, 100)),
            row(u, "10.1", Fraction(1, 2), Fraction(0)),
            row(u, "10.10", None, None, KPS),
        ]
    scores += [
        row("10", "1", Fraction(4), Fraction(4)),
        row("10", "10.1", Fraction(4), Fraction(4)),
        row("10", "10.10", None, None, Fraction(5, 2)),
    ]
    scores += [
        row("a", "1", Fraction(0), Fraction(0)),
        row("a", "10.1", Fraction(1), Fraction(1)),
        row("a", "10.10", None, None, Fraction(0)),
    ]
    scores += [
        row("B", "1", KPS, KPS),
        row("B", "10.1", KPS, KPS),
        row("B", "10.10", None, None, KPS),
    ]
    units = [
        dict(unit_id=u, unit_name=f"Đơn vị {u}", kind="department", group="")
        for u in ("01", "1", "10", "a", "B")
    ]
    bands = [
        dict(year=2024, band="B", lower_pct=None, upper_pct=Fraction(1413, 100)),
        dict(year=2024, band="A", lower_pct=Fraction(1413, 100), upper_pct=None),
    ]
    return Year(
        year=2024,
        decimals=2,
        leaves=leaves,
        codes=["1", "10", "10.1", "10.10"],
        units=units,
        scores=scores,
        bands=bands,
    )


def test_the_edge_year_is_what_its_docstring_says():
    unit = by(_edge_year().reference()["unit_index"], "unit_id")
    assert unit.loc["01", "index_pct_exact"] == Fraction(14125, 1000)
    assert 1.13 / 8 * 100 < 14.125
    assert list(unit.loc[["10", "01", "1", "a"], "rank"]) == [1, 2, 2, 4]
    assert is_missing(unit.loc["B", "rank"]) and unit.loc["01", "band"] == "A"


@settings(max_examples=examples(25), **SETTINGS)
@given(years())
@example(_edge_year())
def test_compute_equals_the_reference(y):
    inputs = load(y)
    assert_ingested(inputs, y)
    results = compute(inputs)
    note(f"decimals={y.decimals}, leaves={y.leaves}")
    ref = y.reference()
    events(y, ref)
    assert_results_match(results, ref)
    check_bounds_and_tree(results, y)
    # the public aggregator over the points table gives the same unit and area sums
    for keys, name in ((["unit_id"], "unit_index"), (["unit_id", "area"], "area_index")):
        want = ref[name][ref[name]["unit_id"].isin(set(results.points["unit_id"]))]
        assert_matches(
            aggregate(results.points, keys), want, keys, SUMS + COUNTS, f"aggregate by {keys}"
        )
    for name, key in (
        ("unit_index", "unit_id"),
        ("area_index", "area"),
        ("criterion_index", "code"),
    ):
        assert pd.api.types.is_string_dtype(getattr(results, name)[key]), (name, key)


def _published_year() -> Year:
    """The edge year with 1 decimal and published totals, adopted where within rounding:
    '10' everything matches (nothing adopted); '01' appraised 1.1 matches 1.13 (|diff| 0.03 <
    0.05), self 4.6 is within rounding of 4.5 (tol (2 + 1) × 0.05 = 0.15: adopted), index 14.1
    matches; 'a' survey 0.1 is within rounding of 0 (tol 0.1: adopted, index 1.1 ÷ 10.5 → 10.5),
    appraised 2 is a mismatch (|diff| 1 > 0.15)."""
    y = _edge_year()

    def pub(unit, measure, value):
        return dict(unit_id=unit, measure=measure, value=Fraction(value))

    published = [
        pub("10", "self_total", "8"),
        pub("10", "appraised_total", "8"),
        pub("10", "survey_total", "2.5"),
        pub("10", "index_pct", "100"),
        pub("01", "appraised_total", "1.1"),
        pub("01", "self_total", "4.6"),
        pub("01", "index_pct", "14.1"),
        pub("a", "survey_total", "0.1"),
        pub("a", "appraised_total", "2"),
        pub("a", "rank", "4"),
    ]
    return dataclasses.replace(y, decimals=1, published=published, prefer_published=True)


def test_the_published_year_is_what_its_docstring_says():
    ref = _published_year().reference()
    recon = {(r["unit_id"], r["measure"]): r for r in records(ref["reconciliation"])}
    status = {k: (r["status"], r["published_used"]) for k, r in recon.items()}
    assert status == {
        ("10", "self_total"): ("match", False),
        ("10", "appraised_total"): ("match", False),
        ("10", "survey_total"): ("match", False),
        ("10", "index_pct"): ("match", False),
        ("01", "self_total"): ("within_rounding", True),
        ("01", "appraised_total"): ("match", False),
        ("01", "index_pct"): ("match", False),
        ("a", "appraised_total"): ("mismatch", False),
        ("a", "survey_total"): ("within_rounding", True),
    }
    unit = by(ref["unit_index"], "unit_id")
    assert (
        unit.loc["a", "index_pct"] == Fraction(105, 10)
        and unit.loc["a", "totals_source"] == "published"
    )
    assert unit.loc["01", "points_deducted"] == Fraction(46, 10) - Fraction(113, 100)


@settings(max_examples=examples(16), **SETTINGS)
@given(years_with_published())
@example(_published_year())
def test_compute_with_published_totals_equals_the_reference(y):
    results = run(y)
    ref = y.reference()
    events(y, ref)
    assert_results_match(results, ref)
    check_bounds_and_tree(results, y)
    columns = [
        "computed",
        "published",
        "difference",
        "tolerance",
        "status",
        "published_used",
        "computed_from_parts",
    ]
    want = ref["reconciliation"]
    if not len(want):
        want = pd.DataFrame(columns=["unit_id", "measure"] + columns)
    assert_matches(results.reconciliation, want, ["unit_id", "measure"], columns, "reconciliation")


def _boundary_year(published_index: str) -> Year:
    """8 appraisal leaves of 12.5 points (Max = 100, n = 8 applicable parts), each scored 10:
    index 80.00. With 2 decimals, tol_index = (8 + 1) × 0.005 × 100 ÷ 100 + 0.005 = 0.05."""
    leaves = {f"{a}": (Fraction(12.5), Fraction(0)) for a in range(1, 9)}  # 8 leaves × 12.5 = 100
    units = [dict(unit_id="a", unit_name="Đơn vị A", kind="department", group="")]
    scores = [
        dict(
            unit_id="a",
            criterion=c,
            self_score=Fraction(10),
            appraised_score=Fraction(10),
            survey_score=None,
        )
        for c in leaves
    ]  # 80 / 100 = 80.00
    return Year(
        year=2024,
        decimals=2,
        leaves=leaves,
        codes=list(leaves),
        units=units,
        scores=scores,
        published=[dict(unit_id="a", measure="index_pct", value=Fraction(published_index))],
    )


def test_index_tolerance_just_inside_the_boundary():
    """8 applicable parts, Max 100, 2 decimals: tol_index = 9 × 0.005 × 100 ÷ 100 + 0.005 = 0.05.
    A published index 0.04 from the computed 80.00 is within rounding (control case)."""
    recon = run(_boundary_year("80.04")).reconciliation.set_index("measure")
    assert recon.loc["index_pct", "status"] == "within_rounding"


def test_index_tolerance_boundary_is_within_rounding():
    """§7: status within_rounding when |diff| ≤ tol. Here |diff| = 0.05 = tol exactly, which in
    floats is 0.049999999999999996 (a mismatch, critical, before score.compute.COMPARISON_SLACK)."""
    y = _boundary_year("80.05")
    ref = y.reference()["reconciliation"].set_index("measure")
    assert ref.loc["index_pct", "tolerance"] == Fraction(5, 100)
    assert ref.loc["index_pct", "status"] == "within_rounding"
    recon = run(y).reconciliation.set_index("measure")
    assert recon.loc["index_pct", "status"] == "within_rounding"


# ================================================================================================
# Properties of compute
# ================================================================================================


def check_bounds_and_tree(r, y: Year) -> None:
    """Properties of any result: indexes within [0, 100] (empty exactly when nothing applies),
    achieved ≤ applicable maximum ≤ full maximum, ranks 1..rank_of on ranked units only; a unit
    is the sum of its areas, an area row is its area node, an inner node the sum of its children."""
    for name in ("unit_index", "area_index", "criterion_index"):
        for t in records(getattr(r, name)):
            if t["max_points"] > 0:
                assert 0 <= t["index_pct_exact"] <= 100 + 1e-9 and 0 <= t["index_pct"] <= 100, t
            else:
                assert is_missing(t["index_pct_exact"]) and is_missing(t["index_pct"]), t
            assert -1e-9 <= t["achieved_points"] <= t["max_points"] + 1e-9, t
            assert t["max_points"] <= t["max_points_full"] + 1e-9, t
    units = {t["unit_id"]: t for t in records(r.unit_index)}
    n_ranked = sum(not is_missing(t["index_pct"]) for t in units.values())
    for t in units.values():
        assert is_missing(t["rank"]) == is_missing(t["index_pct"]), t
        assert is_missing(t["rank"]) or 1 <= t["rank"] <= n_ranked, t
        assert t["rank_of"] == n_ranked, t
    # a unit is the sum of its areas; an area row equals the area node; a node, its children
    cols = ["achieved_points", "max_points", "self_points", "survey_points", "max_points_full"]
    crit = {(t["unit_id"], t["code"]): t for t in records(r.criterion_index)}
    sums: dict[tuple, list[float]] = {}

    def add(key, t):
        acc = sums.setdefault(key, [0.0] * len(cols))
        for i, c in enumerate(cols):
            acc[i] += t[c]

    def close(a: list[float], t: dict) -> bool:
        return all(abs(x - t[c]) <= 1e-9 for x, c in zip(a, cols))

    for t in records(r.area_index):
        assert close([t[c] for c in cols], crit[(t["unit_id"], t["area"])]), t
        add(("unit", t["unit_id"]), t)
    for u, t in units.items():
        total = sums[("unit", u)]
        assert abs(total[0] - t["achieved_from_parts"]) <= 1e-9, t
        if t["totals_source"] == "parts":  # published totals replace the unit's sums only (§7)
            assert close(total, t), t
        else:
            assert abs(t["achieved_points"] - t["appraised_points"] - t["survey_points"]) <= 1e-9
    for (u, c), t in crit.items():
        if "." in c:
            add((u, c.rsplit(".", 1)[0]), t)
    for (u, c), t in crit.items():
        if c not in y.leaves:
            assert close(sums[(u, c)], t), (u, c)


def assert_other_units_unchanged(before: pd.DataFrame, after: pd.DataFrame, unit: str) -> None:
    """Every unit but ``unit``: the same rounded index and band, the same sums (to 1e-9)."""
    others = before.index[before.index != unit]
    for c in ("index_pct", "band"):
        assert before.loc[others, c].equals(after.loc[others, c]), c
    for c in ("index_pct_exact", "achieved_points", "max_points", "self_points", "survey_points"):
        assert np.allclose(
            before.loc[others, c], after.loc[others, c], rtol=0, atol=1e-9, equal_nan=True
        ), c


@settings(max_examples=examples(8), **SETTINGS)
@given(years(), st.data())
def test_more_points_never_lower_the_index_and_touch_no_other_unit(y, data):
    cells = [
        (i, col, comp_max)
        for i, s in enumerate(y.scores)
        for col, comp_max in (
            ("appraised_score", y.leaves[s["criterion"]][0]),
            ("survey_score", y.leaves[s["criterion"]][1]),
        )
        if isinstance(s[col], Fraction) and s[col] < comp_max
    ]
    assume(cells)
    i, col, m = data.draw(st.sampled_from(cells))
    old = y.scores[i][col]
    new = data.draw(st.sampled_from([m, (old + m) / 2]))
    better = copy.deepcopy(y)
    better.scores[i][col] = new
    unit, leaf = y.scores[i]["unit_id"], y.scores[i]["criterion"]
    a, b = run(y), run(better)
    ua, ub = by(a.unit_index, "unit_id"), by(b.unit_index, "unit_id")
    if unit in ua.index:
        assert ub.loc[unit, "index_pct_exact"] > ua.loc[unit, "index_pct_exact"]
        assert ub.loc[unit, "index_pct"] >= ua.loc[unit, "index_pct"]
        assert ub.loc[unit, "rank"] <= ua.loc[unit, "rank"]  # never a worse rank
        assert ub.loc[unit, "achieved_points"] == pytest.approx(
            ua.loc[unit, "achieved_points"] + float(new - old), abs=1e-9
        )
    assert_other_units_unchanged(ua, ub, unit)
    # nodes: only the leaf's own nodes of that unit change, and they do not go down
    ca, cb = by(a.criterion_index, "unit_id", "code"), by(b.criterion_index, "unit_id", "code")
    mine = [(unit, c) for c in ancestors(leaf)]
    rest = ca.index.difference(pd.MultiIndex.from_tuples(mine))
    assert ca.loc[rest, "index_pct"].equals(cb.loc[rest, "index_pct"])
    assert (cb.loc[mine, "index_pct_exact"] > ca.loc[mine, "index_pct_exact"]).all()


@settings(max_examples=examples(8), **SETTINGS)
@given(years(), st.data())
def test_a_criterion_not_arising_removes_its_maximum_and_its_points(y, data):
    """Marking a scored leaf KPS for one unit removes exactly its maximum and points; the index
    moves towards the leaf's own share (up if the leaf was below the unit's index, down if above,
    unchanged if the unit scored it at exactly its own index); nothing else changes."""

    def applicable(s):
        ma, ms = y.leaves[s["criterion"]]
        return [
            (c, m)
            for c, m in (("appraised_score", ma), ("survey_score", ms))
            if m > 0 and s[c] is not KPS
        ]

    rows = [i for i, s in enumerate(y.scores) if applicable(s)]
    assume(rows)
    i = data.draw(st.sampled_from(rows))
    s = y.scores[i]
    unit, leaf = s["unit_id"], s["criterion"]
    parts = applicable(s)
    removed_max = sum(m for _, m in parts)
    removed_pts = sum(s[c] for c, _ in parts)
    kps = copy.deepcopy(y)
    for c, _ in parts:
        kps.scores[i][c] = KPS
        if c == "appraised_score":
            kps.scores[i]["self_score"] = KPS
    a, b = run(y), run(kps)
    ua, ub = by(a.unit_index, "unit_id"), by(b.unit_index, "unit_id")
    if unit in ua.index:
        before, after = ua.loc[unit], ub.loc[unit]
        assert after["max_points"] == pytest.approx(
            before["max_points"] - float(removed_max), abs=1e-9
        )
        assert after["achieved_points"] == pytest.approx(
            before["achieved_points"] - float(removed_pts), abs=1e-9
        )
        assert after["max_points_full"] == before["max_points_full"]
        assert after["n_not_arising"] == before["n_not_arising"] + len(parts)
        if after["max_points"] > 1e-9:
            share = float(removed_pts / removed_max * 100)
            move = after["index_pct_exact"] - before["index_pct_exact"]
            gap = before["index_pct_exact"] - share
            if abs(gap) < 1e-9:
                assert abs(move) < 1e-9  # scored at exactly its own index: no change
            else:
                assert np.sign(move) == np.sign(gap)
        else:
            assert pd.isna(after["index_pct"]) and pd.isna(after["rank"])
    assert_other_units_unchanged(ua, ub, unit)
    cb = by(b.criterion_index, "unit_id", "code")
    assert cb.loc[(unit, leaf), "max_points"] == 0 and pd.isna(cb.loc[(unit, leaf), "index_pct"])


@settings(max_examples=examples(6), **SETTINGS)
@given(years(), st.randoms(use_true_random=False))
def test_row_order_changes_nothing(y, rnd):
    """Every raw file's rows shuffled, and (in memory) the ingested tables' rows shuffled."""
    inputs = load(y)
    a = compute(inputs)
    b = run(y, shuffle=rnd)
    state = rnd.randint(0, 2**31)
    c = compute(
        dataclasses.replace(
            inputs,
            scores=inputs.scores.sample(frac=1, random_state=state),
            framework=inputs.framework.sample(frac=1, random_state=state + 1),
            units=inputs.units.sample(frac=1, random_state=state + 2),
        )
    )
    for other in (b, c):
        for name in ("unit_index", "area_index", "criterion_index", "points"):
            x, z = getattr(a, name), getattr(other, name)
            pd.testing.assert_frame_equal(x, z, check_exact=False, rtol=1e-12, atol=1e-12)
            if "index_pct" in x.columns:
                assert x["index_pct"].equals(z["index_pct"])


@settings(max_examples=examples(6), **SETTINGS)
@given(years(), st.data())
def test_units_with_identical_scores_share_a_rank(y, data):
    """A copy of a unit under a new id gets the same index and rank; units it beats move down one."""
    scored = sorted({s["unit_id"] for s in y.scores})
    unit = data.draw(st.sampled_from(scored))
    new_id = data.draw(
        st.sampled_from([u for u in UNIT_IDS if u not in {v["unit_id"] for v in y.units}])
    )
    twin = copy.deepcopy(y)
    twin.units.append({**next(u for u in y.units if u["unit_id"] == unit), "unit_id": new_id})
    twin.scores += [{**s, "unit_id": new_id} for s in y.scores if s["unit_id"] == unit]
    ua, ub = by(run(y).unit_index, "unit_id"), by(run(twin).unit_index, "unit_id")
    for c in ("index_pct", "rank", "achieved_points", "max_points"):
        x, z = ub.loc[new_id, c], ub.loc[unit, c]
        assert (is_missing(x) and is_missing(z)) or x == z, c
    mine = ua.loc[unit, "index_pct"]
    for v, row in ua.iterrows():
        if pd.isna(row["rank"]):
            assert pd.isna(ub.loc[v, "rank"])
        else:
            beaten = (not pd.isna(mine)) and mine > row["index_pct"]
            assert ub.loc[v, "rank"] == row["rank"] + int(beaten)
    assert (ub["rank_of"] == ua["rank_of"].iloc[0] + int(not pd.isna(mine))).all()


@settings(max_examples=examples(5), **SETTINGS)
@given(years(), st.data())
def test_relabelling_units_changes_no_index(y, data):
    """Unit ids permuted (among themselves and fresh ones): every unit keeps its figures."""
    ids = [u["unit_id"] for u in y.units]
    new = data.draw(st.permutations(UNIT_IDS))[: len(ids)]
    rename = dict(zip(ids, new))
    moved = copy.deepcopy(y)
    for u in moved.units:
        u["unit_id"] = rename[u["unit_id"]]
    for s in moved.scores:
        s["unit_id"] = rename[s["unit_id"]]
    a, b = run(y), run(moved)
    for name, keys in (
        ("unit_index", ["unit_id"]),
        ("area_index", ["unit_id", "area"]),
        ("criterion_index", ["unit_id", "code"]),
    ):
        x = getattr(a, name).assign(unit_id=lambda t: t["unit_id"].map(rename))
        x, z = by(x, *keys), by(getattr(b, name), *keys)
        cols = [c for c in ("index_pct", "rank", "rank_of", "band") if c in x.columns]
        pd.testing.assert_frame_equal(x[cols], z[cols])
        pd.testing.assert_frame_equal(x[SUMS], z[SUMS], check_exact=False, rtol=1e-12)


@settings(max_examples=examples(5), **SETTINGS)
@given(years())
def test_doubling_every_maximum_and_score_changes_no_index(y):
    double = copy.deepcopy(y)
    double.leaves = {c: (2 * a, 2 * s) for c, (a, s) in y.leaves.items()}
    for s in double.scores:
        for c in ("self_score", "appraised_score", "survey_score"):
            if isinstance(s[c], Fraction):
                s[c] = 2 * s[c]
    a, b = run(y), run(double)
    for name in ("unit_index", "area_index", "criterion_index"):
        x, z = getattr(a, name), getattr(b, name)
        assert x["index_pct"].equals(z["index_pct"]), name
        assert np.allclose(
            x["index_pct_exact"], z["index_pct_exact"], rtol=0, atol=1e-9, equal_nan=True
        )
        assert np.allclose(2 * x["max_points"], z["max_points"])
    assert a.unit_index["rank"].equals(b.unit_index["rank"])


@settings(max_examples=examples(5), **SETTINGS)
@given(years())
def test_a_criterion_that_arose_for_nobody_changes_no_unit_index(y):
    """A new area whose only leaf is KPS for every unit: unit indexes, ranks and maxima stay; the
    new area's rows exist with no index."""
    extra = copy.deepcopy(y)
    code = next(str(n) for n in range(20, 40) if str(n) not in y.codes)
    extra.codes.append(code)
    extra.leaves[code] = (Fraction(4), Fraction(1))
    extra.scores += [
        dict(unit_id=u, criterion=code, self_score=KPS, appraised_score=KPS, survey_score=KPS)
        for u in sorted({s["unit_id"] for s in y.scores})
    ]
    a, b = run(y), run(extra)
    ua, ub = by(a.unit_index, "unit_id"), by(b.unit_index, "unit_id")
    for c in ("index_pct", "rank", "rank_of", "band"):
        assert ua[c].equals(ub[c]), c
    for c in ("index_pct_exact", "achieved_points", "max_points", "self_points"):
        assert np.allclose(ua[c], ub[c], rtol=0, atol=1e-9, equal_nan=True), c
    assert np.allclose(ub["max_points_full"] - ua["max_points_full"], 5)
    new_area = b.area_index[b.area_index["area"] == code]
    assert len(new_area) == len({s["unit_id"] for s in y.scores})
    assert new_area["index_pct"].isna().all() and (new_area["max_points"] == 0).all()
