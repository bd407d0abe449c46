"""Where a dataset-year's Data Docs site lies, and its copy into the reports: plain file work, no
Great Expectations import (the validate notebook runs it in every kernel; ``docs`` builds the site).
"""

from __future__ import annotations

import shutil
from pathlib import Path


def data_docs_index(project_dir: Path) -> Path:
    return Path(project_dir) / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def publish_docs(project_dir: Path, target: Path) -> Path | None:
    """Copy the GX project's Data Docs site into the reports (the project itself stays in processed)."""

    index = data_docs_index(project_dir)
    if not index.is_file():
        return None
    shutil.copytree(index.parent, target, dirs_exist_ok=True)
    return Path(target) / "index.html"
