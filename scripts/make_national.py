"""Generate a SYNTHETIC national-scale dataset for benchmarks (seeded, deterministic).

    python scripts/make_national.py --units 10000 --criteria 100 --years 10 --out bench/national

Writes a dataset in the input contract's format (data/raw/README.md): 10 areas of equal size,
80 % appraisal and 20 % survey leaves, about 10 % of appraisal cells KPS, scores in quarter points
with decimal commas, units of three kinds. Every value is random: the data are SYNTHETIC and
labelled so in dataset.toml. Not shipped: benchmarks write it under bench/ (ignored by git).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

KINDS = np.array(["commune", "department", "district"])


def generate(
    out: Path, units: int, criteria: int, years: int, seed: int, first_year: int = 2015
) -> Path:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "frameworks").mkdir(exist_ok=True)
    (out / "scores").mkdir(exist_ok=True)
    areas = 10
    per_area = max(1, criteria // areas)
    rows, leaves, survey = ["code,name_vi,name_en,max_points,max_appraisal,max_survey"], [], []
    leaf_max = 100.0 / (areas * per_area)
    for a in range(1, areas + 1):
        rows.append(f"{a},Lĩnh vực {a},Area {a},{leaf_max * per_area:g},,")
        for c in range(1, per_area + 1):
            is_survey = c > per_area * 0.8
            rows.append(
                f"{a}.{c},Tiêu chí {a}.{c},Criterion {a}.{c},{leaf_max:g},"
                f"{0 if is_survey else leaf_max:g},{leaf_max if is_survey else 0:g}"
            )
            leaves.append(f"{a}.{c}")
            survey.append(is_survey)
    (out / "frameworks" / "national.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ids = np.array([f"u{i:06d}" for i in range(units)])
    kinds = KINDS[rng.integers(0, len(KINDS), units)]
    pd.DataFrame(
        {"unit_id": ids, "unit_name": [f"Đơn vị {i}" for i in range(units)], "kind": kinds}
    ).to_csv(out / "units.csv", index=False)
    survey = np.tile(np.array(survey), units)
    toml = [
        'title_vi = "Dữ liệu quy mô quốc gia (SYNTHETIC)"',
        'title_en = "National-scale benchmark data (SYNTHETIC)"',
        "synthetic = true",
        "",
        "[frameworks.national]",
        'file = "frameworks/national.csv"',
        'decision = "SYNTHETIC benchmark framework"',
        "declared_total = 100",
        "",
    ]
    skill = rng.uniform(0.5, 1.0, units).repeat(len(leaves))
    for y in range(first_year, first_year + years):
        n = units * len(leaves)
        points = np.minimum(np.round(rng.uniform(0, 1, n) * skill * leaf_max * 4) / 4, leaf_max)
        text = pd.Series(points).map(lambda v: format(v, "g").replace(".", ",")).to_numpy()
        kps = (rng.uniform(size=n) < 0.1) & ~survey
        appraisal = np.where(survey, "", np.where(kps, "KPS", text))
        frame = pd.DataFrame(
            {
                "unit_id": ids.repeat(len(leaves)),
                "criterion": np.tile(np.array(leaves), units),
                "self_score": appraisal,
                "appraised_score": appraisal,
                "survey_score": np.where(survey, text, ""),
            }
        )
        frame.to_csv(out / "scores" / f"{y}.csv", index=False)
        toml += [f"[years.{y}]", 'framework = "national"', f'scores = "scores/{y}.csv"', ""]
    (out / "dataset.toml").write_text("\n".join(toml), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10000)
    parser.add_argument("--criteria", type=int, default=100)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=20241123)
    parser.add_argument("--out", type=Path, default=Path("bench/national"))
    args = parser.parse_args()
    print(generate(args.out, args.units, args.criteria, args.years, args.seed))


if __name__ == "__main__":
    main()
