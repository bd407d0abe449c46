"""Improvement plans with owners (issue #15, item 2): points lost ranked with the owner of the
deepest code, the what-if index and rank (hand-computed), the owners table's located errors, and
the action list's round trip: written, filled with openpyxl, read back and followed up next year."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pandas as pd
import pytest
from openpyxl import load_workbook

from parlib.core.errors import DataError
from parlib.fairness.plans import follow_up, owner_of, plans, read_owners, summary
from parlib.publish import profile_plan
from parlib.publish.action_list import action_list_bytes, read_action_list, write_plans

HOSTILE = '=HYPERLINK("x")'
CODES = ["1", "1.1", "1.2", "2", "2.1"]


def _criteria(u1_11: float = 1.0, u1_12: float = 1.5) -> pd.DataFrame:
    rows = [  # unit, code, applicable max, achieved, name
        ("u1", "1", 5.0, u1_11 + u1_12, "Lĩnh vực 1"),
        ("u1", "1.1", 2.0, u1_11, HOSTILE),
        ("u1", "1.2", 3.0, u1_12, "Tiêu chí 1.2"),
        ("u1", "2", 5.0, 5.0, "Lĩnh vực 2"),
        ("u1", "2.1", 5.0, 5.0, "Tiêu chí 2.1"),
        ("u2", "1", 5.0, 5.0, "Lĩnh vực 1"),
        ("u2", "1.1", 2.0, 2.0, "Tiêu chí 1.1"),
        ("u2", "1.2", 0.0, 0.0, "Tiêu chí 1.2"),  # does not arise: loses nothing
    ]
    frame = pd.DataFrame(
        rows, columns=["unit_id", "code", "max_points", "achieved_points", "name_vi"]
    )
    frame["name_en"] = frame["name_vi"]
    return frame


def _units() -> pd.DataFrame:
    rows = [  # u1 75 %, u2 80 %, u3 95 % in block b; u4 99 % in block c
        ("u1", "Đơn vị 1", "b", 7.5, 10.0, 75.0, 3),
        ("u2", "Đơn vị 2", "b", 8.0, 10.0, 80.0, 2),
        ("u3", "Đơn vị 3", "b", 9.5, 10.0, 95.0, 1),
        ("u4", "Đơn vị 4", "c", 99.0, 100.0, 99.0, 1),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "unit_id",
            "unit_name",
            "block",
            "achieved_points",
            "max_points",
            "index_pct_exact",
            "rank",
        ],
    )


OWNERS = {"1": ("Văn phòng", "Office"), "1.2": ("Phòng Tổ chức cán bộ", "Personnel")}


def test_owner_is_the_deepest_prefix():
    assert owner_of("1.1", OWNERS)[0] == "Văn phòng"
    assert owner_of("1.2", OWNERS)[0] == "Phòng Tổ chức cán bộ"
    assert owner_of("1.2.3", OWNERS)[0] == "Phòng Tổ chức cán bộ"
    assert owner_of("2.1", OWNERS) == ("", "")
    assert owner_of("11", OWNERS) == ("", "")  # "11" is not below "1"


def test_ranking_and_what_if_hand_computed():
    result = plans(_criteria(), _units(), OWNERS, year=2024, k=1)
    rows = result.of("u1")
    assert list(rows["code"]) == ["1.2", "1.1"]  # 1.5 lost before 1.0; areas are not leaves
    assert list(rows["points_lost"]) == [1.5, 1.0]
    assert list(rows["owner"]) == ["Phòng Tổ chức cán bộ", "Văn phòng"]
    assert result.of("u2").empty  # nothing lost, and 1.2 does not arise
    w = result.whatif.set_index("unit_id")
    # k = 1: (7.5 + 1.5) / 10 = 90 %; only u3 (95) is above in block b (u4's 99 is block c)
    assert w.loc["u1", "index_after"] == pytest.approx(90.0)
    assert w.loc["u1", "rank_after"] == 2
    five = plans(_criteria(), _units(), OWNERS, year=2024).whatif.set_index("unit_id")
    # k = 5: (7.5 + 2.5) / 10 = 100 % → first
    assert five.loc["u1", "index_after"] == pytest.approx(100.0)
    assert five.loc["u1", "rank_after"] == 1
    assert five.loc["u2", "rank_after"] == 2  # unchanged: 80 %, u3 above


def test_owners_table_errors_are_located(tmp_path):
    path = tmp_path / "owners.csv"
    path.write_text("code,owner\n9.9,Văn phòng\n1,\n2,Văn phòng\n2,Phòng khác\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_owners(path, CODES)
    found = {(p.check, p.row, p.criterion) for p in caught.value.problems}
    assert ("owners_unknown_code", 2, "9.9") in found
    assert ("owners_empty_owner", 3, "1") in found
    assert ("owners_duplicate_code", 5, "2") in found
    assert all(p.file.endswith("owners.csv") and p.expected for p in caught.value.problems)
    assert next(p for p in caught.value.problems if p.row == 2).value == "9.9"


def _write(tmp_path, owners=OWNERS):
    result = plans(_criteria(), _units(), owners, year=2024)
    path = tmp_path / "ke-hoach-khac-phuc.xlsx"
    path.write_bytes(action_list_bytes(result, _units(), {"dataset": "t", "year": 2024}))
    return path


def _columns(ws) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[1]}


def _fill(path, statuses: dict[str, str], deadline=None):
    book = load_workbook(path)
    ws = book["Kế hoạch khắc phục"]
    col = _columns(ws)
    for row in range(2, ws.max_row + 1):
        code = ws.cell(row, col["code"]).value
        ws.cell(row, col["Biện pháp"], f"Khắc phục tiêu chí {code}")
        ws.cell(row, col["Trạng thái"], statuses[code])
        ws.cell(row, col["Thời hạn"], deadline or datetime(2025, 6, 30))
    book.save(path)


def test_action_list_round_trip_and_follow_up(tmp_path):
    path = _write(tmp_path)
    book = load_workbook(path)
    ws = book["Kế hoạch khắc phục"]
    col = _columns(ws)
    for header in (
        "Mã tiêu chí",
        "Tên tiêu chí",
        "Điểm bị mất",
        "Đơn vị chủ trì",
        "Biện pháp",
        "Thời hạn",
        "Trạng thái",
    ):
        assert header in col
    assert ws.column_dimensions[ws.cell(1, col["unit_id"]).column_letter].hidden
    assert ws.data_validations.dataValidation  # the status drop-down
    assert "Nguồn gốc" in book.sheetnames
    _fill(path, {"1.2": "Đã hoàn thành", "1.1": "Đang thực hiện"})
    actions = read_action_list(path)
    assert set(actions["code"]) == {"1.1", "1.2"}
    assert set(actions["year"]) == {2024}
    assert actions["deadline"].iloc[0].isoformat() == "2025-06-30"
    # next year: 1.2 fully recovered (3 of 3), 1.1 worse (0.5 of 2: lost 1.5)
    followed = follow_up(actions, _criteria(u1_11=0.5, u1_12=3.0)).set_index("code")
    assert followed.loc["1.2", "recovered"] == pytest.approx(1.5)
    assert followed.loc["1.1", "recovered"] == pytest.approx(-0.5)
    assert bool(followed.loc["1.2", "done"]) and not bool(followed.loc["1.1", "done"])
    text = summary(followed.reset_index())
    assert "Trong 2 biện pháp, 1 đã hoàn thành" in text and "1,50 điểm trong số 1,50" in text


def test_hostile_names_stay_text(tmp_path):
    path = _write(tmp_path, owners={"1": (HOSTILE, HOSTILE)})
    ws = load_workbook(path)["Kế hoạch khắc phục"]
    col = _columns(ws)
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["code"]).value == "1.1")
    for header in ("Tên tiêu chí", "Đơn vị chủ trì"):
        cell = ws.cell(row, col[header])
        assert cell.value == HOSTILE and cell.data_type == "s"


def test_wrong_status_and_deadline_refused_with_location(tmp_path):
    path = _write(tmp_path)
    _fill(path, {"1.2": "Xong", "1.1": "Đã hoàn thành"}, deadline="ngày mai")
    with pytest.raises(DataError) as caught:
        read_action_list(path)
    bad = [p for p in caught.value.problems if p.check == "action_list_bad_status"]
    assert len(bad) == 1
    p = bad[0]
    assert p.file.endswith("ke-hoach-khac-phuc.xlsx") and p.sheet == "Kế hoạch khắc phục"
    assert p.row == 2 and p.value == "Xong" and "Đã hoàn thành" in p.expected
    late = [p for p in caught.value.problems if p.check == "action_list_bad_deadline"]
    assert {p.row for p in late} == {2, 3} and late[0].value == "ngày mai"


def test_missing_hidden_key_refused(tmp_path):
    path = _write(tmp_path)
    _fill(path, {"1.2": "Đã hoàn thành", "1.1": "Đã hoàn thành"})
    book = load_workbook(path)
    ws = book["Kế hoạch khắc phục"]
    ws.cell(3, _columns(ws)["unit_id"]).value = None
    book.save(path)
    with pytest.raises(DataError) as caught:
        read_action_list(path)
    assert [(p.check, p.row) for p in caught.value.problems] == [("action_list_missing_key", 3)]


def test_next_years_run_follows_up_last_years_filled_list(tmp_path):
    """``write_plans``: the dataset's owners.csv is read, the list written beside the annex, and
    last year's filled list (``actions/<year - 1>.xlsx``) followed up into plans_followup.csv."""
    dataset, processed, reports = tmp_path / "ds", tmp_path / "p", tmp_path / "r"
    for folder in (dataset / "actions", processed, reports):
        folder.mkdir(parents=True)
    (dataset / "owners.csv").write_text("code,owner\n1,Văn phòng\n", encoding="utf-8")
    last = _write(tmp_path)
    _fill(last, {"1.2": "Đã hoàn thành", "1.1": "Chưa thực hiện"})
    last.rename(dataset / "actions" / "2024.xlsx")
    _criteria(u1_11=2.0, u1_12=2.0).assign(year=2025).to_csv(
        processed / "criterion_index.csv", index=False
    )
    _units().to_csv(processed / "unit_index.csv", index=False)
    cfg = SimpleNamespace(folder=dataset, synthetic=True)
    written = write_plans(processed, reports, cfg, 2025, {})
    assert (reports / "ke-hoach-khac-phuc.xlsx") in written
    notes = [
        r
        for r in load_workbook(reports / "ke-hoach-khac-phuc.xlsx")["Nguồn gốc"].iter_rows(
            values_only=True
        )
    ]
    assert any("SYNTHETIC" in str(r[1]) for r in notes)  # a synthetic list says so
    lost = pd.read_csv(processed / "plans.csv", dtype={"code": str})
    assert list(lost["code"]) == ["1.2"] and list(lost["owner"]) == ["Văn phòng"]
    followed = pd.read_csv(processed / "plans_followup.csv", dtype={"code": str}).set_index("code")
    # 1.2: lost 1.5 in 2024, 1.0 in 2025 → 0.5 recovered; 1.1: lost 1.0, now 0 → 1.0 recovered
    assert followed.loc["1.2", "recovered"] == pytest.approx(0.5)
    assert followed.loc["1.1", "recovered"] == pytest.approx(1.0)
    assert list(followed.loc[["1.2", "1.1"], "done"]) == [True, False]


def test_the_profile_section_names_owners_and_the_what_if_escaped(tmp_path):
    """The profile's "Kế hoạch khắc phục": the top criteria with owner and points, the what-if
    sentence with decimal commas, a hostile name escaped, and a link to the action list."""
    plans(_criteria(), _units(), {"1": (HOSTILE, HOSTILE)}, year=2024).save(tmp_path)
    ctx = SimpleNamespace(lang="vi", out=tmp_path, rows={"u1": {"rank": 3}})
    html = profile_plan.plan(ctx, "u1")
    assert "Kế hoạch khắc phục" in html and "1,50" in html
    assert "chỉ số sẽ là 100,00 (hiện nay 75,00)" in html and "thứ hạng trong khối là 1" in html
    assert HOSTILE not in html and "=HYPERLINK(&quot;x&quot;)" in html
    assert 'href="../ke-hoach-khac-phuc.xlsx"' in html
    assert "không bị mất điểm" in profile_plan.plan(ctx, "u2")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"code,owner\n1.1,Ph\xf2ng T\xf4 ch\xfac\n", "not UTF-8"),  # a legacy Vietnamese encoding
        (b'code,owner\n1.1,"unclosed\n', "cannot be read as a table"),  # a quote never closed
    ],
)
def test_an_owners_file_that_is_not_a_utf8_csv_is_refused_by_name(tmp_path, content, says):
    """The owners table (and every small declared CSV read by ``read_text_table``: lineage,
    corrections, national results) refuses a file it cannot read with a located problem,
    never a bare UnicodeDecodeError or pandas ParserError."""
    path = tmp_path / "owners.csv"
    path.write_bytes(content)
    with pytest.raises(DataError) as caught:
        read_owners(path, ["1", "1.1"])
    (problem,) = caught.value.problems
    assert problem.check == "unreadable_input" and "owners.csv" in problem.file
    assert says in str(caught.value)
