"""The project's own promises: pins in step, notebooks clean and parameterised, labels complete, the
lint clean, deprecations of our own code failing the tests, the hooks local."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import pytest
import yaml

from parlib.core.labels import catalogue, number, t

ROOT = Path(__file__).resolve().parent.parent


def pins(lines):
    return {re.split(r"==", line)[0].lower(): line.split("==")[1] for line in lines if "==" in line}


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = pins(project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pins(pip_section) == declared
    assert "python=3.11" in env["dependencies"]


def test_lock_file_agrees_with_pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = pins(project["dependencies"] + project["optional-dependencies"]["test"])
    locked = pins(
        line.strip()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    locked = {k.replace("_", "-"): v for k, v in locked.items()}
    for name, version in declared.items():
        assert locked.get(name.replace("_", "-")) == version, name


def test_notebooks_are_committed_clean_and_parameterised():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert nb["metadata"]["kernelspec"]["name"] == "python3", path.name
        assert nb["metadata"]["language_info"]["name"] == "python", path.name
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), path.name
        tagged = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
        assert len(tagged) == 1, path.name
        source = "".join(tagged[0]["source"])
        for name in ("dataset", "year", "lang", "raw_root", "processed_root", "reports_root"):
            assert re.search(rf"^{name} = ", source, re.M), (path.name, name)


def test_notebooks_stay_thin():
    """Logic lives in parlib: no function or class definitions, no loops over data in notebooks."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                assert not re.search(r"^\s*(def|class) ", source, re.M), path.name
                assert "pd.read_" not in source and "groupby" not in source, path.name


def test_every_label_is_in_both_languages():
    for key, entry in catalogue().items():
        assert entry["vi"].strip() and entry["en"].strip(), key


def test_label_keys_used_in_code_and_notebooks_exist():
    keys = set(catalogue())
    sources = list((ROOT / "parlib").rglob("*.py")) + list((ROOT / "notebooks").glob("*.ipynb"))
    used = set()
    for path in sources:
        text = path.read_text(encoding="utf-8").replace('\\"', '"')
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", text))
    assert used and used <= keys, sorted(used - keys)


def test_vietnamese_numbers_use_a_decimal_comma():
    assert number(79.96, 2, "vi") == "79,96"
    assert number(1234.5, 1, "vi") == "1.234,5"
    assert number(1234.5, 1, "en") == "1,234.5"
    assert t("rank", "vi") == "Xếp hạng" and t("rank", "en") == "Rank"


def test_ci_runs_make_test_with_chromium():
    text = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", text, re.M)
    assert re.search(r"apt-get install .*\bchromium\b", text)  # the browser tests run in CI


TOOLS = Path(sys.executable).parent  # ruff and lint-imports are pinned with the test extras


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(TOOLS / "ruff"), *args, "parlib", "tests", "scripts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_ruff_finds_nothing():
    result = ruff("check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_leaves_everything_as_it_is():
    result = ruff("format", "--check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_deprecation_in_our_code_fails_the_tests():
    """pyproject's filterwarnings: ours (parlib, tests) are errors, a library's are only shown."""
    code = "import warnings; warnings.warn('old', DeprecationWarning)"
    for module in ("parlib.score.compute", "tests.test_score"):
        for category in ("DeprecationWarning", "FutureWarning"):
            with pytest.raises(Warning):
                exec(code.replace("DeprecationWarning", category), {"__name__": module})
    with warnings.catch_warnings(record=True) as shown:  # the configured filters still apply
        exec(code, {"__name__": "pandas.core.frame"})
        exec(code, {"__name__": "parlibx"})  # the pattern is the package, not a prefix
    assert [w.category for w in shown] == [DeprecationWarning, DeprecationWarning]


def test_pre_commit_hooks_are_local_and_make_lint_runs_the_same_tools():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]  # nothing fetched
    hooks = {h["id"]: h["entry"] for h in config["repos"][0]["hooks"]}
    assert set(hooks) == {"ruff-check", "ruff-format", "lint-imports", "notebooks-clean"}
    for entry in hooks.values():
        tool = entry.split()[0]
        assert tool.startswith(".venv/bin/") and (TOOLS / Path(tool).name).is_file(), entry
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    for command in ("ruff check", "ruff format --check", "lint-imports"):
        assert f"$(BIN)/{command}" in lint, command
    notebooks = sorted(str(p) for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert (
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "check_notebooks.py"), *notebooks],
            timeout=60,
            check=False,
        ).returncode
        == 0
    )


def test_readme_starts_with_the_two_commands():
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:1500]
    assert "make report" in head and "make test" in head


def test_every_check_is_documented():
    """docs/validation.md lists every check id used in the suites and in the code."""
    doc = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    ids = set()
    for path in (ROOT / "expectations").glob("*.json"):
        ids |= {
            e["meta"]["check"] for e in json.loads(path.read_text(encoding="utf-8"))["expectations"]
        }
    for path in (ROOT / "parlib").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        ids |= set(re.findall(r'Problem\(\s*"(?:critical|warning)",\s*"([a-z_]+)"', text))
        ids |= set(re.findall(r'check="([a-z_]+)"', text))
    missing = sorted(i for i in ids if f"`{i}`" not in doc)
    assert not missing, missing
