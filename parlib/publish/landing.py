"""Landing: ``reports/index.html`` and ``index.en.html`` (every dataset and year, its status,
inputs and links to its pages in the same language) and the validation page of a refused run.

In: the reports folder, the pages the pipeline publishes (``ReportPages``) and the datasets whose
``dataset.toml`` is refused (``parlib.config.dataset.refused_datasets``). Out: HTML text, rendered
from the shell's templates (``landing.html.j2``, ``validation.html.j2``; autoescaped): this module
gathers what the pages show and builds no HTML itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from html import unescape
from pathlib import Path
from urllib.parse import quote

from parlib.config.dataset import refused_datasets
from parlib.core import paths
from parlib.core.errors import Problem
from parlib.core.labels import LANGS, local_time, t
from parlib.core.storage import write_text
from parlib.publish import headline
from parlib.publish.layouts import PROBLEM_COLUMNS
from parlib.publish.markup import heading, html_table, note, provenance_footer
from parlib.publish.navigation import ACTION_LIST, ANNEX, ANNEX_XLSX, search_box
from parlib.publish.pages import DEFAULT_LANG, counterpart, localized
from parlib.publish.shell import Frame, html, render, year_anchor
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


def _problem(problem: Problem, lang: str) -> dict:
    """One refused declaration's problem: key (or line), message, value found, what is expected."""
    return {
        "key": problem.key,
        "row": problem.row,
        "message": (problem.message_vi or problem.message) if lang == "vi" else problem.message,
        "value": problem.value,
        "expected": problem.expectation(lang),
    }


def _refused(problems: list[Problem], lang: str) -> dict:
    """The row of a dataset whose ``dataset.toml`` is refused: every problem, located."""
    return {
        "status": t("config_refused", lang, n=len(problems)),
        "problems": [_problem(p, lang) for p in problems],
        "files": sorted({p.file for p in problems if p.file}),
    }


def _good(folder: Path, rel: str, manifest: dict, pages: ReportPages, lang: str) -> dict:
    """What a dataset-year's row shows of its last good run: its pages in ``lang``, the Data Docs,
    the workbook, the official annex, the action list, its units' profiles, status, time, methodology and inputs."""
    links = [
        (f"{rel}/{localized(page, lang)}", t(key, lang))
        for page, key in pages.year
        if (folder / localized(page, lang)).is_file()
    ]
    if (folder / "data_docs" / "index.html").is_file():
        links.append((f"{rel}/data_docs/index.html", t("data_docs", lang)))
    workbook = localized(pages.workbook, lang)
    if (folder / workbook).is_file():
        links.append((f"{rel}/{workbook}", t("results_workbook", lang)))
    if (folder / ANNEX).is_file():  # the official annex: Vietnamese only, one file
        links.append((f"{rel}/{ANNEX}", t("results_annex", lang)))
    if (folder / ANNEX_XLSX).is_file():
        links.append((f"{rel}/{ANNEX_XLSX}", t("results_annex_xlsx", lang)))
    if (folder / ACTION_LIST).is_file():  # the action list: Vietnamese only, one file
        links.append((f"{rel}/{ACTION_LIST}", t("results_actions", lang)))
    return {
        "links": links,
        "units": _unit_links(folder, rel, lang),
        "status": _status_text(manifest, lang),
        "css": "ok",
        "finished_at": manifest.get("finished_at", ""),
        "when": local_time(manifest.get("finished_at", ""), lang),
        "methodology": manifest.get("methodology", ""),
        "inputs": [(i["path"], i["sha256"][:12]) for i in manifest.get("inputs", [])],
    }


def _failed(folder: Path, rel: str, failure: dict, lang: str) -> dict:
    """The last failed run of a dataset-year: its reason and the page that explains it."""
    page = next(
        (
            localized(p, lang)
            for p in ("validation.html", "02_validate.html", "01_ingest.html")
            if (folder / localized(p, lang)).is_file()
        ),
        None,
    )
    return {
        "status": t("status_failed", lang),
        "when": local_time(failure.get("finished_at", ""), lang),
        "message": failure.get("message", ""),
        "href": f"{rel}/{page}" if page else "",
    }


def _year_row(reports_root: Path, year: int, entry: dict, pages: ReportPages, lang: str) -> dict:
    row: dict = {"year": year, "links": [], "units": None, "failed": None, "css": ""}
    row.update({"status": "", "when": "", "methodology": "", "inputs": [], "finished_at": ""})
    if "good" in entry:
        folder, manifest = entry["good"]
        row.update(
            _good(folder, folder.relative_to(reports_root).as_posix(), manifest, pages, lang)
        )
    if "failed" in entry:
        folder, failure = entry["failed"]
        if "good" not in entry or failure.get("finished_at", "") > row["finished_at"]:
            rel = folder.relative_to(reports_root).as_posix()
            row["failed"] = _failed(folder, rel, failure, lang)
            row["css"] = "failed"
            row["methodology"] = row["methodology"] or failure.get("methodology", "")
    return row


def landing_page(
    reports_root: Path,
    pages: ReportPages,
    lang: str = "vi",
    refused: dict[str, list[Problem]] | None = None,
) -> str:
    """``reports/index.html`` (``index.en.html``): every dataset and year, its validation status,
    all its reports in ``lang``, and the last failed run (when newer than the last good one) with
    its reason and validation report. A dataset in ``refused`` (its ``dataset.toml`` refused, with
    the problems) gets a row saying so above its years (earlier good runs stay listed). Rendered
    from ``templates/landing.html.j2``."""
    reports_root = Path(reports_root)
    refused = refused or {}
    runs = _runs(reports_root)
    by_dataset: dict[str, list] = {name: [] for name in refused}
    for (name, year), entry in sorted(runs.items()):
        by_dataset.setdefault(name, []).append((year, entry))
    datasets, found = [], []
    for name, entries in sorted(by_dataset.items()):
        any_manifest = next((m for _, e in entries for _, m in e.values()), {})
        years = [
            {**_year_row(reports_root, y, e, pages, lang), "anchor": year_anchor(name, y)}
            for y, e in entries
        ]
        title = any_manifest.get("title", {}).get(lang, name)
        found += _search_items(years, name, title)
        datasets.append(
            {
                "name": name,
                "anchor": year_anchor(name),
                "title": any_manifest.get("title", {}).get(lang, name),
                "synthetic": bool(any_manifest.get("synthetic")),
                "links": [
                    (f"{name}/{localized(page, lang)}", t(key, lang))
                    for page, key in pages.dataset
                    if (reports_root / name / localized(page, lang)).is_file()
                ],
                "refused": _refused(refused[name], lang) if name in refused else None,
                "headline": _latest_headline(entries, lang),
                "years": years,
            }
        )
    frame = Frame(t("landing_title", lang), lang, counterpart=counterpart("index.html", lang))
    columns = ("year", "methodology", "validation_status", "reports", "last_run")
    return render(
        "landing.html.j2",
        frame=frame,
        datasets=datasets,
        search=search_box(_latest_only(found), lang) if found else "",
        headers=[t(k, lang) for k in columns],
        words={
            k: t(k, lang)
            for k in ("landing_title", "landing_intro", "no_runs", "config_row", "last_failed")
            + ("failed_report", "app_name", "row", "value", "expected", "provenance_fold")
        },
    )


def _latest_headline(entries: list[tuple[int, dict]], lang: str) -> list[str]:
    """The headline sentences of a dataset's latest published year (``parlib.publish.headline``,
    kept in its ``run.json``); none before a year is published."""
    for year, entry in sorted(entries, reverse=True):
        if "good" in entry:
            return headline.sentences(entry["good"][1].get("headline", []), year, lang)
    return []


def _search_items(years: list[dict], dataset: str, title: str) -> list[tuple]:
    """Every unit profile of a dataset's published years: (name, href, where, year, dataset)."""
    return [
        (name, href, f"{title} — {row['year']}", row["year"], dataset)
        for row in years
        if row.get("units")
        for href, name in row["units"]["links"]
    ]


def _latest_only(items: list[tuple]) -> list[tuple[str, str, str]]:
    """Each unit of each dataset once, at its latest year's profile (the search box's entries)."""
    latest: dict[tuple[str, str], tuple] = {}
    for name, href, where, year, dataset in items:
        if (name, dataset) not in latest or year > latest[(name, dataset)][3]:
            latest[(name, dataset)] = (name, href, where, year)
    return [(name, href, where) for name, href, where, _ in latest.values()]


def _unit_links(folder: Path, rel: str, lang: str) -> dict | None:
    """Every unit profile of a dataset-year in ``lang``, by unit name (the page's title), in name
    order, for a folded list."""
    found = sorted(
        (_page_subject(p), p.name)
        for p in (folder / "units").glob("*.html")
        if _page_lang(p.name) == lang
    )
    if not found:
        return None
    return {
        "summary": t("unit_profiles_n", lang, n=len(found)),
        "links": [(f"{rel}/units/{quote(page)}", name) for name, page in found],
    }


def _page_lang(name: str) -> str:
    """The language of a page by its file name (``x.en.html`` English, else Vietnamese)."""
    return next(
        (lang for lang in LANGS if lang != DEFAULT_LANG and name.endswith(f".{lang}.html")),
        DEFAULT_LANG,
    )


def _page_subject(page: Path) -> str:
    """The subject of a profile page: its title up to the first " — " (the unit's name, as the
    runner titles it); the file name when the page has no such title."""
    with page.open(encoding="utf-8", errors="replace") as handle:
        head = handle.read(8192)
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
    frame: Frame | None = None,
) -> str:
    """The validation report of a refused run (``templates/validation.html.j2``): every problem
    (its unit by name, ``names``), what to fix, and provenance. ``frame``: the page's shell
    (breadcrumb, counterpart); by default one with the title, language and banner only."""
    table = problems_frame(problems, lang, names)
    critical = int((table["severity"] == "critical").sum())
    footer = html(provenance_footer(prov, lang)) if prov else html("")
    frame = replace(frame, footer=footer) if frame else Frame(title, lang, synthetic, footer=footer)
    return render(
        "validation.html.j2",
        frame=frame,
        heading=html(heading(title, subtitle)),
        summary=t("validate_summary", lang, critical=critical, warnings=len(table) - critical),
        note=html(note(t("validate_failed", lang))),
        problems_title=t("problems", lang),
        table=html(html_table(table, PROBLEM_COLUMNS, lang)),
    )


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
