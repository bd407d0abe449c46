"""Notebooks as stories (issue #13, contract §7): before every code cell after the imports, a
markdown cell tagged ``analyst-note`` says in Vietnamese, then in English (*italic*), what the step
does and why; the analyst's own intermediate tables are code cells tagged ``analyst-only``; the
default parameters open the richest shipped dataset (``synthetic-province``, 2024). Neither kind
of analyst cell reaches a reviewer's page (``parlib.run.execute.export_html``).

Every report notebook is checked, and ``06_unit_profiles`` (the one execution of every profile)
as soon as it exists; a notebook that exists and breaks the rule fails its test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from parlib.publish import shell
from parlib.run import execute

from .conftest import FirstRun

ROOT = Path(__file__).resolve().parent.parent
STEMS = (
    "01_ingest",
    "02_validate",
    "03_index",
    "04_fairness",
    "05_report",
    "06_unit_profile",
    "06_unit_profiles",
    "07_trends",
    "08_criteria",
    "09_progress",
)
DEFAULTS = {"dataset": "synthetic-province", "year": 2024}
NOTE, ONLY = "analyst-note", "analyst-only"
# letters only Vietnamese writes (with its tone marks): a paragraph holding one is Vietnamese
VIETNAMESE = re.compile(
    "[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùýÁÀẢÃẠĂÂĐÊÔƠƯ]", re.I
)


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def english(paragraph: str) -> bool:
    """An English paragraph, as the notes write it: in italics (``*…*`` or ``_…_``), several
    words, and no letter only Vietnamese has outside its quoted terms (``khối``, ``KPS``…)."""
    italic = re.fullmatch(r"([*_])(?![*_]).+\1", paragraph, flags=re.S)
    words = re.findall(r"\b[A-Za-z]{3,}\b", paragraph)
    return bool(italic) and len(words) >= 5


def note_problem(cell) -> str:
    """Why ``cell`` is not a story note (empty: it is one): a markdown cell tagged analyst-note
    with a Vietnamese paragraph first and an English (italic) one after it."""
    if cell.get("cell_type") != "markdown" or NOTE not in tags(cell):
        return "not a markdown cell tagged analyst-note"
    parts = paragraphs("".join(cell.get("source", "")))
    vi = next((i for i, p in enumerate(parts) if VIETNAMESE.search(p) and not english(p)), None)
    en = next((i for i, p in enumerate(parts) if english(p)), None)
    if vi is None:
        return "no Vietnamese paragraph"
    if en is None:
        return "no English (italic) paragraph"
    if en < vi:
        return "English before Vietnamese"
    return ""


def imports_cell(cells) -> int:
    """The index of the imports cell: the first code cell that starts the session
    (``Session(``), or else the last code cell with an import statement."""
    code = [i for i, c in enumerate(cells) if c.get("cell_type") == "code"]
    starting = [i for i in code if "Session(" in "".join(cells[i].get("source", ""))]
    if starting:
        return starting[0]
    importing = [
        i for i in code if re.search(r"^\s*(from|import) ", "".join(cells[i].source), re.M)
    ]
    return importing[-1] if importing else -1


def story_problems(nb) -> list[str]:
    """Every break of the story rule in a notebook: the title note, then a note before each code
    cell after the imports (an ``analyst-only`` cell may follow the step it shows directly)."""
    cells = nb.cells
    problems = []
    first = cells[0] if cells else None
    if first is None or note_problem(first):
        problems.append(f"cell 0 (the title): {note_problem(first) if first else 'missing'}")
    start = imports_cell(cells)
    if start < 0:
        return problems + ["no imports cell"]
    for i in range(start + 1, len(cells)):
        cell = cells[i]
        if cell.get("cell_type") != "code":
            continue
        before = cells[i - 1]
        if ONLY in tags(cell) and before.get("cell_type") == "code":
            continue  # the analyst's table of the step just above
        why = note_problem(before)
        if why:
            head = "".join(cell.get("source", "")).strip().splitlines()[:1]
            problems.append(f"code cell {i} ({head[0][:50] if head else ''}): cell before: {why}")
    return problems


def defaults(nb) -> dict:
    cell = next(c for c in nb.cells if "parameters" in tags(c))
    values = {}
    for node in ast.parse("".join(cell.source)).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def notebook(stem: str):
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    if not path.is_file():
        pytest.skip(f"{path.name} does not exist (yet)")
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("stem", STEMS)
def test_every_step_of_a_notebook_is_told_in_vietnamese_then_english(stem):
    problems = story_problems(notebook(stem))
    assert not problems, f"{stem}:\n" + "\n".join(problems)


@pytest.mark.parametrize("stem", STEMS)
def test_a_notebook_opens_the_richest_shipped_dataset(stem):
    found = defaults(notebook(stem))
    assert {k: found.get(k) for k in DEFAULTS} == DEFAULTS, stem


def _cell(kind: str, source: str, *tag: str):
    maker = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    return maker(source, metadata={"tags": list(tag)} if tag else {})


GOOD_NOTE = "Tính chỉ số của mỗi đơn vị.\n\n*Compute each unit's index from its points.*"


def _story(*middle):
    return nbformat.v4.new_notebook(
        cells=[
            _cell("markdown", "# Sổ\n\n*The notebook, in English words here.*", NOTE),
            _cell("code", 'dataset = "synthetic-province"\nyear = 2024', "parameters"),
            _cell("code", "from parlib.publish.session import Session\ns = Session(dataset, year)"),
            *middle,
        ]
    )


def test_the_rule_holds_a_good_story_and_catches_each_break():
    """The checker itself: a told step passes; a step without a note, a note in one language,
    English first, an untagged note, each fails."""
    assert story_problems(_story(_cell("markdown", GOOD_NOTE, NOTE), _cell("code", "x = 1"))) == []
    shown = _story(_cell("markdown", GOOD_NOTE, NOTE), _cell("code", "x"), _cell("code", "x", ONLY))
    assert story_problems(shown) == []
    broken = {
        "no note": (_cell("code", "x = 1"),),
        "Vietnamese only": (_cell("markdown", "Tính chỉ số.", NOTE), _cell("code", "x")),
        "English only": (_cell("markdown", "*Compute the index of every unit now.*", NOTE),),
        "English first": (
            _cell("markdown", "*Compute the index of every unit now.*\n\nTính chỉ số.", NOTE),
            _cell("code", "x"),
        ),
        "untagged": (_cell("markdown", GOOD_NOTE), _cell("code", "x")),
        "two steps, one note": (
            _cell("markdown", GOOD_NOTE, NOTE),
            _cell("code", "x"),
            _cell("code", "y"),
        ),
    }
    for name, cells in broken.items():
        if cells[-1].cell_type != "code":
            cells = (*cells, _cell("code", "x"))
        assert story_problems(_story(*cells)), name
    assert defaults(_story()) == DEFAULTS


def test_analyst_cells_never_reach_a_page(tmp_path):
    """``export_html`` drops the notes and the analyst's tables; the reviewers' output stays."""
    nb = _story(
        _cell("markdown", GOOD_NOTE + " NOTE-MARKER", NOTE),
        _cell("code", "shown()"),
        _cell("code", "table()", ONLY),
    )
    nb.cells[4].outputs = [
        nbformat.v4.new_output("display_data", {"text/html": "<p>REVIEWER-MARKER</p>"})
    ]
    nb.cells[5].outputs = [
        nbformat.v4.new_output("execute_result", {"text/html": "<table>ONLY-MARKER</table>"})
    ]
    executed = tmp_path / "x.ipynb"
    nbformat.write(nb, executed)
    page = execute.export_html(executed, tmp_path / "x.html", shell.Frame("T", "vi")).read_text(
        encoding="utf-8"
    )
    assert "REVIEWER-MARKER" in page
    assert "NOTE-MARKER" not in page and "ONLY-MARKER" not in page and "Tính chỉ số" not in page


@pytest.mark.slow
def test_the_analyst_tables_of_a_real_run_are_not_on_its_pages(first_run: FirstRun):
    """Every executed notebook of the shared run (both languages): no output of an analyst-only
    cell and no analyst note appears on its page."""
    folder = first_run.project / "reports" / "synthetic-province" / "2024"
    checked = 0
    for executed in sorted((folder / "notebooks").glob("*.ipynb")):
        page = (folder / executed.name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
        for cell in nbformat.read(executed, as_version=4).cells:
            if ONLY in tags(cell):
                for out in cell.get("outputs", []):
                    for mime in ("text/html", "text/plain"):
                        text = out.get("data", {}).get(mime, "")
                        if len(text) > 40:
                            checked += 1
                            assert text not in page, (executed.name, mime)
            if NOTE in tags(cell):
                first = paragraphs("".join(cell.source))[0][:60]
                assert first not in page, executed.name
    assert checked >= 2  # 01 and 02 show the analyst a table, in each language
