"""Views: tables shaped for display (problems, suites, areas × units, deductions by area, series), the
saved validation records merged for a page, and links from a ranking to unit profiles.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from parlib.core.labels import catalogue, decimal_commas, t
from parlib.publish.layouts import PROBLEM_COLUMNS, SUITE_COLUMNS
from parlib.score.tables import load_table


def problems_frame(problems: list, lang: str, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Problems as rows, with the message in the report's language and the unit by its name
    (``names``: unit id → name; the id itself where the unit has none, e.g. an unknown unit)."""
    names = names or {}

    def localised(p: dict) -> dict:
        vi = lang == "vi"
        message = (p.get("message_vi") or p.get("message")) if vi else p.get("message")
        expected = (p.get("expected_vi") or p.get("expected")) if vi else p.get("expected")
        return {
            **p,
            "message": named_codes(message, lang),
            "expected": decimal_commas(named_codes(expected, lang), lang),
            "value": decimal_commas(p.get("value"), lang) if p.get("value") is not None else None,
        }

    rows = [localised(p.to_dict() if hasattr(p, "to_dict") else dict(p)) for p in problems]
    frame = pd.DataFrame(rows).reindex(
        columns=list(dict.fromkeys(["unit_id"] + [c.name for c in PROBLEM_COLUMNS]))
    )
    ids = frame["unit_id"].fillna("").astype(str)
    return frame.assign(unit_name=ids.map(lambda u: names.get(u, u)))


_CODE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])")


def named_codes(text: object, lang: str) -> object:
    """``text`` with every snake_case code name the label catalogue knows replaced by its label
    (a validation message filled with a measure: ``'survey_total công bố …'`` → ``'Tổng điểm
    điều tra xã hội học công bố …'``); other text, and None, as given."""
    if not isinstance(text, str):
        return text
    known = catalogue()
    return _CODE.sub(lambda m: t(m.group(0), lang) if m.group(0) in known else m.group(0), text)


def unit_names_at(out_dir: Path) -> dict[str, str]:
    """Unit id → name from the tidy registry saved in ``out_dir`` (empty when there is none)."""
    path = Path(out_dir) / "tidy" / "units.csv"
    if not path.is_file():
        return {}
    units = pd.read_csv(path, dtype=str, keep_default_na=False)
    if not {"unit_id", "unit_name"} <= set(units.columns):
        return {}
    return {u: n for u, n in zip(units["unit_id"], units["unit_name"]) if n.strip()}


def block_tables(out_dir: Path) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The results' ``blocks`` and ``components`` tables when the score step saved them (None
    for results written before blocks: the reports then read one block of the legacy parts)."""
    found = []
    for name in ("blocks", "components"):
        found.append(
            load_table(out_dir, name) if (Path(out_dir) / f"{name}.csv").is_file() else None
        )
    return found[0], found[1]


def optional_table(out_dir: Path, name: str) -> pd.DataFrame | None:
    """A saved result table, or None when this year did not write it (a skipped analysis)."""
    return load_table(out_dir, name) if (Path(out_dir) / f"{name}.csv").is_file() else None


def load_validation(out_dir: Path) -> dict:
    """Both validation records of a run (inputs, then computed results) merged into one."""
    merged = {"critical": 0, "warnings": 0, "problems": [], "suites": []}
    for name in ("validation.json", "validation_results.json"):
        path = Path(out_dir) / name
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            for key in ("critical", "warnings"):
                merged[key] += int(data.get(key, 0))
            merged["problems"] += data.get("problems", [])
            merged["suites"] += data.get("suites", [])
    merged["success"] = merged["critical"] == 0
    return merged


def area_matrix(area_index: pd.DataFrame, unit_index: pd.DataFrame) -> pd.DataFrame:
    """Units (in ranking order) × areas of sub-indexes, with the unit's name first."""
    grid = area_index.pivot_table(index="unit_id", columns="area", values="index_pct")
    order = unit_index.set_index("unit_id")
    grid = grid.reindex(order.index)
    grid.insert(0, "unit_name", order["unit_name"])
    grid.columns = [str(c) for c in grid.columns]
    return grid.reset_index(drop=True)


def suites_frame(suites: list) -> pd.DataFrame:
    rows = [s.__dict__ if hasattr(s, "__dict__") else s for s in suites]
    return pd.DataFrame(rows, columns=[c.name for c in SUITE_COLUMNS])


def deducted_by_area(area_index: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Points deducted at appraisal, summed over units, per area, largest first."""
    name_col = "name_vi" if lang == "vi" else "name_en"
    sums = area_index.groupby("area", as_index=False)[
        ["self_points", "appraised_points", "points_deducted"]
    ].sum()
    names = area_index.drop_duplicates("area").set_index("area")[name_col]
    sums["name"] = sums["area"].map(names)
    return sums.sort_values(["points_deducted", "area"], ascending=[False, True], ignore_index=True)


def unit_file(unit_id: str) -> str:
    """The file name of a unit's profile: the id itself when it is a plain slug, else a stable hash
    (an id from data must never become a path such as ``../x``)."""
    text = str(unit_id)
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,80}", text):
        return f"{text}.html"

    return f"unit-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}.html"


def with_profile_links(unit_index: pd.DataFrame, folder: str = "units") -> pd.DataFrame:
    """``unit_index`` plus ``profile_href``: the relative link of each unit's profile (URL-quoted;
    ``html_table`` escapes it again for the attribute)."""
    hrefs = unit_index["unit_id"].map(lambda u: f"{folder}/{quote(unit_file(u))}")
    return unit_index.assign(profile_href=hrefs)


def series_table(series: pd.DataFrame) -> pd.DataFrame:
    """A unit's lineage-aware series in year order (for ``HISTORY_COLUMNS``)."""
    return series.sort_values(["year", "line", "source"], ignore_index=True)


def leaf_mask(criterion_index: pd.DataFrame) -> pd.Series:
    """True for a unit's scored leaves: codes no other code of the same unit has as its parent
    (the direct prefix before the last dot), computed for every unit at once."""
    codes = criterion_index["code"].astype(str)
    parents = set(
        zip(
            criterion_index["unit_id"],
            codes.str.rpartition(".")[0].where(codes.str.contains(r"\.")),
        )
    )
    keys = zip(criterion_index["unit_id"], codes)
    return pd.Series([k not in parents for k in keys], index=criterion_index.index)


APPRAISAL_SPLIT = ("appraisal_deducted", "appraisal_added")


def appraisal_split(criterion_index: pd.DataFrame | None) -> pd.DataFrame:
    """Per unit, the points appraisal deducted and the points it added, apart (never netted):
    deducted = Σ max(self − appraised, 0), added = Σ max(appraised − self, 0) over the unit's
    scored leaf criteria. Empty when the table has no self-assessed points."""
    columns = ["unit_id", *APPRAISAL_SPLIT]
    if criterion_index is None or not len(criterion_index):
        return pd.DataFrame(columns=columns)
    if not {"self_points", "appraised_points", "code", "max_points"} <= set(criterion_index):
        return pd.DataFrame(columns=columns)
    crit = criterion_index
    leaves = crit[leaf_mask(crit) & (pd.to_numeric(crit["max_points"]) > 0)]
    diff = pd.to_numeric(leaves["self_points"]) - pd.to_numeric(leaves["appraised_points"])
    sums = (
        pd.DataFrame(
            {
                "unit_id": leaves["unit_id"],
                columns[1]: diff.clip(lower=0),
                columns[2]: (-diff).clip(lower=0),
            }
        )
        .groupby("unit_id", as_index=False)[list(APPRAISAL_SPLIT)]
        .sum()
    )
    # + 0.0: a sum of zeros clipped from below is −0.0, shown as "-0,00"
    return sums.assign(**{c: sums[c] + 0.0 for c in APPRAISAL_SPLIT})


def with_appraisal_split(
    unit_index: pd.DataFrame, criterion_index: pd.DataFrame | None
) -> pd.DataFrame:
    """``unit_index`` with ``appraisal_deducted`` and ``appraisal_added`` (``appraisal_split``),
    empty where self-assessment is unknown or the figures are published ones."""
    split = appraisal_split(criterion_index)
    out = unit_index.drop(columns=[c for c in APPRAISAL_SPLIT if c in unit_index]).merge(
        split, on="unit_id", how="left"
    )
    unknown = pd.Series(False, index=out.index)
    if "self_known" in out:
        unknown |= ~out["self_known"].fillna(False).astype(bool)
    if "source" in out:
        unknown |= out["source"].eq("published")
    for c in APPRAISAL_SPLIT:
        out.loc[unknown, c] = float("nan")
    return out
