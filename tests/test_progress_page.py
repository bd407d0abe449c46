"""The in-year progress page (issue #15, item 3): its declaration in ``dataset.toml``
(``[tracking.<year>]``, strict), the page the shared run publishes for the SYNTHETIC 2025 quarters,
its links from the baseline year's pages, and its rebuild when a quarter's file changes.

The page's figures are checked against sums taken straight from the raw files and the published
2024 ``unit_index``, not against ``parlib.history.progress``.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from parlib.config.dataset import load_dataset
from parlib.core.errors import DataError
from parlib.run.fanout import run_dataset

from .conftest import ROOT, visible

DATA = ROOT / "data" / "raw" / "synthetic-province"


def declared(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the SYNTHETIC dataset with one line of its ``[tracking.2025]`` changed."""
    folder = tmp_path / "raw" / "ds"
    shutil.copytree(DATA, folder)
    toml = folder / "dataset.toml"
    text = toml.read_text(encoding="utf-8")
    assert old in text
    toml.write_text(text.replace(old, new), encoding="utf-8")
    return folder.parent


def test_the_shipped_dataset_tracks_2025_by_quarter_against_2024():
    cfg = load_dataset("synthetic-province", ROOT / "data" / "raw")
    tr = cfg.tracking[2025]
    assert tr.baseline == 2024 and [p for p, _ in tr.periods] == ["Q1", "Q2", "Q3", "Q4"]
    assert all(f.is_file() and f.is_relative_to(DATA) for f in cfg.tracking_files())
    assert cfg.latest_tracking([2022, 2023]) is None and cfg.latest_tracking([2024]) is tr


@pytest.mark.parametrize(
    "old, new, check, key",
    [
        ("baseline = 2024", "baseline = 2025", "config_bad_baseline", "tracking.2025.baseline"),
        ("baseline = 2024", "baseline = 2019", "config_bad_baseline", "tracking.2025.baseline"),
        ("baseline = 2024", 'baseline = "2024"', "config_wrong_type", "tracking.2025.baseline"),
        ('Q4 = "', 'Q5 = "', "config_bad_id", "tracking.2025.periods.Q5"),
        ('Q4 = "', 'M12 = "', "config_mixed_periods", "tracking.2025.periods"),
        ("baseline = 2024", "baseline = 2024\nbaselin = 2023", "config_unknown_key", None),
        (
            'Q4 = "interim/2025-Q4.csv"',
            'Q4 = "../../../etc/passwd"',
            "config_path_outside",
            "tracking.2025.periods.Q4",
        ),
        ('Q4 = "interim/2025-Q4.csv"', 'Q4 = "interim/2025-Q9.csv"', "config_missing_file", None),
        ("[tracking.2025]", "[tracking.2O25]", "config_bad_year", None),
    ],
)
def test_a_bad_tracking_declaration_is_refused_with_its_key(tmp_path, old, new, check, key):
    raw = declared(tmp_path, old, new)
    with pytest.raises(DataError) as caught:
        load_dataset("ds", raw)
    found = [p for p in caught.value.problems if p.check == check]
    assert found, [(p.check, p.key) for p in caught.value.problems]
    assert key is None or found[0].key == key
    assert found[0].expected and found[0].expected_vi


def _page(first_run, lang: str = "vi") -> str:
    name = "progress.html" if lang == "vi" else "progress.en.html"
    return (first_run.project / "reports" / "synthetic-province" / name).read_text("utf-8")


def test_the_page_states_the_medians_computed_from_the_raw_files(first_run):
    assert first_run.code == 0
    q4 = pd.read_csv(DATA / "interim" / "2025-Q4.csv", dtype=str, keep_default_na=False)
    q4["points"] = pd.to_numeric(q4["self_score"].str.replace(",", "."), errors="coerce")
    secured = q4.groupby("unit_id")["points"].sum().median()
    units = pd.read_csv(first_run.project / "data/processed/synthetic-province/2024/unit_index.csv")
    final = units["appraised_points"].median()  # the appraised part is what is tracked
    tracked_max = units["max_appraisal"].median()
    assert (secured, final, tracked_max) == (59.5, 59.25, 70.25)  # the shipped SYNTHETIC data
    vi = html.unescape(visible(_page(first_run)))
    assert "Đến Quý 4/2025, đơn vị ở vị trí trung vị đã đạt 59,50 trên 70,25 điểm" in vi
    assert "so với 59,25 điểm của năm 2024" in vi
    en = html.unescape(visible(_page(first_run, "en")))
    assert "By Q4 2025 the median unit has secured 59.50 of 70.25 tracked points" in en
    # every unit has a row, linked to its 2024 profile, which exists
    for unit in q4["unit_id"].unique():
        href = f"2024/units/{unit}.html"
        assert f'href="{href}"' in vi, unit
        assert (first_run.project / "reports/synthetic-province" / href).is_file()


def test_the_page_cites_the_quarters_files_and_hides_code(first_run):
    page = _page(first_run)
    for q in ("Q1", "Q2", "Q3", "Q4"):
        assert f"data/raw/synthetic-province/interim/2025-{q}.csv" in page
    assert not re.search(r"/(work|tmp|home|root)/", page)
    assert "def " not in visible(page) and "In [" not in page
    assert '<html lang="vi"' in page and "TỔNG HỢP (SYNTHETIC)" in page


def test_the_baseline_years_pages_and_the_trends_page_link_it(first_run):
    reports = first_run.project / "reports" / "synthetic-province"
    for page, href in (
        ("2024/05_report.html", "../progress.html"),
        ("2024/units/so-noi-vu.html", "../../progress.html"),
        ("trends.html", "progress.html"),
        ("2024/05_report.en.html", "../progress.en.html"),
    ):
        assert f'href="{href}"' in (reports / page).read_text("utf-8"), page
    landing = (first_run.project / "reports" / "index.html").read_text("utf-8")
    assert 'href="synthetic-province/progress.html"' in landing
    # a dataset that tracks no year has no progress page and no link to one
    real = first_run.project / "reports" / "vn-provinces"
    assert not (real / "progress.html").exists()
    assert "progress.html" not in (real / "2012" / "05_report.html").read_text("utf-8")


def test_a_new_quarter_rebuilds_the_page_and_an_undeclared_one_removes_it(first_run, tmp_path):
    """Only the progress page is rebuilt when a snapshot changes (no year changed); nothing runs
    when nothing changed; without ``[tracking]`` the page goes."""
    src = first_run.project
    root = tmp_path / "project"
    for name in ("notebooks", "expectations", "data/raw/synthetic-province"):
        shutil.copytree(src / name, root / name)
    shutil.copy(src / "pyproject.toml", root / "pyproject.toml")
    for base in ("data/processed", "reports"):
        shutil.copytree(src / base / "synthetic-province", root / base / "synthetic-province")
    page = root / "reports" / "synthetic-province" / "progress.html"
    before = page.read_text("utf-8")
    assert run_dataset("synthetic-province", root=root) is None  # up to date
    q4 = root / "data/raw/synthetic-province/interim/2025-Q4.csv"
    rows = q4.read_text("utf-8").splitlines()
    rows[1:] = [r for r in rows[1:] if not r.startswith("so-noi-vu,")]  # one unit not yet in
    q4.write_text("\n".join(rows) + "\n", encoding="utf-8")
    outcome = run_dataset("synthetic-province", root=root)
    assert outcome is not None and outcome.status == "success", outcome
    assert [n["notebook"] for n in outcome.notebooks] == ["09_progress"]
    assert page.read_text("utf-8") != before
    assert run_dataset("synthetic-province", root=root) is None
    toml = root / "data/raw/synthetic-province/dataset.toml"
    text = toml.read_text("utf-8")
    toml.write_text(text[: text.index("# 2025 followed")], encoding="utf-8")
    run_dataset("synthetic-province", root=root)
    assert not page.exists() and not page.with_suffix(".en.html").exists()
