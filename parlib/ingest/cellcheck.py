"""Checks on the ids, codes and names of a table just read, one per distinct value (score files
repeat a few thousand values millions of times): invisible or look-alike characters (critical in
ids and codes, a warning in names), text in a legacy Vietnamese encoding (a warning), and criterion
codes that a workbook stores as numbers (critical: 1.10 saved as a number is 1.1).

In: a table with canonical column names (``canonical_columns``) and ``source_row``. Out: located
``Problem`` records, one per distinct bad value, naming its first rows; the text is shown escaped
(``textcheck.escape``). ``refuse_critical`` raises the critical ones.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from parlib.core.errors import Problem
from parlib.ingest import boundary as bd
from parlib.ingest import textcheck
from parlib.ingest.tables import factorized


def _rows(codes: np.ndarray, i: int, source_rows: np.ndarray) -> tuple[int, str]:
    where = source_rows[np.flatnonzero(codes == i)]
    if not len(where):  # a value only blank rows held (they are dropped)
        return 0, ""
    shown = ", ".join(map(str, where[:10])) + (f" … ({len(where)} rows)" if len(where) > 10 else "")
    return int(where[0]), shown


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _all_clean(values: np.ndarray) -> bool:
    """No value is a number with a fraction and their text, joined, has nothing to report (then
    no single value has: each check looks for a character, or two neighbours inside one value)."""
    texts = [v for v in values if isinstance(v, str)]
    if len(texts) < len(values) and any(
        isinstance(v, float) and not v.is_integer() for v in values
    ):
        return False
    joined = "".join(texts)
    return textcheck.id_fault(joined) == "" and not textcheck.looks_like_legacy(joined)


def check_cells(
    df: pd.DataFrame,
    path: Path,
    coded: dict | None = None,
    ids: tuple[str, ...] = (),
    codes: tuple[str, ...] = (),
    names: tuple[str, ...] = (),
) -> list[Problem]:
    """Problems of the ``ids`` (e.g. unit_id), ``codes`` (criterion codes) and ``names`` columns."""
    sheet = df.attrs.get("sheet", "")
    source_rows = df["source_row"].to_numpy()
    problems: list[Problem] = []
    for col in (*ids, *codes, *names):
        if col not in df.columns:
            continue
        factors = (coded or {}).get(col) or factorized(df[col])
        present = np.zeros(len(factors[1]), dtype=bool)
        present[factors[0]] = True
        if _all_clean(factors[1][present]):  # the usual case, in one scan of all the values
            continue
        for i, value in enumerate(factors[1]):
            if not present[i]:
                continue
            text = _text(value)
            kind = "code" if col in codes else "id" if col in ids else "name"
            if kind == "code" and isinstance(value, float) and not value.is_integer():
                row, shown = _rows(factors[0], i, source_rows)
                problems.append(
                    bd.problem(
                        "code_stored_as_number",
                        path,
                        f"the {col} {value:g} is stored as a number, so Excel has dropped any "
                        f"trailing zero ({value:g} may have been typed {value:g}0): format the "
                        "column as Text and type the codes again (rows " + shown + ")",
                        sheet=sheet,
                        row=row,
                        criterion=f"{value:g}",
                        value=f"{value!r} (a number)",
                        expected="the code as text, e.g. '1.10'",
                    )
                )
                continue
            if not text or text.isascii() and text.isprintable():
                continue
            fault = textcheck.id_fault(text)
            if fault:
                row, shown = _rows(factors[0], i, source_rows)
                critical = kind != "name"
                problems.append(
                    bd.problem(
                        "suspicious_character",
                        path,
                        f"the {col} '{textcheck.escape(text)}' contains {fault}, which a reader cannot "
                        "see or tell from a plain letter"
                        + (
                            f", so it would not match the same {kind} typed plainly: retype it"
                            if critical
                            else ": retype the name"
                        )
                        + f" (rows {shown})",
                        severity="critical" if critical else "warning",
                        sheet=sheet,
                        row=row,
                        value=textcheck.escape(text),
                        expected=f"{'an id' if kind == 'id' else 'a ' + kind} of visible Latin characters",
                    )
                )
            if kind == "name" and textcheck.looks_like_legacy(text):
                row, shown = _rows(factors[0], i, source_rows)
                problems.append(
                    bd.problem(
                        "legacy_encoding",
                        path,
                        f"the {col} {text!r} looks like Vietnamese typed in a legacy encoding "
                        "(TCVN3/ABC or VNI) and shown as Unicode: convert the file to Unicode "
                        f"(e.g. Unikey's converter, TCVN3 → Unicode) (rows {shown})",
                        severity="warning",
                        sheet=sheet,
                        row=row,
                        value=text,
                        expected="Vietnamese in Unicode",
                    )
                )
    return bd.capped(problems)


def refuse_critical(path: Path, problems: list[Problem]) -> list[Problem]:
    """Raise the problems if any is critical; else return them (warnings, for ``Notes``)."""
    bd.refuse(path, "ids or codes that cannot be matched safely", problems)
    return problems
