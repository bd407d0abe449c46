"""Generate the SYNTHETIC interim self-assessments of 2025 for ``data/raw/synthetic-province``.

EVERYTHING THIS SCRIPT WRITES IS SYNTHETIC (invented) DATA, for in-year tracking (issue #15,
item 3): four quarterly snapshots ``interim/2025-Q1.csv`` … ``2025-Q4.csv`` (``unit_id,
criterion, self_score``) of the self-assessed leaves of every unit, built from the unit's 2024
appraised scores (``scores/2024.xlsx``) so that the tracking compares them with last year's final:

* each leaf is first assessed in a seeded quarter (Q1 30 %, Q2 30 %, Q3 25 %, Q4 15 %) and keeps
  its value afterwards (empty before: not assessed yet);
* its value is last year's appraised points moved by one step of 0.25 up (25 %), down (15 %) or
  not at all (60 %), within 0 and the maximum, so some criteria fall below last year's final
  (planted risks) and some recover;
* criteria that did not arise in 2024 (``KPS``) are left out.

Deterministic: the same seed gives byte-identical files.

    python scripts/make_interim.py [--seed 20251201] [--out data/raw/synthetic-province]
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from openpyxl import load_workbook

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
FIRST = (0.30, 0.30, 0.25, 0.15)  # share of leaves first assessed in each quarter
STEP = 0.25


def number(text) -> float | None:
    """A score cell of the shipped workbook (a number or text with a decimal comma), or None."""
    if text is None or str(text).strip() in ("", "KPS"):
        return None
    return float(str(text).replace(",", "."))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20251201)
    parser.add_argument("--out", type=Path, default=Path("data/raw/synthetic-province"))
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with open(args.out / "frameworks" / "internal-2022.csv", encoding="utf-8") as fh:
        maxima = {r["code"]: float(r["max_appraisal"] or 0) for r in csv.DictReader(fh)}
    sheet = load_workbook(args.out / "scores" / "2024.xlsx", read_only=True).worksheets[0]
    rows = []
    for unit, code, _self, appraised, _survey in sheet.iter_rows(min_row=2, values_only=True):
        last = number(appraised)
        if last is None or maxima.get(code, 0) <= 0:
            continue
        first = rng.choices(range(4), weights=FIRST)[0]
        move = rng.choices((STEP, -STEP, 0.0), weights=(25, 15, 60))[0]
        value = min(max(last + move, 0.0), maxima[code])
        rows.append((unit, code, first, value))
    folder = args.out / "interim"
    folder.mkdir(exist_ok=True)
    for q, quarter in enumerate(QUARTERS):
        with open(folder / f"2025-{quarter}.csv", "w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(["unit_id", "criterion", "self_score"])
            for unit, code, first, value in rows:
                out.writerow([unit, code, f"{value:g}".replace(".", ",") if first <= q else ""])


if __name__ == "__main__":
    main()
