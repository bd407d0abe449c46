"""Unit profiles of a dataset-year, every unit from ONE execution (notebook ``06_unit_profiles``),
the same sections as the one-unit notebook an analyst opens (``06_unit_profile``).

``ProfileContext.load(session, lang)`` reads every table of the year once
(``parlib.publish.profile_data``); ``SECTIONS`` are the ordered section builders, each
``(ctx, unit_id) -> str`` (escaped HTML); ``header`` and ``footer`` are the page's title and
provenance footer as the notebook shows them. ``body`` is a profile's content — what the one-unit
notebook's rendered ``<main>`` holds — and ``write_pages`` writes every unit's page
``units/<unit>[.en].html`` through ``parlib.publish.shell.page`` (in a process pool when asked).
``listing`` is the list of profiles with links (the ``06_unit_profiles`` page).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import quote

from parlib.core.labels import t
from parlib.publish import blocks as bk
from parlib.publish import (
    markup,
    pages,
    profile_detail,
    profile_plan,
    profile_sections,
    profile_trend,
    shell,
)
from parlib.publish.markup import Column, html_table
from parlib.publish.navigation import search_box, unit_anchor
from parlib.publish.profile_data import ProfileContext
from parlib.publish.views import unit_file

__all__ = [
    "SECTIONS",
    "WORKERS",
    "ProfileContext",
    "body",
    "footer",
    "header",
    "listing",
    "section",
    "write_pages",
]

WORKERS = 2  # processes rendering the pages of a year of more than POOL_FROM units
POOL_FROM = 200  # below this many units one process is faster than starting a pool

# the sections of a profile, main points first (see parlib.publish.profile_sections)
SECTIONS = (
    ("headline", profile_sections.headline),
    ("caveats", profile_sections.caveats_box),
    ("change", profile_sections.change),
    ("comparison", profile_detail.comparison),
    ("areas", profile_detail.areas),
    ("appraisal", profile_plan.appraisal_and_plan),  # then the improvement plan
    ("trend", profile_trend.trend),
    ("benchmark", profile_trend.benchmark),
)


def section(name: str, ctx: ProfileContext, unit_id: str) -> str:
    """One section of ``SECTIONS`` by name (the one-unit notebook calls them one per cell)."""
    return dict(SECTIONS)[name](ctx, unit_id)


def banner(ctx: ProfileContext) -> str:
    """The SYNTHETIC or real-data banner as the one-unit notebook shows it in JupyterLab (marked
    ``markup.BANNER``: on a page the shell draws it once, in its header)."""
    return markup.banner(ctx.cfg.synthetic, ctx.lang)


def header(ctx: ProfileContext, unit_id: str) -> str:
    """Title (the unit's name and "Hồ sơ đơn vị") and subtitle, as ``Session.header``."""
    lang = ctx.lang
    subtitle = f"{ctx.cfg.title(lang)} — {t('year', lang)} {ctx.year} — {t('methodology', lang)}: "
    title = f"{ctx.name(unit_id)} — {t('report_unit_profile', lang)}"
    return markup.heading(title, subtitle, ctx.methodology)


def parameters(ctx: ProfileContext, unit_id: str) -> dict:
    """The parameters a profile's footer lists: the execution's, with this unit's id."""
    base = dict(ctx.parameters)
    head = {k: base.pop(k) for k in ("dataset", "year", "lang") if k in base}
    return {**head, "unit_id": unit_id, **base}


def footer(ctx: ProfileContext, unit_id: str) -> str:
    """The provenance footer of one unit's profile."""
    return markup.provenance_footer(
        {**ctx.record, "parameters": parameters(ctx, unit_id)}, ctx.lang
    )


def body(ctx: ProfileContext, unit_id: str) -> str:
    """A profile's content (the page's ``<main>``): the header and every section; the banner and
    the provenance footer are the shell's (``frame``)."""
    return header(ctx, unit_id) + "\n".join(build(ctx, unit_id) for _, build in SECTIONS)


def page_name(unit_id: str, lang: str) -> str:
    """The profile's file in ``units/`` for ``lang``."""
    return pages.localized(unit_file(unit_id), lang)


def frame(ctx: ProfileContext, unit_id: str) -> shell.Frame:
    """The shell of one profile: the same as the runner gives every page of the year
    (``shell.year_frame``: title, banner, breadcrumb, the page in the other language), with the
    provenance footer."""
    base = shell.year_frame(
        ctx.cfg,
        ctx.year,
        ctx.lang,
        f"units/{unit_file(unit_id)}",
        "report_unit_profile",
        3,
        ctx.name(unit_id),
    )
    return dataclasses.replace(base, footer=shell.html(footer(ctx, unit_id)))


def render_page(ctx: ProfileContext, unit_id: str) -> str:
    """One unit's complete page (the shell around ``body``)."""
    return shell.page(frame(ctx, unit_id), shell.html(body(ctx, unit_id)))


_WORKER: list[ProfileContext] = []  # the context a pool worker inherited (fork) or was given


def _write_chunk(args: tuple[list[str], str]) -> int:
    units, folder = args
    ctx = _WORKER[0]
    for u in units:
        _write(Path(folder) / page_name(u, ctx.lang), render_page(ctx, u))
    return len(units)


def _write(path: Path, text: str) -> None:
    """A profile page, written plainly: the runner renders into a staging folder that it swaps
    in whole, so an atomic, fsynced write per page (thousands of fsyncs) buys nothing."""
    path.write_text(text, encoding="utf-8")


def write_pages(ctx: ProfileContext, folder: Path, workers: int = 1) -> list[str]:
    """Write every unit's page into ``folder`` (the year's ``units/``); with ``workers`` > 1 the
    pages are rendered in that many forked processes sharing the loaded context. Returns the
    unit ids written, in block and rank order."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    units = list(ctx.order)
    if workers > 1 and len(units) > POOL_FROM and hasattr(os, "fork"):
        _WORKER[:] = [ctx]
        chunks = [(units[i::workers], str(folder)) for i in range(workers)]
        try:
            with ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("fork")
            ) as pool:
                list(pool.map(_write_chunk, chunks))
        finally:
            _WORKER.clear()
        return units
    for u in units:
        _write(folder / page_name(u, ctx.lang), render_page(ctx, u))
    return units


LIST_COLUMNS = [
    Column("unit_name", "unit", link="href"),
    Column("block_name", "block"),
    Column("rank_text", "rank"),
    Column("index_pct", kind="num"),
    Column("band", kind="band"),
]


def listing(ctx: ProfileContext, units: list[str] | None = None) -> str:
    """The list of profiles, linked (relative to the year's folder), by block and rank."""
    lang = ctx.lang
    rows = []
    for u in units or ctx.order:
        row = ctx.rows[u]
        block = ctx.blocks[row["block"]]
        rows.append(
            {
                "unit_name": ctx.name(u),
                "href": "units/" + quote(page_name(u, lang)),
                "anchor": unit_anchor(unit_file(u).rsplit(".", 1)[0]),
                "block_name": bk.block_title(block["name_vi"], block["name_en"], lang),
                "rank_text": profile_sections.official_rank(ctx, u),
                "index_pct": row["index_pct"],
                "band": row.get("band") if isinstance(row.get("band"), str) else "",
            }
        )
    cols = [c for c in LIST_COLUMNS if c.name != "block_name" or ctx.split]
    reading = f"<p>{markup.esc(t('profile_list_reading', lang, n=len(rows)))}</p>"
    found = search_box([(r["unit_name"], r["href"], r["block_name"]) for r in rows], lang)
    return (
        reading + str(found) + html_table(profile_sections._Rows(rows), cols, lang, row_id="anchor")
    )
