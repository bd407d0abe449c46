"""``parlib new <dataset>``: a commented skeleton of a dataset, ready to be edited and filled in.

In: a dataset name (letters, digits, hyphens, underscores: a folder directly under ``data/raw``) and
a year. Out: ``data/raw/<dataset>/`` with ``dataset.toml`` (every key commented in Vietnamese and
English; the keys of blocks and components written as commented examples), ``units.csv`` (two
example units), ``frameworks/<dataset>.csv`` (a minimal framework: two areas, three criteria) and
``bands.csv``. The year's scores file is declared (``scores/<year>.xlsx``) but not written: it is the
filled-in ``parlib template``. An existing folder is never touched.
"""

from __future__ import annotations

import re
from pathlib import Path

from parlib.core import paths
from parlib.core.errors import UsageError

NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

TOML = """\
# {name}: bộ dữ liệu mới, tạo bởi `parlib new` / a new dataset, written by `parlib new`.
# Sửa các khóa dưới đây rồi chạy `parlib template {name} {year}` / edit the keys below, then run
# `parlib template {name} {year}`, fill the workbook in, save it as {scores} and run
# `parlib validate --dataset {name}`. Đường dẫn tính từ thư mục này / paths are relative to this folder.

# Tên bộ dữ liệu trong báo cáo / the dataset's title in reports
title_vi = "{name}: Chỉ số CCHC (điền tên)"
title_en = "{name}: PAR Index (fill in a title)"
# Mô tả ngắn / a short description
description = "Mô tả bộ dữ liệu / describe the dataset"
# true nếu dữ liệu là giả lập (báo cáo ghi TỔNG HỢP/SYNTHETIC) / true if the data are invented
synthetic = false
# Danh sách đơn vị: unit_id, unit_name, kind (+ group, parent, valid_from, valid_to, name_en)
# The units registry: unit_id, unit_name, kind (+ group, parent, valid_from, valid_to, name_en)
units = "units.csv"
# Ngưỡng xếp loại theo năm (cột block: riêng từng khối) / rating bands per year (column block)
bands = "bands.csv"
# Tên gọi đơn vị trong câu văn / how a unit is called in sentences
unit_label_vi = "đơn vị"
unit_label_en = "unit"

# Bộ tiêu chí / a framework: code, name_vi, name_en, max_points, max_<phần điểm / component>
[frameworks.{fid}]
# Tệp bộ tiêu chí / the framework table
file = "frameworks/{fid}.csv"
# Văn bản ban hành / the decision that issued it
decision = "QĐ .../QĐ-UBND (điền số quyết định / fill in the decision)"
# Tổng điểm tối đa (kiểm tra với tổng các tiêu chí) / the declared total (checked against leaves)
declared_total = {total}
# Chỉ số không vượt quá (khi có điểm thưởng) / the index never above it (with bonus points)
# index_cap = 100

# Phần điểm (không khai báo: thẩm định + điều tra xã hội học) / scored parts (none declared:
# appraisal + survey). Bỏ dấu # để khai báo / uncomment to declare them, in report order:
# [frameworks.{fid}.components.appraisal]
# kind = "assessed"               # assessed | measured | bonus | penalty
# label_vi = "Điểm thẩm định"     # nhãn tiếng Việt / Vietnamese label
# label_en = "Appraised points"   # nhãn tiếng Anh / English label
# self_assessed = true            # có điểm tự đánh giá / a self-assessed score precedes it
# max = 90                        # điểm tối đa của phần / the part's maximum (optional)
# [frameworks.{fid}.components.sipas]
# kind = "measured"
# label_vi = "Chỉ số hài lòng (SIPAS)"
# label_en = "Satisfaction (SIPAS)"
# max = 10
# aliases = ["điểm sipas"]        # tiêu đề cột khác / other headers of its score column
# [frameworks.{fid}.components.bonus]
# kind = "bonus"
# label_vi = "Điểm thưởng"
# label_en = "Bonus points"
# cap = 5                         # tối đa cộng / the most points it adds in total
# [frameworks.{fid}.components.penalty]
# kind = "penalty"
# label_vi = "Điểm trừ"
# label_en = "Penalty points"
# cap = 5                         # tối đa trừ (ghi số dương) / most points taken (written positive)

# Một năm đánh giá / one evaluated year
[years.{year}]
# Bộ tiêu chí của năm (mặc định của các khối) / the year's framework (the blocks' default)
framework = "{fid}"
# Tệp điểm: bản mẫu `parlib template` đã điền / the scores: the filled-in template
scores = "{scores}"
# Số chữ số thập phân của chỉ số / decimals of the index
decimals = 2
# Không có điểm tự đánh giá năm này / no self-assessment known this year
# self_assessment = false
# Kết quả đã công bố để đối chiếu / published results to reconcile with
# published = "published/{year}.csv"

# Khối xếp hạng riêng (không khai báo: một khối gồm mọi đơn vị) / blocks ranked apart (none
# declared: one block of every unit). Mỗi đơn vị thuộc đúng một khối / each unit in exactly one:
# [years.{year}.blocks.departments]
# name_vi = "Khối sở, ban, ngành"   # tên khối / the block's name
# name_en = "Departments"
# framework = "{fid}"               # bộ tiêu chí của khối / the block's framework
# kinds = ["department"]            # đơn vị thuộc các loại này / units of these kinds ...
# units = []                        # ... và các mã này / ... and these unit ids
# [years.{year}.blocks.communes]
# name_vi = "Khối xã, phường"
# name_en = "Communes and wards"
# framework = "{fid}"
# kinds = ["commune", "ward"]
"""
UNITS = """\
unit_id,unit_name,kind,group,parent,valid_from
don-vi-1,Đơn vị mẫu 1 (sửa),department,,,
don-vi-2,Đơn vị mẫu 2 (sửa),department,,,
"""
FRAMEWORK = """\
code,name_vi,name_en,max_points,max_appraisal,max_survey
1,Lĩnh vực mẫu 1 (sửa),Example area 1,6,,
1.1,Tiêu chí mẫu 1.1,Example criterion 1.1,3,3,0
1.2,Tiêu chí mẫu 1.2,Example criterion 1.2,3,3,0
2,Lĩnh vực mẫu 2 (sửa),Example area 2,4,,
2.1,Tiêu chí mẫu 2.1 (điều tra),Example criterion 2.1 (survey),4,0,4
"""
TOTAL = 10
BANDS = """\
year,band,lower_pct,upper_pct
{year},A,90,
{year},B,80,90
{year},C,70,80
{year},D,,70
"""


def folder_for(name: str, raw: Path | None = None) -> Path:
    """The new dataset's folder: a name of lower-case letters, digits, ``-`` and ``_``, directly
    under ``raw`` (never a path: nothing can land outside ``data/raw``)."""
    if not NAME.fullmatch(name or ""):
        raise UsageError(
            f"{name!r} is not a dataset name: use lower-case letters, digits, '-' and '_' "
            "(at most 64, starting with a letter or digit)"
        )
    raw = Path(raw) if raw else paths.raw_dir()
    return raw / name


def create(name: str, year: int, raw: Path | None = None) -> list[Path]:
    """Write the skeleton of dataset ``name`` with one year; refuse an existing folder. Returns
    the files written."""
    folder = folder_for(name, raw)
    if folder.exists() or folder.is_symlink():
        raise UsageError(f"{paths.display(folder)} exists: parlib new never overwrites a dataset")
    if not 1900 <= year <= 2100:
        raise UsageError(f"--year {year} is not a year")
    fid = name
    files = {
        "dataset.toml": TOML.format(
            name=name, year=year, fid=fid, total=TOTAL, scores=f"scores/{year}.xlsx"
        ),
        "units.csv": UNITS,
        f"frameworks/{fid}.csv": FRAMEWORK,
        "bands.csv": BANDS.format(year=year),
    }
    written = []
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
