"""Render an OfficialForm as a .docx that opens in Word and WPS laid out like the paper form:
A4, one bordered table, labels on the left, signature and date lines in their cells.

The layout is written once, with python-docx (`render_with_python_docx`). Each form is then
made from prototypes of its paragraphs and rows that python-docx made once per process, copied
and filled with the form's texts (`render`): the same XML, many times faster, which the zip of
an organ's forms needs (2,000 people are 12,000 forms)."""

from __future__ import annotations

import copy
import functools
import io
import struct
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from kaohe.documents.content import Block, Field, OfficialForm

COLUMNS = 6  # label, value × 3: rows of one, two or three fields share the grid
LABEL_WIDTH = Cm(3.0)
VALUE_WIDTH = Cm(2.66)
ENTRY_WIDTHS = [Cm(1.4), Cm(2.4), Cm(2.6), Cm(10.6)]
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


def _line(cell: _Cell, text: str) -> Paragraph:
    """A cell's second and later lines."""
    paragraph = cell.add_paragraph()
    _write(paragraph, text)
    return paragraph


def _cell(cell: _Cell, text: str, *, label: bool = False) -> None:
    lines = text.split("\n") if text else [""]
    cell.paragraphs[0].text = ""
    _write(cell.paragraphs[0], lines[0], bold=label)
    for line in lines[1:]:
        _line(cell, line)
    cell.vertical_alignment = (WD_CELL_VERTICAL_ALIGNMENT.CENTER if label
                               else WD_CELL_VERTICAL_ALIGNMENT.TOP)
    if label:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _header_row(table: Table, fields: Sequence[Field]) -> _Row:
    row = table.add_row()
    cells = row.cells
    span = COLUMNS // len(fields)  # 1 field: 1+5, 2 fields: 1+2 each, 3 fields: 1+1 each
    for i, item in enumerate(fields):
        first = i * span
        _cell(cells[first], item.label, label=True)
        value = cells[first + 1] if span == 2 else cells[first + 1].merge(
            cells[first + span - 1])
        _cell(value, item.value)
    return row


def _block_row(table: Table, block: Block) -> _Row:
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
        _write(line, _sign_line(block))
    return row


def _sign_line(block: Block) -> str:
    return f"{block.sign}：　　　　　　{block.date}"


def render(form: OfficialForm) -> bytes:
    """The form as a .docx, from the prototypes (`_Template`); the same document as
    `render_with_python_docx` makes."""
    return _template().render(form)


def render_with_python_docx(form: OfficialForm) -> bytes:
    """The form made element by element with python-docx: the definition of the layout, from
    which the prototypes are made, and what `render` is checked against."""
    document = _document()
    document.core_properties.title = form.title
    _title(document, form.title)
    _caption(document, form.caption)
    table = _main_table(document)
    for fields in form.header:
        _header_row(table, fields)
    for block in form.blocks:
        _block_row(table, block)
    _main_widths(table)
    if form.table_columns:
        _blank(document)
        entries = _entries_table(document, form.table_columns)
        for values in form.table_rows:
            _entry_row(entries, values)
        _entry_widths(entries)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _document() -> DocxDocument:
    document = Document()
    document.core_properties.author = "Kaohe"
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    _font(document.styles["Normal"], 10.5)
    return document


def _title(document: DocxDocument, text: str) -> Paragraph:
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _write(title, text, size=18, bold=True)
    return title


def _caption(document: DocxDocument, text: str) -> Paragraph:
    caption = document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _write(caption, text)
    return caption


def _blank(document: DocxDocument) -> Paragraph:
    return document.add_paragraph()


def _main_table(document: DocxDocument) -> Table:
    table = document.add_table(rows=0, cols=COLUMNS)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    return table


def _main_widths(table: Table) -> None:
    for column, width in zip(table.columns, [LABEL_WIDTH, VALUE_WIDTH] * 3, strict=True):
        for cell in column.cells:
            cell.width = width


def _entries_table(document: DocxDocument, columns: Sequence[str]) -> Table:
    """The record book's table of entries, with its header row."""
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    for cell, name in zip(table.rows[0].cells, columns, strict=True):
        _cell(cell, name, label=True)
    return table


def _entry_row(table: Table, values: Sequence[str]) -> _Row:
    row = table.add_row()
    for cell, value in zip(row.cells, values, strict=True):
        _cell(cell, value)
    return row


def _entry_widths(table: Table) -> None:
    for column, width in zip(table.columns, ENTRY_WIDTHS, strict=False):
        for cell in column.cells:
            cell.width = width


# --- the prototypes --------------------------------------------------------------------------

# Texts of the prototypes: slot i is written "\ue000i\ue001" (private-use characters), found
# again in the copy and replaced by the form's text.
MARK, END = "\ue000", "\ue001"
W_T, W_R, XML_SPACE = qn("w:t"), qn("w:r"), qn("xml:space")


def _mark(slot: int) -> str:
    return f"{MARK}{slot}{END}"


def _marks(count: int, start: int = 0) -> list[str]:
    return [_mark(slot) for slot in range(start, start + count)]


class _Template:
    """python-docx's elements for a form, made once with the functions above: the package of
    an empty document, its body, and each kind of paragraph, table and row with marked texts.
    A form copies them (lxml's deepcopy) and puts its texts in place of the marks."""

    def __init__(self) -> None:
        document = _document()
        self.package = _Package(document)
        self.root = copy.deepcopy(document.element)
        self.core = copy.deepcopy(document.core_properties._element)
        self.scratch = document  # where the prototypes are made, each then taken out
        self.title = _detached(_title(document, _mark(0))._p)
        self.caption = _detached(_caption(document, _mark(0))._p)
        self.blank = _detached(_blank(document)._p)
        self.table = _detached(_main_table(document)._tbl)
        self.line = _detached(_line(_main_table(document).add_row().cells[0], _mark(0))._p)
        self.rows: dict[tuple[Any, ...], Any] = {}
        self.lock = threading.Lock()

    def render(self, form: OfficialForm) -> bytes:
        root = copy.deepcopy(self.root)
        place = root.body.sectPr.addprevious  # the body's content comes before its sectPr
        place(self._filled(self.title, [form.title], single={0}))
        place(self._filled(self.caption, [form.caption], single={0}))
        table = copy.deepcopy(self.table)
        for fields in form.header:
            table.append(self._filled(self._header_row(len(fields)),
                                      [text for f in fields for text in (f.label, f.value)]))
        for block in form.blocks:
            table.append(self._filled(self._block_row(block.height, bool(block.sign)),
                                      [block.label, block.text, _sign_line(block)],
                                      single={2}))
        place(table)
        if form.table_columns:
            columns = len(form.table_columns)
            place(copy.deepcopy(self.blank))
            entries, row = self._entries(columns)
            entries = self._filled(entries, form.table_columns)
            for values in form.table_rows:
                entries.append(self._filled(row, values, first=columns))
            place(entries)
        core = copy.deepcopy(self.core)
        CoreProperties(core).title = form.title
        return self.package.zip({"word/document.xml": serialize_part_xml(root),
                                 "docProps/core.xml": serialize_part_xml(core)})

    def _prototype(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """The prototype of `key`, made on first use. Under a lock: the prototypes are made
        in one scratch document, which two threads must not change at once."""
        with self.lock:
            if key not in self.rows:
                self.rows[key] = make()
            return self.rows[key]

    def _header_row(self, fields: int) -> Any:
        def make() -> Any:
            table = _main_table(self.scratch)
            marks = iter(_marks(2 * fields))
            row = _header_row(table, [Field(label, next(marks)) for label in marks])
            _main_widths(table)
            return _detached(row._tr)
        return self._prototype(("header", fields), make)

    def _block_row(self, height: float, signed: bool) -> Any:
        def make() -> Any:
            table = _main_table(self.scratch)
            row = _block_row(table, Block(_mark(0), _mark(1), sign=_mark(2) if signed else "",
                                          height=height))
            _main_widths(table)
            return _detached(row._tr)
        return self._prototype(("block", height, signed), make)

    def _entries(self, columns: int) -> tuple[Any, Any]:
        """The entries' table with its header row, and a row of entries (marked after the
        header's marks)."""
        def make() -> tuple[Any, Any]:
            table = _entries_table(self.scratch, _marks(columns))
            row = _entry_row(table, _marks(columns, start=columns))
            _entry_widths(table)
            row_element = _detached(row._tr)  # the table keeps its header row only
            return _detached(table._tbl), row_element
        table, row = self._prototype(("entries", columns), make)
        return table, row

    def _filled(self, prototype: Any, texts: Sequence[str], *, first: int = 0,
                single: Collection[int] = ()) -> Any:
        """A copy of `prototype` with `texts` in place of its marks (slot `first` and on).
        A text is a cell's, each line a paragraph as `_cell` writes it, unless its slot is
        `single`: one run, as `_write` writes it."""
        element = copy.deepcopy(prototype)
        for run in [t.getparent() for t in element.iter(W_T) if t.text and t.text[0] == MARK]:
            slot = _slot(run) - first
            if slot in single:
                _set_text(run, texts[slot])
            else:
                self._lines(run, texts[slot])
        return element

    def _lines(self, run: Any, text: str) -> None:
        first, *more = text.split("\n") if text else [""]
        _set_text(run, first)
        paragraph = run.getparent()
        for line in more:
            extra = copy.deepcopy(self.line)
            _set_text(next(extra.iter(W_R)), line)
            paragraph.addnext(extra)
            paragraph = extra


def _detached(element: Any) -> Any:
    element.getparent().remove(element)
    return element


def _set_text(run: Any, text: str) -> None:
    """What python-docx's `run.text = text` writes, without its general machinery when the
    text is one piece (no tab, no line break): the marked run's w:t takes it."""
    if not text or any(char in text for char in "\t\r\n"):
        run.text = text
        return
    element = next(run.iter(W_T))
    element.text = text
    if len(text.strip()) < len(text):  # as python-docx's CT_R.add_t
        element.set(XML_SPACE, "preserve")
    else:
        element.attrib.pop(XML_SPACE, None)


def _slot(run: Any) -> int:
    text = next(run.iter(W_T)).text
    return int(text[1:text.index(END)])


@functools.cache
def _template() -> _Template:
    return _Template()


# --- the package -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Member:
    """A file of the package, deflated once: the styles alone are 800 kB of XML, which
    zipfile would deflate again for every form."""

    name: str
    crc: int
    size: int
    data: bytes

    @classmethod
    def of(cls, name: str, content: bytes) -> _Member:
        deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        return cls(name, zlib.crc32(content), len(content),
                   deflate.compress(content) + deflate.flush())


class _Package:
    """The files of an empty document as python-docx saves it, in its order; a form replaces
    its document and properties. Written as a zip by hand (PKWARE's APPNOTE: local headers,
    central directory, end record; deflated, no zip64) because zipfile cannot store data
    already deflated."""

    def __init__(self, document: DocxDocument) -> None:
        out = io.BytesIO()
        document.save(out)
        with zipfile.ZipFile(out) as saved:
            self.members = [_Member.of(info.filename, saved.read(info))
                            for info in saved.infolist()]

    def zip(self, replaced: dict[str, bytes]) -> bytes:
        now = time.localtime()
        when = ((now.tm_hour << 11) | (now.tm_min << 5) | (now.tm_sec // 2),
                ((now.tm_year - 1980) << 9) | (now.tm_mon << 5) | now.tm_mday)
        files, directory = bytearray(), bytearray()
        members = [_Member.of(m.name, replaced[m.name]) if m.name in replaced else m
                   for m in self.members]
        for m in members:
            name = m.name.encode()
            # version 2.0, no flags, deflated, time, date, checksum, sizes, name's length
            fixed = (20, 0, zipfile.ZIP_DEFLATED, *when, m.crc, len(m.data), m.size, len(name))
            directory += struct.pack("<IH5H3IH4HII", 0x02014B50, 20, *fixed, 0, 0, 0, 0, 0,
                                     len(files)) + name
            files += struct.pack("<I5H3I2H", 0x04034B50, *fixed, 0) + name + m.data
        end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                          len(directory), len(files), 0)
        return bytes(files + directory + end)


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
