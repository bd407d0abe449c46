"""Make a SYNTHETIC national-scale dataset: N communes (default 3,321, the country's communes and
wards after the 2025 reorganisation) in one block, scored over three years on a small invented
framework, for benchmarking the unit profiles (``scripts/bench.py``) — never for reporting.

    python scripts/make_synthetic_national.py --out /tmp/raw/synthetic-national [--units 3321]
        [--seed 20251201] [--years 2022 2023 2024]

Writes a dataset folder in the input contract (data/raw/README.md): ``dataset.toml`` (``synthetic =
true``: every report shows the SYNTHETIC banner), ``README.md``, ``units.csv``,
``frameworks/synthetic-national.csv``, ``bands.csv`` and ``scores/<year>.csv``. Every file says it
is SYNTHETIC where its format allows (the TOML and Markdown files in words; the tables in their
titles, names and the framework's decision, since a table may carry no line above its header).
Seeded: the same arguments give the same files, byte for byte. No figure is real.
"""

from __future__ import annotations

import argparse
import csv
import random
import unicodedata
from pathlib import Path

SEED = 20251201
UNITS = 3321

# 6 areas, 16 leaves: appraisal 84 points, survey 16 (area 6); a few criteria may not arise (KPS).
FRAMEWORK = [
    (
        "1",
        "Công tác chỉ đạo, điều hành CCHC (SYNTHETIC)",
        "Steering of PAR (SYNTHETIC)",
        14,
        [4, 5, 5],
    ),
    ("2", "Cải cách thể chế (SYNTHETIC)", "Institutional reform (SYNTHETIC)", 14, [6, 4, 4]),
    (
        "3",
        "Cải cách thủ tục hành chính (SYNTHETIC)",
        "Administrative procedures (SYNTHETIC)",
        20,
        [8, 6, 6],
    ),
    ("4", "Cải cách tổ chức bộ máy (SYNTHETIC)", "Organisation (SYNTHETIC)", 16, [6, 5, 5]),
    ("5", "Xây dựng chính quyền số (SYNTHETIC)", "Digital government (SYNTHETIC)", 20, [10, 10]),
]
SURVEY = ("6", "Sự hài lòng của người dân (SYNTHETIC)", "Citizens' satisfaction (SYNTHETIC)", 16)
MAY_NOT_ARISE = {"2.3", "4.3"}  # not every commune has these: smaller applicable maxima

FIRST = (
    "An Bình Cẩm Châu Đại Đông Gia Hà Hải Hòa Hưng Khánh Kim Lạc Long Minh Mỹ Nam Ngọc "
    "Nhơn Phú Phúc Phước Quang Sơn Tân Thạnh Thái Thanh Thuận Tiên Trung Vĩnh Xuân Yên "
    "Bảo Cát Định Đức Hiệp Hồng Lâm Lộc Mai Nghĩa Nhân Phong Quý Tam Thắng Thịnh Thủy "
    "Tường Văn Việt Vinh Hậu Lợi Ninh"
).split()
SECOND = (
    "An Bình Châu Đông Hà Hải Hòa Hưng Lạc Lợi Long Minh Mỹ Nam Phú Phước Sơn Tân Thạnh "
    "Thành Thịnh Thuận Tiến Trung Vinh Xuân Yên Điền Giang Hiệp Hội Khê Lâm Lộc Mỹ Nghĩa "
    "Phong Quang Sơn Tây Thái Thạch Thủy Tiên Trà Trường Tú Tùng Văn Vĩnh Hòa Đạo Cường "
    "Định Đức Hậu Khánh Lập Linh"
).split()


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


def leaves() -> list[tuple[str, float, float]]:
    """(code, max_appraisal, max_survey) of every leaf criterion."""
    out = []
    for code, _vi, _en, _max, parts in FRAMEWORK:
        out += [(f"{code}.{i}", float(p), 0.0) for i, p in enumerate(parts, 1)]
    return out + [(f"{SURVEY[0]}.1", 0.0, float(SURVEY[3]))]


def framework_rows() -> list[list]:
    rows = []
    for code, vi, en, total, parts in FRAMEWORK:
        rows.append([code, vi, en, total, "", ""])
        for i, p in enumerate(parts, 1):
            rows.append(
                [
                    f"{code}.{i}",
                    f"Tiêu chí {code}.{i} (SYNTHETIC)",
                    f"Criterion {code}.{i} (SYNTHETIC)",
                    p,
                    p,
                    0,
                ]
            )
    code, vi, en, total = SURVEY
    rows.append([code, vi, en, total, "", ""])
    rows.append(
        [
            f"{code}.1",
            f"Điểm điều tra {code}.1 (SYNTHETIC)",
            f"Survey {code}.1 (SYNTHETIC)",
            total,
            0,
            total,
        ]
    )
    return rows


def folded(name: str) -> str:
    """A name without diacritics, case or spacing: two names alike here read as one unit."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower().replace(" ", "")


def names(n: int, rng: random.Random) -> list[str]:
    """``n`` commune names, distinct even without diacritics (the validation warns otherwise)."""
    pairs = [(a, b) for a in FIRST for b in SECOND if folded(a) != folded(b)]
    rng.shuffle(pairs)
    out, seen, round_ = [], set(), 0
    while len(out) < n:
        for a, b in pairs:
            kind = "Phường" if len(out) % 5 == 0 else "Xã"
            name = f"{kind} {a} {b}" + (f" {round_ + 1}" if round_ else "")
            if folded(f"{a}{b}") + str(round_) in seen:
                continue
            seen.add(folded(f"{a}{b}") + str(round_))
            out.append(name)
            if len(out) == n:
                break
        round_ += 1
    return out


def scores(
    units: list[str], year: int, rng: random.Random, skill: dict, arises: dict
) -> list[list]:
    rows = []
    for u in units:
        level = min(0.99, max(0.35, skill[u] + rng.gauss(0, 0.05)))
        for code, appraisal, survey in leaves():
            if code in MAY_NOT_ARISE and not arises[(u, code)]:
                rows.append([u, code, "KPS", "KPS", ""])
                continue
            if survey:
                rows.append(
                    [u, code, "", "", f"{min(survey, survey * (level + rng.gauss(0, 0.04))):.2f}"]
                )
                continue
            steps = appraisal * 4  # quarter points
            self_score = min(
                appraisal, round(steps * min(1.0, level + 0.08 + rng.gauss(0, 0.05))) / 4
            )
            self_score = max(0.0, self_score)
            cut = rng.random()
            appraised = self_score - (0.25 * rng.randint(1, 4) if cut < 0.25 else 0.0)
            if 0.25 <= cut < 0.29 and appraised + 0.25 <= appraisal:
                appraised += 0.25  # appraisal sometimes adds points back
            rows.append([u, code, f"{self_score:.2f}", f"{max(0.0, appraised):.2f}", ""])
    return rows


def make(out: Path, n_units: int = UNITS, seed: int = SEED, years=(2022, 2023, 2024)) -> Path:
    """Write the dataset folder ``out``; returns it."""
    rng = random.Random(seed)
    out = Path(out)
    ids = [f"xa-{i:04d}" for i in range(1, n_units + 1)]
    unit_names = names(n_units, rng)
    write_csv(
        out / "units.csv",
        ["unit_id", "unit_name", "kind", "group"],
        [[u, n, "commune", "Cấp xã"] for u, n in zip(ids, unit_names)],
    )
    write_csv(
        out / "frameworks" / "synthetic-national.csv",
        ["code", "name_vi", "name_en", "max_points", "max_appraisal", "max_survey"],
        framework_rows(),
    )
    bands = []
    for y in years:
        bands += [[y, "A", 90, ""], [y, "B", 80, 90], [y, "C", 65, 80], [y, "D", 0, 65]]
    write_csv(out / "bands.csv", ["year", "band", "lower_pct", "upper_pct"], bands)
    skill = {u: rng.betavariate(6, 2) for u in ids}
    arises = {(u, c): rng.random() > 0.3 for u in ids for c in MAY_NOT_ARISE}
    for y in years:
        write_csv(
            out / "scores" / f"{y}.csv",
            ["unit_id", "criterion", "self_score", "appraised_score", "survey_score"],
            scores(ids, y, rng, skill, arises),
        )
    year_blocks = "\n".join(
        f'[years.{y}]\nframework = "synthetic-national"\nscores = "scores/{y}.csv"\ndecimals = 2\n'
        for y in years
    )
    (out / "dataset.toml").write_text(
        f"""# SYNTHETIC (invented) data, generated by
#   python scripts/make_synthetic_national.py --units {n_units} --seed {seed}
# For benchmarking the unit profiles only. No figure here is real.
title_vi = "Chỉ số CCHC cấp xã toàn quốc (dữ liệu TỔNG HỢP/SYNTHETIC)"
title_en = "National commune-level PAR Index (SYNTHETIC data)"
description = "SYNTHETIC: {n_units} invented communes in one block, {len(years)} years (seed {seed})."
synthetic = true
units = "units.csv"
bands = "bands.csv"
unit_label_vi = "xã"
unit_label_en = "commune"

[frameworks.synthetic-national]
file = "frameworks/synthetic-national.csv"
decision = "SYNTHETIC framework for benchmarks (invented)"
declared_total = 100
declared_appraisal = 84
declared_survey = 16

{year_blocks}""",
        encoding="utf-8",
    )
    (out / "README.md").write_text(
        f"# SYNTHETIC national-scale dataset\n\nInvented by `scripts/make_synthetic_national.py` "
        f"(seed {seed}, {n_units} units, years {', '.join(map(str, years))}) to benchmark the unit "
        "profiles. **SYNTHETIC: no figure here is real.**\n",
        encoding="utf-8",
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="the dataset folder to write")
    parser.add_argument("--units", type=int, default=UNITS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--years", type=int, nargs="+", default=[2022, 2023, 2024])
    args = parser.parse_args(argv)
    print(make(args.out, args.units, args.seed, tuple(args.years)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
