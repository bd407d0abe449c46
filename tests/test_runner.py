"""End to end through papermill: every notebook runs, outputs are published with their run.log, and
the command line's exit codes mean what the README says. (A refused run keeping the last good
outputs: ``test_malformed.py``; reruns, the lock, a killed run: ``test_reliability.py``.)"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

import pandas as pd
import pytest

from parlib.publish.export import sheet_title
from parlib.run import cli

from .conftest import FirstRun, visible

pytestmark = pytest.mark.slow
NOTEBOOK_STEMS = ["01_ingest", "02_validate", "03_index", "04_fairness", "08_criteria", "05_report"]


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


def test_both_languages_side_by_side_from_excel_input(first_run: FirstRun):
    """One run, both languages: every page, the workbook and the trends page in Vietnamese under
    the plain name and in English beside it (``.en``), each executed notebook kept per language."""
    project = first_run.project
    folder = project / "reports" / "synthetic-province" / "2024"
    vi = (folder / "05_report.html").read_text(encoding="utf-8")
    en = (folder / "05_report.en.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in vi and "Bảng xếp hạng" in vi and "TỔNG HỢP" in vi
    assert '<html lang="en">' in en and "Ranking" in en and "SYNTHETIC DATA" in en
    assert "data:image/png;base64" in en  # figures are embedded
    for stem in NOTEBOOK_STEMS:
        for name in (f"{stem}.html", f"{stem}.en.html"):
            assert (folder / name).is_file(), name
        for name in (f"{stem}.ipynb", f"{stem}.en.ipynb"):
            assert (folder / "notebooks" / name).is_file(), name
    assert (folder / "results.xlsx").is_file() and (folder / "results.en.xlsx").is_file()
    vi_sheets = pd.read_excel(folder / "results.xlsx", sheet_name=None)
    en_sheets = pd.read_excel(folder / "results.en.xlsx", sheet_name=None)
    # the same tables, each workbook's sheet names in its own language
    assert len(vi_sheets) == len(en_sheets)
    assert "Chỉ số đơn vị" in vi_sheets and "Chỉ số đơn vị" not in en_sheets
    assert len(vi_sheets["Chỉ số đơn vị"]) == len(en_sheets[sheet_title("unit_index", "en")]) == 31
    for ds in ("synthetic-province", "vn-provinces"):
        assert (project / "reports" / ds / "trends.html").is_file()
        assert (project / "reports" / ds / "trends.en.html").is_file()
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert manifest["languages"] == ["vi", "en"]
    record = next(n for n in manifest["notebooks"] if n["notebook"] == "04_fairness")
    assert set(record["languages"]) == {"vi", "en"}
    # the notebooks that save tables ran in both languages side by side, only the Vietnamese run
    # saving: the published tables name the criteria in Vietnamese, as the framework does
    for stem in ("04_fairness", "08_criteria"):
        for name, saved in ((f"{stem}.ipynb", None), (f"{stem}.en.ipynb", False)):
            nb = json.loads((folder / "notebooks" / name).read_text(encoding="utf-8"))
            assert nb["metadata"]["papermill"]["parameters"].get("save_tables") is saved, name
    processed = project / "data" / "processed" / "synthetic-province" / "2024"
    named = pd.read_csv(processed / "deductions_by_criterion.csv", dtype=str)
    framework = pd.read_csv(processed / "criterion_index.csv", dtype=str)
    vietnamese = dict(zip(framework["code"], framework["name_vi"]))
    assert len(named) and all(vietnamese[c] == n for c, n in zip(named["criterion"], named["name"]))


def test_data_docs_are_published_for_every_run(first_run: FirstRun):
    project = first_run.project
    for ds, year in (("vn-provinces", 2012), ("synthetic-province", 2024)):
        index = project / "reports" / ds / str(year) / "data_docs" / "index.html"
        assert index.is_file()
        text = index.read_text(encoding="utf-8")
        assert "scores" in text and "reconciliation" in text  # input and result suites


@pytest.mark.parametrize("landing, suffix", [("index.html", ""), ("index.en.html", ".en")])
def test_landing_page_links_every_report_in_its_language(first_run: FirstRun, landing, suffix):
    project = first_run.project
    html = (project / "reports" / landing).read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"#]+)(?:#[^"]*)?"', html))
    expected = {
        f"{ds}/{year}/{stem}{suffix}.html"
        for ds, year in (("vn-provinces", 2012), ("synthetic-province", 2024))
        for stem in NOTEBOOK_STEMS
    }
    expected |= {f"{ds}/trends{suffix}.html" for ds in ("vn-provinces", "synthetic-province")}
    expected |= {f"synthetic-province/2024/results{suffix}.xlsx"}
    assert expected <= links
    for link in links:
        assert (project / "reports" / link).is_file(), link
    pages = {x for x in links if x.endswith(".html") and "data_docs" not in x}
    counterpart = "index.html" if suffix else "index.en.html"
    for link in pages - {counterpart}:  # every other page linked is in the landing's language
        assert link.endswith(".en.html") == bool(suffix), link


def test_jobs_run_datasets_side_by_side_each_process_logging_its_years(first_run: FirstRun):
    """``--jobs 2``: the datasets ran in two processes; each year's run.log holds that year's lines
    (the runner's, the unit-profile threads'), in the console's format, both languages of every
    notebook, and nothing of another year."""
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
        # the profiles: one record, both languages run side by side (the step took less than
        # the two one after the other would have)
        (profiles,) = [n for n in manifest["notebooks"] if n["notebook"] == "06_unit_profiles"]
        assert profiles["units"] == units and set(profiles["languages"]) == {"vi", "en"}
        assert profiles["seconds"] < sum(profiles["languages"].values()), profiles
        log = (folder / "run.log").read_text(encoding="utf-8").splitlines()
        assert re.fullmatch(rf"\d\d:\d\d:\d\d {ds} {year}: running", log[0]), log[:1]
        assert re.fullmatch(rf"\d\d:\d\d:\d\d {ds} {year}: success in [\d.]+s", log[-1]), log[-1:]
        for stem in NOTEBOOK_STEMS:
            line = next(x for x in log if re.search(rf" {ds} {year} {stem} +success ", x))
            assert re.search(r"\(vi [\d.]+s, en [\d.]+s\)$", line), line  # both languages
        for lang in ("vi", "en"):
            assert any(
                re.search(rf" 06_unit_profiles? +success .*\({units} units, {lang}\)", line)
                for line in log
            ), (lang, log)
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


HREF = re.compile(r'(?:href|src)="([^"]+)"')


def _year_not_run(target, reports) -> bool:
    """``target`` lies in a dataset-year folder the shared run did not build (it ran one year of
    each dataset): a link to the previous or next year, which a full run resolves."""
    parts = target.relative_to(reports).parts
    return len(parts) > 2 and parts[1].isdigit() and not (reports / parts[0] / parts[1]).is_dir()


def test_every_link_of_every_page_resolves_and_the_overview_links_each_page(first_run: FirstRun):
    """No page of the shared run (years, profiles, dataset pages, landing) links a file that is
    not there; the overview of a year reaches each of its pages, files and the in-year progress
    page of the year it is the baseline of (issue #15: the overview links to each new page)."""
    reports = (first_run.project / "reports").resolve()
    broken, checked = [], 0
    for page in sorted(reports.rglob("*.html")):
        if "data_docs" in page.parts:  # Great Expectations' own site: test_datadocs_offline
            continue
        for href in HREF.findall(page.read_text(encoding="utf-8")):
            if href.startswith(("#", "data:")):
                continue
            checked += 1
            target = (page.parent / unquote(href.split("#")[0])).resolve()
            if not target.exists() and not _year_not_run(target, reports):
                broken.append(f"{page.relative_to(reports)} → {href}")
    assert checked > 1000 and broken == []
    year = reports / "synthetic-province" / "2024"
    for overview, suffix in (("05_report.html", ""), ("05_report.en.html", ".en")):
        links = set(HREF.findall((year / overview).read_text(encoding="utf-8")))
        expected = {f"{stem}{suffix}.html" for stem in NOTEBOOK_STEMS if stem != "05_report"}
        expected |= {f"06_unit_profiles{suffix}.html", f"results{suffix}.xlsx"}
        expected |= {"phu-luc.docx", "phu-luc.xlsx", "ke-hoach-khac-phuc.xlsx"}  # Vietnamese only
        expected |= {f"../trends{suffix}.html", f"../progress{suffix}.html", "data_docs/index.html"}
        assert expected <= links, (overview, expected - links)
