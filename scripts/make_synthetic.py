"""Generate the SYNTHETIC dataset ``data/raw/synthetic-province/``.

EVERYTHING THIS SCRIPT WRITES IS SYNTHETIC (invented) DATA. No figure belongs to any real province,
department, commune or agency; the unit names merely sound real so that reports read naturally.

What it models: the internal PAR Index (Chỉ số CCHC nội bộ) of one imaginary province, which scores
its own units every year on a methodology modelled on the provincial one (QĐ 876/QĐ-BNV, 2022):

* one framework ``internal-2022``: 8 areas → criteria → sub-criteria, 100 points in total, of which
  84 are appraised (self-assessment, then appraisal) and 16 come from a SIPAS-like satisfaction
  survey (area 8, survey-only leaves);
* three kinds of unit: departments (sở, ban, ngành), communes and wards (xã, phường), and
  provincial branches of central agencies (cơ quan ngành dọc);
* three years (2022, 2023, 2024), one score row per unit × leaf × year;
* criteria that do not arise (``KPS``, không phát sinh): far more often for communes than for
  departments, partly persistent per unit and partly random per year, so every unit has its own
  applicable maximum (roughly 55 to 100 points);
* branches of central agencies are not surveyed: ``survey_score = KPS`` on every survey leaf,
  so their maximum is at most 84 (like Thanh Hóa 2024);
* a deliberate **max-points bias**: the probability of losing points on an applicable leaf grows
  with the number of applicable leaves, so units with fewer tasks get higher indexes (the fairness
  problem practitioners report), on top of a unit-level skill that drifts from year to year and a
  province-wide improvement trend;
* self-assessment: usually ≥ the appraised score (points are deducted on appraisal), sometimes
  equal, rarely lower; all appraisal scores are multiples of 0.25, survey scores have 2 decimals;
* input-format variety on purpose: ``scores/2022.csv`` uses decimal points, ``scores/2023.csv``
  decimal commas (quoted), ``scores/2024.xlsx`` is an Excel file with Vietnamese headers where some
  scores are numbers and some are text with a decimal comma (``"8,75"``).
* respondent-level survey answers for 2024 (``survey/2024.csv``, one row per respondent ×
  question, answers 1–5) consistent with the 2024 survey scores, with deliberate quality problems:
  a few units with too few respondents, one with no leader among them, two where about a third of
  respondents tick 5 throughout (straight-lining), and one whose answers support about two points
  less than its score in the scores file;
* ``alternatives.toml``: the methodology alternatives and Monte Carlo settings of the robustness
  analysis (declared data, not random);
* criteria planted AT CEILING for the criterion review (issue #15): on ``CEILING_LEAVES`` (7.1.1
  IT plan, 7.1.3 digital signatures, 7.2.2 files processed online) every unit where the leaf
  arises scores the maximum, self-assessed and appraised, every year (the random draws are still
  made, so nothing else moves); every OTHER appraised leaf separates units: where chance left
  fewer than ``MIN_LOSERS_SHARE`` of the units it arises for below the maximum, points are taken
  from units at the maximum (their own seeded stream) until that share is reached, so that the
  review flags exactly the planted leaves "at ceiling".

Usage (from the repository root)::

    python scripts/make_synthetic.py [--seed 20241123] [--out data/raw/synthetic-province]

Only the Python standard library is used, except ``openpyxl`` for the one XLSX file. The output is
deterministic: the same seed gives byte-identical files (the XLSX has fixed document properties and
fixed ZIP timestamps).
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

# the same XML writer as parlib (parlib/__init__.py): the committed bytes do not depend on lxml
os.environ.setdefault("OPENPYXL_LXML", "False")

DEFAULT_SEED = 20241123
YEARS = (2022, 2023, 2024)
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "data" / "raw" / "synthetic-province"
FIXED_TIME = dt.datetime(
    2025, 1, 15, 8, 0, 0
)  # document properties and ZIP entry times of the XLSX

DEP, COM, CB = "department", "commune", "central_branch"

# ---------------------------------------------------------------------------------------------
# The framework. Points are kept in QUARTERS (integers) so that every sum is exact.
# Leaf: (code, name_vi, name_en, max_appraisal, max_survey, KPS probability per kind (dep, com, cb)).
# Inner node: (code, name_vi, name_en).
# ---------------------------------------------------------------------------------------------

AREAS = [
    ("1", "Công tác chỉ đạo, điều hành CCHC", "Steering and direction of PAR"),
    ("2", "Xây dựng và tổ chức thực hiện văn bản QPPL", "Making and implementing legal documents"),
    ("3", "Cải cách thủ tục hành chính", "Administrative procedure reform"),
    ("4", "Cải cách tổ chức bộ máy hành chính", "Reform of the administrative apparatus"),
    (
        "5",
        "Xây dựng và nâng cao chất lượng đội ngũ CBCCVC",
        "Building and improving the civil service",
    ),
    ("6", "Cải cách tài chính công", "Public finance reform"),
    ("7", "Hiện đại hóa hành chính", "Modernisation of administration"),
    ("8", "Sự hài lòng của người dân, tổ chức", "Satisfaction of citizens and organisations"),
]

CRITERIA = [
    ("1.1", "Kế hoạch CCHC năm", "Annual PAR plan"),
    ("1.3", "Kiểm tra công tác CCHC", "Inspection of PAR work"),
    ("1.4", "Công tác tuyên truyền CCHC", "PAR communication"),
    ("2.1", "Xây dựng văn bản QPPL", "Drafting legal documents"),
    ("2.3", "Kiểm tra, rà soát văn bản QPPL", "Checking and reviewing legal documents"),
    ("3.1", "Rà soát, đánh giá thủ tục hành chính", "Review and assessment of procedures"),
    ("3.3", "Thực hiện cơ chế một cửa, một cửa liên thông", "One-stop-shop mechanism"),
    ("3.4", "Số hóa hồ sơ, kết quả giải quyết TTHC", "Digitisation of files and results"),
    ("3.5", "Tiếp nhận, xử lý phản ánh, kiến nghị", "Handling feedback and petitions"),
    ("4.1", "Thực hiện quy định về tổ chức bộ máy", "Rules on the organisational structure"),
    ("4.3", "Thực hiện phân cấp quản lý", "Decentralisation of management"),
    ("5.1", "Quản lý vị trí việc làm", "Job positions"),
    ("5.4", "Đào tạo, bồi dưỡng CBCCVC", "Training of civil servants"),
    ("5.5", "Chấp hành kỷ luật, kỷ cương hành chính", "Administrative discipline"),
    ("6.1", "Quản lý, sử dụng ngân sách nhà nước", "Management of the state budget"),
    ("6.2", "Thực hiện cơ chế tự chủ tài chính", "Financial autonomy"),
    ("6.3", "Quản lý, sử dụng tài sản công", "Management of public assets"),
    ("7.1", "Ứng dụng công nghệ thông tin, chuyển đổi số", "IT use and digital transformation"),
    ("7.2", "Cung cấp dịch vụ công trực tuyến", "Online public services"),
]

LEAVES = [
    # area 1: 10 points
    (
        "1.1.1",
        "Ban hành kế hoạch CCHC năm kịp thời",
        "Timely issue of the annual PAR plan",
        1,
        0,
        (0, 0, 0),
    ),
    (
        "1.1.2",
        "Mức độ thực hiện kế hoạch CCHC năm",
        "Implementation of the annual PAR plan",
        1.5,
        0,
        (0, 0, 0),
    ),
    ("1.2", "Thực hiện chế độ báo cáo CCHC", "PAR reporting", 1.5, 0, (0, 0, 0)),
    (
        "1.3.1",
        "Ban hành kế hoạch kiểm tra CCHC",
        "Issue of the PAR inspection plan",
        0.5,
        0,
        (0.05, 0.7, 0.15),
    ),
    (
        "1.3.2",
        "Mức độ thực hiện kế hoạch kiểm tra",
        "Implementation of the inspection plan",
        0.75,
        0,
        (0.05, 0.7, 0.15),
    ),
    (
        "1.3.3",
        "Xử lý các vấn đề phát hiện qua kiểm tra",
        "Follow-up of inspection findings",
        0.75,
        0,
        (0.15, 0.8, 0.25),
    ),
    (
        "1.4.1",
        "Ban hành kế hoạch tuyên truyền CCHC",
        "Issue of the PAR communication plan",
        0.5,
        0,
        (0, 0.15, 0.05),
    ),
    (
        "1.4.2",
        "Mức độ thực hiện kế hoạch tuyên truyền",
        "Implementation of the communication plan",
        1.5,
        0,
        (0, 0.15, 0.05),
    ),
    ("1.5", "Sáng kiến, giải pháp mới trong CCHC", "Innovations in PAR", 1, 0, (0, 0, 0)),
    (
        "1.6",
        "Thực hiện nhiệm vụ được UBND tỉnh giao",
        "Tasks assigned by the provincial People's Committee",
        1,
        0,
        (0.05, 0.3, 0.3),
    ),
    # area 2: 8 points
    (
        "2.1.1",
        "Thực hiện kế hoạch xây dựng văn bản QPPL",
        "Implementation of the law-making plan",
        1.5,
        0,
        (0.3, 0.9, 0.5),
    ),
    (
        "2.1.2",
        "Tuân thủ quy trình xây dựng văn bản QPPL",
        "Compliance with the drafting procedure",
        1.5,
        0,
        (0.3, 0.9, 0.5),
    ),
    (
        "2.2",
        "Theo dõi tình hình thi hành pháp luật",
        "Monitoring of law enforcement",
        2,
        0,
        (0.1, 0.6, 0.2),
    ),
    (
        "2.3.1",
        "Tự kiểm tra văn bản QPPL",
        "Self-checking of legal documents",
        1,
        0,
        (0.2, 0.9, 0.3),
    ),
    (
        "2.3.2",
        "Rà soát, hệ thống hóa văn bản QPPL",
        "Review and systematisation of legal documents",
        1,
        0,
        (0.05, 0.7, 0.2),
    ),
    (
        "2.3.3",
        "Xử lý văn bản sau kiểm tra, rà soát",
        "Handling of documents found defective",
        1,
        0,
        (0.4, 0.9, 0.4),
    ),
    # area 3: 14 points
    (
        "3.1.1",
        "Ban hành kế hoạch rà soát, đánh giá TTHC",
        "Issue of the procedure review plan",
        0.5,
        0,
        (0.05, 0.35, 0.05),
    ),
    (
        "3.1.2",
        "Mức độ thực hiện kế hoạch rà soát",
        "Implementation of the review plan",
        0.75,
        0,
        (0.05, 0.35, 0.05),
    ),
    (
        "3.1.3",
        "Xử lý các vấn đề phát hiện qua rà soát",
        "Follow-up of review findings",
        0.75,
        0,
        (0.15, 0.5, 0.1),
    ),
    (
        "3.2",
        "Công khai thủ tục hành chính",
        "Publicity of administrative procedures",
        2,
        0,
        (0.05, 0, 0),
    ),
    (
        "3.3.1",
        "Tiếp nhận hồ sơ tại Bộ phận Một cửa",
        "Receiving files at the one-stop shop",
        1,
        0,
        (0.1, 0, 0),
    ),
    (
        "3.3.2",
        "Tỷ lệ hồ sơ giải quyết đúng hạn",
        "Share of files settled on time",
        2,
        0,
        (0.1, 0, 0),
    ),
    (
        "3.3.3",
        "Thực hiện xin lỗi khi giải quyết hồ sơ trễ hạn",
        "Apologies for late settlement",
        1,
        0,
        (0.5, 0.5, 0.3),
    ),
    (
        "3.4.1",
        "Tỷ lệ số hóa hồ sơ TTHC",
        "Share of procedure files digitised",
        1.5,
        0,
        (0.1, 0.05, 0.1),
    ),
    (
        "3.4.2",
        "Tỷ lệ số hóa kết quả giải quyết TTHC",
        "Share of procedure results digitised",
        1.5,
        0,
        (0.1, 0.05, 0.1),
    ),
    (
        "3.5.1",
        "Công khai địa chỉ tiếp nhận phản ánh, kiến nghị",
        "Publicity of the feedback address",
        0.5,
        0,
        (0, 0, 0),
    ),
    (
        "3.5.2",
        "Xử lý phản ánh, kiến nghị đúng thời hạn",
        "Feedback handled on time",
        1.5,
        0,
        (0.3, 0.5, 0.2),
    ),
    (
        "3.5.3",
        "Công khai kết quả xử lý phản ánh, kiến nghị",
        "Publicity of feedback handling results",
        1,
        0,
        (0.3, 0.5, 0.2),
    ),
    # area 4: 9 points
    (
        "4.1.1",
        "Rà soát chức năng, nhiệm vụ, cơ cấu tổ chức",
        "Review of functions and structure",
        1,
        0,
        (0.1, 0.75, 0.2),
    ),
    (
        "4.1.2",
        "Sắp xếp, kiện toàn tổ chức bộ máy",
        "Reorganisation of the apparatus",
        1,
        0,
        (0.3, 0.8, 0.3),
    ),
    (
        "4.1.3",
        "Thực hiện quy định về số lượng cấp phó",
        "Rules on the number of deputies",
        1,
        0,
        (0.05, 0.7, 0.15),
    ),
    (
        "4.2",
        "Quản lý, sử dụng biên chế được giao",
        "Management of assigned staffing",
        3,
        0,
        (0, 0.5, 0.2),
    ),
    (
        "4.3.1",
        "Thực hiện các nhiệm vụ được phân cấp",
        "Implementation of decentralised tasks",
        1.5,
        0,
        (0.2, 0.7, 0.2),
    ),
    (
        "4.3.2",
        "Kiểm tra việc thực hiện nhiệm vụ được phân cấp",
        "Checks on decentralised tasks",
        1.5,
        0,
        (0.3, 0.8, 0.25),
    ),
    # area 5: 13 points
    (
        "5.1.1",
        "Xây dựng, điều chỉnh đề án vị trí việc làm",
        "Job-position scheme",
        1,
        0,
        (0.1, 0.6, 0.15),
    ),
    (
        "5.1.2",
        "Bố trí CBCCVC theo vị trí việc làm",
        "Staff assigned by job position",
        1.5,
        0,
        (0, 0.2, 0.05),
    ),
    (
        "5.2",
        "Thực hiện quy định về tuyển dụng CCVC",
        "Recruitment of civil servants",
        2,
        0,
        (0.3, 0.7, 0.3),
    ),
    (
        "5.3",
        "Đánh giá, xếp loại CBCCVC",
        "Performance evaluation of civil servants",
        2,
        0,
        (0, 0, 0),
    ),
    (
        "5.4.1",
        "Ban hành kế hoạch đào tạo, bồi dưỡng",
        "Issue of the training plan",
        0.5,
        0,
        (0, 0.4, 0.05),
    ),
    (
        "5.4.2",
        "Mức độ thực hiện kế hoạch đào tạo, bồi dưỡng",
        "Implementation of the training plan",
        1,
        0,
        (0, 0.4, 0.05),
    ),
    (
        "5.4.3",
        "Tỷ lệ CBCCVC được bồi dưỡng kiến thức, kỹ năng",
        "Share of staff trained",
        1,
        0,
        (0, 0, 0),
    ),
    ("5.5.1", "Thực hiện quy định về đạo đức công vụ", "Civil-service ethics", 1, 0, (0, 0, 0)),
    (
        "5.5.2",
        "Không có CBCCVC vi phạm bị xử lý kỷ luật",
        "No staff disciplined for violations",
        1.5,
        0,
        (0, 0, 0),
    ),
    (
        "5.6",
        "Thực hiện chế độ, chính sách đối với CBCCVC",
        "Staff entitlements and policies",
        1.5,
        0,
        (0.05, 0.2, 0.05),
    ),
    # area 6: 10 points
    (
        "6.1.1",
        "Thực hiện quy định về lập, giao dự toán",
        "Budget preparation and allocation",
        1,
        0,
        (0, 0, 0),
    ),
    (
        "6.1.2",
        "Tỷ lệ giải ngân vốn đầu tư công",
        "Disbursement of public investment",
        1.5,
        0,
        (0.4, 0.4, 0.4),
    ),
    ("6.1.3", "Công khai ngân sách", "Budget transparency", 1.5, 0, (0, 0, 0)),
    ("6.2.1", "Ban hành quy chế chi tiêu nội bộ", "Internal spending rules", 1, 0, (0, 0, 0)),
    (
        "6.2.2",
        "Thực hiện cơ chế tự chủ của đơn vị sự nghiệp công lập",
        "Autonomy of public service units",
        2,
        0,
        (0.25, 0.85, 0.3),
    ),
    (
        "6.3.1",
        "Ban hành quy chế quản lý, sử dụng tài sản công",
        "Rules on public assets",
        1.5,
        0,
        (0, 0.3, 0.05),
    ),
    (
        "6.3.2",
        "Thực hiện kiến nghị của thanh tra, kiểm toán",
        "Follow-up of inspection and audit findings",
        1.5,
        0,
        (0.4, 0.6, 0.3),
    ),
    # area 7: 20 points
    (
        "7.1.1",
        "Ban hành kế hoạch ứng dụng CNTT, chuyển đổi số",
        "Issue of the IT and digital plan",
        1,
        0,
        (0, 0.3, 0.05),
    ),
    (
        "7.1.2",
        "Tỷ lệ văn bản trao đổi dưới dạng điện tử",
        "Share of documents exchanged electronically",
        2,
        0,
        (0, 0, 0),
    ),
    ("7.1.3", "Sử dụng chữ ký số", "Use of digital signatures", 2, 0, (0, 0, 0)),
    (
        "7.2.1",
        "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến toàn trình",
        "Share of procedures fully online",
        2,
        0,
        (0.15, 0.1, 0.1),
    ),
    (
        "7.2.2",
        "Tỷ lệ hồ sơ TTHC xử lý trực tuyến",
        "Share of files processed online",
        2,
        0,
        (0.15, 0.1, 0.1),
    ),
    ("7.2.3", "Tỷ lệ thanh toán trực tuyến", "Share of online payments", 2, 0, (0.25, 0.2, 0.15)),
    (
        "7.3",
        "Áp dụng hệ thống quản lý chất lượng TCVN ISO 9001",
        "ISO 9001 quality management",
        2.5,
        0,
        (0.05, 0.5, 0.1),
    ),
    ("7.4", "Kết nối, chia sẻ cơ sở dữ liệu", "Data connection and sharing", 3, 0, (0.1, 0.7, 0.2)),
    (
        "7.5",
        "Duy trì cổng/trang thông tin điện tử",
        "Maintaining the web portal",
        2,
        0,
        (0, 0.5, 0.05),
    ),
    ("7.6", "Bảo đảm an toàn thông tin mạng", "Cybersecurity", 1.5, 0, (0, 0.2, 0)),
    # area 8: 16 points, survey only (SIPAS-like); central branches are never surveyed
    (
        "8.1",
        "Sự hài lòng về tiếp cận dịch vụ",
        "Satisfaction with access to services",
        0,
        3,
        (0, 0, 1),
    ),
    (
        "8.2",
        "Sự hài lòng về thủ tục hành chính",
        "Satisfaction with administrative procedures",
        0,
        3,
        (0, 0, 1),
    ),
    (
        "8.3",
        "Sự hài lòng về công chức giải quyết công việc",
        "Satisfaction with civil servants",
        0,
        3.5,
        (0, 0, 1),
    ),
    (
        "8.4",
        "Sự hài lòng về kết quả giải quyết công việc",
        "Satisfaction with results",
        0,
        3.5,
        (0, 0, 1),
    ),
    (
        "8.5",
        "Sự hài lòng về tiếp nhận, xử lý góp ý, phản ánh",
        "Satisfaction with the handling of feedback",
        0,
        3,
        (0, 0, 1),
    ),
]

UNITS = [
    # (unit_id, unit_name, kind); the group column follows from the kind (GROUPS)
    ("so-noi-vu", "Sở Nội vụ", DEP),
    ("so-tu-phap", "Sở Tư pháp", DEP),
    ("so-tai-chinh", "Sở Tài chính", DEP),
    ("so-cong-thuong", "Sở Công Thương", DEP),
    ("so-xay-dung", "Sở Xây dựng", DEP),
    ("so-y-te", "Sở Y tế", DEP),
    ("so-giao-duc-va-dao-tao", "Sở Giáo dục và Đào tạo", DEP),
    ("so-nong-nghiep-va-moi-truong", "Sở Nông nghiệp và Môi trường", DEP),
    ("so-khoa-hoc-va-cong-nghe", "Sở Khoa học và Công nghệ", DEP),
    ("so-van-hoa-the-thao-va-du-lich", "Sở Văn hóa, Thể thao và Du lịch", DEP),
    ("so-dan-toc-va-ton-giao", "Sở Dân tộc và Tôn giáo", DEP),
    ("thanh-tra-tinh", "Thanh tra tỉnh", DEP),
    ("van-phong-ubnd-tinh", "Văn phòng UBND tỉnh", DEP),
    ("ban-quan-ly-cac-khu-cong-nghiep", "Ban Quản lý các khu công nghiệp", DEP),
    ("phuong-an-lac", "Phường An Lạc", COM),
    ("phuong-tan-thanh", "Phường Tân Thành", COM),
    ("phuong-hoa-binh", "Phường Hòa Bình", COM),
    ("phuong-binh-minh", "Phường Bình Minh", COM),
    ("xa-tan-hiep", "Xã Tân Hiệp", COM),
    ("xa-phu-my", "Xã Phú Mỹ", COM),
    ("xa-long-hung", "Xã Long Hưng", COM),
    ("xa-thanh-phu", "Xã Thạnh Phú", COM),
    ("xa-hoa-an", "Xã Hòa An", COM),
    ("xa-vinh-thuan", "Xã Vĩnh Thuận", COM),
    ("xa-dong-hoa", "Xã Đông Hòa", COM),
    ("xa-my-loc", "Xã Mỹ Lộc", COM),
    ("cuc-thue-tinh", "Cục Thuế tỉnh", CB),
    ("kho-bac-nha-nuoc-tinh", "Kho bạc Nhà nước tỉnh", CB),
    ("bao-hiem-xa-hoi-tinh", "Bảo hiểm xã hội tỉnh", CB),
    ("cuc-thong-ke-tinh", "Cục Thống kê tỉnh", CB),
    ("ngan-hang-nha-nuoc-chi-nhanh-tinh", "Ngân hàng Nhà nước chi nhánh tỉnh", CB),
]
GROUPS = {DEP: "Sở, ban, ngành", COM: "Cấp xã", CB: "Cơ quan ngành dọc"}
KIND_INDEX = {DEP: 0, COM: 1, CB: 2}

# Model parameters (see the module docstring).
KPS_PERSISTENCE = 0.75  # chance that a leaf's KPS status this year is the unit's usual one
LOSS_INTERCEPT = -6.2  # logit of P(lose points on a leaf) when no leaf applies ...
LOSS_SLOPE = 6.0  # ... plus this times the share of leaves that apply (the max-points bias)
LOSS_SKILL = 0.3  # higher skill, fewer losses
SURVEY_MEAN = 0.99  # mean satisfaction share when no leaf applies ...
SURVEY_SLOPE = 0.13  # ... minus this times the share of leaves that apply
SURVEY_SKILL = 0.03  # higher skill, more satisfied users
LOSS_TREND = 0.15  # province-wide improvement per year
SKILL_DRIFT = 0.45  # year-to-year change of a unit's skill (s.d.)
# Units whose KPS propensity is fixed instead of random: the tax department is scored on every
# appraisal criterion, so it shows the plain "no survey" case (maximum exactly 84).
# criterion review (issue #15): leaves every unit scores in full (planted "at ceiling") ...
CEILING_LEAVES = ("7.1.1", "7.1.3", "7.2.2")
# ... and the share of units below the maximum every other appraised leaf has at least
MIN_LOSERS_SHARE = 0.15
KPS_MULT_FIXED = {"cuc-thue-tinh": 0.0}


def q(points: float) -> int:
    """Points → quarters (exact for multiples of 0.25)."""
    quarters = points * 4
    if abs(quarters - round(quarters)) > 1e-9:
        raise ValueError(f"{points} is not a multiple of 0.25")
    return int(round(quarters))


def fmt_quarters(quarters: int, comma: bool = False) -> str:
    """Quarters → shortest decimal text: 35 → '8.75', 34 → '8.5', 32 → '8'."""
    text = f"{quarters / 4:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if comma else text


def fmt_hundredths(hundredths: int, comma: bool = False) -> str:
    text = f"{hundredths // 100}.{hundredths % 100:02d}"
    return text.replace(".", ",") if comma else text


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------------------------------------
# Framework
# ---------------------------------------------------------------------------------------------


def framework_rows() -> list[dict]:
    """Every node, in code order, with max_points of inner nodes = sum of their children."""
    leaves = {c: (vi, en, q(a), q(s)) for c, vi, en, a, s, _p in LEAVES}
    inner = {c: (vi, en) for c, vi, en in AREAS + CRITERIA}
    codes = sorted(set(leaves) | set(inner), key=lambda c: [int(p) for p in c.split(".")])
    for code in codes:  # every node's parent must exist, every inner node must have children
        if "." in code and code.rsplit(".", 1)[0] not in inner:
            raise ValueError(f"{code}: parent missing")
        if code in inner and not any(c.startswith(code + ".") for c in leaves):
            raise ValueError(f"{code}: inner node without leaves")
    rows = []
    for code in codes:
        if code in leaves:
            vi, en, a, s = leaves[code]
            rows.append(
                {
                    "code": code,
                    "name_vi": nfc(vi),
                    "name_en": en,
                    "max_points": fmt_quarters(a + s),
                    "max_appraisal": fmt_quarters(a),
                    "max_survey": fmt_quarters(s),
                }
            )
        else:
            vi, en = inner[code]
            total = sum(a + s for c, (_v, _e, a, s) in leaves.items() if c.startswith(code + "."))
            rows.append(
                {
                    "code": code,
                    "name_vi": nfc(vi),
                    "name_en": en,
                    "max_points": fmt_quarters(total),
                    "max_appraisal": "",
                    "max_survey": "",
                }
            )
    return rows


# ---------------------------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------------------------


def simulate(seed: int) -> dict[int, list[dict]]:
    """Per year, one record per unit × leaf: quarters (appraisal) / hundredths (survey) or 'KPS'.

    Separate random streams (seeded from ``seed``) keep each part of the model stable when another
    part changes.
    """
    r_unit = random.Random(f"{seed}:units")
    r_leaf = random.Random(f"{seed}:leaves")
    r_kps = random.Random(f"{seed}:kps")
    r_score = random.Random(f"{seed}:scores")

    difficulty = {c: r_leaf.gauss(0, 0.4) for c, *_ in LEAVES}
    skill = {u: r_unit.gauss(0, 1) for u, *_ in UNITS}
    # how much more or less often than usual criteria do not arise for this unit
    kps_mult = {u: math.exp(r_unit.gauss(0, 0.45)) for u, *_ in UNITS}
    kps_mult.update(KPS_MULT_FIXED)
    usual_kps = {(u, c): r_kps.random() for u, *_ in UNITS for c, *_ in LEAVES}

    out: dict[int, list[dict]] = {}
    for year in YEARS:
        if year != YEARS[0]:
            for u in skill:
                skill[u] = 0.85 * skill[u] + r_unit.gauss(0, SKILL_DRIFT)
        rows = []
        for unit_id, _name, kind in UNITS:
            # 1. which leaves arise this year
            kps = {}
            for code, _vi, _en, _a, _s, probs in LEAVES:
                p = probs[KIND_INDEX[kind]]
                if p >= 1 or p <= 0:
                    kps[code] = p >= 1
                    continue
                p = min(0.97, p * kps_mult[unit_id])
                draw = (
                    usual_kps[unit_id, code] if r_kps.random() < KPS_PERSISTENCE else r_kps.random()
                )
                kps[code] = draw < p
            # the max-points bias: the more leaves apply, the more chances to lose points
            share = sum(1 for leaf in LEAVES if not kps[leaf[0]]) / len(LEAVES)
            # 2. scores
            for code, _vi, _en, a, s, _p in LEAVES:
                row = {
                    "unit_id": unit_id,
                    "criterion": code,
                    "self": None,
                    "appraised": None,
                    "survey": None,
                }
                if a > 0:
                    if kps[code]:
                        row["self"] = row["appraised"] = "KPS"
                    else:
                        row["self"], row["appraised"] = appraisal_scores(
                            r_score, q(a), share, skill[unit_id], difficulty[code], year
                        )
                        if code in CEILING_LEAVES:  # drawn above, so the other draws stay
                            row["self"] = row["appraised"] = q(a)
                if s > 0:
                    if kps[code]:
                        row["survey"] = "KPS"
                    else:
                        mean = (
                            SURVEY_MEAN
                            - SURVEY_SLOPE * share
                            + SURVEY_SKILL * skill[unit_id]
                            + 0.01 * (year - YEARS[0])
                        )
                        frac = min(1.0, max(0.45, r_score.gauss(mean, 0.05)))
                        row["survey"] = min(round(s * 100 * frac), round(s * 100))
                rows.append(row)
        separate_units(rows, random.Random(f"{seed}:separate:{year}"))
        out[year] = rows
    return out


def separate_units(rows: list[dict], rng: random.Random) -> None:
    """Every appraised leaf outside ``CEILING_LEAVES`` keeps at least ``MIN_LOSERS_SHARE`` of the
    units it arises for below the maximum: units at the maximum, drawn from ``rng``, lose part of
    the leaf's points on appraisal (self-assessed in full). Changes ``rows`` in place."""
    for code, _vi, _en, a, _s, _p in LEAVES:
        if a == 0 or code in CEILING_LEAVES:
            continue
        arising = [r for r in rows if r["criterion"] == code and r["appraised"] != "KPS"]
        full = [r for r in arising if r["appraised"] == q(a)]
        needed = math.ceil(MIN_LOSERS_SHARE * len(arising)) - (len(arising) - len(full))
        for row in rng.sample(full, max(0, min(needed, len(full)))):
            row["appraised"] = min(q(a) - 1, int(q(a) * rng.uniform(0.4, 0.9)))
            row["self"] = q(a)


def appraisal_scores(
    rng: random.Random, mx: int, share: float, skill: float, difficulty: float, year: int
) -> tuple[int, int]:
    """(self, appraised) in quarters for one applicable leaf of maximum ``mx`` quarters."""
    logit = (
        LOSS_INTERCEPT
        + LOSS_SLOPE * share
        - LOSS_SKILL * skill
        - LOSS_TREND * (year - YEARS[0])
        + difficulty
    )
    p_loss = 1 / (1 + math.exp(-logit))
    if rng.random() < p_loss:
        appraised = min(mx - 1, int(mx * rng.uniform(0, 0.9)))
        roll = rng.random()
        if roll < 0.7:
            self_ = mx  # claimed everything, deducted on appraisal
        elif roll < 0.9:
            self_ = rng.randint(appraised, mx)  # claimed part of the lost points
        else:
            self_ = appraised  # reported the loss honestly
    else:
        appraised = self_ = mx
    if appraised > 0 and rng.random() < 0.02:  # rare: the council gives more than claimed
        self_ = appraised - rng.randint(1, min(appraised, 2))
    return self_, appraised


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def score_text(value, survey: bool, comma: bool) -> str:
    if value is None:
        return ""
    if value == "KPS":
        return "KPS"
    return fmt_hundredths(value, comma) if survey else fmt_quarters(value, comma)


def write_scores_csv(path: Path, rows: list[dict], comma: bool) -> None:
    write_csv(
        path,
        ["unit_id", "criterion", "self_score", "appraised_score", "survey_score"],
        [
            [
                r["unit_id"],
                r["criterion"],
                score_text(r["self"], False, comma),
                score_text(r["appraised"], False, comma),
                score_text(r["survey"], True, comma),
            ]
            for r in rows
        ],
    )


def write_scores_xlsx(path: Path, rows: list[dict], seed: int, year: int) -> None:
    """Excel file with Vietnamese headers; some scores numbers, some text with a decimal comma."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    rng = random.Random(f"{seed}:xlsx")
    wb = Workbook()
    ws = wb.active
    ws.title = f"Điểm {year}"
    ws.append(["Mã đơn vị", "Mã tiêu chí", "Điểm tự chấm", "Điểm thẩm định", "Điểm điều tra"])

    def cell(value, survey: bool):
        if value is None or value == "KPS":
            return value
        number = value / 100 if survey else value / 4
        if rng.random() < 0.35 and number != int(number):  # typed as text: "8,75"
            return score_text(value, survey, comma=True)
        return int(number) if number == int(number) else number

    for r in rows:
        ws.append(
            [
                r["unit_id"],
                r["criterion"],
                cell(r["self"], False),
                cell(r["appraised"], False),
                cell(r["survey"], True),
            ]
        )
    for col in ("A", "B"):  # codes are text, never numbers
        for c in ws[col]:
            c.number_format = "@"
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 12
    for col in ("C", "D", "E"):
        ws.column_dimensions[col].width = 16
    ws.freeze_panes = "A2"
    props = wb.properties
    props.creator = "scripts/make_synthetic.py (SYNTHETIC data)"
    props.title = f"Điểm CCHC nội bộ {year} (dữ liệu TỔNG HỢP/SYNTHETIC)"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.lastModifiedBy = "scripts/make_synthetic.py"

    buffer = io.BytesIO()  # ExcelWriter, not wb.save(): save() stamps "now"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    # Rewrite the archive with fixed entry timestamps so the bytes never change.
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


def dataset_toml(seed: int, appraisal: str, survey: str, total: str) -> str:
    years = "".join(
        f'\n[years.{y}]\nframework = "internal-2022"\nscores = "scores/{y}.{ext}"\ndecimals = 2\n'
        + (f'survey_responses = "survey/{y}.csv"\n' if y == SURVEY_YEAR else "")
        for y, ext in zip(YEARS, ("csv", "csv", "xlsx"))
    )
    return f"""# synthetic-province: SYNTHETIC (invented) data, generated by
#   python scripts/make_synthetic.py --seed {seed}
# Do not edit by hand: change the script and rerun it. No figure here is real.
title_vi = "Chỉ số CCHC nội bộ tỉnh (dữ liệu TỔNG HỢP/SYNTHETIC)"
title_en = "Internal PAR Index of a province (SYNTHETIC data)"
description = "SYNTHETIC internal PAR evaluation of the departments, communes and central-agency branches of an imaginary province, 2022-2024 (seed {seed})."
synthetic = true
units = "units.csv"
bands = "bands.csv"
unit_label_vi = "đơn vị"
unit_label_en = "unit"

[frameworks.internal-2022]
file = "frameworks/internal-2022.csv"
decision = "Bộ tiêu chí TỔNG HỢP (SYNTHETIC) theo mẫu QĐ 876/QĐ-BNV (2022)"
declared_total = {total}
declared_appraisal = {appraisal}
declared_survey = {survey}
note = "Invented for testing: 8 areas, appraisal {appraisal} + satisfaction survey {survey} points (area 8)."
{years}
# 2025 followed quarter by quarter against the 2024 results (scripts/make_interim.py)
[tracking.2025]
baseline = 2024
note = "SYNTHETIC quarterly self-assessments of 2025 (scripts/make_interim.py --seed 20251201)."

[tracking.2025.periods]
Q1 = "interim/2025-Q1.csv"
Q2 = "interim/2025-Q2.csv"
Q3 = "interim/2025-Q3.csv"
Q4 = "interim/2025-Q4.csv"
"""


# ---------------------------------------------------------------------------------------------
# Respondent-level survey answers (one year) and the robustness alternatives
# ---------------------------------------------------------------------------------------------

SURVEY_YEAR = 2024
QUESTIONS_PER_CRITERION = 2
RESPONDENTS = {"leader": (2, 4), "staff": (5, 9), "citizen": (8, 14)}  # per unit, inclusive ranges
FEW_RESPONDENTS = {  # units whose score rests on too few answers: (leaders, staff, citizens)
    "xa-hoa-an": (1, 2, 2),
    "phuong-hoa-binh": (0, 3, 3),
    "so-khoa-hoc-va-cong-nghe": (1, 2, 3),
}
NO_LEADER = {"so-xay-dung"}  # the leaders' questionnaires were filled in by staff
STRAIGHTLINE_P = 0.03  # chance that a respondent ticks 5 throughout ...
STRAIGHTLINE_HEAVY = {"so-tu-phap": 0.35, "xa-vinh-thuan": 0.35}  # ... much higher here
ANSWER_SHIFT = {"so-tai-chinh": -0.12}  # answers support a lower score than the scores file
RESPONDENT_SD = 0.05  # respondent effect on the satisfaction share (s.d.)
ANSWER_SD = 0.08  # answer-level noise on the satisfaction share (s.d.)


def simulate_survey(seed: int, rows: list[dict]) -> list[list[str]]:
    """Answers 1–5 per respondent × question for every surveyed unit of ``SURVEY_YEAR``.

    Each answer is a stochastic rounding of 1 + 4 × share, where share = the unit's survey score ÷
    maximum on that criterion (from the scores) + a respondent effect + noise, clipped to [0, 1],
    so the answers support about the score in the scores file. A separate random stream keeps every
    other file unchanged.
    """
    rng = random.Random(f"{seed}:survey")
    maxima = {c: q(s) * 25 for c, _vi, _en, _a, s, _p in LEAVES if s > 0}  # hundredths
    frac: dict[str, dict[str, float]] = {}
    for r in rows:
        if r["criterion"] in maxima and r["survey"] not in (None, "KPS"):
            frac.setdefault(r["unit_id"], {})[r["criterion"]] = r["survey"] / maxima[r["criterion"]]
    out, serial = [], 0
    for unit_id, _name, _kind in UNITS:
        if unit_id not in frac:
            continue  # not surveyed this year
        if unit_id in FEW_RESPONDENTS:
            counts = dict(zip(RESPONDENTS, FEW_RESPONDENTS[unit_id]))
        else:
            counts = {role: rng.randint(lo, hi) for role, (lo, hi) in RESPONDENTS.items()}
        if unit_id in NO_LEADER:
            counts["staff"] += counts["leader"]
            counts["leader"] = 0
        p_straight = STRAIGHTLINE_HEAVY.get(unit_id, STRAIGHTLINE_P)
        for role, n in counts.items():
            for _ in range(n):
                serial += 1
                respondent = f"R{SURVEY_YEAR}-{serial:05d}"
                straight = rng.random() < p_straight
                effect = rng.gauss(0, RESPONDENT_SD) + ANSWER_SHIFT.get(unit_id, 0.0)
                for criterion, share in frac[unit_id].items():
                    for k in range(1, QUESTIONS_PER_CRITERION + 1):
                        if straight:
                            answer = 5
                        else:
                            x = min(1.0, max(0.0, share + effect + rng.gauss(0, ANSWER_SD)))
                            value = 1 + 4 * x
                            answer = int(value) + (1 if rng.random() < value - int(value) else 0)
                            answer = min(5, max(1, answer))
                        out.append([respondent, unit_id, role, criterion, f"q{k}", str(answer)])
    return out


ALTERNATIVES_TOML = """# synthetic-province: methodology alternatives for the robustness analysis (parlib.robustness).
# Written by scripts/make_synthetic.py; declared choices, not random data. Format and rules:
# data/raw/README.md and docs/methodology.md section 8.

[alternatives.official]
rule = "official"
label_vi = "Chính thức: phần không phát sinh bị loại khỏi điểm tối đa"
label_en = "Official: not-arising parts leave the maximum"

[alternatives.rescale-absent-survey]
rule = "rescale_missing_component"
label_vi = "Giữ tỷ trọng 84/16; đơn vị không được khảo sát thì quy điểm thẩm định về thang 100"
label_en = "Fixed 84/16 shares; units not surveyed have their appraisal rescaled to 100"

[alternatives.impute-absent-survey]
rule = "impute_not_applicable"
component = "survey"
label_vi = "Đơn vị không được khảo sát nhận mức hài lòng trung bình"
label_en = "Units not surveyed get the average survey result"

[alternatives.absent-survey-as-zero]
rule = "not_applicable_as_zero"
component = "survey"
label_vi = "Chấm trên 100 điểm: đơn vị không được khảo sát mất 16 điểm khảo sát"
label_en = "Scored out of 100: units not surveyed lose the 16 survey points"

[alternatives.equal-areas]
rule = "area_weights"
weights = "equal"
label_vi = "Các lĩnh vực có trọng số như nhau"
label_en = "Every area weighs the same"

[monte_carlo]
draws = 1000
seed = 20241123
area_weight_range = 0.2      # each area's weight varies within ±20 %
survey_noise_sd = 0.25       # points of noise on each survey criterion (maxima 3 to 3.5)
# the plausible alternatives each draw picks from; the two harsher ones are shown side by side only
alternatives = ["official", "rescale-absent-survey", "impute-absent-survey"]
"""


OWNERS_CSV = """code,owner,owner_en
1,Văn phòng (bộ phận tổng hợp CCHC),Office (PAR coordination desk)
1.4,Bộ phận truyền thông,Communication desk
2,Bộ phận pháp chế,Legal affairs desk
3,Bộ phận một cửa,One-stop desk
4,Phòng Tổ chức cán bộ,Personnel and organisation section
5,Phòng Tổ chức cán bộ,Personnel and organisation section
6,Phòng Kế hoạch - Tài chính,Planning and finance section
7,Bộ phận công nghệ thông tin,IT desk
7.3,Bộ phận quản lý chất lượng (ISO),Quality management desk (ISO)
8,Bộ phận một cửa,One-stop desk
"""  # declared owners, SYNTHETIC (the action list)

README = """# synthetic-province — DỮ LIỆU TỔNG HỢP / SYNTHETIC DATA

**Tiếng Việt.** Toàn bộ dữ liệu trong thư mục này là **dữ liệu TỔNG HỢP (giả lập, SYNTHETIC)**,
không phải số liệu thật của bất kỳ tỉnh, sở, xã hay cơ quan nào; tên đơn vị chỉ được đặt cho giống
thực tế. Dữ liệu được sinh bởi lệnh

    python scripts/make_synthetic.py --seed {seed}

(chạy lại với cùng hạt giống `{seed}` cho ra đúng các tệp này). Không sửa tay: hãy sửa script rồi
chạy lại.

Dữ liệu mô phỏng Chỉ số CCHC nội bộ của một tỉnh giả định trong 3 năm 2022–2024: {n_units} đơn vị
({n_dep} sở, ban, ngành; {n_com} xã, phường; {n_cb} cơ quan ngành dọc), một bộ tiêu chí
`internal-2022` mô phỏng theo QĐ 876/QĐ-BNV (8 lĩnh vực, {n_leaves} tiêu chí/tiêu chí thành phần được
chấm, 100 điểm = {appraisal} điểm tự chấm/thẩm định + {survey} điểm khảo sát sự hài lòng ở lĩnh vực 8).
Các tiêu chí không phát sinh (KPS) khác nhau theo đơn vị và theo năm (cấp xã nhiều hơn hẳn); các cơ
quan ngành dọc không được khảo sát nên tối đa 84 điểm. Dữ liệu cố ý chứa **thiên lệch theo điểm tối
đa**: đơn vị có ít nhiệm vụ phát sinh thì dễ đạt chỉ số cao hơn. Tệp điểm 2022 dùng dấu chấm thập
phân, 2023 dùng dấu phẩy thập phân, 2024 là tệp Excel có tiêu đề tiếng Việt, điểm vừa ở dạng số vừa ở
dạng chữ (`"8,75"`). Để thử phần rà soát tiêu chí, ba tiêu chí được **cài sẵn ở mức tối đa**: mọi
đơn vị phát sinh đều đạt điểm tối đa ở 7.1.1 (kế hoạch ứng dụng CNTT), 7.1.3 (chữ ký số) và 7.2.2
(hồ sơ xử lý trực tuyến), mọi năm; ở mỗi tiêu chí thẩm định khác, ít nhất 15 % đơn vị phát sinh
không đạt tối đa.

**English.** Everything in this folder is **SYNTHETIC (invented) data**, not the figures of any real
province, department, commune or agency; unit names only sound real. It is generated by

    python scripts/make_synthetic.py --seed {seed}

(rerunning with seed `{seed}` reproduces these files byte for byte). Do not edit by hand: change the
script and rerun it.

It models the internal PAR Index of an imaginary province over 2022–2024: {n_units} units
({n_dep} departments, {n_com} communes and wards, {n_cb} provincial branches of central agencies),
one framework `internal-2022` modelled on QĐ 876/QĐ-BNV (8 areas, {n_leaves} scored leaves, 100 points
= {appraisal} appraised + {survey} satisfaction-survey points in area 8). Criteria that do not arise
(KPS) vary by unit and year (communes have far more); central-agency branches are not surveyed, so
their maximum is at most 84. The data deliberately contain a **max-points bias**: units with fewer applicable
tasks find it easier to score high. Scores for 2022 use decimal points, 2023 decimal commas, and
2024 is an Excel file with Vietnamese headers holding scores both as numbers and as text (`"8,75"`).
To exercise the criterion review, three criteria are **planted at ceiling**: every unit they arise
for scores the maximum on 7.1.1 (IT plan), 7.1.3 (digital signatures) and 7.2.2 (files processed
online), every year; every other appraised criterion has at least 15 % of its units below the
maximum.

Files: `dataset.toml`, `units.csv`, `frameworks/internal-2022.csv`, `scores/2022.csv`,
`scores/2023.csv`, `scores/2024.xlsx`, `bands.csv` (A ≥ 90, B 80–<90, C 70–<80, D < 70).

`owners.csv` — **SYNTHETIC**, a declared table written by the script (`OWNERS_CSV`, not random): which invented department is
responsible (đơn vị chủ trì) for which area or criterion, for the improvement plans and the action
list `ke-hoach-khac-phuc.xlsx`; an area code applies to all its criteria unless a deeper row
(`1.4`, `7.3`) overrides. Bảng phân công đơn vị chủ trì **TỔNG HỢP (giả lập)**, khai báo trong script.

`interim/2025-Q1.csv` … `interim/2025-Q4.csv` — **SYNTHETIC**, written by
`python scripts/make_interim.py --seed 20251201` (not by `make_synthetic.py`): four quarterly
interim self-assessments of 2025 (`unit_id, criterion, self_score`, decimal comma; empty = not
assessed yet) for in-year tracking (`parlib.history.progress`, issue #15). Each self-assessed leaf
of 2024 is first assessed in a seeded quarter and keeps its value; the value is the 2024 appraised
score moved one 0.25 step up (25 %), down (15 %, the planted risks) or not at all. No figure is real.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate the SYNTHETIC synthetic-province dataset."
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}")
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output folder (default data/raw/synthetic-province in the repository)",
    )
    args = parser.parse_args(argv)
    try:  # checked first, so that a missing openpyxl never leaves a half-written dataset
        import openpyxl  # noqa: F401
    except ImportError:
        parser.exit(
            2, "make_synthetic.py: openpyxl is needed for scores/2024.xlsx (pip install openpyxl)\n"
        )
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    fw = framework_rows()
    write_csv(
        out / "frameworks" / "internal-2022.csv",
        ["code", "name_vi", "name_en", "max_points", "max_appraisal", "max_survey"],
        [
            [
                r[k]
                for k in ("code", "name_vi", "name_en", "max_points", "max_appraisal", "max_survey")
            ]
            for r in fw
        ],
    )
    total_a = sum(q(leaf[3]) for leaf in LEAVES)
    total_s = sum(q(leaf[4]) for leaf in LEAVES)
    if total_a + total_s != 400:
        raise ValueError(f"framework sums to {(total_a + total_s) / 4}, not 100")

    write_csv(
        out / "units.csv",
        ["unit_id", "unit_name", "kind", "group"],
        [[u, nfc(name), kind, GROUPS[kind]] for u, name, kind in UNITS],
    )

    bands = [("A", "90", ""), ("B", "80", "90"), ("C", "70", "80"), ("D", "", "70")]
    write_csv(
        out / "bands.csv",
        ["year", "band", "lower_pct", "upper_pct"],
        [[str(y), b, lo, hi] for y in YEARS for b, lo, hi in bands],
    )

    scores = simulate(args.seed)
    write_scores_csv(out / "scores" / "2022.csv", scores[2022], comma=False)
    write_scores_csv(out / "scores" / "2023.csv", scores[2023], comma=True)
    write_scores_xlsx(out / "scores" / "2024.xlsx", scores[2024], args.seed, 2024)

    survey = simulate_survey(args.seed, scores[SURVEY_YEAR])
    write_csv(
        out / "survey" / f"{SURVEY_YEAR}.csv",
        ["respondent_id", "unit_id", "role", "criterion", "question", "answer"],
        survey,
    )
    (out / "alternatives.toml").write_text(ALTERNATIVES_TOML, encoding="utf-8")
    (out / "owners.csv").write_text(OWNERS_CSV, encoding="utf-8")

    (out / "dataset.toml").write_text(
        dataset_toml(
            args.seed, fmt_quarters(total_a), fmt_quarters(total_s), fmt_quarters(total_a + total_s)
        ),
        encoding="utf-8",
    )
    kinds = [k for _u, _n, k in UNITS]
    (out / "README.md").write_text(
        README.format(
            seed=args.seed,
            n_units=len(UNITS),
            n_dep=kinds.count(DEP),
            n_com=kinds.count(COM),
            n_cb=kinds.count(CB),
            n_leaves=len(LEAVES),
            appraisal=fmt_quarters(total_a),
            survey=fmt_quarters(total_s),
        ),
        encoding="utf-8",
    )
    print(
        f"wrote {out} (seed {args.seed}): {len(UNITS)} units, {len(LEAVES)} leaves, "
        f"years {', '.join(map(str, YEARS))}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
