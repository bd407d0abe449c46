"""The official annex set in Word and in Excel, by the layout rules of Nghị định 30/2020/NĐ-CP
(``parlib.publish.annex_layout`` states them and holds the numbers).

In: an ``annex_layout.Annex``. Out: the bytes of ``phu-luc.docx`` (python-docx: A4 portrait,
margins, Times New Roman on every run and in the document's defaults, Vietnamese as its language,
the page number centred in the header from the second page, one table per block with its header
row repeated on every page and no row split across pages) and of ``phu-luc.xlsx`` (openpyxl: one
sheet per block with the same heading, table and notes, printed on A4 fitted to the page's width,
the header row repeated, the page number at the top from the second page; every text cell stored
as text, ``core.cells.sheet``). Unit names are data: python-docx escapes them (``<b>x</b>`` is
text), and no Word field is ever built from them.
"""

from __future__ import annotations

import io
import math

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from parlib.core import cells
from parlib.core.labels import t
from parlib.publish.annex_layout import (
    FONT,
    HEADER_MM,
    LANG,
    MARGINS_MM,
    PAGE_MM,
    SIZE_BODY,
    SIZE_HEADING,
    SIZE_TABLE,
    TEXT_WIDTH_MM,
    Annex,
    Section,
    cell_text,
)
from parlib.publish.export import _sheet_name

FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
THEME_SLOTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
CENTRE = WD_ALIGN_PARAGRAPH.CENTER
INCH_MM = 25.4
RULE_MM = TEXT_WIDTH_MM / 3  # the short rule under the "Kèm theo" line: a third of the line


# --- Word ---------------------------------------------------------------------------------------


def _set_fonts(rfonts) -> None:
    """Times New Roman in every script slot, and no theme font that would override it."""
    for slot in THEME_SLOTS:
        rfonts.attrib.pop(qn(slot), None)
    for slot in FONT_SLOTS:
        rfonts.set(qn(slot), FONT)


def _defaults(document) -> None:
    """The document's defaults and its Normal style: Times New Roman 13, Vietnamese, single line
    spacing and 6 pt between paragraphs (the decree's minimum)."""
    styles = document.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr.find(qn("w:rFonts")))
    rpr.find(qn("w:lang")).set(qn("w:val"), "vi-VN")
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(SIZE_BODY)
    _set_fonts(normal.element.rPr.rFonts)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.0
    document.core_properties.language = "vi-VN"


def _run(paragraph, text: str, size: float, bold: bool = False, italic: bool = False):
    """A run of ``text`` in Times New Roman at ``size`` pt, bold and italic set either way."""
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    _set_fonts(run._r.get_or_add_rPr().get_or_add_rFonts())
    return run


def _paragraph(container, text: str, size: float, bold=False, italic=False, align=CENTRE):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    if text:
        _run(paragraph, text, size, bold, italic)
    return paragraph


def _rule(document) -> None:
    """The short rule under the "Kèm theo" line: a paragraph's bottom border, a third wide."""
    paragraph = document.add_paragraph()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)  # first: python-docx orders what follows
    indent = Mm((TEXT_WIDTH_MM - RULE_MM) / 2)
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    paragraph.paragraph_format.space_after = Pt(12)
    paragraph.paragraph_format.line_spacing = Pt(4)


def _page_number(paragraph) -> None:
    """A PAGE field, centred, in Arabic numerals (Word's default number format)."""
    paragraph.alignment = CENTRE
    for kind, text in (("begin", ""), ("", " PAGE "), ("separate", ""), ("", "2"), ("end", "")):
        run = _run(paragraph, "", SIZE_BODY)
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text  # what a reader sees until the field is updated


def _at_least(mm: float) -> Twips:
    """``mm`` in Word's unit (twips, 1/1440 inch) rounded up, never down: 15 mm is 850.4 twips,
    and 850 would be 14.99 mm, below the decree's 15 mm."""
    return Twips(math.ceil(round(mm / INCH_MM * 1440, 6)))


def _page(document, synthetic: str) -> None:
    """A4 portrait, the decree's margins, the page number from the second page; a SYNTHETIC
    annex says so at the foot of every page."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    top, bottom, left, right = (
        _at_least(MARGINS_MM[k]) for k in ("top", "bottom", "left", "right")
    )
    section.top_margin, section.bottom_margin = top, bottom
    section.left_margin, section.right_margin = left, right
    section.header_distance = section.footer_distance = Mm(HEADER_MM)
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False  # its own header: empty
    _page_number(section.header.paragraphs[0])
    if synthetic:
        for footer in (section.footer, section.first_page_footer):
            footer.is_linked_to_previous = False
            _run(footer.paragraphs[0], synthetic, SIZE_TABLE, bold=True)
            footer.paragraphs[0].alignment = CENTRE


def _repeat_header(row) -> None:
    """The header row printed again at the top of every page the table runs onto."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _keep_row(row) -> None:
    marker = OxmlElement("w:cantSplit")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _cell(cell, text: str, width, bold: bool, align) -> None:
    cell.width = width
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(2)
    paragraph.paragraph_format.space_after = Pt(2)
    if text:
        _run(paragraph, text, SIZE_TABLE, bold=bold)


def _table(document, section: Section) -> None:
    columns = section.columns
    table = document.add_table(rows=1, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Mm(c.word_mm) for c in columns]
    for grid, width in zip(table.columns, widths):  # the grid LibreOffice lays the table out by
        grid.width = width
    head = table.rows[0]
    _keep_row(head)  # cantSplit before tblHeader: the schema's order, which Word holds to
    _repeat_header(head)
    for cell, column, width in zip(head.cells, columns, widths):
        _cell(cell, column.header, width, True, CENTRE)
    for values in section.rows:
        row = table.add_row()
        _keep_row(row)
        for cell, column, width, value in zip(row.cells, columns, widths, values):
            align = WD_ALIGN_PARAGRAPH.LEFT if column.kind == "text" else CENTRE
            align = CENTRE if column.key == "band" else align
            _cell(cell, cell_text(value, column.kind), width, False, align)


def docx_bytes(annex: Annex) -> bytes:
    """The annex as a Word document (``.docx``)."""
    document = Document()
    _defaults(document)
    _page(document, annex.synthetic)
    properties = document.core_properties
    properties.title = f"{annex.heading}: {annex.title}"
    properties.author, properties.comments, properties.last_modified_by = annex.author, "", ""
    if annex.made_at is not None:
        properties.created = properties.modified = annex.made_at
    _paragraph(document, annex.heading, SIZE_HEADING, bold=True)
    _paragraph(document, annex.title, SIZE_HEADING, bold=True)
    _paragraph(document, annex.attached, SIZE_HEADING, italic=True)
    _rule(document)
    if annex.synthetic:
        _paragraph(document, annex.synthetic, SIZE_BODY, bold=True)
    for section in annex.sections:
        if section.heading:
            heading = _paragraph(
                document, section.heading, SIZE_BODY, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT
            )
            heading.paragraph_format.keep_with_next = True
            heading.paragraph_format.space_before = Pt(12)
        _table(document, section)
    _paragraph(document, "", SIZE_BODY)
    left = WD_ALIGN_PARAGRAPH.LEFT
    notes = _paragraph(document, t("annex_notes", LANG), SIZE_BODY, bold=True, align=left)
    notes.paragraph_format.keep_with_next = True
    for line in annex.notes:
        _paragraph(document, f"- {line}", SIZE_BODY, italic=True, align=left)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Excel --------------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NUMBER_FORMAT = "0.00"  # two decimals; the decimal mark is the reader's (a comma in Vietnamese)


def _font(size: float, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic)


def _line(sheet, row: int, text: str, font: Font, width: int, horizontal: str = "center") -> None:
    """``text`` across the table's width (merged cells), wrapped, its row tall enough for it."""
    cell = sheet.cell(row=row, column=1, value=text)
    cell.font = font
    cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
    if width > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    chars = sum(sheet.column_dimensions[get_column_letter(c)].width for c in range(1, width + 1))
    sheet.row_dimensions[row].height = _height(text, chars, font.size)


def _height(text: str, chars: float, size: float) -> float:
    """A row's height (points) for ``text`` wrapped in ``chars`` of width at ``size`` pt: a
    spreadsheet does not grow a row for merged or wrapped cells by itself."""
    per_line = max(int(chars * 11 / size), 1)  # widths count characters of the 11 pt default
    lines = max(-(-len(text) // per_line), 1)
    return lines * size * 1.35 + 2


def _print_setup(sheet, header_row: int, last_row: int, width: int, synthetic: str) -> None:
    """A4 portrait fitted to the page's width, the decree's margins, the header row on every
    page, the page number centred at the top from the second page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(
        left=MARGINS_MM["left"] / INCH_MM,
        right=MARGINS_MM["right"] / INCH_MM,
        top=MARGINS_MM["top"] / INCH_MM,
        bottom=MARGINS_MM["bottom"] / INCH_MM,
        header=HEADER_MM / INCH_MM,
        footer=HEADER_MM / INCH_MM,
    )
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_area = f"A1:{get_column_letter(width)}{last_row}"
    sheet.HeaderFooter.differentFirst = True
    sheet.oddHeader.center.text = "&P"
    sheet.oddHeader.center.font = f"{FONT},Regular"
    sheet.oddHeader.center.size = SIZE_BODY
    if synthetic:
        for footer in (sheet.oddFooter, sheet.firstFooter):
            footer.center.text = synthetic.replace("&", "&&")
            footer.center.font = f"{FONT},Bold"
            footer.center.size = SIZE_TABLE


def _sheet(sheet, annex: Annex, section: Section) -> None:
    columns = section.columns
    width = len(columns)
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.sheet_chars
    row = 1
    _line(sheet, row, annex.heading, _font(SIZE_HEADING, bold=True), width)
    _line(sheet, row + 1, annex.title, _font(SIZE_HEADING, bold=True), width)
    _line(sheet, row + 2, annex.attached, _font(SIZE_HEADING, italic=True), width)
    row += 3
    if annex.synthetic:
        _line(sheet, row, annex.synthetic, _font(SIZE_BODY, bold=True), width)
        row += 1
    if section.heading:
        _line(sheet, row + 1, section.heading, _font(SIZE_BODY, bold=True), width, "left")
        row += 1
    header_row = row + 1
    for i, column in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=i, value=column.header)
        cell.font = _font(SIZE_TABLE, bold=True)
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[header_row].height = max(
        _height(c.header, c.sheet_chars - 1, SIZE_TABLE) for c in columns
    )
    for r, values in enumerate(section.rows, start=header_row + 1):
        for i, (column, value) in enumerate(zip(columns, values), start=1):
            cell = sheet.cell(row=r, column=i, value=value)
            cell.font = _font(SIZE_TABLE)
            cell.border = BOX
            text = column.kind == "text" and column.key != "band"
            cell.alignment = Alignment(
                horizontal="left" if text else "center", vertical="center", wrap_text=text
            )
            if column.kind == "num":
                cell.number_format = NUMBER_FORMAT
    row = header_row + len(section.rows) + 2
    _line(sheet, row, t("annex_notes", LANG), _font(SIZE_BODY, bold=True), width, "left")
    for offset, note in enumerate(annex.notes, start=1):
        _line(sheet, row + offset, f"- {note}", _font(SIZE_BODY, italic=True), width, "left")
    _print_setup(sheet, header_row, row + len(annex.notes), width, annex.synthetic)
    cells.sheet(sheet)  # a unit called "=HYPERLINK(…)" is a name, not a formula


def xlsx_bytes(annex: Annex) -> bytes:
    """The annex as an Excel workbook (``.xlsx``): one sheet per block."""
    book = Workbook()
    book.remove(book.active)
    book.properties.title = f"{annex.heading}: {annex.title}"
    book.properties.language = "vi-VN"
    book.properties.creator = annex.author
    if annex.made_at is not None:
        book.properties.created = book.properties.modified = annex.made_at
    used: set[str] = set()
    for section in annex.sections:
        _sheet(book.create_sheet(_sheet_name(section.sheet, used)), annex, section)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
