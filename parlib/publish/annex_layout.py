"""The official annex's layout rules and content: what the annex of a results decision says, per
block, before it is set in Word or Excel (``parlib.publish.annex_files``).

The layout follows Nghị định 30/2020/NĐ-CP of 5 March 2020 on clerical work (công tác văn thư),
Phụ lục I (the technical presentation of administrative documents), as it applies to an annex
(phụ lục) attached to a decision:

- paper A4 (210 × 297 mm), portrait (landscape is allowed for a wide table: the widest annex
  table here, seven columns, fits the 165 mm between the margins of a portrait page);
- margins: top 20–25 mm, bottom 20–25 mm, left 30–35 mm, right 15–20 mm (here the lower end of
  each range, which leaves the table the most room: 20, 20, 30, 15);
- font Times New Roman (Unicode, TCVN 6909:2001), body text 13–14 pt (here 13; headings 14),
  tables smaller (here 12);
- the word "Phụ lục" and its number (Roman numerals) on a line of its own, centred, bold,
  upright; the annex's title below it centred, bold, upright, in capitals; under the title, in
  italics and centred, the line "(Kèm theo Quyết định số …/QĐ-… ngày … tháng … năm … của …)",
  whose number, date and issuing body are left as dots for the office to fill in, and a short
  rule below it;
- page numbers in Arabic numerals, centred in the top margin, not shown on the first page.

In: a dataset-year's processed folder (``unit_index`` through ``score.tables.load_table``, the
``blocks`` table when the score step saved it), the dataset's configuration, the year and the
run's provenance record. Out: an ``Annex``: the heading lines, one ``Section`` per block
(``I. Khối sở, ban, ngành`` …) holding its table — STT, unit, points achieved, the applicable
maximum when it differs between the block's units (else named in the points header), the PAR
Index, the official rank in the block and the band when the block has bands; rows in rank order;
a column the results do not hold (a published-results-only year prints no points) is left out —
and the closing notes: methodology, data version (input hashes, git commit, time in Vietnam time)
and, for a SYNTHETIC dataset, the warning that the figures are not real.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from parlib.core.labels import local_time, number, t
from parlib.ingest.inputs import load_tidy_table
from parlib.publish import blocks, main_points
from parlib.publish.markup import public_path
from parlib.publish.views import block_tables
from parlib.score.tables import load_table

FONT = "Times New Roman"
PAGE_MM = (210.0, 297.0)  # A4, portrait: width, height
MARGINS_MM = {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 15.0}
HEADER_MM = 10.0  # the page number's distance from the top edge, inside the top margin
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165 mm
SIZE_HEADING = 14  # "Phụ lục I", the title, the "Kèm theo" line
SIZE_BODY = 13  # block headings, notes, page numbers
SIZE_TABLE = 12
LANG = "vi"  # the annex is attached to a Vietnamese decision
DOTS = "……"  # a blank for the office to fill in


@dataclass(frozen=True)
class Column:
    """One column of an annex table: its header, what its cells hold (``int``, ``num``: two
    decimals, ``text``), and its width in the Word table (mm) and in the sheet (characters)."""

    key: str
    header: str
    kind: str
    word_mm: float
    sheet_chars: float


@dataclass(frozen=True)
class Section:
    """One block's part of the annex: its heading (empty for a year of one block), its sheet's
    name, its columns and rows (values as int, float, str or None for an empty cell)."""

    heading: str
    sheet: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[object, ...], ...]


@dataclass(frozen=True)
class Annex:
    """What the annex says, in order: heading, title, the line naming the decision, the SYNTHETIC
    warning (empty for real data), one section per block, and the closing notes."""

    heading: str
    title: str
    attached: str
    synthetic: str
    sections: tuple[Section, ...]
    notes: tuple[str, ...]
    author: str = ""  # the files' properties: who made them (the workbook's name) ...
    made_at: datetime | None = None  # ... and when (the run's provenance time, UTC)


def roman(n: int) -> str:
    """``n`` (1–3999) in Roman numerals, as the decree numbers annexes and sections: 4 → IV."""
    out = ""
    for value, letters in zip(
        (1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1),
        ("M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"),
    ):
        count, n = divmod(n, value)
        out += letters * count
    return out


def short_number(value: float) -> str:
    """A maximum as a reader writes it: ``100`` → ``'100'``, ``62.5`` → ``'62,5'``."""
    return f"{float(value):g}".replace(".", ",")


def cell_text(value: object, kind: str) -> str:
    """A cell as the Word table prints it: two decimals with a decimal comma, integers as they
    are, nothing for a missing value."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if kind == "num":
        return number(value, 2, LANG)
    return str(value)


def _known(frame: pd.DataFrame, column: str) -> pd.Series:
    """The numbers of ``column`` in ``frame`` that are there (none when it has no such column)."""
    if column not in frame.columns:
        return pd.Series(dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").dropna()


def _columns(mine: pd.DataFrame, banded: bool) -> tuple[Column, ...]:
    """The columns of a block's table: those its results hold, the maximum only when it varies."""
    points, maxima = _known(mine, "achieved_points"), _known(mine, "max_points")
    varies = maxima.nunique() > 1
    chosen = [Column("order", t("annex_order", LANG), "int", 12, 6)]
    chosen.append(Column("unit_name", t("annex_unit", LANG), "text", 0, 42))
    if len(points):
        header = t("achieved_points", LANG)
        if len(maxima) and not varies:
            header = t("annex_points_of", LANG, max=short_number(maxima.iloc[0]))
        chosen.append(Column("achieved_points", header, "num", 22, 12))
    if varies:
        chosen.append(Column("max_points", t("max_points", LANG), "num", 22, 12))
    chosen.append(Column("index_pct", t("annex_index", LANG), "num", 22, 12))
    chosen.append(Column("rank", t("rank", LANG), "int", 18, 10))
    if banded:
        chosen.append(Column("band", t("band", LANG), "text", 18, 10))
    rest = sum(c.word_mm for c in chosen)
    return tuple(
        Column(c.key, c.header, c.kind, TEXT_WIDTH_MM - rest, c.sheet_chars)
        if c.key == "unit_name"
        else c
        for c in chosen
    )


def _value(row: dict, column: Column, order: int) -> object:
    if column.key == "order":
        return order
    value = row.get(column.key)
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if column.kind == "int":
        return int(value)
    if column.kind == "num":
        return round(float(value), 2)
    return str(value) if str(value) else None


def sections(
    unit_index: pd.DataFrame,
    blocks_table: pd.DataFrame | None,
    published: pd.DataFrame | None = None,
) -> tuple[tuple[Section, ...], tuple[str, ...]]:
    """One section per block of the year, in the declared order, its units in rank order; and
    the notes on printed ranks: a block of one unit (a dataset holding one province) shows the
    rank the decision published (``main_points.published_rank``: Long An 2012, 20 of 63), not
    "1 of 1"."""
    ui = blocks.with_blocks(unit_index, blocks_table)
    order = blocks.block_order(unit_index, blocks_table)
    split = blocks.is_split(order)
    out, said = [], []
    for i, block in enumerate(order.itertuples(index=False), start=1):
        mine = blocks.members(ui, block.block)
        printed = main_points.published_rank(mine, published)
        if printed:
            mine = mine.assign(rank=printed[0])
            unit = mine["unit_name"].iloc[0]
            said.append(
                t("annex_note_printed_rank", LANG, unit=unit, rank=printed[0], of=printed[1])
            )
        banded = bool(mine["band"].fillna("").astype(str).str.strip().ne("").any())
        columns = _columns(mine, banded)
        rows = tuple(
            tuple(_value(row, c, n) for c in columns)
            for n, row in enumerate(mine.to_dict("records"), start=1)
        )
        heading = t("annex_section", LANG, n=roman(i), name=block.name_vi) if split else ""
        out.append(Section(heading, heading or t("annex_sheet", LANG), columns, rows))
    return tuple(out), tuple(said)


def notes(
    cfg, year: int, prov: dict, published_only: bool, ranks: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """The closing notes: how the figures were made (``ranks``: the notes on printed ranks), and
    from which data and code."""
    said = [t("annex_note_method", LANG, methodology=blocks.methodology(cfg.year(year), LANG))]
    said.append(t("annex_note_published" if published_only else "annex_note_formula", LANG))
    said += ranks
    inputs = "; ".join(
        f"{public_path(i['path'])} ({i['sha256'][:12]})" for i in prov.get("inputs", [])
    )
    said.append(t("annex_note_data", LANG, dataset=cfg.title_vi, year=year, inputs=inputs or DOTS))
    commit = prov.get("git_commit") or ""
    version = prov.get("versions", {}).get("parlib", "")
    code = t("annex_note_code", LANG, version=version)
    said.append(code + ("; " + t("annex_note_commit", LANG, commit=commit) if commit else "") + ".")
    said.append(t("annex_note_time", LANG, when=local_time(prov.get("generated_at", ""), LANG)))
    if cfg.synthetic:
        said.append(t("synthetic_banner", LANG))
    return tuple(said)


def annex_content(processed: Path, cfg, year: int, prov: dict, annex_number: str = "I") -> Annex:
    """The annex of ``year``'s results in ``processed``; ``annex_number`` is the annex's number in
    the decision ("I"; the office renumbers it when the decision has other annexes)."""
    unit_index = load_table(processed, "unit_index")
    blocks_table, _ = block_tables(processed)
    printed = Path(processed) / "tidy" / "published.csv"
    published = load_tidy_table(processed, "published") if printed.is_file() else None
    parts, ranks = sections(unit_index, blocks_table, published)
    return Annex(
        heading=t("annex_heading", LANG, number=annex_number).strip(),
        title=t("annex_title", LANG, year=year).upper(),
        attached=t("annex_attached", LANG, dots=DOTS),
        synthetic=t("synthetic_banner", LANG) if cfg.synthetic else "",
        sections=parts,
        notes=notes(cfg, year, prov, blocks.published_only(unit_index), ranks),
        author=t("app_name", LANG),
        made_at=_when(prov.get("generated_at", "")),
    )


def _when(iso_utc: str) -> datetime | None:
    """The provenance record's time (ISO 8601) as a naive UTC time, as document properties
    keep it; None when it cannot be read."""
    try:
        when = datetime.fromisoformat(str(iso_utc).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
