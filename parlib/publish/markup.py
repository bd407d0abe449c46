"""Report pieces: escaped HTML tables, banners, the provenance footer, and the landing page.

In: result tables, labels, provenance records. Out: HTML strings (shown in notebooks through
``IPython.display.HTML``) and ``reports/index.html``. All text that comes from data (unit names,
notes, file names) goes through ``html.escape``: a unit called ``<script>`` shows as text. Paths in
the footer are shown relative to the project (``public_path``): a published page never carries the
machine's own folders.
"""

from __future__ import annotations

import html
import logging
import os
import sys
import warnings
from dataclasses import dataclass

import pandas as pd

from parlib.core import paths
from parlib.core.labels import catalogue, number, t

CSS = """
<style>
.par-table {border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0 1em 0;}
.par-table th {background: #edf2f7; text-align: left; padding: 4px 8px; border-bottom: 2px solid #a0aec0;}
.par-table td, .par-table th {text-align: left !important;}
.par-table td {padding: 3px 8px; border-bottom: 1px solid #e2e8f0;}
.par-table td.num {text-align: right !important; font-variant-numeric: tabular-nums;}
.par-banner {padding: 10px 14px; margin: 8px 0 14px 0; border-radius: 4px; font-weight: bold;}
.par-banner.synthetic {background: #fed7d7; border: 2px solid #c53030; color: #742a2a;}
.par-banner.real {background: #e6fffa; border: 1px solid #319795; color: #234e52; font-weight: normal;}
.par-note {background: #fffff0; border-left: 4px solid #d69e2e; padding: 6px 12px; margin: 8px 0;}
.par-warning {background: #fffaf0; border-left-color: #c05621; font-weight: bold; color: #7b341e;}
.par-footer {margin-top: 2em; padding-top: 0.6em; border-top: 1px solid #cbd5e0; font-size: 0.8em; color: #4a5568;}
.par-footer code {font-size: 0.95em;}
.band-A {background: #c6f6d5;} .band-B {background: #bee3f8;} .band-C {background: #fefcbf;} .band-D {background: #fed7d7;}
.sev-critical {color: #c53030; font-weight: bold;} .sev-warning {color: #b7791f; font-weight: bold;}
</style>
"""


NOTEBOOK_WARNINGS = "parlib-notebook-warnings"  # the name of the handler setup_notebook adds


def setup_notebook() -> None:
    """Reviewer-friendly notebook output: warnings are logged, not shown; no GX chatter.

    Warnings go through ``logging`` (``captureWarnings``) to the kernel's stderr, which the rendered
    page leaves out and the runner writes to the run's log (``parlib.run.execute.export_html``).
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
        handler.setFormatter(logging.Formatter("%(message)s"))
        captured.addHandler(handler)
        captured.propagate = False  # once, whatever handlers the kernel's root logger has
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    pd.set_option("display.max_rows", 200)


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
    df: pd.DataFrame, columns: list[Column], lang: str, max_rows: int | None = None
) -> str:
    """An escaped HTML table with translated headers and locale-formatted numbers."""
    head = "".join(f"<th>{esc(_header(c, lang))}</th>" for c in columns)
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
                cells.append(f'<td class="num">{esc(number(value, c.decimals, lang))}</td>')
            elif c.kind == "int":
                cells.append(f'<td class="num">{"" if missing else esc(int(value))}</td>')
            elif c.kind == "label":
                text = "" if missing else (t(str(value), lang) if str(value) in _keys() else value)
                cells.append(f"<td>{esc(text)}</td>")
            elif c.kind == "bool":
                cells.append(f"<td>{esc(t('yes' if value else 'no', lang))}</td>")
            elif c.kind == "band":
                cells.append(f'<td class="band-{esc(value)}">{esc("" if missing else value)}</td>')
            elif c.kind == "code":  # file names, criterion codes: exempt from the leak scan
                cells.append(f"<td><code>{esc('' if missing else value)}</code></td>")
            elif c.kind == "severity":
                cells.append(f'<td class="sev-{esc(value)}">{esc(t(str(value), lang))}</td>')
            elif c.link and record.get(c.link):
                cells.append(
                    f'<td><a href="{esc(record[c.link])}">{esc("" if missing else value)}</a></td>'
                )
            else:
                cells.append(f"<td>{esc('' if missing else value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="par-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _header(c: Column, lang: str) -> str:
    key = c.label or c.name
    return t(key, lang) if key in _keys() else key


def _keys() -> set[str]:

    return set(catalogue())


def banner(synthetic: bool, lang: str) -> str:
    if synthetic:
        return CSS + f'<div class="par-banner synthetic">{esc(t("synthetic_banner", lang))}</div>'
    return CSS + f'<div class="par-banner real">{esc(t("real_banner", lang))}</div>'


def note(text: str) -> str:
    return f'<div class="par-note">{esc(text)}</div>'


def heading(title: str, subtitle: str = "") -> str:
    sub = f"<p><em>{esc(subtitle)}</em></p>" if subtitle else ""
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
    inputs = "".join(
        f"<li><code>{esc(public_path(i['path']))}</code> — {esc(t('sha256', lang))} "
        f"<code>{esc(i['sha256'][:16])}…</code></li>"
        for i in prov["inputs"]
    )
    params = ", ".join(
        f"{esc(k)}={esc(public_parameter(k, v))}" for k, v in prov["parameters"].items()
    )
    versions = ", ".join(f"{esc(k)} {esc(v)}" for k, v in prov["versions"].items())
    commit = f" (git {esc(prov['git_commit'])})" if prov.get("git_commit") else ""
    return (
        f'<div class="par-footer"><strong>{esc(t("provenance", lang))}</strong><br>'
        f"{esc(t('dataset', lang))}: {esc(prov['dataset'])} — {esc(t('year', lang))} "
        f"{esc(prov['year'])} — {esc(t('methodology', lang))}: {esc(prov['methodology'])}<br>"
        f"{esc(t('inputs', lang))}:<ul>{inputs}</ul>"
        f"{esc(t('parameters', lang))}: {params}<br>"
        f"{esc(t('package_version', lang))}: {esc(prov['versions']['parlib'])}{commit}; "
        f"{esc(t('versions', lang))}: {versions}<br>"
        f"{esc(t('generated_at', lang))}: {esc(prov['generated_at'])}</div>"
    )


def _page(title: str, lang: str, body: str) -> str:
    """A complete, self-contained HTML page in the reports' style."""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>{CSS}
<style>body {{font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 2em auto;
max-width: 1200px; padding: 0 1em; color: #1a202c;}} td.ok {{color: #276749;}}
td.failed, span.failed {{color: #c53030; font-weight: bold;}}
.tag-synthetic {{background: #c53030; color: white; padding: 1px 6px; border-radius: 3px;
font-size: 0.7em; vertical-align: middle;}}</style></head>
<body>{body}</body></html>
"""


def warning_box(text: str) -> str:
    """A visible warning (methodology changed, no comparable year …)."""
    return f'<div class="par-note par-warning" role="note">&#9888; {esc(text)}</div>'
