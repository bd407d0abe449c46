"""``dataset.toml`` against its schema (``parlib.config.schema``): types without coercion, ranges,
unknown and missing keys, encodings, paths confined to the dataset folder, every problem located;
a refused dataset refused alone (the others run, the landing page lists it)."""

from __future__ import annotations

import hashlib
import json
import shutil
import unicodedata
from pathlib import Path

import pytest

from parlib.config import alternatives, provenance
from parlib.config.dataset import load_dataset, refused_datasets
from parlib.core import paths
from parlib.core.errors import DataError
from parlib.publish import landing
from parlib.run import cli, fanout, pipeline, runner

from .conftest import ROOT, TINY_TOML, write, write_tiny


def problems_of(raw: Path, name: str = "tiny") -> list:
    with pytest.raises(DataError) as info:
        load_dataset(name, raw)
    assert info.value.problems, str(info.value)
    return info.value.problems


def set_toml(raw: Path, text: str, name: str = "tiny") -> Path:
    return write(raw / name / "dataset.toml", text)


def change(old: str, new: str) -> str:
    """The tiny dataset's ``dataset.toml`` with ``old`` replaced by ``new`` (once)."""
    assert old in TINY_TOML, old
    return TINY_TOML.replace(old, new, 1)


# --- types and ranges, one key at a time -----------------------------------------------------


DECLARED = "declared_total = 20"
YEAR = 'scores = "scores/2024.csv"'
CASES = [
    # (old text, new text, check, key, value found)
    ("synthetic = true", 'synthetic = "true"', "config_wrong_type", "synthetic", '"true"'),
    ("synthetic = true", "synthetic = 1", "config_wrong_type", "synthetic", "1"),
    ('title_en = "Tiny dataset"', "title_en = 3", "config_wrong_type", "title_en", "3"),
    ('units = "units.csv"', "units = 5", "config_wrong_type", "units", "5"),
    (YEAR, YEAR + "\n    decimals = -1", "config_out_of_range", "years.2024.decimals", "-1"),
    (YEAR, YEAR + "\n    decimals = 7", "config_out_of_range", "years.2024.decimals", "7"),
    (YEAR, YEAR + "\n    decimals = 2.5", "config_wrong_type", "years.2024.decimals", "2.5"),
    (YEAR, YEAR + '\n    decimals = "2"', "config_wrong_type", "years.2024.decimals", '"2"'),
    (YEAR, YEAR + "\n    decimals = true", "config_wrong_type", "years.2024.decimals", "true"),
    (
        YEAR,
        YEAR + '\n    prefer_published_totals = "false"',
        "config_wrong_type",
        "years.2024.prefer_published_totals",
        '"false"',
    ),
    (
        YEAR,
        YEAR + "\n    prefer_published_totals = 0",
        "config_wrong_type",
        "years.2024.prefer_published_totals",
        "0",
    ),
    (DECLARED, "declared_total = 0", "config_out_of_range", "frameworks.tiny.declared_total", "0"),
    (
        DECLARED,
        "declared_total = -20",
        "config_out_of_range",
        "frameworks.tiny.declared_total",
        "-20",
    ),
    (
        DECLARED,
        "declared_total = nan",
        "config_out_of_range",
        "frameworks.tiny.declared_total",
        "nan",
    ),
    (
        DECLARED,
        "declared_total = inf",
        "config_out_of_range",
        "frameworks.tiny.declared_total",
        "inf",
    ),
    (
        DECLARED,
        'declared_total = "20"',
        "config_wrong_type",
        "frameworks.tiny.declared_total",
        '"20"',
    ),
    (
        DECLARED,
        DECLARED + "\n    declared_survey = -1",
        "config_out_of_range",
        "frameworks.tiny.declared_survey",
        "-1",
    ),
    (
        'decision = "Bộ tiêu chí thử nghiệm nhỏ"',
        "decision = 2012",
        "config_wrong_type",
        "frameworks.tiny.decision",
        "2012",
    ),
    (YEAR, 'scores = ["scores/2024.csv"]', "config_wrong_type", "years.2024.scores", "a list"),
    (YEAR, 'scores = { file = "x.csv" }', "config_wrong_type", "years.2024.scores", "a table"),
    ("[years.2024]", "[years.2O24]", "config_bad_year", "years.2O24", "2O24"),
    ("[years.2024]", "[years.24]", "config_bad_year", "years.24", "24"),
    ("[years.2024]", "[years.3024]", "config_bad_year", "years.3024", "3024"),
    (
        'framework = "tiny"',
        'framework = "tiny-2024"',
        "config_unknown_framework",
        "years.2024.framework",
        "tiny-2024",
    ),
    ('framework = "tiny"', "framework = 1", "config_wrong_type", "years.2024.framework", "1"),
]


@pytest.mark.parametrize("old, new, check, key, value", CASES, ids=[c[1].strip() for c in CASES])
def test_a_wrong_value_is_refused_with_its_key(tiny_raw, old, new, check, key, value):
    set_toml(tiny_raw, change(old, new))
    problems = problems_of(tiny_raw)
    assert [(p.check, p.key) for p in problems] == [(check, key)], [str(p) for p in problems]
    problem = problems[0]
    assert value in problem.value
    assert problem.file == f"{paths.display(tiny_raw / 'tiny')}/dataset.toml"
    assert problem.expected and problem.message and problem.message_vi and problem.expected_vi
    assert f"key {key}" in str(problem)


@pytest.mark.parametrize(
    "new, key",
    [
        ('synthetic = true\n    colour = "red"', "colour"),
        ("declared_total = 20\n    declared_totl = 20", "frameworks.tiny.declared_totl"),
        (
            'scores = "scores/2024.csv"\n    prefer_published_total = true',
            "years.2024.prefer_published_total",
        ),
    ],
)
def test_an_unknown_key_at_each_level_lists_the_valid_ones(tiny_raw, new, key):
    old = new.split("\n")[0]
    set_toml(tiny_raw, change(old, new))
    (problem,) = problems_of(tiny_raw)
    assert (problem.check, problem.key, problem.value) == (
        "config_unknown_key",
        key,
        key.split(".")[-1],
    )
    valid = {
        "colour": "'title_en'",
        "frameworks.tiny.declared_totl": "'declared_total'",
        "years.2024.prefer_published_total": "'prefer_published_totals'",
    }[key]
    assert problem.expected.startswith("one of [") and valid in problem.expected


@pytest.mark.parametrize(
    "old, key",
    [
        ('title_vi = "Bộ dữ liệu nhỏ"\n', "title_vi"),
        ("synthetic = true\n", "synthetic"),
        ('file = "frameworks/tiny.csv"\n', "frameworks.tiny.file"),
        ('framework = "tiny"\n', "years.2024.framework"),
        ('scores = "scores/2024.csv"\n', "years.2024.scores"),
    ],
)
def test_a_missing_required_key_is_named(tiny_raw, old, key):
    set_toml(tiny_raw, change("    " + old, ""))
    (problem,) = problems_of(tiny_raw)
    assert (problem.check, problem.key) == ("config_missing_key", key)
    assert f"required key {key} is missing" in str(problem) and problem.message_vi


def test_the_boundaries_of_the_ranges_are_accepted(tiny_raw):
    for decimals in (0, 6):
        set_toml(tiny_raw, change(YEAR, YEAR + f"\n    decimals = {decimals}"))
        assert load_dataset("tiny", tiny_raw).year(2024).decimals == decimals
    set_toml(tiny_raw, change(DECLARED, "declared_total = 20.0\n    declared_survey = 0"))
    fw = load_dataset("tiny", tiny_raw).year(2024).framework
    assert (fw.declared_total, fw.declared_survey) == (20.0, 0.0)


def test_a_table_where_a_table_is_expected_and_text_is_found(tiny_raw):
    text = change("[frameworks.tiny]", 'years = "2024"\n\n    [frameworks.tiny]')
    text = text[: text.index("    [years.2024]")]
    set_toml(tiny_raw, text)
    (problem,) = problems_of(tiny_raw)
    assert (problem.check, problem.key, problem.value) == ("config_wrong_type", "years", '"2024"')
    assert "tables [years.<year>]" in problem.expected
    set_toml(tiny_raw, TINY_TOML + "\n[frameworks]\nother = 3\n")
    (problem,) = problems_of(tiny_raw)
    assert (problem.check, problem.key, problem.value) == (
        "config_wrong_type",
        "frameworks.other",
        "3",
    )


def test_every_problem_is_reported_at_once(tiny_raw):
    text = change("synthetic = true", 'synthetic = "yes"')
    text = text.replace("declared_total = 20", "declared_total = 0\n    declared_apraisal = 15")
    text = text.replace(YEAR, 'scores = "../elsewhere.csv"\n    decimals = -1')
    text += '\n[years.2025]\nframework = "nope"\nscores = "scores/2024.csv"\n'
    set_toml(tiny_raw, text)
    found = {(p.check, p.key) for p in problems_of(tiny_raw)}
    assert found == {
        ("config_wrong_type", "synthetic"),
        ("config_out_of_range", "frameworks.tiny.declared_total"),
        ("config_unknown_key", "frameworks.tiny.declared_apraisal"),
        ("config_path_outside", "years.2024.scores"),
        ("config_out_of_range", "years.2024.decimals"),
        ("config_unknown_framework", "years.2025.framework"),
    }


def test_the_shipped_datasets_load_as_declared():
    cfg = load_dataset("vn-provinces", ROOT / "data" / "raw")
    year = cfg.year(2012)
    assert (year.decimals, year.prefer_published_totals) == (2, True)
    assert (year.framework.declared_total, year.framework.declared_survey) == (100, 38)
    assert paths.display(year.scores) == "data/raw/vn-provinces/scores/2012.csv"
    assert cfg.bands is None and paths.display(cfg.national_results).endswith(
        "national_results.csv"
    )
    synthetic = load_dataset("synthetic-province", ROOT / "data" / "raw")
    assert synthetic.synthetic and sorted(synthetic.years) == [2022, 2023, 2024]
    assert paths.display(synthetic.alternatives) == "data/raw/synthetic-province/alternatives.toml"


# --- encodings ---------------------------------------------------------------------------------


def test_a_utf8_byte_order_mark_is_tolerated(tiny_raw):
    toml = tiny_raw / "tiny" / "dataset.toml"
    toml.write_bytes(b"\xef\xbb\xbf" + toml.read_bytes())
    assert load_dataset("tiny", tiny_raw).title_vi == "Bộ dữ liệu nhỏ"


@pytest.mark.parametrize(
    "encoding, bom, named",
    [
        ("utf-16-le", b"\xff\xfe", "UTF-16"),
        ("utf-16-be", b"\xfe\xff", "UTF-16"),
        ("utf-32-le", b"\xff\xfe\x00\x00", "UTF-32"),
        ("utf-32-be", b"\x00\x00\xfe\xff", "UTF-32"),
        ("utf-16-le", b"", "UTF-16 or UTF-32"),
    ],
)
def test_utf16_and_utf32_are_refused_by_name(tiny_raw, encoding, bom, named):
    toml = tiny_raw / "tiny" / "dataset.toml"
    toml.write_bytes(bom + toml.read_text(encoding="utf-8").encode(encoding))
    (problem,) = problems_of(tiny_raw)
    assert problem.check == "config_encoding"
    assert f"dataset.toml {'looks like' if not bom else 'is'} {named}" in problem.message
    assert "save it as UTF-8" in problem.message and "UTF-8" in problem.message_vi


def test_a_legacy_code_page_is_refused_with_its_line(tiny_raw):
    toml = tiny_raw / "tiny" / "dataset.toml"
    # Windows-1258 as Vietnamese Windows writes it: base letters and tone marks apart
    text = unicodedata.normalize("NFD", toml.read_text(encoding="utf-8"))
    toml.write_bytes(text.encode("cp1258", errors="replace"))
    (problem,) = problems_of(tiny_raw)
    assert (problem.check, problem.row) == ("config_encoding", 1)  # title_vi is line 1
    assert "is not UTF-8" in problem.message and "save it as UTF-8" in problem.message


def test_invalid_toml_names_line_and_column(tiny_raw):
    set_toml(tiny_raw, change('units = "units.csv"', 'units = "units.csv'))
    (problem,) = problems_of(tiny_raw)
    assert (problem.check, problem.row) == ("config_invalid_toml", 4)
    assert "line 4, column" in problem.message and problem.value == 'units = "units.csv'


def test_an_unreadable_dataset_toml_is_a_problem_not_a_traceback(tiny_raw, monkeypatch):
    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    (problem,) = problems_of(tiny_raw)
    assert problem.check == "config_unreadable" and "Permission denied" in problem.message


# --- confined paths ------------------------------------------------------------------------------


def test_an_absolute_path_is_refused_even_to_a_real_file(tiny_raw):
    inside = tiny_raw / "tiny" / "units.csv"
    for written in ("/etc/passwd", str(inside)):
        set_toml(tiny_raw, change('units = "units.csv"', f'units = "{written}"'))
        (problem,) = problems_of(tiny_raw)
        assert (problem.check, problem.key, problem.value) == (
            "config_path_outside",
            "units",
            written,
        )
        assert "an absolute path" in problem.message


def test_a_dotdot_escape_is_refused(tiny_raw):
    write(tiny_raw / "other" / "scores.csv", "unit_id\n")
    set_toml(tiny_raw, change(YEAR, 'scores = "../other/scores.csv"'))
    (problem,) = problems_of(tiny_raw)
    assert (problem.check, problem.key) == ("config_path_outside", "years.2024.scores")
    assert "points outside the dataset folder" in problem.message
    assert str(tiny_raw) not in str(problem)  # no local absolute path


def test_a_dotdot_that_comes_back_inside_is_accepted(tiny_raw):
    set_toml(tiny_raw, change(YEAR, 'scores = "../tiny/scores/2024.csv"'))
    scores = load_dataset("tiny", tiny_raw).year(2024).scores
    assert scores == (tiny_raw / "tiny" / "scores" / "2024.csv").resolve()


def test_a_symlink_pointing_outside_is_refused(tiny_raw, tmp_path):
    outside = write(
        tmp_path / "elsewhere" / "2024.csv", (tiny_raw / "tiny" / "scores" / "2024.csv").read_text()
    )
    link = tiny_raw / "tiny" / "scores" / "2024.csv"
    link.unlink()
    link.symlink_to(outside)
    (problem,) = problems_of(tiny_raw)
    assert (problem.check, problem.key, problem.value) == (
        "config_path_outside",
        "years.2024.scores",
        "scores/2024.csv",
    )
    assert "through a symbolic link" in problem.message
    assert "a file outside the project" in problem.message and str(tmp_path) not in str(problem)


def test_a_symlink_inside_pointing_inside_is_accepted_and_resolved(tiny_raw):
    folder = tiny_raw / "tiny" / "scores"
    (folder / "2024.csv").rename(folder / "final-2024.csv")
    (folder / "2024.csv").symlink_to("final-2024.csv")
    assert load_dataset("tiny", tiny_raw).year(2024).scores == (folder / "final-2024.csv").resolve()


def test_a_file_found_by_its_default_name_is_confined_too(tiny_raw, tmp_path):
    outside = write(tmp_path / "secret.csv", "unit_id\n")
    (tiny_raw / "tiny" / "lineage.csv").symlink_to(outside)
    (problem,) = problems_of(tiny_raw)
    assert (problem.check, problem.key, problem.value) == (
        "config_path_outside",
        "lineage",
        "lineage.csv",
    )
    assert "found by its default name" in problem.message


def test_dataset_toml_itself_must_be_inside_the_folder(tiny_raw, tmp_path):
    toml = tiny_raw / "tiny" / "dataset.toml"
    moved = tmp_path / "shared.toml"
    toml.rename(moved)
    toml.symlink_to(moved)
    (problem,) = problems_of(tiny_raw)
    assert problem.check == "config_path_outside" and problem.value == "dataset.toml"


def test_a_missing_file_or_a_folder_is_refused(tiny_raw):
    set_toml(tiny_raw, change(YEAR, YEAR + '\n    published = "published/2024.csv"'))
    (problem,) = problems_of(tiny_raw)
    assert (problem.check, problem.key) == ("config_missing_file", "years.2024.published")
    set_toml(tiny_raw, change(YEAR, 'scores = "scores"'))
    (problem,) = problems_of(tiny_raw)
    assert (problem.check, problem.key) == ("config_missing_file", "years.2024.scores")
    assert "is a folder" in problem.message
    set_toml(tiny_raw, change(YEAR, "scores = 'scores\\2024.csv'"))  # as typed on Windows
    (problem,) = problems_of(tiny_raw)
    assert problem.check == "config_missing_file" and "write / between folders" in problem.message


def test_display_never_shows_a_local_absolute_path(tmp_path):
    assert paths.display(ROOT / "data" / "raw" / "vn-provinces" / "units.csv") == (
        "data/raw/vn-provinces/units.csv"
    )
    shown = paths.display(tmp_path / "raw" / "x" / "2024.csv")
    assert shown == "<outside the project>/x/2024.csv" and str(tmp_path) not in shown


def test_the_provenance_records_resolved_paths_relative_to_the_project(tmp_path, monkeypatch):
    """``run.json`` carries the provenance record (``inputs``): a linked input is recorded by the
    file it resolves to, relative to the project."""
    monkeypatch.setenv("PARLIB_ROOT", str(tmp_path))
    raw = write_tiny(tmp_path / "data" / "raw")
    folder = raw / "tiny" / "scores"
    (folder / "2024.csv").rename(folder / "final-2024.csv")
    (folder / "2024.csv").symlink_to("final-2024.csv")
    record = provenance.collect(load_dataset("tiny", raw), 2024, {})
    recorded = [i["path"] for i in record["inputs"]]
    assert recorded == [
        "data/raw/tiny/dataset.toml",
        "data/raw/tiny/units.csv",
        "data/raw/tiny/frameworks/tiny.csv",
        "data/raw/tiny/scores/final-2024.csv",
    ]


# --- alternatives.toml ------------------------------------------------------------------------


def test_alternatives_toml_is_read_like_dataset_toml(tmp_path):
    path = tmp_path / "alternatives.toml"
    path.write_bytes(b"\xef\xbb\xbf[monte_carlo]\ndraws = 10\n")
    assert alternatives.load_alternatives(path).monte_carlo.draws == 10
    path.write_bytes(b"\xff\xfe" + "[monte_carlo]\ndraws = 10\n".encode("utf-16-le"))
    with pytest.raises(DataError) as info:
        alternatives.load_alternatives(path)
    assert "alternatives.toml is UTF-16" in str(info.value.problems[0])
    path.write_text('[alternatives.x]\nrule = "rescale_missing_component"\nlabel_en = 3\n')
    with pytest.raises(DataError) as info:
        alternatives.load_alternatives(path)
    assert [p.key for p in info.value.problems] == ["alternatives.x.label_en"]


# --- a refused dataset is refused alone ------------------------------------------------------


def broken_project(tmp_path: Path) -> Path:
    """A project with the good dataset ``tiny`` and ``broken`` (tiny with two wrong values)."""
    root = tmp_path / "project"
    write_tiny(root / "data" / "raw")
    shutil.copytree(root / "data" / "raw" / "tiny", root / "data" / "raw" / "broken")
    set_toml(
        root / "data" / "raw",
        change(YEAR, YEAR + '\n    decimals = "2"').replace("[years.2024]", "[years.2O24]"),
        "broken",
    )
    return root


def test_the_landing_page_lists_a_refused_dataset_with_its_problems(tmp_path, monkeypatch):
    root = broken_project(tmp_path)
    monkeypatch.setenv("PARLIB_ROOT", str(root))
    refused = refused_datasets(root / "data" / "raw")
    assert sorted(refused) == ["broken"]
    landing.write_landing(pipeline.REPORT_PAGES, root / "reports")
    vi = (root / "reports" / "index.html").read_text(encoding="utf-8")
    en = (root / "reports" / "index.en.html").read_text(encoding="utf-8")
    assert "Bị từ chối: dataset.toml có 2 lỗi" in vi and "sai kiểu" in vi
    assert "Refused: dataset.toml has 2 problem(s)" in en
    for page in (vi, en):
        assert "<code>years.2O24.decimals</code>" in page and "<code>years.2O24</code>" in page
        assert "data/raw/broken/dataset.toml" in page and str(tmp_path) not in page
        assert "(tiny)" not in page  # a dataset with neither runs nor problems is not listed


def test_a_refused_dataset_does_not_stop_the_others(tmp_path, monkeypatch, capsys):
    """``parlib run``: the good dataset's years run, the refused one is reported with its located
    problems, exit 1, and the landing page shows it (the notebooks are replaced by a stand-in:
    what is tested is the plan, not papermill)."""
    root = broken_project(tmp_path)
    monkeypatch.setenv("PARLIB_ROOT", str(root))
    ran = []

    def run_year(dataset, year, *args, **kwargs):
        ran.append((dataset, year))
        return fanout.Outcome(dataset, year, "success")

    monkeypatch.setattr(runner, "run_year", run_year)
    monkeypatch.setattr(runner, "run_dataset", lambda *a, **k: None)
    assert cli.main(["run"]) == 1
    out, err = capsys.readouterr()
    assert ran == [("tiny", 2024)]
    assert "broken (all years): invalid" in out and "tiny 2024: success" in out
    assert "broken: dataset.toml is invalid" in err
    assert "data/raw/broken/dataset.toml, key years.2O24.decimals" in err
    assert str(tmp_path) not in out + err
    assert "<code>years.2O24.decimals</code>" in (root / "reports" / "index.html").read_text(
        encoding="utf-8"
    )


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_a_refused_dataset_keeps_its_published_years(first_run, tmp_path, monkeypatch, capsys):
    """End to end on the shared run: ``tiny`` breaks its dataset.toml; ``vn-provinces`` still
    runs (up to date), exit 1, tiny's published outputs are byte for byte as they were, and the
    landing page lists tiny as refused above its last good year."""
    assert first_run.code == 0
    root = tmp_path / "project"
    shutil.copytree(first_run.project, root, ignore=shutil.ignore_patterns("gx", "data_docs"))
    before = {base: _digest(root / base / "tiny") for base in ("data/processed", "reports")}
    set_toml(root / "data" / "raw", change(YEAR, YEAR + "\n    decimals = -1"))
    monkeypatch.setenv("PARLIB_ROOT", str(root))
    assert cli.main(["run", "--dataset", "vn-provinces", "--dataset", "tiny"]) == 1
    out = capsys.readouterr().out
    assert "tiny (all years): invalid" in out and "vn-provinces 2012: up-to-date" in out
    assert {base: _digest(root / base / "tiny") for base in before} == before
    page = (root / "reports" / "index.html").read_text(encoding="utf-8")
    section = page[page.index("(<code>tiny</code>)") :]
    assert section.index("<code>years.2024.decimals</code>") < section.index('href="tiny/2024/')
    manifest = json.loads((root / "reports" / "tiny" / "2024" / "run.json").read_text())
    assert [i["path"] for i in manifest["inputs"]][:2] == [
        "data/raw/tiny/dataset.toml",
        "data/raw/tiny/units.csv",
    ]
