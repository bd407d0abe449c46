"""The official annex (phụ lục) of a results decision: the results table per block, in the layout
a decision's annex uses, ready to attach — so that nobody retypes the results into Word (issue
#15, item 5).

Results are published by a decision (quyết định) with an annex table per block: order, unit,
points, index, rank, band. This writes that annex in Vietnamese, in the presentation rules of
Nghị định 30/2020/NĐ-CP on clerical work (công tác văn thư), Phụ lục I: A4 portrait, margins
top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm, Times New Roman (TCVN 6909:2001) 13–14 pt
for text and smaller in tables, "Phụ lục" and its number centred in bold upright, the title in
bold upright capitals, the line "(Kèm theo Quyết định số …/QĐ-… ngày … tháng … năm … của …)" in
italics with the number and date left as dots for the office, page numbers centred at the top
from the second page. ``annex_layout`` holds these rules and what the annex says;
``annex_files`` sets it in Word and Excel.

In: a dataset-year's processed folder (``unit_index``, ``blocks``), the dataset's configuration,
the year and the run's provenance record. Out: ``phu-luc.docx`` and ``phu-luc.xlsx`` in the year's
reports folder (and the action list, ``publish.action_list``), beside ``results.xlsx``, written atomically (``core.storage.write_bytes``); the
figures end with their methodology and data version (input hashes, git commit, time of the run in
Vietnam time) and, for a SYNTHETIC dataset, say on every page that they are not real.
"""

from __future__ import annotations

from pathlib import Path

from parlib.core.storage import write_bytes
from parlib.publish.action_list import write_plans
from parlib.publish.annex_files import docx_bytes, xlsx_bytes
from parlib.publish.annex_layout import annex_content
from parlib.publish.navigation import ANNEX

ANNEX_SHEETS = "phu-luc.xlsx"  # the same annex as a workbook, beside ANNEX (phu-luc.docx)


def write_annex(processed: Path, reports_year_dir: Path, cfg, year: int, prov: dict) -> list[Path]:
    """Write ``phu-luc.docx`` and ``phu-luc.xlsx`` for ``year`` into ``reports_year_dir`` from
    the results in ``processed``, then the year's improvement plans and action list
    (``action_list.write_plans``: ``ke-hoach-khac-phuc.xlsx``); returns the annex's two paths."""
    annex = annex_content(Path(processed), cfg, year, prov)
    folder = Path(reports_year_dir)
    written = [
        write_bytes(folder / ANNEX, docx_bytes(annex)),
        write_bytes(folder / ANNEX_SHEETS, xlsx_bytes(annex)),
    ]
    write_plans(Path(processed), folder, cfg, year, prov)  # the action list, beside the annex
    return written
