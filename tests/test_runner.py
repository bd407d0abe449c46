"""End to end through papermill: every notebook runs, outputs are published with their run.log, and
the command line's exit codes mean what the README says. (A refused run keeping the last good
outputs: ``test_malformed.py``; reruns, the lock, a killed run: ``test_reliability.py``.)"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from parlib.run import cli

from .conftest import FirstRun, visible

pytestmark = pytest.mark.slow
NOTEBOOK_STEMS = ["01_ingest", "02_validate", "03_index", "04_fairness", "05_report"]


def test_run_succeeds_and_writes_the_tables(first_run: FirstRun):
    project, code, code_en, _ = first_run
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


def test_every_notebook_is_rendered_without_code(first_run: FirstRun):
    project = first_run.project
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


def test_english_report_and_excel_input(first_run: FirstRun):
    project = first_run.project
    html = (project / "reports" / "synthetic-province" / "2024" / "05_report.html").read_text(
        encoding="utf-8"
    )
    assert "Ranking" in html and "SYNTHETIC DATA" in html
    assert "data:image/png;base64" in html  # figures are embedded


def test_data_docs_are_published_for_every_run(first_run: FirstRun):
    project = first_run.project
    for ds, year in (("vn-provinces", 2012), ("synthetic-province", 2024)):
        index = project / "reports" / ds / str(year) / "data_docs" / "index.html"
        assert index.is_file()
        text = index.read_text(encoding="utf-8")
        assert "scores" in text and "reconciliation" in text  # input and result suites


def test_landing_page_links_every_report(first_run: FirstRun):
    project = first_run.project
    landing = (project / "reports" / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]+)"', landing))
    expected = {
        f"{ds}/{year}/{stem}.html"
        for ds, year in (("vn-provinces", 2012), ("synthetic-province", 2024))
        for stem in NOTEBOOK_STEMS
    }
    assert expected <= links
    for link in links:
        assert (project / "reports" / link).is_file(), link


def test_jobs_run_datasets_side_by_side_each_process_logging_its_years(first_run: FirstRun):
    """``--jobs 2``: the two datasets ran in two worker processes; each year's run.log holds that
    year's lines (the runner's, the unit-profile threads'), in the console's format, and nothing of
    the other process's year."""
    project, code, _, printed = first_run
    assert code == 0
    lines = printed.splitlines()
    assert any(line.startswith("vn-provinces 2012: success") for line in lines)
    assert any(line.startswith("tiny 2024: success") for line in lines)
    for ds, year, other, units in (
        ("vn-provinces", 2012, "tiny", 1),
        ("tiny", 2024, "vn-provinces", 3),
        ("synthetic-province", 2024, "vn-provinces", 31),
    ):
        folder = project / "reports" / ds / str(year)
        manifest = json.loads((folder / "run.json").read_text())
        assert manifest["outcome"] == "success" and len(manifest["fingerprint"]) == 64
        assert [n["notebook"] for n in manifest["notebooks"]][0] == "01_ingest"
        log = (folder / "run.log").read_text(encoding="utf-8").splitlines()
        assert re.fullmatch(rf"\d\d:\d\d:\d\d {ds} {year}: running", log[0]), log[:1]
        assert re.fullmatch(rf"\d\d:\d\d:\d\d {ds} {year}: success in [\d.]+s", log[-1]), log[-1:]
        for stem in NOTEBOOK_STEMS:
            assert any(re.search(rf" {ds} {year} {stem} +success ", line) for line in log), stem
        assert any("06_unit_profile success" in line and f"({units} units)" in line for line in log)
        assert not any(other in line for line in log)
        # warnings are logged, not muted: none of them a deprecation or future change of our code
        assert not any("DeprecationWarning" in line or "FutureWarning" in line for line in log)


@pytest.mark.parametrize(
    "argv, code",
    [
        (["run", "-p", "no_such_parameter=1"], 2),
        (["run", "-p", "group_tolerance_points=abc"], 2),
        (["run", "-p", "year=2013"], 2),
        (["run", "--dataset", "no-such-dataset"], 2),
        (["run", "--dataset", "vn-provinces", "--year", "1999"], 2),
    ],
)
def test_usage_errors_exit_2(project, monkeypatch, argv, code, capsys):
    monkeypatch.setenv("PARLIB_ROOT", str(project))
    assert cli.main(argv) == code
    assert "usage error" in capsys.readouterr().err


def test_bad_language_is_rejected_by_the_parser():
    with pytest.raises(SystemExit) as err:
        cli.main(["run", "--lang", "fr"])
    assert err.value.code == 2


def test_no_page_shows_a_unit_id_where_the_unit_has_a_name(first_run: FirstRun):
    """Every published page (landing, reports, profiles) names units by their name. Out of the
    check: link targets (``units/so-noi-vu.html`` is a file name, not text) and the provenance
    footer, whose parameters (``unit_id=…``) are the exact values to rerun the page with."""
    project = first_run.project
    names = {}
    for registry in (project / "data" / "processed").glob("*/*/tidy/units.csv"):
        units = pd.read_csv(registry, dtype=str, keep_default_na=False)
        # ids of a few letters ("a", the tiny dataset's) are words of the page's own text
        names.update(
            {u: n for u, n in zip(units["unit_id"], units["unit_name"]) if u != n and len(u) > 3}
        )
    assert "so-noi-vu" in names and "long-an" in names
    pages = [
        p
        for p in (project / "reports").rglob("*.html")
        if "data_docs" not in p.parts and ".staging" not in p.parts
    ]
    assert len(pages) > 40
    for page in pages:
        html = visible(page.read_text(encoding="utf-8")).split('class="par-footer"')[0]
        text = re.sub(r"<[^>]+>", " ", html)
        shown = [u for u in names if re.search(rf"(?<![\w/.-]){re.escape(u)}(?![\w-])", text)]
        assert not shown, f"{page.relative_to(project)} shows unit ids {shown[:5]}"
