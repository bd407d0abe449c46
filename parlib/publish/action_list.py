"""The action list (kế hoạch khắc phục) of a dataset-year, as Excel, and reading it back next year
(issue #15, item 2).

In: the year's processed folder (``criterion_index``, ``unit_index``), the dataset (its
``owners.csv`` when present, and ``actions/<year − 1>.xlsx``: last year's list as the analyst filled
it in) and the run's provenance record. Out: ``ke-hoach-khac-phuc.xlsx`` in the year's reports
folder — one sheet with a row per unit and criterion where points were lost, ranked by points lost
within the unit: unit, criterion code and name, points lost, owner (Đơn vị chủ trì), action,
deadline and status to fill (status a drop-down of the three statuses), then hidden key columns
(unit id, year, criterion code) that ``read_action_list`` reads back; a what-if sheet and a
provenance sheet. Every text cell is stored as text (``core.cells.sheet``). The plans themselves go
to ``plans.csv``/``plans_whatif.csv`` in the processed folder, last year's follow-up (when a filled
list is found) to ``plans_followup.csv``.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from parlib.core import cells, paths
from parlib.core.errors import DataError, Problem
from parlib.core.labels import number
from parlib.core.storage import write_bytes, write_csv
from parlib.fairness.plans import (
    PLAN_COLUMNS,
    STATUSES,
    WHATIF_COLUMNS,
    Plans,
    follow_up,
    owners_path,
    plans,
    read_owners,
)
from parlib.publish.markup import public_path
from parlib.publish.navigation import ACTION_LIST
from parlib.score.tables import load_table

SHEET = "Kế hoạch khắc phục"
WHATIF_SHEET = "Giả định"
PROVENANCE_SHEET = "Nguồn gốc"
# (header shown, key read back)
COLUMNS = (
    ("Đơn vị", "unit_name"),
    ("Thứ tự", "rank_in_unit"),
    ("Mã tiêu chí", "code_shown"),
    ("Tên tiêu chí", "name_vi"),
    ("Điểm bị mất", "points_lost"),
    ("Đơn vị chủ trì", "owner"),
    ("Biện pháp", "action"),
    ("Thời hạn", "deadline"),
    ("Trạng thái", "status"),
    ("unit_id", "unit_id"),  # hidden keys, read back next year
    ("year", "year"),
    ("code", "code"),
)
KEYS = ("unit_id", "year", "code")


def _letter(i: int) -> str:
    return chr(ord("A") + i)


def _in_rank_order(unit_index: pd.DataFrame) -> list[str]:
    """Unit ids by block (as they come), then rank, then name."""
    frame = unit_index.assign(
        _block=pd.factorize(unit_index.get("block", pd.Series("all", index=unit_index.index)))[0]
    )
    by = ["_block", *[c for c in ("rank", "unit_name") if c in frame]]
    return list(frame.sort_values(by, kind="stable", na_position="last")["unit_id"])


def action_list_bytes(
    plan: Plans, unit_index: pd.DataFrame, prov: dict, synthetic: bool = False
) -> bytes:
    """The action list of ``plan`` as xlsx bytes (see the module docstring); ``synthetic``: the
    provenance sheet says first that the figures are not real."""
    names = dict(zip(unit_index["unit_id"], unit_index["unit_name"]))
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    ws.append([h for h, _ in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    order = {u: i for i, u in enumerate(_in_rank_order(unit_index))}
    rows = plan.rows.assign(_at=plan.rows["unit_id"].map(order).fillna(len(order)))
    rows = rows.sort_values(["_at", "rank_in_unit"], kind="stable")
    for r in rows.itertuples(index=False):
        values = {
            "unit_name": names.get(r.unit_id, r.unit_id),
            "rank_in_unit": int(r.rank_in_unit),
            "code_shown": r.code,
            "name_vi": r.name_vi,
            "points_lost": round(float(r.points_lost), 4),
            "owner": r.owner,
            "action": None,
            "deadline": None,
            "status": STATUSES[0],
            "unit_id": r.unit_id,
            "year": int(plan.year),
            "code": r.code,
        }
        ws.append([values[k] for _, k in COLUMNS])
    status_col = _letter([k for _, k in COLUMNS].index("status"))
    rule = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=False)
    rule.error, rule.errorTitle = "Chọn một trong: " + ", ".join(STATUSES), "Trạng thái"
    ws.add_data_validation(rule)
    rule.add(f"{status_col}2:{status_col}{max(ws.max_row, 2)}")
    for i, (_, key) in enumerate(COLUMNS):
        ws.column_dimensions[_letter(i)].width = {"name_vi": 50, "action": 40}.get(key, 16)
        if key in KEYS:
            ws.column_dimensions[_letter(i)].hidden = True
    ws.freeze_panes = "A2"
    what = book.create_sheet(WHATIF_SHEET)
    what.append(
        [
            "Đơn vị",
            "Chỉ số",
            "Thứ hạng",
            "Số tiêu chí",
            "Điểm khôi phục",
            "Chỉ số mới",
            "Thứ hạng mới",
            "Mã đơn vị",
        ]
    )
    for w in plan.whatif.itertuples(index=False):
        what.append(
            [
                names.get(w.unit_id, w.unit_id),
                round(float(w.index_pct), 2),
                None if pd.isna(w.rank) else int(w.rank),
                int(w.k),
                round(float(w.recovered), 4),
                round(float(w.index_after), 2),
                int(w.rank_after),
                w.unit_id,
            ]
        )
    source = book.create_sheet(PROVENANCE_SHEET)
    source.append(["Mục", "Giá trị"])
    if synthetic:
        source.append(["Lưu ý", "DỮ LIỆU TỔNG HỢP (SYNTHETIC): không phải số liệu thật"])
    source.append(["Bộ dữ liệu", str(prov.get("dataset", ""))])
    source.append(["Năm", str(prov.get("year", ""))])
    source.append(["Phương pháp", str(prov.get("methodology", ""))])
    source.append(["Thời điểm tạo", str(prov.get("generated_at", ""))])
    source.append(["Phiên bản", str(prov.get("versions", {}).get("parlib", ""))])
    for i in prov.get("inputs", []):
        source.append([f"Dữ liệu đầu vào: {public_path(i['path'])}", i["sha256"]])
    for sheet in book.worksheets:
        cells.sheet(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bad(check, shown, row, value, expected, vi, unit="", code=""):
    return Problem(
        "critical",
        check,
        shown,
        row=row,
        sheet=SHEET,
        unit_id=unit,
        criterion=code,
        value=str(value),
        expected=expected,
        expected_vi=vi,
        message=f"action list: {check.replace('_', ' ')}",
        message_vi="danh sách biện pháp khắc phục có lỗi",
    )


def _deadline(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, datetime):
        return value.date(), True
    if isinstance(value, date):
        return value, True
    if isinstance(value, str):
        try:
            return datetime.strptime(value.strip(), "%d/%m/%Y").date(), True
        except ValueError:
            pass
    return None, False


def read_action_list(path: Path) -> pd.DataFrame:
    """A filled action list read back: unit_id, year, code, points_lost, owner, action, deadline
    (a date or None), status. Refuses (``DataError``, one located ``Problem`` per bad row: file,
    sheet, row, value, expected) a missing sheet or column, a row without its hidden keys, a status
    not one of ``STATUSES``, a deadline that is not a date (or dd/mm/yyyy) nor empty."""
    shown = paths.display(path)
    book = load_workbook(Path(path), data_only=True)
    if SHEET not in book.sheetnames:
        raise DataError(
            f"{shown}: not an action list",
            [
                _bad(
                    "action_list_missing_column",
                    shown,
                    None,
                    ", ".join(book.sheetnames),
                    f"a sheet {SHEET!r}",
                    f"trang tính {SHEET!r}",
                )
            ],
        )
    rows = list(book[SHEET].iter_rows(values_only=True))
    header = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else [])]
    where = {key: header.index(h) for h, key in COLUMNS if h in header}
    missing = [h for h, key in COLUMNS if key not in where and key != "code_shown"]
    if missing:
        raise DataError(
            f"{shown}: the action list has problems",
            [
                _bad(
                    "action_list_missing_column",
                    shown,
                    1,
                    ", ".join(missing),
                    "the columns the workbook wrote",
                    "các cột do phần mềm ghi ra",
                )
            ],
        )
    records, problems = [], []
    for row_no, row in enumerate(rows[1:], start=2):
        get = {key: (row[i] if i < len(row) else None) for key, i in where.items()}
        if all(v is None or str(v).strip() == "" for v in get.values()):
            continue
        unit, code = str(get["unit_id"] or "").strip(), str(get["code"] or "").strip()
        if not unit or not code or get["year"] in (None, ""):
            problems.append(
                _bad(
                    "action_list_missing_key",
                    shown,
                    row_no,
                    f"{get['unit_id']!r}, {get['year']!r}, {get['code']!r}",
                    "the hidden unit id, year and criterion code as written",
                    "mã đơn vị, năm và mã tiêu chí (cột ẩn) như khi xuất",
                    unit,
                    code,
                )
            )
            continue
        status = str(get["status"] or "").strip()
        if status not in STATUSES:
            problems.append(
                _bad(
                    "action_list_bad_status",
                    shown,
                    row_no,
                    get["status"],
                    "one of: " + ", ".join(STATUSES),
                    "một trong: " + ", ".join(STATUSES),
                    unit,
                    code,
                )
            )
        deadline, ok = _deadline(get["deadline"])
        if not ok:
            problems.append(
                _bad(
                    "action_list_bad_deadline",
                    shown,
                    row_no,
                    get["deadline"],
                    "a date (dd/mm/yyyy) or empty",
                    "ngày (dd/mm/yyyy) hoặc để trống",
                    unit,
                    code,
                )
            )
        records.append(
            {
                "unit_id": unit,
                "year": int(float(get["year"])),
                "code": code,
                "points_lost": float(get["points_lost"] or 0),
                "owner": str(get["owner"] or ""),
                "action": str(get["action"] or ""),
                "deadline": deadline,
                "status": status,
            }
        )
    if problems:
        raise DataError(f"{shown}: the action list has problems", problems)
    return pd.DataFrame.from_records(
        records,
        columns=["unit_id", "year", "code", "points_lost", "owner", "action", "deadline", "status"],
    )


def last_year_list(cfg, year: int) -> Path | None:
    """Last year's filled list in the dataset folder (``actions/<year − 1>.xlsx``), or None."""
    path = Path(cfg.folder) / "actions" / f"{year - 1}.xlsx"  # DatasetConfig.plan_files
    return path if path.is_file() else None


def write_plans(processed: Path, reports_year_dir: Path, cfg, year: int, prov: dict) -> list[Path]:
    """The year's plans (``plans.csv``, ``plans_whatif.csv`` in ``processed``), the action list
    (``ke-hoach-khac-phuc.xlsx`` in ``reports_year_dir``) and, when last year's filled list is in
    the dataset folder, its follow-up (``plans_followup.csv``); returns the paths written."""
    processed = Path(processed)
    if not (processed / "criterion_index.csv").is_file():
        return []
    criteria = load_table(processed, "criterion_index")
    units = load_table(processed, "unit_index")
    needed = {"unit_id", "code", "max_points", "achieved_points"}
    if criteria.empty or not needed <= set(criteria.columns):  # published totals only: no rows
        empty = Plans(
            year, pd.DataFrame(columns=PLAN_COLUMNS), pd.DataFrame(columns=WHATIF_COLUMNS)
        )
        data = action_list_bytes(
            empty, units, prov, bool(getattr(cfg, "synthetic", False))
        )  # the page links it: an empty list, not a 404
        return [write_bytes(Path(reports_year_dir) / ACTION_LIST, data)]
    found = owners_path(cfg)
    owners = read_owners(found, criteria["code"].unique()) if found else {}
    plan = plans(criteria, units, owners, year)
    written = plan.save(processed)
    data = action_list_bytes(plan, units, prov, bool(getattr(cfg, "synthetic", False)))
    written.append(write_bytes(Path(reports_year_dir) / ACTION_LIST, data))
    previous = last_year_list(cfg, year)
    if previous is not None:
        followed = follow_up(read_action_list(previous), criteria)
        written.append(write_csv(followed, processed / "plans_followup.csv"))
    return written


def whatif_sentence(row, lang: str = "vi") -> str:
    """The what-if of one unit (a row of ``plans_whatif``) as a sentence."""
    k, after = int(row["k"]), number(float(row["index_after"]), 2, lang)
    if lang == "vi":
        return (
            f"Nếu khắc phục được {k} tiêu chí bị mất nhiều điểm nhất, chỉ số sẽ là {after} và "
            f"thứ hạng trong khối là {int(row['rank_after'])}."
        )
    return (
        f"Recovering these {k} criteria would have lifted the index to {after} and the rank "
        f"in its block to {int(row['rank_after'])}."
    )
