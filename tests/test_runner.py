"""End to end through papermill: every notebook runs, outputs are published, failures keep the last
good outputs, and the command line's exit codes mean what the README says."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from parlib.run import cli

from .conftest import visible

pytestmark = pytest.mark.slow
NOTEBOOK_STEMS = ["01_ingest", "02_validate", "03_index", "04_fairness", "05_report"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_run_succeeds_and_writes_the_tables(first_run):
    project, code, code_en = first_run
    assert (code, code_en) == (0, 0)
    out = project / "data" / "processed" / "vn-provinces" / "2012"
    unit = pd.read_csv(out / "unit_index.csv")
    for column in ("unit_id", "unit_name", "achieved_points", "max_points", "index_pct", "rank"):
        assert column in unit.columns
    long_an = unit.set_index("unit_id").loc["long-an"]
    assert long_an["index_pct"] == 79.96 and long_an["rank"] == 1
    assert (out / "area_index.csv").is_file()
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["outcome"] == "success"
    assert {i["path"] for i in manifest["inputs"]} >= {"data/raw/vn-provinces/scores/2012.csv"}
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])


def test_every_notebook_is_rendered_without_code(first_run):
    project, _, _ = first_run
    folder = project / "reports" / "vn-provinces" / "2012"
    for stem in NOTEBOOK_STEMS:
        html = visible((folder / f"{stem}.html").read_text(encoding="utf-8"))
        assert "from parlib" not in html and "Session(" not in html, stem
        assert not re.search(r'class="[^"]*jp-InputArea', html), stem
        assert "analyst-note" not in html and "This note is for analysts" not in html, stem
        assert "Nguồn gốc kết quả" in html, stem  # provenance footer, in Vietnamese
        assert "<Figure size" not in html and "PosixPath(" not in html, stem
        assert "Traceback" not in html and "Warning" not in html, stem
        assert "stderr" not in html, stem
    overview = (folder / "05_report.html").read_text(encoding="utf-8")
    assert "79,96" in overview  # Long An, decimal comma


def test_english_report_and_excel_input(first_run):
    project, _, _ = first_run
    html = (project / "reports" / "synthetic-province" / "2024" / "05_report.html").read_text(
        encoding="utf-8")
    assert "Ranking" in html and "SYNTHETIC DATA" in html
    assert "data:image/png;base64" in html  # figures are embedded


def test_data_docs_are_published_for_every_run(first_run):
    project, _, _ = first_run
    for ds, year in (("vn-provinces", 2012), ("synthetic-province", 2024)):
        index = project / "reports" / ds / str(year) / "data_docs" / "index.html"
        assert index.is_file()
        text = index.read_text(encoding="utf-8")
        assert "scores" in text and "reconciliation" in text  # input and result suites


def test_landing_page_links_every_report(first_run):
    project, _, _ = first_run
    landing = (project / "reports" / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]+)"', landing))
    expected = {f"{ds}/{year}/{stem}.html" for ds, year in (("vn-provinces", 2012),
                                                            ("synthetic-province", 2024))
                for stem in NOTEBOOK_STEMS}
    assert expected <= links
    for link in links:
        assert (project / "reports" / link).is_file(), link


def test_failed_validation_exits_1_and_keeps_the_last_good_outputs(first_run, monkeypatch):
    project, _, _ = first_run
    published = project / "data" / "processed" / "vn-provinces" / "2012" / "unit_index.csv"
    report = project / "reports" / "vn-provinces" / "2012" / "05_report.html"
    before = (digest(published), digest(report))
    scores = project / "data" / "raw" / "vn-provinces" / "scores" / "2012.csv"
    good = scores.read_text(encoding="utf-8")
    scores.write_text(good.replace("long-an,2,7,4.50,2.26", "long-an,2,7,45.0,2.26"),
                      encoding="utf-8")
    try:
        monkeypatch.setenv("PARLIB_ROOT", str(project))
        assert cli.main(["run", "--dataset", "vn-provinces"]) == 1
    finally:
        scores.write_text(good, encoding="utf-8")
    assert (digest(published), digest(report)) == before
    failed = project / "reports" / "_failed" / "vn-provinces" / "2012"
    failure = json.loads((failed / "failure.json").read_text())
    assert failure["outcome"] == "invalid" and "score_above_max" not in failure["message"]
    assert "above the criterion's maximum" in failure["message"]
    html = (failed / "validation.html").read_text(encoding="utf-8")
    assert "45" in html and "data/raw/vn-provinces/scores/2012.csv" in html
    assert "vượt điểm tối đa" in html  # the Vietnamese message
    assert not list((project / "data" / "processed").glob(".staging/*"))


@pytest.mark.parametrize("argv, code", [
    (["run", "-p", "no_such_parameter=1"], 2),
    (["run", "-p", "group_tolerance_points=abc"], 2),
    (["run", "-p", "year=2013"], 2),
    (["run", "--dataset", "no-such-dataset"], 2),
    (["run", "--dataset", "vn-provinces", "--year", "1999"], 2),
])
def test_usage_errors_exit_2(project, monkeypatch, argv, code, capsys):
    monkeypatch.setenv("PARLIB_ROOT", str(project))
    assert cli.main(argv) == code
    assert "usage error" in capsys.readouterr().err


def test_bad_language_is_rejected_by_the_parser():
    with pytest.raises(SystemExit) as err:
        cli.main(["run", "--lang", "fr"])
    assert err.value.code == 2
