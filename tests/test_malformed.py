"""The corpus of malformed inputs (tests/malformed/<case>/): each overlays files on the real
vn-provinces dataset and states the problem it must produce. Every case must be refused with that
message (checked in-process by the preflight the runner calls), and a refused run must leave the
previous outputs exactly as they were (checked end to end on two cases)."""

from __future__ import annotations

import hashlib
import json
import shutil
import tomllib
from pathlib import Path

import pytest

from parlib import ingest
from parlib.config.dataset import load_dataset
from parlib.core.errors import DataError
from parlib.run import cli, preflight

from .conftest import ROOT

CORPUS = ROOT / "tests" / "malformed"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.toml").is_file())


def overlay(case: str, dataset_dir: Path) -> dict:
    """Copy the case's ``overlay/`` over the dataset; then delete its ``remove`` list and create its
    ``[links]`` (``"name in the dataset" = "where the symbolic link points"``)."""
    spec = tomllib.loads((CORPUS / case / "case.toml").read_text(encoding="utf-8"))
    for source in (CORPUS / case / "overlay").rglob("*"):
        if source.is_file():
            target = dataset_dir / source.relative_to(CORPUS / case / "overlay")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    for name in spec.get("remove", []):
        (dataset_dir / name).unlink()
    for name, points_to in spec.get("links", {}).items():
        (dataset_dir / name).unlink(missing_ok=True)
        (dataset_dir / name).symlink_to(points_to)
    return spec


def problems_for(raw: Path, dataset: str = "vn-provinces", year: int = 2012) -> list:
    try:
        cfg = load_dataset(dataset, raw)
    except DataError as exc:
        return exc.problems
    report, _ = preflight.preflight(lambda: ingest.load_year(cfg, year))
    return report.problems


def test_the_corpus_has_at_least_20_distinct_cases():
    checks = {
        tomllib.loads((CORPUS / c / "case.toml").read_text())["expected"]["check"] for c in CASES
    }
    assert len(CASES) >= 20 and len(checks) >= 20


@pytest.mark.parametrize("case", CASES)
def test_case_produces_its_message(case, tmp_path, monkeypatch):
    """``case.toml`` may name ``dataset`` and ``year`` (default: vn-provinces 2012); ``[expected]``
    names the check and may pin ``severity`` (default critical), ``file``, ``sheet``, ``key``,
    ``row``, ``unit_id``, ``criterion`` (exact), ``value``, ``expected`` (contained) and a
    ``message`` fragment of the problem's text."""
    monkeypatch.setenv("PARLIB_ROOT", str(tmp_path))
    spec = tomllib.loads((CORPUS / case / "case.toml").read_text(encoding="utf-8"))
    dataset = spec.get("dataset", "vn-provinces")
    dataset_dir = tmp_path / "data" / "raw" / dataset
    shutil.copytree(ROOT / "data" / "raw" / dataset, dataset_dir)
    shutil.copytree(ROOT / "expectations", tmp_path / "expectations")
    expected = overlay(case, dataset_dir)["expected"]
    problems = problems_for(tmp_path / "data" / "raw", dataset, spec.get("year", 2012))
    found = [p for p in problems if p.check == expected["check"]]
    assert found, f"{case}: expected {expected['check']}, got {[str(p) for p in problems]}"

    def matches(problem) -> bool:
        exact = all(
            getattr(problem, f) == expected[f]
            for f in ("file", "sheet", "key", "row", "unit_id", "criterion")
            if f in expected
        )
        within = all(
            expected[f] in getattr(problem, f) for f in ("value", "expected") if f in expected
        )
        said = "message" not in expected or expected["message"] in str(problem)
        severity = expected.get("severity", "critical")
        return problem.severity == severity and exact and within and said

    assert any(matches(p) for p in found), (case, expected, [str(p) for p in found])


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# Every case above is refused by the preflight, which the runner calls before anything else; what a
# refused run does with the outputs does not depend on why it was refused, so it is proved on two
# cases: inputs that cannot be read at all (ingest) and inputs that fail a check (validation).
REFUSED_RUNS = ["13-not-utf8", "01-score-above-max"]


@pytest.mark.slow
@pytest.mark.parametrize("case", REFUSED_RUNS)
def test_refused_run_keeps_the_previous_outputs(case, first_run, tmp_path, monkeypatch):
    """Exit 1; every previous output file byte for byte as it was; no staging left; the reason
    published in ``reports/_failed/`` (page, failure.json, run.log) and linked from the landing."""
    assert first_run.code == 0
    root = tmp_path / "project"
    shutil.copytree(first_run.project, root, ignore=shutil.ignore_patterns("gx", "data_docs"))
    before = {
        name: tree_digest(root / name / "vn-provinces") for name in ("data/processed", "reports")
    }
    expected = overlay(case, root / "data" / "raw" / "vn-provinces")["expected"]
    monkeypatch.setenv("PARLIB_ROOT", str(root))
    assert cli.main(["run", "--dataset", "vn-provinces"]) == 1
    after = {name: tree_digest(root / name / "vn-provinces") for name in before}
    assert after == before
    assert not list((root / "data" / "processed").glob(".staging/*"))
    assert not list((root / "reports").glob(".staging/*"))
    failed = root / "reports" / "_failed" / "vn-provinces" / "2012"
    failure = json.loads((failed / "failure.json").read_text(encoding="utf-8"))
    assert failure["outcome"] == "invalid" and expected["check"] not in failure["message"]
    page = (failed / "validation.html").read_text(encoding="utf-8")
    log = (failed / "run.log").read_text(encoding="utf-8")
    assert "vn-provinces 2012: refused, " in log
    if case == "01-score-above-max":  # the reviewer's page and the log name file, value and rule
        assert "above the criterion's maximum" in failure["message"]
        assert "data/raw/vn-provinces/scores/2012.csv" in page and expected["value"] in page
        assert "vượt điểm tối đa" in page  # the Vietnamese message
        assert "[critical] data/raw/vn-provinces/scores/2012.csv, row 3" in log
    landing = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert "_failed/vn-provinces/2012/validation.html" in landing
    assert "Không đạt" in landing


def test_an_invalid_dataset_toml_exits_1_and_runs_nothing(tmp_path, monkeypatch, capsys):
    """A dataset whose ``dataset.toml`` is wrong is refused before any of its years is looked at."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "data" / "raw" / "vn-provinces", root / "data" / "raw" / "vn-provinces")
    overlay("25-dataset-toml-typo", root / "data" / "raw" / "vn-provinces")
    monkeypatch.setenv("PARLIB_ROOT", str(root))
    assert cli.main(["run"]) == 1
    captured = capsys.readouterr()
    assert "vn-provinces (all years): invalid" in captured.out
    assert "vn-provinces: dataset.toml is invalid" in captured.err
    assert "value 'prefer_published_total'" in captured.err
    assert not (root / "reports" / "vn-provinces").exists()
    assert not (root / "data" / "processed" / "vn-provinces").exists()
    assert cli.main(["validate"]) == 1
