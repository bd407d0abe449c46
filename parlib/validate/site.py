"""Where a dataset-year's Data Docs site lies, and its copy into the reports: plain file work, no
Great Expectations import (the validate notebook runs it in every kernel; ``docs`` builds the site).

In: the GX project folder of a dataset-year. Out: its Data Docs site copied to the reports, made to
open offline there (``offline.offline``: bundled style sheets and scripts, nothing from a CDN).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from parlib.validate.offline import offline


def data_docs_index(project_dir: Path) -> Path:
    """The index page of the Data Docs site GX writes in the project folder ``project_dir``."""
    return Path(project_dir) / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def publish_docs(project_dir: Path, target: Path) -> Path | None:
    """Copy the GX project's Data Docs site into the reports (the project itself stays in processed)
    and make the copy load nothing from outside its folder. Returns its index page, or None when
    the project has no site."""

    index = data_docs_index(project_dir)
    if not index.is_file():
        return None
    shutil.copytree(index.parent, target, dirs_exist_ok=True)
    offline(target)
    return Path(target) / "index.html"
