"""Report pieces: escaped HTML tables, notes, the banner a notebook shows in JupyterLab and the
provenance footer (both from the shell's templates, ``parlib.publish.shell``).

In: result tables, labels, provenance records. Out: HTML fragments (shown in notebooks through
``IPython.display.HTML``; the page around them is the shell's). All text that comes from data (unit names,
notes, file names) goes through ``html.escape``: a unit called ``<script>`` shows as text. Paths in
the footer are shown relative to the project (``public_path``): a published page never carries the
machine's own folders.
"""

from __future__ import annotations

import html
import logging
import os
import re
import sys
import warnings
from dataclasses import dataclass

import pandas as pd

from parlib.core import paths
from parlib.core.labels import catalogue, local_time, number, t
from parlib.publish import shell

SHELL_PLACE = "parlib"  # a display output's metadata key: where the page shell puts it
BANNER, FOOTER = "banner", "footer"  # ... the banner (drawn by the shell), the provenance footer


NOTEBOOK_WARNINGS = "parlib-notebook-warnings"  # the name of the handler setup_notebook adds


def setup_notebook() -> None:
    """Reviewer-friendly notebook output: warnings are logged, not shown; no GX chatter.

    Warnings go through ``logging`` (``captureWarnings``) to the kernel's stderr, which the rendered
    page leaves out and the runner writes to the run's log (``parlib.run.execute.export_html``),
    with no local absolute path (``PublicPaths``).
    Deprecations attributed to ``parlib`` are shown once per place, like the notebook's own (Python
    hides other modules' by default), so they reach the log too. Calling it again (a warm kernel
    serves many notebooks) adds nothing.
    """
    logging.captureWarnings(True)
    warnings.filterwarnings("default", category=DeprecationWarning, module=r"parlib(\.|$)")
    captured = logging.getLogger("py.warnings")
    if not any(h.get_name() == NOTEBOOK_WARNINGS for h in captured.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(NOTEBOOK_WARNINGS)
        handler.setFormatter(PublicPaths("%(message)s"))
        captured.addHandler(handler)
        captured.propagate = False  # once, whatever handlers the kernel's root logger has
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    pd.set_option("display.max_rows", 200)


class PublicPaths(logging.Formatter):
    """A log record with every absolute path as a published page shows it (``paths.display``):
    a warning names the file that raised it (``/home/…/parlib/publish/plots.py:154``), and the
    kernel's stderr goes into the executed notebook and the run's log, both published."""

    ABSOLUTE = re.compile(r"(?<![\w.:/])/[^\s:'\"]+")  # not in a URL or a fraction

    def format(self, record: logging.LogRecord) -> str:
        return self.ABSOLUTE.sub(lambda m: str(paths.display(m[0])), super().format(record))


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@dataclass(frozen=True)
class Column:
    """One column of an HTML table: source column, label key, and how to show its values."""

    name: str
    label: str | None = None  # label key; defaults to ``name``
    kind: str = "text"  # text | num | int | label (translate the value) | band | severity | code
    decimals: int = 2
    link: str | None = None  # a column holding a relative href for this cell (text kinds only)


def html_table(
    df: pd.DataFrame,
    columns: list[Column],
    lang: str,
    max_rows: int | None = None,
    row_id: str | None = None,
) -> str:
    """An escaped HTML table with translated headers and locale-formatted numbers; a number's
    cell carries its value (``data-sort``) for the shell's sortable tables. ``row_id``: a column
    holding each row's anchor (``id``), e.g. a unit's in the list of profiles."""
    head = "".join(f"<th{_unit_class(c)}>{esc(_header(c, lang))}</th>" for c in columns)
    rows = []
    data = df if max_rows is None else df.head(max_rows)
    for record in data.to_dict("records"):
        cells = []
        for c in columns:
            value = record.get(c.name)
            missing = (
                value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA
            )
            if c.kind == "num":
                sort = "" if missing else f' data-sort="{esc(_sort_value(value))}"'
                cells.append(f'<td class="num"{sort}>{esc(number(value, c.decimals, lang))}</td>')
            elif c.kind == "int":
                cells.append(f'<td class="num">{"" if missing else esc(int(value))}</td>')
            elif c.kind == "label":
                text = "" if missing else (t(str(value), lang) if str(value) in _keys() else value)
                cells.append(f"<td>{esc(text)}</td>")
            elif c.kind == "bool":
                cells.append(f"<td>{esc(t('yes' if value else 'no', lang))}</td>")
            elif c.kind == "band":
                cells.append(f'<td class="band-{esc(value)}">{esc("" if missing else value)}</td>')
            elif c.kind == "vi":  # text written in Vietnamese (a reason, a note): marked so
                cells.append(f'<td lang="vi">{esc("" if missing else value)}</td>')
            elif c.kind == "code":  # file names, criterion codes: exempt from the leak scan
                cells.append(f"<td><code>{esc('' if missing else value)}</code></td>")
            elif c.kind == "severity":
                cells.append(f'<td class="sev-{esc(value)}">{esc(t(str(value), lang))}</td>')
            elif c.link and record.get(c.link):
                cells.append(
                    f'<td{_unit_class(c)}><a href="{esc(record[c.link])}">'
                    f"{esc('' if missing else value)}</a></td>"
                )
            else:
                cells.append(f"<td{_unit_class(c)}>{esc('' if missing else value)}</td>")
        anchor = f' id="{esc(record[row_id])}"' if row_id and record.get(row_id) else ""
        rows.append(f"<tr{anchor}>" + "".join(cells) + "</tr>")
    return f'<table class="par-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


UNIT_COLUMNS = ("unit_name", "unit")  # the column a narrow screen keeps in view (par-unit)


def _unit_class(c: Column) -> str:
    """The unit's column is marked, so that a table scrolled sideways keeps it in view."""
    return ' class="par-unit"' if c.name in UNIT_COLUMNS else ""


def _sort_value(value: object) -> object:
    """A number as the sortable tables compare it (a plain decimal point, never a comma)."""
    try:
        return repr(float(value))
    except (TypeError, ValueError):
        return value


def _header(c: Column, lang: str) -> str:
    key = c.label or c.name
    return t(key, lang) if key in _keys() else key


def _keys() -> set[str]:

    return set(catalogue())


def banner(synthetic: bool, lang: str) -> str:
    """The SYNTHETIC or real-data banner with the style sheet, as a notebook shows it in
    JupyterLab; on a published page the shell draws it once (``shell.Frame.synthetic``) and this
    output, marked ``BANNER``, is left out."""
    kind, key = ("synthetic", "synthetic_banner") if synthetic else ("real", "real_banner")
    return shell.render("banner.html.j2", css=shell.css(), kind=kind, text=t(key, lang))


def note(text: str) -> str:
    return f'<div class="par-note">{esc(text)}</div>'


def heading(title: str, subtitle: str = "", vietnamese: str = "") -> str:
    """The page's title and subtitle; ``vietnamese`` ends the subtitle with a name that exists only
    in Vietnamese (a decision's title), marked ``lang="vi"`` so that an English page says so."""
    tail = f'<span lang="vi">{esc(vietnamese)}</span>' if vietnamese else ""
    sub = f"<p><em>{esc(subtitle)}{tail}</em></p>" if subtitle or tail else ""
    return f"<h1>{esc(title)}</h1>{sub}"


def public_path(value: object) -> object:
    """A value as a published page or workbook may show it: an absolute path as ``paths.display``
    shows it (relative to the project, ``data/processed``, or ``<outside the project>/`` and its
    last two parts); anything else is returned as is."""
    if not isinstance(value, str) or not os.path.isabs(value):
        return value
    return paths.display(value)


def public_parameter(name: str, value: object) -> object:
    """A notebook parameter as published: the runner passes the ``*_root`` folders relative to the
    notebooks' folder (``../data/processed``), shown relative to the project like every path."""
    if name.endswith("_root") and isinstance(value, str) and value:
        return paths.display(paths.notebooks_dir() / value)
    return public_path(value)


def provenance_footer(prov: dict, lang: str) -> str:
    """The provenance footer (``templates/footer.html.j2``): dataset, year, methodology, inputs
    with their hashes, parameters, versions, and the time of the record in Vietnam time
    (``labels.local_time``; the record itself keeps ISO UTC)."""
    words = {
        k: t(k, lang)
        for k in ("provenance", "dataset", "year", "methodology", "inputs", "sha256")
        + ("parameters", "package_version", "versions", "generated_at")
    }
    shown = {
        "inputs": [
            {"path": public_path(i["path"]), "sha256": i["sha256"][:16]} for i in prov["inputs"]
        ],
        "parameters": [(k, public_parameter(k, v)) for k, v in prov["parameters"].items()],
        "generated_at": local_time(prov["generated_at"], lang),
    }
    return shell.render("footer.html.j2", prov=prov, words=words, shown=shown)


def warning_box(text: str) -> str:
    """A visible warning (methodology changed, no comparable year …)."""
    return f'<div class="par-note par-warning" role="note">&#9888; {esc(text)}</div>'
