"""The import graph: stages import only the stages below them, nothing imports in a cycle, imports
sit at module level, and no module grows past about 400 lines. import-linter checks the contracts in
pyproject.toml; the other rules are checked on the source here."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "parlib"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_LINES = 400


def lint_imports(source_root: Path) -> subprocess.CompletedProcess:
    """import-linter on the ``parlib`` found under ``source_root``, with this project's contracts."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=source_root,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(source_root), "PATH": "/usr/bin:/bin"},
    )


def test_the_layer_and_cycle_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    "module, bad_import",
    [
        ("core/paths.py", "from parlib.run import cli  # noqa"),  # a lower layer importing a higher
        (
            "score/arithmetic.py",
            "from parlib.score import compute  # noqa",
        ),  # a cycle inside a stage
    ],
)
def test_the_contracts_catch_a_violation(tmp_path, module, bad_import):
    shutil.copytree(PACKAGE, tmp_path / "parlib", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "parlib" / module
    target.write_text(target.read_text() + f"\n{bad_import}\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0 and "BROKEN" in result.stdout.upper()


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_parlib_imports_are_at_module_level():
    local = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        local.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert not local, f"function-local imports: {local}"


def test_no_module_is_longer_than_about_400_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long


def test_every_module_says_what_it_does():
    missing = [
        str(p.relative_to(ROOT))
        for p in modules()
        if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert not missing, missing
