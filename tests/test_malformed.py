"""The corpus of malformed inputs (tests/malformed/<case>/): each overlays files on the real
vn-provinces dataset and states the problem it must produce. Every case must be refused with that
message, and a refused run must leave the previous outputs exactly as they were."""

from __future__ import annotations

import hashlib
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
    spec = tomllib.loads((CORPUS / case / "case.toml").read_text(encoding="utf-8"))
    for source in (CORPUS / case / "overlay").rglob("*"):
        if source.is_file():
            target = dataset_dir / source.relative_to(CORPUS / case / "overlay")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return spec


def problems_for(raw: Path) -> list:
    try:
        cfg = load_dataset("vn-provinces", raw)
    except DataError as exc:
        return exc.problems
    report, _ = preflight.preflight(lambda: ingest.load_year(cfg, 2012))
    return report.problems


def test_the_corpus_has_at_least_20_distinct_cases():
    checks = {tomllib.loads((CORPUS / c / "case.toml").read_text())["expected"]["check"]
              for c in CASES}
    assert len(CASES) >= 20 and len(checks) >= 20


@pytest.mark.parametrize("case", CASES)
def test_case_produces_its_message(case, tmp_path, monkeypatch):
    monkeypatch.setenv("PARLIB_ROOT", str(tmp_path))
    dataset_dir = tmp_path / "data" / "raw" / "vn-provinces"
    shutil.copytree(ROOT / "data" / "raw" / "vn-provinces", dataset_dir)
    shutil.copytree(ROOT / "expectations", tmp_path / "expectations")
    expected = overlay(case, dataset_dir)["expected"]
    problems = problems_for(tmp_path / "data" / "raw")
    found = [p for p in problems if p.check == expected["check"]]
    assert found, f"{case}: expected {expected['check']}, got {[str(p) for p in problems]}"

    def matches(problem) -> bool:
        exact = all(getattr(problem, f) == expected[f] for f in ("file", "row", "unit_id", "criterion")
                    if f in expected)
        within = all(expected[f] in getattr(problem, f) for f in ("value", "expected")
                     if f in expected)
        said = "message" not in expected or expected["message"] in str(problem)
        return problem.severity == "critical" and exact and within and said

    assert any(matches(p) for p in found), (case, expected, [str(p) for p in found])


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_refused_run_keeps_the_previous_outputs(case, first_run, tmp_path, monkeypatch):
    good, code, _ = first_run
    assert code == 0
    root = tmp_path / "project"
    shutil.copytree(good, root, ignore=shutil.ignore_patterns("gx", "data_docs"))
    before = {name: tree_digest(root / name / "vn-provinces")
              for name in ("data/processed", "reports")}
    overlay(case, root / "data" / "raw" / "vn-provinces")
    monkeypatch.setenv("PARLIB_ROOT", str(root))
    assert cli.main(["run", "--dataset", "vn-provinces"]) == 1
    after = {name: tree_digest(root / name / "vn-provinces") for name in before}
    assert after == before
    assert not list((root / "data" / "processed").glob(".staging/*"))
    assert not list((root / "reports").glob(".staging/*"))
    failure = root / "reports" / "_failed" / "vn-provinces" / "2012" / "validation.html"
    if failure.is_file():  # a dataset.toml error is refused before any year is looked at
        landing = (root / "reports" / "index.html").read_text(encoding="utf-8")
        assert "_failed/vn-provinces/2012/validation.html" in landing
        assert "Không đạt" in landing
