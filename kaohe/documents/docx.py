"""Render an OfficialForm as a .docx that opens in Word and WPS laid out like the paper form:
A4, one bordered table, labels on the left, signature and date lines in their cells."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from kaohe.documents.content import Block, Field, OfficialForm

COLUMNS = 6  # label, value × 3: rows of one, two or three fields share the grid
LABEL_WIDTH = Cm(3.0)
VALUE_WIDTH = Cm(2.66)
FONT = "宋体"  # SimSun in Word and WPS; LibreOffice falls back to an installed CJK font


def _font(run_or_style: object, size: float | None = None, bold: bool = False) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = FONT
    if size:
        font.size = Pt(size)
    font.bold = bold
    element = getattr(run_or_style, "element", None)
    r_pr = element.get_or_add_rPr() if element is not None else None
    if r_pr is not None:
        r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _write(paragraph: Paragraph, text: str, *, size: float = 10.5, bold: bool = False) -> None:
    _font(paragraph.add_run(text), size, bold)


def _cell(cell: _Cell, text: str, *, label: bool = False) -> None:
    lines = text.split("\n") if text else [""]
    cell.paragraphs[0].text = ""
    _write(cell.paragraphs[0], lines[0], bold=label)
    for line in lines[1:]:
        _write(cell.add_paragraph(), line)
    cell.vertical_alignment = (WD_CELL_VERTICAL_ALIGNMENT.CENTER if label
                               else WD_CELL_VERTICAL_ALIGNMENT.TOP)
    if label:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _header_row(table: Table, fields: list[Field]) -> None:
    cells = table.add_row().cells
    span = COLUMNS // len(fields)  # 1 field: 1+5, 2 fields: 1+2 each, 3 fields: 1+1 each
    for i, item in enumerate(fields):
        first = i * span
        _cell(cells[first], item.label, label=True)
        value = cells[first + 1] if span == 2 else cells[first + 1].merge(
            cells[first + span - 1])
        _cell(value, item.value)


def _block_row(table: Table, block: Block) -> None:
    row = table.add_row()
    if block.height:
        row.height = Cm(block.height)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    cells = row.cells
    _cell(cells[0], block.label, label=True)
    body = cells[1].merge(cells[COLUMNS - 1])
    _cell(body, block.text)
    if block.sign:
        line = body.add_paragraph()
        line.paragraph_format.space_before = Pt(12)
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _write(line, f"{block.sign}：　　　　　　{block.date}")


def render(form: OfficialForm) -> bytes:
    document = Document()
    document.core_properties.author = "Kaohe"
    document.core_properties.title = form.title
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    _font(document.styles["Normal"], 10.5)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _write(title, form.title, size=18, bold=True)
    caption = document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _write(caption, form.caption)
    table = document.add_table(rows=0, cols=COLUMNS)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for fields in form.header:
        _header_row(table, fields)
    for block in form.blocks:
        _block_row(table, block)
    for column, width in zip(table.columns, [LABEL_WIDTH, VALUE_WIDTH] * 3, strict=True):
        for cell in column.cells:
            cell.width = width
    if form.table_columns:
        _entries(document, form)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _entries(document: object, form: OfficialForm) -> None:
    document.add_paragraph()  # type: ignore[attr-defined]
    table = document.add_table(rows=1, cols=len(form.table_columns))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.autofit = False
    for cell, name in zip(table.rows[0].cells, form.table_columns, strict=True):
        _cell(cell, name, label=True)
    for values in form.table_rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            _cell(cell, value)
    widths = [Cm(1.4), Cm(2.4), Cm(2.6), Cm(10.6)]
    for column, width in zip(table.columns, widths, strict=False):
        for cell in column.cells:
            cell.width = width


# The parts without which Word does not open a file as a document.
DOCX_PARTS = {"[Content_Types].xml", "word/document.xml"}


def is_docx(content: bytes, unpacked_limit: int) -> bool:
    """Whether `content` is a Word document (.docx): a zip with a document's parts, unpacking
    to no more than `unpacked_limit` bytes. Read from the zip's directory, nothing unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, ValueError):
        return False
    return ({e.filename for e in entries} >= DOCX_PARTS
            and sum(e.file_size for e in entries) <= unpacked_limit)
