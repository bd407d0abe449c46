"""Parts: the columns of a framework's scored parts (components) in the framework table and the score
files, with their Vietnamese aliases, and the appraisal rounds.

In: the components of the frameworks a year uses (``parlib.config.model.ComponentConfig``). Out:
alias tables for ``tables.canonical_columns``, and (``parse_parts``) the tidy score columns of every
part: ``<stem>_score``/``_kps``/``_unparsed``, the self-assessed ``self_*`` ones, the rounds
``round_<n>_score``/``_kps``/``_unparsed`` and ``explanation``; the final appraised score is the
last round present when the file gives no ``appraised_score`` (``validate`` checks the two agree
when both are given: ``round_final_mismatch``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from parlib.config.model import LEGACY_COMPONENTS, ComponentConfig
from parlib.ingest.boundary import ascii_key
from parlib.ingest.tables import parse_cells

MAX_ROUNDS = 9
ROUND = re.compile(r"round_(\d)_score")

# the legacy aliases of the first datasets' columns (kept, beside ``điểm <label_vi>``)
LEGACY_SCORE_ALIASES = {
    "self_score": ["self_score", "diem tu cham", "tu cham", "diem tu danh gia"],
    "appraised_score": ["appraised_score", "diem tham dinh", "tham dinh"],
    "survey_score": [
        "survey_score",
        "diem dieu tra",
        "diem dieu tra xhh",
        "dieu tra xhh",
        "diem dtxhh",
    ],
}
LEGACY_MAX_ALIASES = {
    "max_appraisal": ["max_appraisal", "diem toi da tham dinh", "diem tham dinh toi da"],
    "max_survey": ["max_survey", "diem toi da dieu tra", "diem dieu tra toi da"],
}


def components_of(frameworks) -> tuple[ComponentConfig, ...]:
    """Every part of these frameworks, each id once (as its first framework declares it), the
    legacy two first: their columns are always in the tidy tables."""
    seen: dict[str, ComponentConfig] = {c.id: c for c in LEGACY_COMPONENTS}
    declared: dict[str, ComponentConfig] = {}
    for fw in frameworks:
        for c in fw.components:
            declared.setdefault(c.id, c)
    return tuple({**seen, **declared}.values())


def _add(aliases: dict, column: str, names) -> None:
    keys = aliases.setdefault(column, [column])
    for name in names:
        if ascii_key(name) not in {ascii_key(k) for k in keys}:
            keys.append(name)


def max_aliases(components) -> dict[str, list[str]]:
    """``max_<id>`` for every part: its own name, ``điểm tối đa <label_vi>``, the legacy ones."""
    out = {k: list(v) for k, v in LEGACY_MAX_ALIASES.items()}
    for c in components:
        _add(out, c.max_column, [f"điểm tối đa {c.label_vi}"])
    out["applies_to"] = ["applies_to", "ap dung cho"]
    return out


def score_aliases(components) -> dict[str, list[str]]:
    """Every score column of these parts (final and self-assessed), the rounds and the
    explanation, with their aliases."""
    out = {k: list(v) for k, v in LEGACY_SCORE_ALIASES.items()}
    for c in components:
        _add(out, c.score_column, [f"điểm {c.label_vi}", *c.aliases])
        if c.self_assessed and c.id != "appraisal":
            _add(out, c.self_column, [f"điểm tự đánh giá {c.label_vi}"])
    for n in range(1, MAX_ROUNDS + 1):
        out[f"round_{n}_score"] = [f"round_{n}_score", f"diem tham dinh lan {n}"]
    out["explanation"] = ["explanation", "giai trinh", "noi dung giai trinh"]
    return out


def score_columns(components) -> list[str]:
    """The tidy score columns of these parts: final then self, the legacy three first."""
    cols = ["self_score", "appraised_score", "survey_score"]
    for c in components:
        for col in (c.score_column, *([c.self_column] if c.self_assessed else [])):
            if col not in cols:
                cols.append(col)
    return cols


def stem(column: str) -> str:
    """``appraised_score`` → ``appraised`` (the prefix of its ``_kps`` and ``_unparsed``)."""
    return column[: -len("_score")]


def rounds(columns) -> list[str]:
    """The round columns present, in order: ``round_1_score``, ``round_2_score``..."""
    return sorted((c for c in columns if ROUND.fullmatch(c)), key=lambda c: int(c[6:-6]))


def parse_parts(df: pd.DataFrame, out: pd.DataFrame, columns: list[str], coded: dict) -> None:
    """Each score column, each round and the explanation of ``df`` parsed into ``out`` (value,
    ``_kps``, ``_unparsed``; empty where the file lacks it). The final appraised score is the last
    round present on the row when ``appraised_score`` is empty."""
    for col in [*columns, *rounds(df.columns)]:
        source = df[col] if col in df.columns else pd.Series("", index=df.index, dtype="str")
        values, kps, unparsed = parse_cells(source, coded.get(col))
        out[col] = values
        out[f"{stem(col)}_kps"] = kps
        out[f"{stem(col)}_unparsed"] = unparsed
    if "explanation" in df.columns:
        out["explanation"] = df["explanation"].map(_plain).astype("str")
    found = rounds(df.columns)
    if not found:
        return
    empty = (
        out["appraised_score"].isna().to_numpy()
        & ~out["appraised_kps"].to_numpy(bool)
        & (out["appraised_unparsed"].to_numpy(dtype=object) == "")
    )
    for col in found:  # later rounds overwrite earlier ones: the last round present wins
        s = stem(col)
        present = ~out[col].isna().to_numpy() | out[f"{s}_kps"].to_numpy(bool)
        take = empty & present
        out.loc[take, "appraised_score"] = out.loc[take, col]
        out.loc[take, "appraised_kps"] = out.loc[take, f"{s}_kps"]
    out["appraised_from_round"] = empty & np.logical_or.reduce(
        [~out[c].isna().to_numpy() | out[f"{stem(c)}_kps"].to_numpy(bool) for c in found]
    )


def undeclared_parts(df: pd.DataFrame, known) -> list[tuple[str, int, int, str]]:
    """Columns that look like a part's score (``…_score``, ``điểm …``) but are no column of the
    year's parts, with a value in some row: ``(column, first source row, cells, first value)``.
    Such points would be left out of the index without a word, so they are refused."""
    out = []
    for col in df.columns:
        key = ascii_key(col)
        if col in known or not (key.endswith(" score") or key.startswith("diem ")):
            continue
        given = df[col].map(_plain) != ""
        if given.any():
            first = given.to_numpy(bool).argmax()
            row = int(df["source_row"].iloc[first]) if "source_row" in df.columns else 0
            out.append((str(col), row, int(given.sum()), _plain(df[col].iloc[first])))
    return out


def _plain(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()
