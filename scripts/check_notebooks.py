"""Check that notebooks are committed clean: no outputs, no execution counts (the pre-commit hook
``notebooks-clean``; ``tests/test_project.py`` checks the same and the parameters cells).

Usage: ``python scripts/check_notebooks.py notebooks/*.ipynb``; exit 1 naming each dirty notebook.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def dirty_cells(path: Path) -> list[int]:
    """The numbers (from 1) of the code cells that carry outputs or an execution count."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        i
        for i, c in enumerate(cells, 1)
        if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count") is not None)
    ]


def main(argv: list[str]) -> int:
    dirty = {name: cells for name in argv if (cells := dirty_cells(Path(name)))}
    for name, cells in dirty.items():
        print(f"{name}: outputs or execution counts in code cells {cells}; clear them first")
    return 1 if dirty else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
