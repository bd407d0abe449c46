"""Generate the SYNTHETIC dataset ``data/raw/synthetic-2025/`` (issue #12).

EVERYTHING THIS SCRIPT WRITES IS SYNTHETIC (invented) DATA. No figure belongs to any real province,
department, ward, commune or special zone; the names merely sound real so that reports read
naturally.

What it models: the internal PAR evaluation of one imaginary province after the reorganisation of
1 July 2025 (two-level local government: the province, then wards, communes and special zones),
for the years 2025 and 2026, in the data model of issue #12 (``/work/tools/contract12.md``):

* three blocks (khối) ranked apart: ``departments`` (14 sở, ban, ngành) on the framework
  ``dept-2025``, ``wards`` (12 phường) and ``communes`` (14 xã + 2 đặc khu) on ``local-2025``;
* four components per framework: ``appraisal`` (assessed: self-assessment, then appraisal),
  ``sipas`` (measured: the satisfaction survey), ``bonus`` and ``penalty`` (outside the maximum,
  each capped), and an index cap of 100;
* a unit-specific criterion (tiêu chí đặc thù, ``applies_to``) for four departments;
* two appraisal rounds: round 1, then the unit's explanation (giải trình) and round 2 where the unit
  explained; the final appraised score is the last round;
* KPS (không phát sinh) cells, more often for communes than for departments;
* ``units.csv`` with ``valid_from = 2025-07-01`` and ``parent``; bands per block.

The README of the dataset (written below) lists what is planted and why. Usage::

    python scripts/make_synthetic_2025.py [--seed 20250701] [--out data/raw/synthetic-2025]

Deterministic: the same seed gives byte-identical files (the XLSX has fixed document properties and
fixed ZIP timestamps). Points are kept in hundredths (integers) so every sum is exact.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import os
import random
import sys
import unicodedata
import zipfile
from pathlib import Path

os.environ.setdefault("OPENPYXL_LXML", "False")  # the same bytes with or without lxml (parlib)

from openpyxl import Workbook  # noqa: E402
from openpyxl.comments import Comment  # noqa: E402
from openpyxl.writer.excel import ExcelWriter  # noqa: E402

DEFAULT_SEED = 20250701
YEARS = (2025, 2026)
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "data" / "raw" / "synthetic-2025"
FIXED_TIME = dt.datetime(2026, 1, 15, 8, 0, 0)
VALID_FROM = "2025-07-01"
PROVINCE = "tinh-hai-lam"

DEP, WARD, COM, ZONE = "department", "ward", "commune", "special_zone"
BLOCKS = {  # block id: (name_vi, name_en, framework, kinds)
    "departments": ("Khối sở, ban, ngành", "Departments", "dept-2025", (DEP,)),
    "wards": ("Khối phường", "Wards", "local-2025", (WARD,)),
    "communes": ("Khối xã, đặc khu", "Communes and special zones", "local-2025", (COM, ZONE)),
}

# ---------------------------------------------------------------------------------------------
# Frameworks. Leaf: (code, name_vi, name_en, component, max points, applies_to, KPS chance by
# block (departments, wards, communes)). Inner node: (code, name_vi, name_en).
# ---------------------------------------------------------------------------------------------
A, S, B, P = "appraisal", "sipas", "bonus", "penalty"
KPS_NONE, KPS_LOW, KPS_MID = (0, 0, 0), (0.03, 0.06, 0.1), (0.08, 0.15, 0.3)

DEPT_NODES = [
    ("1", "Công tác chỉ đạo, điều hành CCHC", "Steering and direction of PAR"),
    ("2", "Cải cách thể chế", "Institutional reform"),
    ("3", "Cải cách thủ tục hành chính", "Administrative procedure reform"),
    ("4", "Cải cách tổ chức bộ máy", "Reform of the administrative apparatus"),
    ("5", "Cải cách chế độ công vụ", "Civil service reform"),
    ("6", "Cải cách tài chính công", "Public finance reform"),
    ("7", "Xây dựng chính quyền điện tử, chính quyền số", "E-government and digital government"),
    ("8", "Chỉ số hài lòng của người dân, tổ chức (SIPAS)", "Satisfaction index (SIPAS)"),
    ("9", "Tiêu chí đặc thù của đơn vị", "Unit-specific criteria"),
    ("10", "Điểm thưởng, điểm trừ", "Bonus and penalty points"),
]
DEPT_LEAVES = [
    ("1.1", "Kế hoạch CCHC năm", "Annual PAR plan", A, 3, "", KPS_NONE),
    ("1.2", "Báo cáo CCHC định kỳ", "Periodic PAR reports", A, 3, "", KPS_NONE),
    ("1.3", "Kiểm tra công tác CCHC", "PAR inspections", A, 3, "", KPS_LOW),
    ("1.4", "Tuyên truyền CCHC", "PAR communication", A, 3, "", KPS_NONE),
    ("2.1", "Xây dựng văn bản quy phạm pháp luật", "Drafting legal documents", A, 4, "", KPS_MID),
    ("2.2", "Rà soát văn bản", "Review of legal documents", A, 3, "", KPS_LOW),
    ("2.3", "Theo dõi thi hành pháp luật", "Monitoring law enforcement", A, 3, "", KPS_LOW),
    ("3.1", "Công bố, công khai TTHC", "Publication of procedures", A, 4, "", KPS_NONE),
    ("3.2", "Giải quyết hồ sơ đúng hạn", "Files settled on time", A, 4, "", KPS_LOW),
    ("3.3", "Dịch vụ công trực tuyến toàn trình", "End-to-end online services", A, 4, "", KPS_MID),
    ("3.4", "Xử lý phản ánh, kiến nghị", "Handling of feedback", A, 4, "", KPS_LOW),
    ("4.1", "Sắp xếp tổ chức bộ máy", "Restructuring of the apparatus", A, 5, "", KPS_NONE),
    ("4.2", "Thực hiện quy định phân cấp", "Decentralisation in practice", A, 5, "", KPS_LOW),
    ("5.1", "Vị trí việc làm", "Job positions", A, 4, "", KPS_NONE),
    ("5.2", "Đánh giá cán bộ, công chức", "Appraisal of civil servants", A, 4, "", KPS_NONE),
    ("5.3", "Kỷ luật, kỷ cương hành chính", "Administrative discipline", A, 4, "", KPS_NONE),
    ("6.1", "Tự chủ tài chính đơn vị sự nghiệp", "Financial autonomy", A, 4, "", KPS_MID),
    ("6.2", "Thực hành tiết kiệm", "Thrift and anti-waste", A, 4, "", KPS_NONE),
    ("7.1", "Hệ thống quản lý văn bản điện tử", "Electronic document system", A, 4, "", KPS_NONE),
    ("7.2", "Chữ ký số", "Digital signatures", A, 4, "", KPS_NONE),
    ("7.3", "Cơ sở dữ liệu chuyên ngành", "Sector databases", A, 4, "", KPS_LOW),
    ("8.1", "Hài lòng về tiếp cận dịch vụ", "Satisfaction: access", S, 5, "", KPS_NONE),
    ("8.2", "Hài lòng về kết quả giải quyết", "Satisfaction: outcome", S, 5, "", KPS_NONE),
    (
        "9.1",
        "Số hóa cơ sở dữ liệu đất đai, xây dựng",
        "Digitised land and construction records",
        A,
        5,
        "so-nong-nghiep-moi-truong;so-xay-dung",
        KPS_NONE,
    ),
    (
        "9.2",
        "Chuyển đổi số trong y tế, giáo dục",
        "Digital transformation of health and education",
        A,
        5,
        "so-y-te;so-giao-duc-dao-tao",
        KPS_NONE,
    ),
    ("10.1", "Sáng kiến CCHC được công nhận", "Recognised PAR initiatives", B, 3, "", KPS_NONE),
    ("10.2", "Mô hình mới được nhân rộng", "New practice replicated", B, 2, "", KPS_NONE),
    ("10.3", "Vi phạm kỷ luật hành chính", "Administrative violations", P, 3, "", KPS_NONE),
    ("10.4", "Chậm, thiếu báo cáo", "Late or missing reports", P, 2, "", KPS_NONE),
]
LOCAL_NODES = [
    ("1", "Công tác chỉ đạo, điều hành CCHC", "Steering and direction of PAR"),
    ("2", "Cải cách thể chế", "Institutional reform"),
    ("3", "Cải cách TTHC, một cửa, một cửa liên thông", "Procedures and one-stop shops"),
    ("4", "Tổ chức bộ máy và công vụ", "Apparatus and civil service"),
    ("5", "Cải cách tài chính công", "Public finance reform"),
    ("6", "Chính quyền số", "Digital government"),
    ("7", "Chỉ số hài lòng của người dân, tổ chức (SIPAS)", "Satisfaction index (SIPAS)"),
    ("8", "Điểm thưởng, điểm trừ", "Bonus and penalty points"),
]
LOCAL_LEAVES = [
    ("1.1", "Kế hoạch CCHC năm", "Annual PAR plan", A, 4, "", KPS_NONE),
    ("1.2", "Báo cáo CCHC", "PAR reports", A, 3, "", KPS_NONE),
    ("1.3", "Tuyên truyền CCHC", "PAR communication", A, 3, "", KPS_LOW),
    ("2.1", "Ban hành văn bản", "Issuing local regulations", A, 4, "", KPS_MID),
    ("2.2", "Tổ chức thi hành pháp luật", "Law enforcement", A, 4, "", KPS_LOW),
    ("3.1", "Bộ phận một cửa", "One-stop shop", A, 6, "", KPS_NONE),
    ("3.2", "Giải quyết hồ sơ đúng hạn", "Files settled on time", A, 6, "", KPS_NONE),
    ("3.3", "Dịch vụ công trực tuyến", "Online public services", A, 5, "", KPS_LOW),
    ("3.4", "Thủ tục liên thông", "Joined-up procedures", A, 5, "", KPS_MID),
    ("4.1", "Vị trí việc làm", "Job positions", A, 5, "", KPS_NONE),
    ("4.2", "Đánh giá cán bộ, công chức", "Appraisal of civil servants", A, 5, "", KPS_NONE),
    ("4.3", "Đào tạo, bồi dưỡng", "Training", A, 4, "", KPS_LOW),
    ("5.1", "Quản lý ngân sách xã", "Commune budget", A, 4, "", KPS_LOW),
    ("5.2", "Quản lý tài sản công", "Public assets", A, 4, "", KPS_MID),
    ("6.1", "Hệ thống văn bản điện tử", "Electronic documents", A, 5, "", KPS_NONE),
    ("6.2", "Chữ ký số", "Digital signatures", A, 4, "", KPS_NONE),
    ("6.3", "Số hóa hồ sơ", "Digitised records", A, 4, "", KPS_MID),
    ("7.1", "Hài lòng về tiếp cận dịch vụ", "Satisfaction: access", S, 10, "", KPS_NONE),
    ("7.2", "Hài lòng về thái độ công chức", "Satisfaction: civil servants", S, 8, "", KPS_NONE),
    ("7.3", "Hài lòng về kết quả giải quyết", "Satisfaction: outcome", S, 7, "", KPS_NONE),
    ("8.1", "Sáng kiến CCHC được công nhận", "Recognised PAR initiatives", B, 3, "", KPS_NONE),
    ("8.2", "Vi phạm kỷ luật hành chính", "Administrative violations", P, 3, "", KPS_NONE),
    ("8.3", "Chậm, thiếu báo cáo", "Late or missing reports", P, 2, "", KPS_NONE),
]
FRAMEWORKS = {
    "dept-2025": (DEPT_NODES, DEPT_LEAVES, "QĐ 101/QĐ-UBND (SYNTHETIC) — khối sở, ban, ngành"),
    "local-2025": (LOCAL_NODES, LOCAL_LEAVES, "QĐ 102/QĐ-UBND (SYNTHETIC) — khối phường, xã"),
}
CAPS = {"dept-2025": {B: 4, P: 4}, "local-2025": {B: 3, P: 4}}
COMPONENT_LABELS = {  # id: (kind, label_vi, label_en, aliases)
    A: ("assessed", "Điểm thẩm định", "Appraised points", ()),
    S: ("measured", "Chỉ số hài lòng (SIPAS)", "Satisfaction (SIPAS)", ("điểm sipas", "sipas")),
    B: ("bonus", "Điểm thưởng", "Bonus points", ("điểm thưởng", "điểm cộng")),
    P: ("penalty", "Điểm trừ", "Penalty points", ("điểm trừ",)),
}

UNITS = [  # (unit_id, name_vi, name_en, kind)
    ("so-noi-vu", "Sở Nội vụ", "Department of Home Affairs", DEP),
    ("so-tu-phap", "Sở Tư pháp", "Department of Justice", DEP),
    ("so-tai-chinh", "Sở Tài chính", "Department of Finance", DEP),
    ("so-cong-thuong", "Sở Công Thương", "Department of Industry and Trade", DEP),
    (
        "so-nong-nghiep-moi-truong",
        "Sở Nông nghiệp và Môi trường",
        "Department of Agriculture and Environment",
        DEP,
    ),
    ("so-xay-dung", "Sở Xây dựng", "Department of Construction", DEP),
    ("so-khoa-hoc-cong-nghe", "Sở Khoa học và Công nghệ", "Department of Science", DEP),
    ("so-giao-duc-dao-tao", "Sở Giáo dục và Đào tạo", "Department of Education", DEP),
    ("so-y-te", "Sở Y tế", "Department of Health", DEP),
    ("so-van-hoa", "Sở Văn hóa, Thể thao và Du lịch", "Department of Culture and Tourism", DEP),
    ("so-dan-toc-ton-giao", "Sở Dân tộc và Tôn giáo", "Department of Ethnic Affairs", DEP),
    ("so-ngoai-vu", "Sở Ngoại vụ", "Department of Foreign Affairs", DEP),
    ("van-phong-ubnd", "Văn phòng UBND tỉnh", "Office of the People's Committee", DEP),
    ("thanh-tra-tinh", "Thanh tra tỉnh", "Provincial Inspectorate", DEP),
    *[
        (f"phuong-{slug}", f"Phường {name}", f"{name} Ward", WARD)
        for slug, name in [
            ("an-binh", "An Bình"),
            ("hoa-phu", "Hòa Phú"),
            ("tan-an", "Tân An"),
            ("thuan-giao", "Thuận Giao"),
            ("phu-loi", "Phú Lợi"),
            ("binh-minh", "Bình Minh"),
            ("hiep-thanh", "Hiệp Thành"),
            ("dong-hoa", "Đông Hòa"),
            ("tan-dinh", "Tân Định"),
            ("vinh-phu", "Vĩnh Phú"),
            ("long-thanh", "Long Thạnh"),
            ("phu-my", "Phú Mỹ"),
        ]
    ],
    *[
        (f"xa-{slug}", f"Xã {name}", f"{name} Commune", COM)
        for slug, name in [
            ("tan-hiep", "Tân Hiệp"),
            ("vinh-thuan", "Vĩnh Thuận"),
            ("phuoc-hoa", "Phước Hòa"),
            ("an-lac", "An Lạc"),
            ("thanh-phu", "Thạnh Phú"),
            ("binh-son", "Bình Sơn"),
            ("my-loc", "Mỹ Lộc"),
            ("hoa-hiep", "Hòa Hiệp"),
            ("loc-an", "Lộc An"),
            ("tan-lap", "Tân Lập"),
            ("duc-hoa", "Đức Hòa"),
            ("phu-hoi", "Phú Hội"),
            ("son-thuy", "Sơn Thủy"),
            ("tra-co", "Trà Cổ"),
        ]
    ],
    ("dac-khu-hon-may", "Đặc khu Hòn Mây", "Hon May Special Zone", ZONE),
    ("dac-khu-con-cat", "Đặc khu Cồn Cát", "Con Cat Special Zone", ZONE),
]
BLOCK_INDEX = {DEP: 0, WARD: 1, COM: 2, ZONE: 2}
BANDS = {  # block ("" = every block without its own rows): (band, lower, upper)
    "departments": [("A", "90", ""), ("B", "80", "90"), ("C", "70", "80"), ("D", "", "70")],
    "wards": [("A", "88", ""), ("B", "78", "88"), ("C", "65", "78"), ("D", "", "65")],
    "": [("A", "85", ""), ("B", "75", "85"), ("C", "60", "75"), ("D", "", "60")],
}

# Planted cases (the README explains each). Year → unit → {criterion: hundredths}
PLANTED_BONUS = {2025: {"so-noi-vu": {"10.1": 300, "10.2": 200}}}  # 5 > cap 4
PLANTED_PENALTY = {2025: {"phuong-tan-dinh": {"8.2": 300, "8.3": 200}}}  # 5 > cap 4
FULL_MARKS = {2026: {"xa-tra-co"}}  # every applicable point, plus a bonus: 103 → index cap 100
PLANTED_FULL_BONUS = {2026: {"xa-tra-co": {"8.1": 300}}}
SIPAS_NOT_SURVEYED = {2025: {"dac-khu-con-cat"}}  # a new special zone, not yet surveyed
LOWERED_ON_ROUND_2 = {2025: ("so-cong-thuong", "3.2")}  # the explanation revealed a problem
KPS_SPELLED = ("Không phát sinh", "KPS", "KPS")  # the marker, as units type it
EXPLAINED = [  # giải trình (invented, SYNTHETIC)
    "Đơn vị bổ sung tài liệu kiểm chứng (văn bản số {n}/BC, SYNTHETIC)",
    "Đơn vị giải trình: nhiệm vụ hoàn thành đúng hạn, gửi kèm biên bản (SYNTHETIC)",
    "Đơn vị cung cấp đường dẫn kết quả trên hệ thống điện tử (SYNTHETIC)",
]
REJECTED = "Tài liệu bổ sung không chứng minh được kết quả; giữ điểm lần 1 (SYNTHETIC)"
LOWERED = "Khi xem xét giải trình phát hiện hồ sơ quá hạn chưa báo cáo; giảm điểm (SYNTHETIC)"


def fmt(hundredths: int, comma: bool = False) -> str:
    """Hundredths → shortest decimal text: 875 → '8.75', 850 → '8.5', 800 → '8'."""
    text = f"{hundredths // 100}.{hundredths % 100:02d}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if comma else text


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def leaves_for(framework: str) -> list[tuple]:
    return FRAMEWORKS[framework][1]


def framework_rows(framework: str) -> list[list[str]]:
    """Every node in code order; an inner node's max_points is the sum of its in-maximum leaves."""
    nodes, leaves, _ = FRAMEWORKS[framework]
    rows = []
    for code, vi, en in nodes:
        children = [leaf for leaf in leaves if leaf[0].split(".")[0] == code]
        inner = sum(leaf[4] for leaf in children if leaf[3] in (A, S))
        rows.append([code, vi, en, str(inner), "", "", "", "", ""])
        for c, cvi, cen, comp, mx, applies, _k in children:
            in_max = comp in (A, S)
            maxima = [str(mx) if comp == x else "0" for x in (A, S, B, P)]
            rows.append([c, cvi, cen, str(mx) if in_max else "0", *maxima, applies])
    return rows


def applies(leaf: tuple, unit_id: str, kind: str) -> bool:
    targets = [t for t in leaf[5].split(";") if t]
    return not targets or unit_id in targets or kind in targets


def unit_block(kind: str) -> str:
    return next(b for b, (_v, _e, _f, kinds) in BLOCKS.items() if kind in kinds)


def simulate(seed: int) -> dict[int, list[dict]]:
    """Per year, one record per unit × applicable leaf (hundredths, or 'KPS')."""
    r_unit = random.Random(f"{seed}:units")
    r_kps = random.Random(f"{seed}:kps")
    r_score = random.Random(f"{seed}:scores")
    r_round = random.Random(f"{seed}:rounds")
    skill = {u: r_unit.gauss(0, 1) for u, *_ in UNITS}
    explain_rate = {u: r_unit.uniform(0.1, 0.7) for u, *_ in UNITS}
    out: dict[int, list[dict]] = {}
    for year in YEARS:
        if year != YEARS[0]:
            for u in skill:
                skill[u] = 0.8 * skill[u] + r_unit.gauss(0.1, 0.4)
        rows = []
        for unit_id, _vi, _en, kind in UNITS:
            framework = BLOCKS[unit_block(kind)][2]
            full = unit_id in FULL_MARKS.get(year, set())
            for leaf in leaves_for(framework):
                if not applies(leaf, unit_id, kind):
                    continue
                code, comp, mx = leaf[0], leaf[3], leaf[4] * 100
                row = {"unit_id": unit_id, "criterion": code, "component": comp}
                kps = not full and r_kps.random() < leaf[6][BLOCK_INDEX[kind]]
                if comp == A:
                    row.update(appraisal(r_score, r_round, mx, skill[unit_id], kps, full))
                    if row["round_2"] is not None and r_round.random() > explain_rate[unit_id]:
                        row["round_2"] = row["explanation"] = None  # the unit did not explain
                elif comp == S:
                    surveyed = unit_id not in SIPAS_NOT_SURVEYED.get(year, set())
                    frac = 1.0 if full else min(1.0, max(0.5, r_score.gauss(0.86, 0.06)))
                    frac += 0 if full else 0.03 * skill[unit_id]
                    row["sipas"] = min(mx, round(mx * frac)) if surveyed else "KPS"
                else:
                    planted = (PLANTED_BONUS if comp == B else PLANTED_PENALTY).get(year, {})
                    planted = (
                        {**planted, **PLANTED_FULL_BONUS.get(year, {})} if comp == B else planted
                    )
                    if unit_id in planted:
                        value = planted[unit_id].get(code, 0)
                    elif full:
                        value = 0
                    else:
                        chance = 0.12 if comp == B else 0.08
                        value = r_score.choice([100, 200, mx]) if r_score.random() < chance else 0
                    row[comp] = min(value, mx)
                rows.append(row)
        lowered = LOWERED_ON_ROUND_2.get(year)
        for row in rows:
            if lowered and (row["unit_id"], row["criterion"]) == lowered:
                if not isinstance(row["round_1"], int):
                    raise ValueError(f"planted lowered round 2 on a KPS leaf: {lowered}")
                row["round_2"] = max(0, row["round_1"] - 100)
                row["explanation"] = LOWERED
        out[year] = rows
    return out


def appraisal(rng, r_round, mx: int, skill: float, kps: bool, full: bool) -> dict:
    """Self, round 1, explanation and round 2 of one appraisal leaf (hundredths or 'KPS')."""
    if kps:
        marker = rng.choice(KPS_SPELLED)
        return {"self": marker, "round_1": marker, "round_2": None, "explanation": None}
    p_loss = 1 / (1 + math.exp(-(-1.2 - 0.6 * skill)))
    if full or rng.random() >= p_loss:
        return {"self": mx, "round_1": mx, "round_2": None, "explanation": None}
    round_1 = 25 * rng.randint(0, (mx - 25) // 25)  # multiples of 0.25 below the maximum
    self_ = mx if rng.random() < 0.75 else 25 * rng.randint(round_1 // 25, mx // 25)
    if self_ <= round_1:  # the unit reported its loss itself: nothing to explain
        return {"self": self_, "round_1": round_1, "round_2": None, "explanation": None}
    if r_round.random() < 0.72:  # the explanation is accepted: points restored, fully or partly
        round_2 = 25 * r_round.randint(round_1 // 25 + 1, self_ // 25)
        text = r_round.choice(EXPLAINED).format(n=r_round.randint(10, 199))
    else:  # rejected: round 2 confirms round 1
        round_2, text = round_1, REJECTED
    return {"self": self_, "round_1": round_1, "round_2": round_2, "explanation": text}


def final(row: dict):
    return row["round_2"] if row.get("round_2") is not None else row["round_1"]


def cell_text(value, comma: bool = False) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else fmt(value, comma)


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------
SCORE_HEADER = ["unit_id", "criterion", "self_score", "round_1_score", "explanation"]
SCORE_HEADER += ["round_2_score", "appraised_score", "sipas_score", "bonus_score", "penalty_score"]
SCORE_HEADER_VI = ["Mã đơn vị", "Mã tiêu chí", "Điểm tự chấm", "Điểm thẩm định lần 1", "Giải trình"]
SCORE_HEADER_VI += ["Điểm thẩm định lần 2", "Điểm thẩm định", "Điểm SIPAS", "Điểm thưởng"]
SCORE_HEADER_VI += ["Điểm trừ"]


def score_cells(row: dict, with_final: bool) -> list:
    """A row's cells in SCORE_HEADER order (None = empty); without ``with_final`` the
    ``appraised_score`` cell is left out (the final score is then the last round)."""
    is_a = row["component"] == A
    cells = [
        row["unit_id"],
        row["criterion"],
        row["self"] if is_a else None,
        row["round_1"] if is_a else None,
        row["explanation"] if is_a else None,
        row["round_2"] if is_a else None,
        final(row) if is_a else None,
        row.get(S),
        row.get(B),
        row.get(P),
    ]
    return cells if with_final else cells[:6] + cells[7:]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(path: Path, sheets: dict[str, list[list]], title: str) -> None:
    """One sheet per block (Vietnamese headers), fixed properties and ZIP times: same bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(SCORE_HEADER_VI)
        ws["A1"].comment = Comment(f"{title}. Dữ liệu TỔNG HỢP — SYNTHETIC data.", "parlib")
        for cells in rows:
            ws.append([c / 100 if isinstance(c, int) else c for c in cells])
        for c in ws["B"]:
            c.number_format = "@"
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["E"].width = 60
        ws.freeze_panes = "C2"
    props = wb.properties
    props.creator = props.lastModifiedBy = "scripts/make_synthetic_2025.py (SYNTHETIC data)"
    props.title = title
    props.created = props.modified = FIXED_TIME
    buffer = io.BytesIO()  # ExcelWriter, not wb.save(): save() stamps "now"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))


def components_toml(framework: str) -> str:
    leaves = leaves_for(framework)
    parts = []
    for cid, (kind, vi, en, aliases) in COMPONENT_LABELS.items():
        lines = [f"[frameworks.{framework}.components.{cid}]", f'kind = "{kind}"']
        lines += [f'label_vi = "{vi}"', f'label_en = "{en}"']
        if kind == "assessed":
            lines.append("self_assessed = true")
        if kind in ("assessed", "measured"):
            lines.append(f"max = {sum(leaf[4] for leaf in leaves if leaf[3] == cid)}")
        else:
            lines.append(f"cap = {CAPS[framework][cid]}")
        if aliases:
            lines.append("aliases = [" + ", ".join(f'"{a}"' for a in aliases) + "]")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def dataset_toml(seed: int) -> str:
    frameworks = []
    for fid, (_nodes, leaves, decision) in FRAMEWORKS.items():
        total = sum(leaf[4] for leaf in leaves if leaf[3] in (A, S))
        frameworks.append(
            f'[frameworks.{fid}]\nfile = "frameworks/{fid}.csv"\ndecision = "{decision}"\n'
            f"index_cap = 100\ndeclared_total = {total}\n\n{components_toml(fid)}\n"
        )
    years = []
    for year in YEARS:
        head = f"[years.{year}]\n"
        head += f'scores = "scores/{year}.xlsx"\n' if year == 2025 else ""
        head += "self_assessment = true\ndecimals = 2\n"
        blocks = []
        for bid, (vi, en, fid, kinds) in BLOCKS.items():
            kinds_text = ", ".join(f'"{k}"' for k in kinds)
            block = f'[years.{year}.blocks.{bid}]\nname_vi = "{vi}"\nname_en = "{en}"\n'
            block += f'framework = "{fid}"\nkinds = [{kinds_text}]\n'
            if year == 2025:
                block += f'sheet = "{bid}"\n'
            else:
                block += f'scores = "scores/{year}-{bid}.csv"\n'
            blocks.append(block)
        years.append(head + "\n" + "\n".join(blocks))
    return f"""# synthetic-2025: SYNTHETIC (invented) data, generated by
#   python scripts/make_synthetic_2025.py --seed {seed}
# Do not edit by hand: change the script and rerun it. No figure here is real.
title_vi = "Đánh giá CCHC nội bộ tỉnh sau sắp xếp 2025 (dữ liệu TỔNG HỢP/SYNTHETIC)"
title_en = "Internal PAR evaluation of a province after the 2025 reorganisation (SYNTHETIC data)"
description = "SYNTHETIC internal PAR evaluation of an imaginary province after 1 July 2025: departments, wards and communes/special zones in three blocks on two frameworks, 2025-2026 (seed {seed})."
synthetic = true
units = "units.csv"
bands = "bands.csv"
unit_label_vi = "đơn vị"
unit_label_en = "unit"

{chr(10).join(frameworks)}
{chr(10).join(years)}"""


README = """# synthetic-2025 — DỮ LIỆU TỔNG HỢP / SYNTHETIC DATA

**Tiếng Việt.** Toàn bộ dữ liệu trong thư mục này là **dữ liệu TỔNG HỢP (giả lập, SYNTHETIC)**,
không phải số liệu thật của bất kỳ tỉnh, sở, phường, xã hay đặc khu nào. Sinh bởi

    python scripts/make_synthetic_2025.py --seed {seed}

(cùng hạt giống cho ra đúng từng byte). Không sửa tay: hãy sửa script rồi chạy lại.

Mô phỏng đánh giá CCHC nội bộ của một tỉnh giả định sau sắp xếp ngày 1/7/2025 (chính quyền hai
cấp), năm 2025 và 2026: {n_units} đơn vị trong ba **khối** xếp hạng riêng — {n_dep} sở, ban, ngành
(bộ tiêu chí `dept-2025`), {n_ward} phường và {n_com} xã, đặc khu (cùng bộ tiêu chí `local-2025`).
Mỗi bộ tiêu chí có bốn phần điểm: điểm thẩm định (có điểm tự đánh giá), chỉ số hài lòng SIPAS, điểm
thưởng và điểm trừ (ngoài điểm tối đa, có mức trần); chỉ số không vượt 100. Thẩm định hai lần: lần 1,
đơn vị giải trình, lần 2; điểm cuối cùng là lần sau cùng. Có tiêu chí không phát sinh (KPS) và tiêu
chí đặc thù chỉ áp dụng cho một số sở.

**English.** Everything here is **SYNTHETIC (invented) data**. Generated by the command above
(same seed, same bytes). It models the internal PAR evaluation of an imaginary province after the
reorganisation of 1 July 2025, for 2025 and 2026, in the data model of issue #12.

## What is planted, and why

| Feature | Where | Why (what it tests) |
|---|---|---|
| Three blocks, two frameworks | `departments` on `dept-2025`; `wards` and `communes` on `local-2025` (`[years.*.blocks.*]`, units by `kind`) | ranks, bands and comparisons within a block; two blocks sharing one framework |
| Units after 1 July 2025 | `units.csv`: `valid_from = {valid_from}`, `parent = {province}` (the province itself, kind `province`, scored in no block), `name_en` | the registry's validity dates and parent; a registered unit in no block is not scored |
| Four components | `appraisal` (assessed, self-assessed), `sipas` (measured), `bonus`, `penalty` | components as data; bonus/penalty outside the maximum (`max_points = 0` on their leaves) |
| Bonus above its cap | `so-noi-vu`, 2025: 3 + 2 = 5 bonus points, cap 4 | the cap is applied to the total, not per leaf |
| Penalty above its cap | `phuong-tan-dinh`, 2025: 3 + 2 = 5 penalty points, cap 4 | penalty scores are positive (points taken away), capped |
| Index cap | `xa-tra-co`, 2026: every applicable point plus a 3-point bonus (103) | `index_cap = 100`: the index is 100, not 103 |
| Unit-specific criteria | `dept-2025` 9.1 (`so-nong-nghiep-moi-truong`, `so-xay-dung`), 9.2 (`so-y-te`, `so-giao-duc-dao-tao`), column `applies_to` | these four have a maximum of 95, the other departments 90; no score rows for units outside `applies_to` |
| Two appraisal rounds | `round_1_score`, `explanation` (giải trình), `round_2_score` on rows where the unit explained; mostly points restored, some explanations rejected (round 2 = round 1), one round 2 lower (`so-cong-thuong` 3.2, 2025) | the final score is the last round present; deductions per round; explanations shown where points changed |
| Final score beside the rounds | 2025 (`scores/2025.xlsx`) gives `appraised_score` too, equal to the last round; 2026 gives only the rounds | both paths of the round rule (`round_final_mismatch` never fires here) |
| One workbook, one sheet per block | `scores/2025.xlsx`, sheets `departments`, `wards`, `communes`, Vietnamese headers (`Điểm thẩm định lần 1`, `Giải trình`, `Điểm SIPAS`, `Điểm thưởng`, `Điểm trừ`) | what `parlib template` writes; Vietnamese aliases of every column |
| A file per block | 2026: `scores/2026-<block>.csv` (`[years.2026.blocks.*].scores`), canonical headers, the communes' file with decimal commas | a block's own score file |
| KPS | `KPS` or `Không phát sinh` on appraisal leaves, far more often for communes than departments | each unit's applicable maximum |
| A zone not yet surveyed | `dac-khu-con-cat`, 2025: `sipas_score = KPS` on every SIPAS leaf | no SIPAS points in its maximum (at most 75 of 100) |
| Bands per block | `bands.csv` column `block`: departments and wards have their own; communes use the rows with an empty `block` | each block's bands, and the fallback rows |

Self-assessment is usually at or above round 1 (points are deducted on appraisal). Appraisal
points are multiples of 0,25; SIPAS points have two decimals. Scores depend on a unit's skill,
which drifts from 2025 to 2026 with a slight improvement.

Files: `dataset.toml`, `units.csv`, `bands.csv`, `frameworks/dept-2025.csv`,
`frameworks/local-2025.csv`, `scores/2025.xlsx`, `scores/2026-departments.csv`,
`scores/2026-wards.csv`, `scores/2026-communes.csv`.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the SYNTHETIC synthetic-2025 dataset.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    fw_header = ["code", "name_vi", "name_en", "max_points", "max_appraisal", "max_sipas"]
    fw_header += ["max_bonus", "max_penalty", "applies_to"]
    for fid in FRAMEWORKS:
        write_csv(out / "frameworks" / f"{fid}.csv", fw_header, framework_rows(fid))
    units = [[PROVINCE, "Tỉnh Hải Lâm (giả định)", "Hai Lam Province (imaginary)", "province"]]
    units += [[u, nfc(vi), en, kind] for u, vi, en, kind in UNITS]
    write_csv(
        out / "units.csv",
        ["unit_id", "unit_name", "name_en", "kind", "parent", "valid_from"],
        [[u, vi, en, k, "" if k == "province" else PROVINCE, VALID_FROM] for u, vi, en, k in units],
    )
    write_csv(
        out / "bands.csv",
        ["year", "block", "band", "lower_pct", "upper_pct"],
        [[str(y), blk, *band] for y in YEARS for blk, rows in BANDS.items() for band in rows],
    )
    scores = simulate(args.seed)
    kinds = {u: kind for u, *_, kind in UNITS}
    by_block = {
        year: {b: [r for r in rows if unit_block(kinds[r["unit_id"]]) == b] for b in BLOCKS}
        for year, rows in scores.items()
    }
    write_xlsx(
        out / "scores" / "2025.xlsx",
        {b: [score_cells(r, True) for r in rows] for b, rows in by_block[2025].items()},
        "Điểm CCHC nội bộ 2025 (dữ liệu TỔNG HỢP/SYNTHETIC)",
    )
    for block, rows in by_block[2026].items():
        comma = block == "communes"
        write_csv(
            out / "scores" / f"2026-{block}.csv",
            [h for h in SCORE_HEADER if h != "appraised_score"],
            [[cell_text(c, comma) for c in score_cells(r, False)] for r in rows],
        )
    (out / "dataset.toml").write_text(dataset_toml(args.seed), encoding="utf-8")
    counts = {k: sum(1 for *_, kind in UNITS if kind == k) for k in (DEP, WARD, COM, ZONE)}
    (out / "README.md").write_text(
        README.format(
            seed=args.seed,
            n_units=len(UNITS),
            n_dep=counts[DEP],
            n_ward=counts[WARD],
            n_com=counts[COM] + counts[ZONE],
            valid_from=VALID_FROM,
            province=PROVINCE,
        ),
        encoding="utf-8",
    )
    n_rows = sum(len(rows) for rows in scores.values())
    print(f"wrote {out} (seed {args.seed}): {len(UNITS)} units, {n_rows} score rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
