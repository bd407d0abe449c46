"""The SYNTHETIC dataset ``synthetic-2025``, read with pandas against the issue #12 contract.

The generator (``scripts/make_synthetic_2025.py``) is deterministic and its output is committed:
regenerating gives the same bytes. Every planted case the dataset's README lists is checked here on
the raw files, independently of the workbook's readers, so these tests hold before and after the
readers learn blocks, components and rounds.
"""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "raw" / "synthetic-2025"
SCRIPT = ROOT / "scripts" / "make_synthetic_2025.py"
KPS = {"kps", "không phát sinh"}
VI = {  # the workbook's Vietnamese headers → the contract's columns (contract §3)
    "Mã đơn vị": "unit_id",
    "Mã tiêu chí": "criterion",
    "Điểm tự chấm": "self_score",
    "Điểm thẩm định lần 1": "round_1_score",
    "Giải trình": "explanation",
    "Điểm thẩm định lần 2": "round_2_score",
    "Điểm thẩm định": "appraised_score",
    "Điểm SIPAS": "sipas_score",
    "Điểm thưởng": "bonus_score",
    "Điểm trừ": "penalty_score",
}


def generator():
    spec = importlib.util.spec_from_file_location("make_synthetic_2025", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def toml() -> dict:
    return tomllib.loads((DATA / "dataset.toml").read_text(encoding="utf-8"))


def framework(fid: str) -> pd.DataFrame:
    fw = pd.read_csv(DATA / "frameworks" / f"{fid}.csv", dtype=str, keep_default_na=False)
    for col in ("max_points", "max_appraisal", "max_sipas", "max_bonus", "max_penalty"):
        fw[col] = pd.to_numeric(fw[col].replace("", None))
    fw["is_leaf"] = ~fw["code"].isin(fw["code"].str.rsplit(".", n=1).str[0])
    return fw


def scores(year: int) -> dict[str, pd.DataFrame]:
    """Each block's score rows of ``year`` as text, with the contract's column names."""
    if year == 2025:
        sheets = pd.read_excel(DATA / "scores" / "2025.xlsx", sheet_name=None, dtype=str)
        frames = {block: df.rename(columns=VI) for block, df in sheets.items()}
    else:
        frames = {
            block: pd.read_csv(DATA / "scores" / f"{year}-{block}.csv", dtype=str)
            for block in toml()["years"][str(year)]["blocks"]
        }
    return {block: df.fillna("") for block, df in frames.items()}


def number(series: pd.Series) -> pd.Series:
    text = series.str.replace(",", ".", regex=False)
    return pd.to_numeric(text.where(~text.str.casefold().isin(KPS) & (text != "")))


def test_regenerating_gives_the_same_bytes(tmp_path):
    generator().main(["--out", str(tmp_path)])
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    shipped = sorted(p.relative_to(DATA) for p in DATA.rglob("*") if p.is_file())
    assert written == shipped
    changed = [str(p) for p in written if (tmp_path / p).read_bytes() != (DATA / p).read_bytes()]
    assert changed == []


def test_labelled_synthetic_everywhere():
    doc = toml()
    assert doc["synthetic"] is True
    assert "SYNTHETIC" in doc["title_vi"] and "SYNTHETIC" in doc["title_en"]
    assert (
        (DATA / "dataset.toml")
        .read_text(encoding="utf-8")
        .startswith("# synthetic-2025: SYNTHETIC")
    )
    assert "SYNTHETIC" in (DATA / "README.md").read_text(encoding="utf-8").splitlines()[0]
    book = openpyxl.load_workbook(DATA / "scores" / "2025.xlsx")
    assert "SYNTHETIC" in book.properties.title
    assert all("SYNTHETIC" in ws["A1"].comment.text for ws in book.worksheets)
    for fid in doc["frameworks"]:
        assert "SYNTHETIC" in doc["frameworks"][fid]["decision"]


def test_three_blocks_on_two_frameworks_with_the_units_of_their_kinds():
    doc, units = toml(), pd.read_csv(DATA / "units.csv", dtype=str, keep_default_na=False)
    for year in ("2025", "2026"):
        blocks = doc["years"][year]["blocks"]
        assert {b: blocks[b]["framework"] for b in blocks} == {
            "departments": "dept-2025",
            "wards": "local-2025",
            "communes": "local-2025",
        }
        sizes = {b: int(units["kind"].isin(blocks[b]["kinds"]).sum()) for b in blocks}
        assert sizes == {"departments": 14, "wards": 12, "communes": 16}
    # the registry: validity from the reorganisation, every parent a registered unit
    assert set(units["valid_from"]) == {"2025-07-01"}
    assert set(units["parent"]) - {""} <= set(units["unit_id"])
    assert units["unit_id"].is_unique and (units["parent"] == "").sum() == 1


@pytest.mark.parametrize("fid", ["dept-2025", "local-2025"])
def test_framework_maxima_add_up(fid):
    fw, declared = framework(fid), toml()["frameworks"][fid]
    leaves = fw[fw["is_leaf"]]
    in_max = leaves["max_appraisal"] + leaves["max_sipas"]
    assert (leaves["max_points"] == in_max).all()  # contract §2: in-maximum parts only
    outside = leaves[(leaves["max_bonus"] + leaves["max_penalty"]) > 0]
    assert len(outside) >= 2 and (outside["max_points"] == 0).all()
    assert leaves["max_points"].sum() == declared["declared_total"]
    parts = declared["components"]
    assert list(parts) == ["appraisal", "sipas", "bonus", "penalty"]
    assert [parts[c]["kind"] for c in parts] == ["assessed", "measured", "bonus", "penalty"]
    assert parts["appraisal"]["max"] == leaves["max_appraisal"].sum()
    assert parts["sipas"]["max"] == leaves["max_sipas"].sum()
    for cid in ("bonus", "penalty"):  # a cap no higher than the sum of the part's leaves
        assert 0 < parts[cid]["cap"] <= leaves[f"max_{cid}"].sum()
    assert parts["penalty"]["cap"] < leaves["max_penalty"].sum()  # binds (a planted case)
    inner = fw[~fw["is_leaf"]].set_index("code")["max_points"]
    sums = leaves.groupby(leaves["code"].str.split(".").str[0])["max_points"].sum()
    assert inner.equals(sums.reindex(inner.index))


@pytest.mark.parametrize("year", [2025, 2026])
def test_one_row_per_unit_and_applicable_leaf(year):
    doc, units = toml(), pd.read_csv(DATA / "units.csv", dtype=str, keep_default_na=False)
    for block, df in scores(year).items():
        spec = doc["years"][str(year)]["blocks"][block]
        fw = framework(spec["framework"])
        leaves = fw[fw["is_leaf"]]
        members = units[units["kind"].isin(spec["kinds"])]
        expected = {
            (u.unit_id, leaf.code)
            for u in members.itertuples()
            for leaf in leaves.itertuples()
            if not leaf.applies_to
            or u.unit_id in leaf.applies_to.split(";")
            or u.kind in leaf.applies_to.split(";")
        }
        assert set(zip(df["unit_id"], df["criterion"])) == expected and len(df) == len(expected)
    specific = framework("dept-2025").query("applies_to != ''")
    assert set(specific["code"]) == {"9.1", "9.2"}
    assert set(";".join(specific["applies_to"]).split(";")) == {
        "so-nong-nghiep-moi-truong",
        "so-xay-dung",
        "so-y-te",
        "so-giao-duc-dao-tao",
    }


@pytest.mark.parametrize("year", [2025, 2026])
def test_rounds_explanations_and_kps(year):
    rows = pd.concat(scores(year).values(), ignore_index=True)
    r1, r2 = number(rows["round_1_score"]), number(rows["round_2_score"])
    explained = rows["explanation"] != ""
    # round 2 exactly where the unit explained; where it differs, so does the final score
    assert ((rows["round_2_score"] != "") == explained).all()
    assert explained.sum() >= 20
    changed = explained & (r2 != r1)
    assert changed.sum() >= 10 and (explained & (r2 == r1)).sum() >= 3
    final = r2.fillna(r1)
    if "appraised_score" in rows:  # 2025 gives the final score beside the rounds: equal
        appraised = number(rows["appraised_score"])
        assert ((appraised == final) | (appraised.isna() & final.isna())).all()
    else:
        assert year == 2026
    kps = rows["round_1_score"].str.casefold().isin(KPS)
    assert kps.sum() >= 20 and (rows.loc[kps, "self_score"].str.casefold().isin(KPS)).all()
    self_, both = number(rows["self_score"]), number(rows["self_score"]).notna() & r1.notna()
    assert (self_ >= r1)[both].mean() > 0.95  # points are deducted on appraisal, rarely the reverse
    appraisal = rows[rows["self_score"] != ""]
    assert ((number(appraisal["round_1_score"]).dropna() * 4) % 1 == 0).all()  # multiples of 0.25


def test_planted_cases():
    s25 = pd.concat(scores(2025).values(), ignore_index=True)
    s26 = pd.concat(scores(2026).values(), ignore_index=True)

    def total(rows, unit, column):
        return number(rows.loc[rows["unit_id"] == unit, column]).sum()

    caps = {fid: toml()["frameworks"][fid]["components"] for fid in ("dept-2025", "local-2025")}
    assert total(s25, "so-noi-vu", "bonus_score") == 5 > caps["dept-2025"]["bonus"]["cap"]
    assert (
        total(s25, "phuong-tan-dinh", "penalty_score") == 5 > caps["local-2025"]["penalty"]["cap"]
    )
    # xa-tra-co 2026: every point of its (full) maximum, plus a bonus: above the index cap
    tra = s26[s26["unit_id"] == "xa-tra-co"]
    fw = framework("local-2025").set_index("code")
    final = number(tra["round_2_score"]).fillna(number(tra["round_1_score"]))
    got = final.fillna(0) + number(tra["sipas_score"]).fillna(0)
    assert got.sum() == fw.loc[tra["criterion"], "max_points"].sum() == 100
    assert (
        total(s26, "xa-tra-co", "bonus_score") == 3
        and total(s26, "xa-tra-co", "penalty_score") == 0
    )
    # a zone not yet surveyed in 2025; the one round 2 that lowered the score
    zone = s25[(s25["unit_id"] == "dac-khu-con-cat") & (s25["sipas_score"] != "")]
    assert len(zone) == 3 and zone["sipas_score"].str.casefold().isin(KPS).all()
    row = s25[(s25["unit_id"] == "so-cong-thuong") & (s25["criterion"] == "3.2")].iloc[0]
    assert float(row["round_2_score"]) < float(row["round_1_score"]) and row["explanation"]


def test_bands_per_block_with_a_fallback():
    bands = pd.read_csv(DATA / "bands.csv", dtype=str, keep_default_na=False)
    assert list(bands.columns) == ["year", "block", "band", "lower_pct", "upper_pct"]
    for _year, rows in bands.groupby("year"):
        assert set(rows["block"]) == {"departments", "wards", ""}
        assert (rows.groupby("block").size() == 4).all()
