"""Shared fixtures: small hand-made datasets written to temporary folders in the contract's format,
and one end-to-end run of the project that the slow tests share (``first_run``)."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import textwrap
from pathlib import Path
from typing import NamedTuple

import pytest

try:  # pytest 9: a test's id (see pytest_collection_modifyitems)
    from _pytest.nodeid import NodeId
except ImportError:  # pragma: no cover - older pytest, where xdist's marker alone works
    NodeId = None

from parlib.run.cli import main as _cli_main

ROOT = Path(__file__).resolve().parent.parent


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


# A tiny framework worked by hand: area 1 (criteria 1.1 appraisal 6 + 1.2 appraisal 4),
# area 2 (2.1 appraisal 5, 2.2 survey 5). Total 20 = appraisal 15 + survey 5.
TINY_FRAMEWORK = """
    code,name_vi,name_en,max_points,max_appraisal,max_survey
    1,Lĩnh vực một,Area one,10,,
    1.1,Tiêu chí 1.1,Criterion 1.1,6,6,0
    1.2,Tiêu chí 1.2,Criterion 1.2,4,4,0
    2,Lĩnh vực hai,Area two,10,,
    2.1,Tiêu chí 2.1,Criterion 2.1,5,5,0
    2.2,Tiêu chí 2.2,Criterion 2.2,5,0,5
"""
TINY_UNITS = """
    unit_id,unit_name,kind,group
    a,Sở A,department,
    b,Sở B,department,
    c,Xã C,commune,
"""
# a: everything applies: 6+3+4+4 = 17 / 20 = 85 %
# b: 1.2 did not arise: 5+4+3 = 12 / 16 = 75 %
# c: no survey: 6+4+5 = 15 / 15 = 100 %
TINY_SCORES = """
    unit_id,criterion,self_score,appraised_score,survey_score
    a,1.1,6,6,
    a,1.2,4,3,
    a,2.1,5,4,
    a,2.2,,,4
    b,1.1,"5,5",5,
    b,1.2,KPS,KPS,
    b,2.1,4,4,
    b,2.2,,,3
    c,1.1,6,6,
    c,1.2,4,4,
    c,2.1,5,5,
    c,2.2,,,KPS
"""
TINY_TOML = """
    title_vi = "Bộ dữ liệu nhỏ"
    title_en = "Tiny dataset"
    synthetic = true
    units = "units.csv"

    [frameworks.tiny]
    file = "frameworks/tiny.csv"
    decision = "Bộ tiêu chí thử nghiệm nhỏ"
    declared_total = 20

    [years.2024]
    framework = "tiny"
    scores = "scores/2024.csv"
"""


def write_tiny(raw: Path) -> Path:
    """The hand-checked dataset as ``<raw>/tiny``."""
    ds = raw / "tiny"
    write(ds / "dataset.toml", TINY_TOML)
    write(ds / "frameworks" / "tiny.csv", TINY_FRAMEWORK)
    write(ds / "units.csv", TINY_UNITS)
    write(ds / "scores" / "2024.csv", TINY_SCORES)
    return raw


@pytest.fixture
def tiny_raw(tmp_path: Path) -> Path:
    """A raw root holding the hand-checked dataset ``tiny``."""
    return write_tiny(tmp_path / "raw")


def visible(html: str) -> str:
    """The page without its style sheets and scripts: what a reader can see."""
    return re.sub(r"<(style|script)\b.*?</\1>", "", html, flags=re.S | re.I)


@pytest.fixture(scope="session")
def project(tmp_path_factory):
    """A copy of the project's inputs, notebooks and suites, plus the small dataset ``tiny``."""
    root = tmp_path_factory.mktemp("run") / "project"
    for name in ("data/raw", "notebooks", "expectations"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    write_tiny(root / "data" / "raw")
    return root


# The shared end-to-end run: one command, both languages (every run builds both). Three
# datasets side by side in two processes (``--jobs 2``): the SYNTHETIC dataset's 2024 (Excel
# scores, survey answers, 31 unit profiles: the biggest) in this process, the real dataset and
# ``tiny`` one after the other in a worker process. ``--year`` picks each dataset's one year
# (vn-provinces has only 2012, the others 2024 among theirs).
JOBS_RUN = [
    "run",
    "--jobs",
    "2",
    "--dataset",
    "synthetic-province",
    "--dataset",
    "vn-provinces",
    "--dataset",
    "tiny",
    "--year",
    "2012",
    "--year",
    "2024",
]


class FirstRun(NamedTuple):
    project: Path
    code: int  # exit code of JOBS_RUN
    code_en: int  # the same: English is built by the same run (kept for the tests that read it)
    printed: str  # what JOBS_RUN printed on stdout


@pytest.fixture(scope="session")
def first_run(project) -> FirstRun:
    mp = pytest.MonkeyPatch()
    mp.setenv("PARLIB_ROOT", str(project))
    try:
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            code = _cli_main(JOBS_RUN)
    finally:
        mp.undo()
    return FirstRun(project, code, code, printed.getvalue())


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """A project holding only ``tiny``, run once (a few seconds): the last good outputs that the
    fault-injection tests copy and then try to lose."""
    root = tmp_path_factory.mktemp("tiny-run") / "project"
    for name in ("notebooks", "expectations"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    write_tiny(root / "data" / "raw")
    mp = pytest.MonkeyPatch()
    mp.setenv("PARLIB_ROOT", str(root))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            assert _cli_main(["run", "--dataset", "tiny"]) == 0
    finally:
        mp.undo()
    return root


SHARED_RUNS = ("first_run", "tiny_run")


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the groups
def pytest_collection_modifyitems(config, items):
    """Under ``make test`` (pytest-xdist, ``--dist loadgroup``) the tests that read one shared run
    go to one worker, so each run is made once, not once a worker.

    xdist 3.8 groups by a ``@group`` suffix it writes into ``item._nodeid``, which pytest 9 no longer
    reads (the id is ``item._id``, a ``NodeId``): with the marker alone nothing is grouped and the
    shared run is made on both workers. So the suffix is written where pytest 9 reads it.
    """
    if not config.getoption("loadgroup", default=False):
        return
    for item in items:
        group = next((r for r in SHARED_RUNS if r in getattr(item, "fixturenames", ())), None)
        if group is None:
            continue
        item.add_marker(pytest.mark.xdist_group(group))
        if NodeId is not None and isinstance(getattr(item, "_id", None), NodeId):
            item._id = NodeId.parse(f"{item.nodeid}@{group}")
