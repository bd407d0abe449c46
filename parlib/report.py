"""Report pieces: escaped HTML tables, banners, the provenance footer, and the landing page.

In: result tables, labels, provenance records. Out: HTML strings (shown in notebooks through
``IPython.display.HTML``) and ``reports/index.html``. All text that comes from data (unit names,
notes, file names) goes through ``html.escape``: a unit called ``<script>`` shows as text.
"""

from __future__ import annotations

import html
import json
import logging
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from parlib import paths
from parlib.labels import number, t

NOTEBOOKS = (  # (notebook file stem, label key of its report) in the order a run executes them
    ("01_ingest", "report_ingest"),
    ("02_validate", "report_validate"),
    ("03_index", "report_index"),
    ("04_fairness", "report_fairness"),
    ("05_report", "report_overview"),
)
# run once per unit of a dataset-year, after NOTEBOOKS: reports/<dataset>/<year>/units/<unit>.html
UNIT_NOTEBOOK = ("06_unit_profile", "report_unit_profile")
# run once per dataset, after all its years: reports/<dataset>/<file>
DATASET_NOTEBOOKS = (("07_trends", "report_trends", "trends.html"),)
RESULTS_WORKBOOK = "results.xlsx"  # reports/<dataset>/<year>/results.xlsx (parlib.export)

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


def setup_notebook() -> None:
    """Quiet, reviewer-friendly notebook output: no warnings, no progress bars, no GX chatter."""
    warnings.filterwarnings("ignore")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    pd.set_option("display.max_rows", 200)


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@dataclass(frozen=True)
class Column:
    """One column of an HTML table: source column, label key, and how to show its values."""

    name: str
    label: str | None = None  # label key; defaults to ``name``
    kind: str = "text"  # text | num | int | label (translate the value) | band | severity
    decimals: int = 2
    link: str | None = None  # a column holding a relative href for this cell (text kinds only)


def html_table(df: pd.DataFrame, columns: list[Column], lang: str, max_rows: int | None = None) -> str:
    """An escaped HTML table with translated headers and locale-formatted numbers."""
    head = "".join(f"<th>{esc(_header(c, lang))}</th>" for c in columns)
    rows = []
    data = df if max_rows is None else df.head(max_rows)
    for record in data.to_dict("records"):
        cells = []
        for c in columns:
            value = record.get(c.name)
            missing = value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA
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
            elif c.kind == "severity":
                cells.append(f'<td class="sev-{esc(value)}">{esc(t(str(value), lang))}</td>')
            elif c.link and record.get(c.link):
                cells.append(f'<td><a href="{esc(record[c.link])}">{esc("" if missing else value)}'
                             f"</a></td>")
            else:
                cells.append(f"<td>{esc('' if missing else value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="par-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _header(c: Column, lang: str) -> str:
    key = c.label or c.name
    return t(key, lang) if key in _keys() else key


def _keys() -> set[str]:
    from parlib.labels import catalogue

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


def provenance_footer(prov: dict, lang: str) -> str:
    inputs = "".join(f"<li><code>{esc(i['path'])}</code> — {esc(t('sha256', lang))} "
                     f"<code>{esc(i['sha256'][:16])}…</code></li>" for i in prov["inputs"])
    params = ", ".join(f"{esc(k)}={esc(v)}" for k, v in prov["parameters"].items())
    versions = ", ".join(f"{esc(k)} {esc(v)}" for k, v in prov["versions"].items())
    commit = f" (git {esc(prov['git_commit'])})" if prov.get("git_commit") else ""
    return (f'<div class="par-footer"><strong>{esc(t("provenance", lang))}</strong><br>'
            f'{esc(t("dataset", lang))}: {esc(prov["dataset"])} — {esc(t("year", lang))} '
            f'{esc(prov["year"])} — {esc(t("methodology", lang))}: {esc(prov["methodology"])}<br>'
            f'{esc(t("inputs", lang))}:<ul>{inputs}</ul>'
            f'{esc(t("parameters", lang))}: {params}<br>'
            f'{esc(t("package_version", lang))}: {esc(prov["versions"]["parlib"])}{commit}; '
            f'{esc(t("versions", lang))}: {versions}<br>'
            f'{esc(t("generated_at", lang))}: {esc(prov["generated_at"])}</div>')


# --- landing page -------------------------------------------------------------------------------

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


def landing_page(reports_root: Path, lang: str = "vi") -> str:
    """``reports/index.html``: every dataset and year, its validation status, all its reports, and
    the last failed run (when newer than the last good one) with its reason and validation report."""
    reports_root = Path(reports_root)
    runs = _runs(reports_root)
    by_dataset: dict[str, list] = {}
    for (name, year), entry in sorted(runs.items()):
        by_dataset.setdefault(name, []).append((year, entry))
    sections = []
    for name, entries in by_dataset.items():
        any_manifest = next(m for _, e in entries for _, m in e.values())
        title = any_manifest.get("title", {}).get(lang, name)
        synthetic = ('<span class="tag-synthetic">SYNTHETIC</span> '
                     if any_manifest.get("synthetic") else "")
        rows = []
        for year, entry in entries:
            cells_links, status, css, when, inputs, methodology = "", "", "", "", "", ""
            if "good" in entry:
                folder, m = entry["good"]
                rel = folder.relative_to(reports_root).as_posix()
                links = [f'<a href="{esc(rel)}/{esc(stem)}.html">{esc(t(key, lang))}</a>'
                         for stem, key in NOTEBOOKS if (folder / f"{stem}.html").is_file()]
                if (folder / "data_docs" / "index.html").is_file():
                    links.append(f'<a href="{esc(rel)}/data_docs/index.html">'
                                 f'{esc(t("data_docs", lang))}</a>')
                if (folder / RESULTS_WORKBOOK).is_file():
                    links.append(f'<a href="{esc(rel)}/{RESULTS_WORKBOOK}">'
                                 f'{esc(t("results_workbook", lang))}</a>')
                cells_links = " · ".join(links) + _unit_links(folder, rel, lang)
                status, css = _status_text(m, lang), "ok"
                when = m.get("finished_at", "")
                methodology = m.get("methodology", "")
                inputs = "<br>".join(f"<code>{esc(i['path'])}</code> <small>{esc(i['sha256'][:12])}"
                                     f"…</small>" for i in m.get("inputs", []))
            if "failed" in entry:
                folder, f = entry["failed"]
                newer = "good" not in entry or f.get("finished_at", "") > when
                if newer:
                    rel = folder.relative_to(reports_root).as_posix()
                    page = next((p for p in ("validation.html", "02_validate.html", "01_ingest.html")
                                 if (folder / p).is_file()), None)
                    link = (f' <a href="{esc(rel)}/{esc(page)}">{esc(t("failed_report", lang))}</a>'
                            if page else "")
                    status = (f'{t("status_failed", lang)} ({esc(f.get("finished_at", ""))}): '
                              f'{esc(f.get("message", ""))}')
                    css = "failed"
                    cells_links = (cells_links + "<br>" if cells_links else "") + \
                        f'<span class="failed">{esc(t("last_failed", lang))}</span>{link}'
                    methodology = methodology or f.get("methodology", "")
            rows.append(f"<tr><td><strong>{esc(year)}</strong></td><td>{esc(methodology)}</td>"
                        f'<td class="{css}">{status if css == "failed" else esc(status)}</td>'
                        f"<td>{cells_links}</td><td><small>{esc(when)}</small></td>"
                        f"<td>{inputs}</td></tr>")
        header = "".join(f"<th>{esc(t(k, lang))}</th>" for k in
                         ("year", "methodology", "validation_status", "reports", "last_run", "inputs"))
        dataset_links = " · ".join(
            f'<a href="{esc(name)}/{esc(page)}">{esc(t(key, lang))}</a>'
            for _stem, key, page in DATASET_NOTEBOOKS if (reports_root / name / page).is_file())
        sections.append(f"<h2>{synthetic}{esc(title)} <small>({esc(name)})</small></h2>"
                        + (f"<p>{dataset_links}</p>" if dataset_links else "")
                        + f'<table class="par-table"><thead><tr>{header}</tr></thead>'
                        f"<tbody>{''.join(rows)}</tbody></table>")
    body = "".join(sections) or f"<p>{esc(t('no_runs', lang))}</p>"
    other_lang = "en" if lang == "vi" else "vi"
    other = (f'<a href="{LANDING_FILES[other_lang]}">'
             f'{"English" if other_lang == "en" else "Tiếng Việt"}</a>')
    return _page(t("landing_title", lang), lang,
                 f'<p style="text-align:right">{other}</p><h1>{esc(t("landing_title", lang))}</h1>'
                 f'<p>{esc(t("landing_intro", lang))}</p>{body}'
                 f'<p class="par-footer">{esc(t("app_name", lang))} — parlib</p>')


def _unit_links(folder: Path, rel: str, lang: str) -> str:
    """A folded list of every unit profile of a dataset-year (link text: the unit id)."""
    pages = sorted((folder / "units").glob("*.html"))
    if not pages:
        return ""
    links = " · ".join(f'<a href="{esc(rel)}/units/{esc(quote(p.name))}">{esc(p.stem)}</a>'
                       for p in pages)
    return (f"<details><summary>{esc(t('unit_profiles_n', lang, n=len(pages)))}</summary>"
            f"{links}</details>")


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


def validation_page(problems: list, title: str, subtitle: str, synthetic: bool, lang: str,
                    prov: dict | None) -> str:
    """The validation report of a refused run: every problem, what to fix, and provenance."""
    frame = problems_frame(problems, lang)
    critical = int((frame["severity"] == "critical").sum())
    body = (banner(synthetic, lang) + heading(title, subtitle)
            + f"<p>{esc(t('validate_summary', lang, critical=critical, warnings=len(frame) - critical))}</p>"
            + note(t("validate_failed", lang))
            + f"<h2>{esc(t('problems', lang))}</h2>" + html_table(frame, PROBLEM_COLUMNS, lang)
            + (provenance_footer(prov, lang) if prov else ""))
    return _page(title, lang, body)


LANDING_FILES = {"vi": "index.html", "en": "index.en.html"}


def write_landing(reports_root: Path | None = None) -> Path:
    """Write the landing page in Vietnamese (``index.html``) and English (``index.en.html``)."""
    from parlib.storage import write_text

    root = Path(reports_root or paths.reports_dir())
    for lang, name in LANDING_FILES.items():
        write_text(root / name, landing_page(root, lang))
    return root / LANDING_FILES["vi"]


# --- tables and sentences the notebooks show -----------------------------------------------------

RANKING_COLUMNS = [Column("rank", kind="int"), Column("unit_name", "unit"), Column("kind", kind="label"),
                   Column("index_pct", kind="num"), Column("band", kind="band"),
                   Column("achieved_points", kind="num"), Column("max_points", kind="num"),
                   Column("self_points", kind="num"), Column("appraised_points", kind="num"),
                   Column("survey_points", kind="num"), Column("points_deducted", kind="num")]
RECON_COLUMNS = [Column("unit_id"), Column("measure", kind="label"), Column("computed", kind="num"),
                 Column("published", kind="num"), Column("difference", kind="num"),
                 Column("tolerance", kind="num", decimals=3), Column("status", kind="label"),
                 Column("published_used", kind="bool")]
PROBLEM_COLUMNS = [Column("severity", kind="severity"), Column("file"), Column("row", kind="int"),
                   Column("unit_id"), Column("criterion"), Column("value"), Column("expected"),
                   Column("message")]
CORRECTION_COLUMNS = [Column("table"), Column("file"), Column("row", kind="int"), Column("unit_id"),
                      Column("criterion"), Column("column"), Column("old_value"),
                      Column("new_value"), Column("source"), Column("reason")]
SUITE_COLUMNS = [Column("suite"), Column("file"), Column("evaluated", kind="int"),
                 Column("failed_critical", kind="int"), Column("failed_warning", kind="int")]
def problems_frame(problems: list, lang: str) -> pd.DataFrame:
    """Problems as rows, with the message in the report's language."""
    def localised(p: dict) -> dict:
        vi = lang == "vi"
        return {**p, "message": (p.get("message_vi") or p.get("message")) if vi else p.get("message"),
                "expected": (p.get("expected_vi") or p.get("expected")) if vi else p.get("expected")}

    rows = [localised(p.to_dict() if hasattr(p, "to_dict") else dict(p)) for p in problems]
    return pd.DataFrame(rows, columns=[c.name for c in PROBLEM_COLUMNS])


def load_validation(out_dir: Path) -> dict:
    """Both validation records of a run (inputs, then computed results) merged into one."""
    merged = {"critical": 0, "warnings": 0, "problems": [], "suites": []}
    for name in ("validation.json", "validation_results.json"):
        path = Path(out_dir) / name
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            for key in ("critical", "warnings"):
                merged[key] += int(data.get(key, 0))
            merged["problems"] += data.get("problems", [])
            merged["suites"] += data.get("suites", [])
    merged["success"] = merged["critical"] == 0
    return merged


def reconciliation_sentences(recon: pd.DataFrame, published: pd.DataFrame | None,
                             lang: str) -> list[str]:
    """One plain sentence per published figure: does it match, and if not, why."""
    out = []
    for r in recon.itertuples():
        values = {"measure": t(r.measure, lang), "computed": number(r.computed, 2, lang),
                  "published": number(r.published, 2, lang),
                  "difference": number(abs(r.difference), 2, lang),
                  "tolerance": number(r.tolerance, 3, lang), "status": t(r.status, lang)}
        if r.measure == "index_pct":
            out.append(t("recon_index", lang, from_parts=number(r.computed_from_parts, 2, lang),
                         **values))
        elif r.status == "match":
            out.append(t("recon_match", lang, **values))
        elif r.status == "within_rounding":
            text = t("recon_within", lang, **values)
            out.append(text + (" " + t("recon_used", lang) if r.published_used else ""))
        else:
            out.append(t("recon_mismatch", lang, **values))
    if published is not None and len(published):
        ranks = published.set_index(["unit_id", "measure"])["value"]
        for unit in published["unit_id"].unique():
            if (unit, "rank") in ranks.index and (unit, "rank_of") in ranks.index:
                out.append(f"{unit}: " + t("published_rank", lang, rank=int(ranks[(unit, "rank")]),
                                           rank_of=int(ranks[(unit, "rank_of")])))
    return out


def bias_sentence(bias: pd.DataFrame, lang: str, scope: str = "all") -> str:
    row = bias[bias["scope"] == scope].iloc[0]
    return t(f"finding_{row['finding']}", lang, rho=number(row["spearman_rho"], 2, lang),
             p=number(row["p_value"], 4, lang))


def area_matrix(area_index: pd.DataFrame, unit_index: pd.DataFrame) -> pd.DataFrame:
    """Units (in ranking order) × areas of sub-indexes, with the unit's name first."""
    grid = area_index.pivot_table(index="unit_id", columns="area", values="index_pct")
    order = unit_index.set_index("unit_id")
    grid = grid.reindex(order.index)
    grid.insert(0, "unit_name", order["unit_name"])
    grid.columns = [str(c) for c in grid.columns]
    return grid.reset_index(drop=True)


def area_columns(area_index: pd.DataFrame) -> list[Column]:
    areas = sorted(area_index["area"].astype(str).unique(), key=lambda c: [int(x) for x in c.split(".")])
    # area codes are not catalogue keys, so the header shows the code itself
    return [Column("unit_name", "unit")] + [Column(a, kind="num", decimals=1) for a in areas]


DEDUCTED_COLUMNS = [Column("area"), Column("name"), Column("self_points", kind="num"),
                    Column("appraised_points", kind="num"), Column("points_deducted", kind="num")]


def suites_frame(suites: list) -> pd.DataFrame:
    rows = [s.__dict__ if hasattr(s, "__dict__") else s for s in suites]
    return pd.DataFrame(rows, columns=[c.name for c in SUITE_COLUMNS])


def key_figures_html(unit_index: pd.DataFrame, lang: str) -> str:
    top = unit_index.sort_values(["rank", "unit_id"]).iloc[0]
    items = [(t("n_units", lang), str(len(unit_index))),
             (t("mean_index", lang), number(unit_index["index_pct"].mean(), 2, lang)),
             (t("top_unit", lang), f"{top['unit_name']} ({number(top['index_pct'], 2, lang)})")]
    cells = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in items)
    return f'<table class="par-table">{cells}</table>'


def band_counts(unit_index: pd.DataFrame) -> str:
    counts = unit_index.loc[unit_index["band"] != "", "band"].value_counts().sort_index()
    return ", ".join(f"{band}: {n}" for band, n in counts.items())


def distribution_sentence(unit_index: pd.DataFrame, lang: str) -> str:
    x = unit_index["index_pct"]
    return t("distribution_reading", lang, mean=number(x.mean(), 2, lang),
             median=number(x.median(), 2, lang), min=number(x.min(), 2, lang),
             max=number(x.max(), 2, lang))


def deducted_sentence(unit_index: pd.DataFrame, lang: str) -> str:
    worst = unit_index.sort_values(["points_deducted", "unit_id"], ascending=[False, True]).iloc[0]
    return t("self_vs_appraised_reading", lang,
             deducted=number(unit_index["points_deducted"].sum(), 2, lang),
             worst=f"{worst['unit_name']} ({number(worst['points_deducted'], 2, lang)})")


def deducted_by_area(area_index: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Points deducted at appraisal, summed over units, per area, largest first."""
    name_col = "name_vi" if lang == "vi" else "name_en"
    sums = area_index.groupby("area", as_index=False)[["self_points", "appraised_points",
                                                      "points_deducted"]].sum()
    names = area_index.drop_duplicates("area").set_index("area")[name_col]
    sums["name"] = sums["area"].map(names)
    return sums.sort_values(["points_deducted", "area"], ascending=[False, True], ignore_index=True)


# --- unit profiles, movers, trends and benchmarks ------------------------------------------------

def unit_file(unit_id: str) -> str:
    """The file name of a unit's profile: the id itself when it is a plain slug, else a stable hash
    (an id from data must never become a path such as ``../x``)."""
    text = str(unit_id)
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,80}", text):
        return f"{text}.html"
    import hashlib

    return f"unit-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}.html"


def with_profile_links(unit_index: pd.DataFrame, folder: str = "units") -> pd.DataFrame:
    """``unit_index`` plus ``profile_href``: the relative link of each unit's profile (URL-quoted;
    ``html_table`` escapes it again for the attribute)."""
    hrefs = unit_index["unit_id"].map(lambda u: f"{folder}/{quote(unit_file(u))}")
    return unit_index.assign(profile_href=hrefs)


RANKING_LINK_COLUMNS = [Column("unit_name", "unit", link="profile_href") if c.name == "unit_name"
                        else c for c in RANKING_COLUMNS]
MOVER_COLUMNS = [Column("unit_name", "unit"), Column("rank_previous", kind="int"),
                 Column("rank", kind="int"), Column("rank_change", kind="int"),
                 Column("index_pct_previous", kind="num"), Column("index_pct", kind="num"),
                 Column("index_change", kind="num")]
HISTORY_COLUMNS = [Column("year", kind="int"), Column("line", "unit"),
                   Column("index_pct", kind="num"), Column("rank", kind="int"),
                   Column("rank_of", kind="int"), Column("source", kind="label")]
LINEAGE_COLUMNS = [Column("unit_name", "unit"), Column("from_year", kind="int"),
                   Column("predecessors")]
BENCHMARK_COLUMNS = [Column("year", kind="int"), Column("index_pct", kind="num"),
                     Column("rank", kind="int"), Column("national_average", kind="num"),
                     Column("region_average", kind="num"), Column("top_unit"),
                     Column("top_index", kind="num")]
CONFLICT_COLUMNS = [Column("year", kind="int"), Column("unit_name", "unit"),
                    Column("kind", kind="label"), Column("detail"), Column("source_url")]
AREA_PROFILE_COLUMNS = [Column("area"), Column("name"), Column("index_pct", kind="num"),
                        Column("average", kind="num"), Column("best", kind="num"),
                        Column("points_deducted", kind="num")]
CRITERIA_PROFILE_COLUMNS = [Column("code", "criterion"), Column("name"),
                            Column("index_pct", kind="num"), Column("achieved_points", kind="num"),
                            Column("max_points", kind="num"), Column("points_lost", kind="num")]
DEDUCTION_PROFILE_COLUMNS = [Column("code", "criterion"), Column("name"),
                             Column("self_points", kind="num"),
                             Column("appraised_points", kind="num"),
                             Column("points_deducted", kind="num")]
COMPARISON_COLUMNS = [Column("who", "unit"), Column("index_pct", kind="num"),
                      Column("achieved_points", kind="num"), Column("max_points", kind="num"),
                      Column("points_deducted", kind="num")]
FIGURE_COLUMNS = [Column("figure_item"), Column("value")]


def warning_box(text: str) -> str:
    """A visible warning (methodology changed, no comparable year …)."""
    return f'<div class="par-note par-warning" role="note">&#9888; {esc(text)}</div>'


def movers_sentence(moved, previous_year: int | None, lang: str) -> str:
    """One sentence on the movers since the previous year, or on why there are none."""
    if previous_year is None:
        return t("movers_no_previous_year", lang)
    if moved is None:
        return t("movers_previous_not_published", lang, year=previous_year)
    if moved.empty:
        return t("movers_no_common_units", lang, year=previous_year)
    up = moved.sort_values(["rank_change", "unit_id"], ascending=[False, True]).iloc[0]
    down = moved.sort_values(["rank_change", "unit_id"], ascending=[True, True]).iloc[0]
    return t("movers_reading", lang, year=previous_year, n=len(moved), up=up["unit_name"],
             up_places=int(up["rank_change"]), down=down["unit_name"],
             down_places=int(-down["rank_change"]),
             mean_change=number(moved["index_change"].mean(), 2, lang))


def methodology_warnings(changes: list, lang: str) -> str:
    """One visible warning per pair of consecutive years scored under different methodologies."""
    return "".join(warning_box(t("methodology_changed", lang, a=a, b=b, da=da, db=db))
                   for a, b, da, db in changes)


def series_table(series: pd.DataFrame) -> pd.DataFrame:
    """A unit's lineage-aware series in year order (for ``HISTORY_COLUMNS``)."""
    return series.sort_values(["year", "line", "source"], ignore_index=True)


def wide_columns(wide: pd.DataFrame, lang: str) -> list[Column]:
    """Columns of ``trends.wide``: the unit, then index and rank per year (headers built here,
    since a year is not a catalogue key)."""
    cols = [Column("unit_name", "unit")]
    for name in wide.columns:
        if name.startswith("index_"):
            cols.append(Column(name, f"{name[6:]}: {t('index_pct', lang)}", kind="num"))
        elif name.startswith("rank_"):
            cols.append(Column(name, f"{name[5:]}: {t('rank', lang)}", kind="int"))
    return cols


def trend_sentence(series: pd.DataFrame, lang: str) -> str:
    """What a unit's series says: how many years, first and last index, or that there is one year."""
    years = sorted(series["year"].unique())
    if len(years) < 2:
        return t("trend_one_year", lang)
    with_index = series.dropna(subset=["index_pct"]).sort_values("year")
    if len(with_index) < 2:
        return t("trend_years_only", lang, n=len(years), first=years[0], last=years[-1])
    a, b = with_index.iloc[0], with_index.iloc[-1]
    return t("trend_reading", lang, n=len(years), first=int(a["year"]),
             first_pct=number(a["index_pct"], 2, lang), last=int(b["year"]),
             last_pct=number(b["index_pct"], 2, lang))


def undeclared_warning(years: list, lang: str) -> str:
    if not years:
        return ""
    return warning_box(t("methodology_undeclared", lang, years=", ".join(str(y) for y in years)))


def benchmark_sentence(bench: pd.DataFrame, unit_name: str, lang: str) -> str:
    parts = []
    for r in bench.itertuples(index=False):
        bits = [f"{r.year}: {number(r.index_pct, 2, lang) or '–'}"
                + (f" ({t('rank', lang).lower()} {int(r.rank)})" if pd.notna(r.rank) else "")]
        if pd.notna(r.national_average):
            bits.append(f"{t('national_average', lang).lower()} {number(r.national_average, 2, lang)}")
        if pd.notna(r.region_average):
            bits.append(f"{t('region_average', lang).lower()} {number(r.region_average, 2, lang)}")
        parts.append(", ".join(bits))
    return t("benchmark_reading", lang, unit=unit_name, details="; ".join(parts))


def successor_sentences(rows: list, unit_name: str, lang: str) -> list[str]:
    return [t("lineage_successor", lang, unit=unit_name, successor=s, year=y,
              others=o or t("lineage_alone", lang)) for s, y, o in rows]


def hist_mean_sentence(hist: pd.DataFrame, lang: str) -> str:
    means = hist.groupby("year")["index_pct"].mean()
    if len(means) < 2:
        return t("trend_one_year", lang)
    return t("trends_mean_reading", lang, first=int(means.index[0]),
             first_pct=number(means.iloc[0], 2, lang), last=int(means.index[-1]),
             last_pct=number(means.iloc[-1], 2, lang), n=hist["unit_id"].nunique())
