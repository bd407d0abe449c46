"""Notebook parameters as a declared schema (``parlib.run.schema``): the notebooks' parameters cells,
the schema and the README's table agree; every parameter's range is enforced just inside and just
outside each bound, NaN and infinities and wrong types are refused, through ``-p`` text
(``parse_extra_parameters``), through values (``check_parameters``, what a notebook's first code
cell calls) and through the command line (exit 2 before anything runs or is written)."""

from __future__ import annotations

import ast
import hashlib
import json
import math
import shutil
from pathlib import Path
from typing import Literal, get_args, get_origin

import pytest

from parlib import fairness
from parlib.core.declared import _base
from parlib.core.errors import UsageError
from parlib.fairness import bias
from parlib.run import cli, pipeline
from parlib.run.parameters import parameter_table, parse_extra_parameters
from parlib.run.schema import NotebookParameters, check_parameters

from .conftest import write_tiny

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
FIELDS = NotebookParameters.model_fields
RUNNER_SET = set(pipeline.BASE_PARAMETERS) | set(pipeline.RUNNER_PARAMETERS)
SETTABLE = [name for name in FIELDS if name not in RUNNER_SET]  # what -p takes


def _declared(notebook: Path) -> dict[str, object]:
    """The notebook's parameters cell: name → default (as a Python value)."""
    info = pipeline.notebook_parameters(notebook)
    return {name: ast.literal_eval(entry["default"]) for name, entry in info.items()}


# --- the notebooks, the schema and the README agree ------------------------------------------------


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_parameter_is_in_the_schema_with_its_default(notebook):
    for name, default in _declared(notebook).items():
        assert name in FIELDS, f"{notebook.name}: {name} is not in NotebookParameters"
        assert default == FIELDS[name].default, (notebook.name, name)
        assert type(default) is type(FIELDS[name].default), (notebook.name, name)


def test_every_schema_parameter_is_taken_by_a_notebook():
    taken = set().union(*(_declared(nb) for nb in NOTEBOOKS))
    assert set(FIELDS) == taken
    assert RUNNER_SET <= set(FIELDS)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_first_code_cell_checks_every_parameter_of_the_notebook(notebook):
    """A hand run (JupyterLab, papermill) stops at once on a bad value: the first code cell after
    the parameters cell passes each of the notebook's parameters to ``check_parameters``."""
    cells = [c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]]
    code = [c for c in cells if c["cell_type"] == "code"]
    tagged = next(i for i, c in enumerate(code) if "parameters" in c["metadata"].get("tags", []))
    tree = ast.parse("".join(code[tagged + 1]["source"]))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "check_parameters"
    ]
    assert len(calls) == 1, notebook.name
    passed = {kw.arg: kw.value.id for kw in calls[0].keywords}
    declared = _declared(notebook)
    assert passed == {name: name for name in declared}, notebook.name


def test_fairness_groupings_are_the_analyses():
    annotation = FIELDS["like_for_like_groups"].annotation
    assert get_args(annotation) == bias.GROUPINGS


def test_fairness_parameters_are_the_schemas():
    """``FairnessParameters`` (what ``fairness.analyse`` takes) is part of the one schema."""
    for name, field in fairness.FairnessParameters.model_fields.items():
        mine = FIELDS[name]
        assert (mine.annotation, mine.default, mine.metadata, mine.description) == (
            field.annotation,
            field.default,
            field.metadata,
            field.description,
        ), name


def test_the_readme_table_is_the_schema():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert parameter_table() in readme
    for name in FIELDS:  # each parameter with its range (the table above is the schema's)
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{name}` |"))
        assert NotebookParameters.allowed(name) in row, name


def test_no_parameter_uses_a_sentinel():
    """'As declared' is None, not -1: every default lies inside its own range, and no default is
    negative."""
    for name, field in FIELDS.items():
        if isinstance(field.default, (int, float)) and not isinstance(field.default, bool):
            assert field.default >= 0, name
    assert FIELDS["mc_draws"].default is None and FIELDS["mc_seed"].default is None
    NotebookParameters()  # the defaults are valid (validate_default)


# --- ranges: just inside and just outside each bound, from the schema ------------------------------


def _bounds(name: str) -> list[tuple[object, bool]]:
    """(value, allowed) just inside and just outside each bound of a numeric parameter."""
    base, _ = _base(FIELDS[name].annotation)
    cases = []
    for item in FIELDS[name].metadata:
        for attribute, down in (("ge", True), ("gt", True), ("le", False), ("lt", False)):
            bound = getattr(item, attribute, None)
            if bound is None:
                continue
            strict = attribute in ("gt", "lt")
            if base is int:
                step = 1 if down else -1  # towards the inside
                inside = bound + step if strict else bound
                outside = bound if strict else bound - step
            else:
                inward = math.inf if down else -math.inf
                inside = math.nextafter(bound, inward) if strict else float(bound)
                outside = float(bound) if strict else math.nextafter(bound, -inward)
            cases += [(inside, True), (outside, False)]
    return cases


NUMERIC = [n for n in FIELDS if _base(FIELDS[n].annotation)[0] in (int, float)]
FLOATS = [n for n in FIELDS if _base(FIELDS[n].annotation)[0] is float]
ENUMS = [n for n in FIELDS if get_origin(_base(FIELDS[n].annotation)[0]) is Literal]
BOUND_CASES = [(n, v, ok) for n in NUMERIC for v, ok in _bounds(n)]


def test_every_number_has_a_range():
    assert all(_bounds(name) for name in NUMERIC)
    assert {"alpha", "top_n", "mc_draws", "mc_seed", "year"} <= set(NUMERIC)


@pytest.mark.parametrize("name, value, allowed", BOUND_CASES)
def test_bounds_through_check_parameters(name, value, allowed):
    if allowed:
        check_parameters(**{name: value})
    else:
        with pytest.raises(UsageError) as err:
            check_parameters(**{name: value})
        message = str(err.value)
        assert f"parameter {name!r}: {value!r} is out of range" in message
        assert NotebookParameters.bounds(name) in message


@pytest.mark.parametrize("name, value, allowed", [c for c in BOUND_CASES if c[0] in SETTABLE])
def test_bounds_through_parse_extra_parameters(name, value, allowed):
    pair = f"{name}={value!r}"
    if allowed:
        assert parse_extra_parameters([pair]) == {name: value}
    else:
        with pytest.raises(UsageError, match="out of range"):
            parse_extra_parameters([pair])


@pytest.mark.parametrize("name", FLOATS)
@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "1e999"])
def test_nan_and_infinities_are_refused(name, text):
    with pytest.raises(UsageError, match=rf"parameter {name!r}: .* is not a finite number"):
        check_parameters(**{name: float(text)})
    if name in SETTABLE:
        with pytest.raises(UsageError, match="not a finite number"):
            parse_extra_parameters([f"{name}={text}"])


@pytest.mark.parametrize("name", ENUMS)
def test_enums_take_their_values_only(name):
    allowed = get_args(_base(FIELDS[name].annotation)[0])
    for value in allowed:
        check_parameters(**{name: value})
    for wrong in ("kind", allowed[0].upper(), ""):
        with pytest.raises(UsageError, match=f"not an allowed value; allowed: one of {allowed[0]}"):
            check_parameters(**{name: wrong})
    if name in SETTABLE:
        with pytest.raises(UsageError, match="not an allowed value"):
            parse_extra_parameters([f"{name}=kind"])


WRONG_TYPES = {int: [1.5, True, "3"], float: ["0.5", True], bool: [1, "true"], str: [5, None]}
WRONG_TEXT = {int: ["abc", "1.5", "", "ten"], float: ["abc", "", "0.1.2"], bool: ["maybe", "2"]}


@pytest.mark.parametrize("name", list(FIELDS))
def test_wrong_types_are_refused_naming_the_type(name):
    base, optional = _base(FIELDS[name].annotation)
    base = str if get_origin(base) is Literal else base
    for value in WRONG_TYPES[base]:
        if value is None and optional:
            continue
        with pytest.raises(UsageError, match=rf"parameter {name!r}: {value!r} is not "):
            check_parameters(**{name: value})
    if name in SETTABLE:
        for text in WRONG_TEXT.get(base, []):
            with pytest.raises(UsageError, match=rf"parameter {name!r}: {text!r} is not "):
                parse_extra_parameters([f"{name}={text}"])


def test_text_is_read_as_the_parameters_type():
    pairs = ["alpha=0,01", "top_n= 3", "mc_draws=None", "mc_seed=declared"]
    read = {"alpha": 0.01, "top_n": 3, "mc_draws": None, "mc_seed": None}
    assert parse_extra_parameters(pairs) == read
    assert parse_extra_parameters(["like_for_like_groups=max"]) == {"like_for_like_groups": "max"}
    assert parse_extra_parameters(["group_tolerance_points=3"]) == {"group_tolerance_points": 3.0}


@pytest.mark.parametrize(
    "pairs, message",
    [
        (["no_such_parameter=1"], "unknown parameter 'no_such_parameter'"),
        (["validated=true"], "set by the runner"),
        (["year=2013"], "set with its own option"),
        (["alpha"], "write it as NAME=VALUE"),
        (["alpha=0.1", "alpha=0.2"], "given twice"),
        (["top_n=None"], "'None' is not a whole number"),  # None only where it means something
    ],
)
def test_other_usage_errors(pairs, message):
    with pytest.raises(UsageError, match=message):
        parse_extra_parameters(pairs)


def test_every_refused_value_is_named_at_once():
    with pytest.raises(UsageError) as err:
        parse_extra_parameters(["alpha=1.5", "top_n=-1", "mc_draws=0"])
    lines = str(err.value).splitlines()
    assert lines == [
        "parameter 'alpha': 1.5 is out of range; allowed: a number, 0 < alpha < 1",
        "parameter 'mc_draws': 0 is out of range; allowed: a whole number, "
        "1 ≤ mc_draws ≤ 100000, or None",
        "parameter 'top_n': -1 is out of range; allowed: a whole number, 1 ≤ top_n ≤ 1000",
    ]


def test_the_footer_shows_none_as_declared():
    assert fairness.FairnessParameters().as_dict()["mc_draws"] == "declared"
    shown = fairness.FairnessParameters(mc_draws=5, mc_seed=0).as_dict()
    assert (shown["mc_draws"], shown["mc_seed"]) == (5, 0)
    assert list(shown) == list(fairness.FairnessParameters.model_fields)


def test_analyse_refuses_what_the_schema_refuses():
    """Code calling the fairness step directly gets the same refusal as the command line."""
    with pytest.raises(UsageError, match=r"parameter 'alpha': 1.5 is out of range"):
        fairness.FairnessParameters(alpha=1.5)
    with pytest.raises(UsageError, match="unknown parameter 'alfa'"):
        fairness.FairnessParameters(alfa=0.1)


# --- the command line: exit 2 before anything runs or is written ------------------------------------


@pytest.fixture
def small_project(tmp_path):
    """The project's inputs and notebooks, with a published dataset-year and processed tables whose
    bytes must not change."""
    root = tmp_path / "project"
    for name in ("data/raw", "notebooks", "expectations"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    write_tiny(root / "data" / "raw")
    for folder in ("reports/tiny/2024", "data/processed/tiny/2024"):
        (root / folder).mkdir(parents=True)
        (root / folder / "run.json").write_text('{"outcome": "success"}\n', encoding="utf-8")
    (root / "reports" / "index.html").write_text("<p>last good</p>\n", encoding="utf-8")
    return root


def _snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` → the SHA-256 of its bytes ("" for a folder)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
        for p in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize(
    "pair, shown",
    [
        ("alpha=1.5", "parameter 'alpha': 1.5 is out of range; allowed: a number, 0 < alpha < 1"),
        ("alpha=nan", "parameter 'alpha': nan is not a finite number"),
        ("top_n=-1", "parameter 'top_n': -1 is out of range; allowed: a whole number, 1 ≤ top_n"),
        ("mc_draws=0", "1 ≤ mc_draws ≤ 100000, or None"),
        ("straightline_excess=inf", "parameter 'straightline_excess': inf is not a finite number"),
        ("like_for_like_groups=kind", "'kind' is not an allowed value; allowed: one of declared"),
        ("min_respondents=ten", "parameter 'min_respondents': 'ten' is not a whole number"),
    ],
)
def test_cli_refuses_a_bad_value_with_exit_2_and_writes_nothing(
    small_project, monkeypatch, capsys, pair, shown
):
    monkeypatch.setenv("PARLIB_ROOT", str(small_project))
    before = _snapshot(small_project)
    assert cli.main(["run", "--dataset", "tiny", "-p", pair]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"parlib: usage error: parameter '{pair.partition('=')[0]}': ")
    assert shown in err
    assert _snapshot(small_project) == before  # no staging folder, no lock, no report touched


# --- a hand run: the notebook itself refuses -------------------------------------------------------


@pytest.mark.slow
def test_a_notebook_run_by_hand_refuses_a_bad_value_at_once(tmp_path):
    papermill = pytest.importorskip("papermill")
    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(
            str(ROOT / "notebooks" / "04_fairness.ipynb"),
            str(tmp_path / "out.ipynb"),
            parameters={"alpha": 1.5, "processed_root": str(tmp_path / "processed")},
            kernel_name="python3",
            progress_bar=False,
        )
    assert "parameter 'alpha': 1.5 is out of range; allowed: a number, 0 < alpha < 1" in str(
        err.value
    )
    executed = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))
    ran = [c for c in executed["cells"] if c["cell_type"] == "code" and c["execution_count"]]
    assert len(ran) == 3  # the parameters, the injected parameters and the check: nothing else
    assert not (tmp_path / "processed").exists()
