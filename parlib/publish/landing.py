"""Landing: ``reports/index.html`` (every dataset and year, its status, inputs and links) and the
validation page of a refused run.

In: the reports folder, the pages the pipeline publishes (``ReportPages``) and the datasets whose
``dataset.toml`` is refused (``parlib.config.dataset.refused_datasets``). Out: HTML text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import quote

from parlib.config.dataset import refused_datasets
from parlib.core import paths
from parlib.core.errors import Problem
from parlib.core.labels import t
from parlib.core.storage import write_text
from parlib.publish.layouts import PROBLEM_COLUMNS
from parlib.publish.markup import _page, banner, esc, heading, html_table, note, provenance_footer
from parlib.publish.views import problems_frame


@dataclass(frozen=True)
class ReportPages:
    """The pages a run publishes, as the landing page links them (the pipeline definition,
    ``parlib.run.pipeline``, says which): per dataset-year ``(file, label key)`` in run order, per
    dataset likewise, and the year's results workbook."""

    year: tuple[tuple[str, str], ...]
    dataset: tuple[tuple[str, str], ...]
    workbook: str


def _status_text(manifest: dict, lang: str) -> str:
    validation = manifest.get("validation", {})
    if manifest.get("outcome") != "success":
        return t("status_failed", lang)
    n = int(validation.get("warnings", 0))
    return t("status_warnings", lang, n=n) if n else t("status_ok", lang)


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def _runs(reports_root: Path) -> dict[tuple[str, int], dict]:
    """Per dataset-year: the last good run's manifest and the last failed run's, if any."""
    runs: dict[tuple[str, int], dict] = {}
    for kind, pattern in (("good", "*/*/run.json"), ("failed", "_failed/*/*/failure.json")):
        for path in sorted(reports_root.glob(pattern)):
            manifest = _read_json(path)
            if manifest and not path.relative_to(reports_root).parts[0].startswith("."):
                if kind == "good" and path.relative_to(reports_root).parts[0] == "_failed":
                    continue
                key = (manifest["dataset"], int(manifest["year"]))
                runs.setdefault(key, {})[kind] = (path.parent, manifest)
    return runs


def _problem_item(problem: Problem, lang: str) -> str:
    """One refused declaration's problem: key (or line), message, value found, what is expected."""
    message = (problem.message_vi or problem.message) if lang == "vi" else problem.message
    parts = [f"<code>{esc(problem.key)}</code>"] if problem.key else []
    if problem.row is not None:
        parts.append(f"{esc(t('row', lang))} {esc(problem.row)}")
    parts.append(esc(message))
    if problem.value != "":
        parts.append(f"{esc(t('value', lang))}: <code>{esc(problem.value)}</code>")
    if problem.expectation(lang):
        parts.append(f"{esc(t('expected', lang))}: {esc(problem.expectation(lang))}")
    return f"<li>{' — '.join(parts)}</li>"


def _refused_row(problems: list[Problem], lang: str) -> str:
    """The row of a dataset whose ``dataset.toml`` is refused: every problem, located."""
    items = "".join(_problem_item(p, lang) for p in problems)
    files = sorted({p.file for p in problems if p.file})
    return (
        f"<tr><td><strong>{esc(t('config_row', lang))}</strong></td><td></td>"
        f'<td class="failed">{esc(t("config_refused", lang, n=len(problems)))}<ul>{items}</ul></td>'
        f"<td></td><td></td><td>{'<br>'.join(f'<code>{esc(f)}</code>' for f in files)}</td></tr>"
    )


def landing_page(
    reports_root: Path,
    pages: ReportPages,
    lang: str = "vi",
    refused: dict[str, list[Problem]] | None = None,
) -> str:
    """``reports/index.html``: every dataset and year, its validation status, all its reports, and
    the last failed run (when newer than the last good one) with its reason and validation report.
    A dataset in ``refused`` (its ``dataset.toml`` refused, with the problems) gets a row saying so
    above its years (earlier good runs stay listed)."""
    reports_root = Path(reports_root)
    refused = refused or {}
    runs = _runs(reports_root)
    by_dataset: dict[str, list] = {name: [] for name in refused}
    for (name, year), entry in sorted(runs.items()):
        by_dataset.setdefault(name, []).append((year, entry))
    sections = []
    for name, entries in sorted(by_dataset.items()):
        any_manifest = next((m for _, e in entries for _, m in e.values()), {})
        title = any_manifest.get("title", {}).get(lang, name)
        synthetic = (
            '<span class="tag-synthetic">SYNTHETIC</span> ' if any_manifest.get("synthetic") else ""
        )
        rows = [_refused_row(refused[name], lang)] if name in refused else []
        for year, entry in entries:
            cells_links, status, css, when, inputs, methodology = "", "", "", "", "", ""
            if "good" in entry:
                folder, m = entry["good"]
                rel = folder.relative_to(reports_root).as_posix()
                links = [
                    f'<a href="{esc(rel)}/{esc(page)}">{esc(t(key, lang))}</a>'
                    for page, key in pages.year
                    if (folder / page).is_file()
                ]
                if (folder / "data_docs" / "index.html").is_file():
                    links.append(
                        f'<a href="{esc(rel)}/data_docs/index.html">{esc(t("data_docs", lang))}</a>'
                    )
                if (folder / pages.workbook).is_file():
                    links.append(
                        f'<a href="{esc(rel)}/{esc(pages.workbook)}">'
                        f"{esc(t('results_workbook', lang))}</a>"
                    )
                cells_links = " · ".join(links) + _unit_links(folder, rel, lang)
                status, css = _status_text(m, lang), "ok"
                when = m.get("finished_at", "")
                methodology = m.get("methodology", "")
                inputs = "<br>".join(
                    f"<code>{esc(i['path'])}</code> <small>{esc(i['sha256'][:12])}…</small>"
                    for i in m.get("inputs", [])
                )
            if "failed" in entry:
                folder, f = entry["failed"]
                newer = "good" not in entry or f.get("finished_at", "") > when
                if newer:
                    rel = folder.relative_to(reports_root).as_posix()
                    page = next(
                        (
                            p
                            for p in ("validation.html", "02_validate.html", "01_ingest.html")
                            if (folder / p).is_file()
                        ),
                        None,
                    )
                    link = (
                        f' <a href="{esc(rel)}/{esc(page)}">{esc(t("failed_report", lang))}</a>'
                        if page
                        else ""
                    )
                    status = (
                        f"{t('status_failed', lang)} ({esc(f.get('finished_at', ''))}): "
                        f"{esc(f.get('message', ''))}"
                    )
                    css = "failed"
                    cells_links = (
                        cells_links + "<br>" if cells_links else ""
                    ) + f'<span class="failed">{esc(t("last_failed", lang))}</span>{link}'
                    methodology = methodology or f.get("methodology", "")
            rows.append(
                f"<tr><td><strong>{esc(year)}</strong></td><td>{esc(methodology)}</td>"
                f'<td class="{css}">{status if css == "failed" else esc(status)}</td>'
                f"<td>{cells_links}</td><td><small>{esc(when)}</small></td>"
                f"<td>{inputs}</td></tr>"
            )
        header = "".join(
            f"<th>{esc(t(k, lang))}</th>"
            for k in ("year", "methodology", "validation_status", "reports", "last_run", "inputs")
        )
        dataset_links = " · ".join(
            f'<a href="{esc(name)}/{esc(page)}">{esc(t(key, lang))}</a>'
            for page, key in pages.dataset
            if (reports_root / name / page).is_file()
        )
        sections.append(
            f"<h2>{synthetic}{esc(title)} <small>({esc(name)})</small></h2>"
            + (f"<p>{dataset_links}</p>" if dataset_links else "")
            + f'<table class="par-table"><thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    body = "".join(sections) or f"<p>{esc(t('no_runs', lang))}</p>"
    other_lang = "en" if lang == "vi" else "vi"
    other = (
        f'<a href="{LANDING_FILES[other_lang]}">'
        f"{'English' if other_lang == 'en' else 'Tiếng Việt'}</a>"
    )
    return _page(
        t("landing_title", lang),
        lang,
        f'<p style="text-align:right">{other}</p><h1>{esc(t("landing_title", lang))}</h1>'
        f"<p>{esc(t('landing_intro', lang))}</p>{body}"
        f'<p class="par-footer">{esc(t("app_name", lang))} — parlib</p>',
    )


def _unit_links(folder: Path, rel: str, lang: str) -> str:
    """A folded list of every unit profile of a dataset-year, by unit name (the page's title),
    in name order."""
    pages = sorted((_page_subject(p), p.name) for p in (folder / "units").glob("*.html"))
    if not pages:
        return ""
    links = " · ".join(
        f'<a href="{esc(rel)}/units/{esc(quote(page))}">{esc(name)}</a>' for name, page in pages
    )
    return (
        f"<details><summary>{esc(t('unit_profiles_n', lang, n=len(pages)))}</summary>"
        f"{links}</details>"
    )


def _page_subject(page: Path) -> str:
    """The subject of a profile page: its title up to the first " — " (the unit's name, as the
    runner titles it); the file name when the page has no such title."""
    with page.open(encoding="utf-8", errors="replace") as handle:
        head = handle.read(4096)
    found = re.search(r"<title>(.*?)</title>", head, flags=re.S)
    if not found:
        return page.stem
    return unescape(found.group(1)).split(" — ")[0].strip() or page.stem


def validation_page(
    problems: list,
    title: str,
    subtitle: str,
    synthetic: bool,
    lang: str,
    prov: dict | None,
    names: dict[str, str] | None = None,
) -> str:
    """The validation report of a refused run: every problem (its unit by name, ``names``), what
    to fix, and provenance."""
    frame = problems_frame(problems, lang, names)
    critical = int((frame["severity"] == "critical").sum())
    body = (
        banner(synthetic, lang)
        + heading(title, subtitle)
        + f"<p>{esc(t('validate_summary', lang, critical=critical, warnings=len(frame) - critical))}</p>"
        + note(t("validate_failed", lang))
        + f"<h2>{esc(t('problems', lang))}</h2>"
        + html_table(frame, PROBLEM_COLUMNS, lang)
        + (provenance_footer(prov, lang) if prov else "")
    )
    return _page(title, lang, body)


LANDING_FILES = {"vi": "index.html", "en": "index.en.html"}


def write_landing(
    pages: ReportPages, reports_root: Path | None = None, raw_root: Path | None = None
) -> Path:
    """Write the landing page in Vietnamese (``index.html``) and English (``index.en.html``), with
    a row for every dataset of ``raw_root`` (default: the ``data/raw`` of the project holding
    ``reports_root``) whose ``dataset.toml`` is refused."""
    root = Path(reports_root or paths.reports_dir())
    raw = Path(raw_root) if raw_root else paths.raw_dir(root.parent if reports_root else None)
    refused = refused_datasets(raw) if raw.is_dir() else {}
    for lang, name in LANDING_FILES.items():
        write_text(root / name, landing_page(root, pages, lang, refused))
    return root / LANDING_FILES["vi"]
