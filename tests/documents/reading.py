"""Read generated files back as a person would see them: a .docx form's title, caption and
each labelled cell; an .xlsx sheet's rows."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document
from openpyxl import load_workbook


@dataclass
class ReadForm:
    title: str
    caption: str
    cells: dict[str, str] = field(default_factory=dict)  # label → text (sign line excluded)
    signs: dict[str, str] = field(default_factory=dict)  # label → signature line
    entries: list[list[str]] = field(default_factory=list)
    page_mm: tuple[int, int] = (0, 0)
    bordered: bool = False


def read_docx(data: bytes) -> ReadForm:
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs if p.text]
    section = document.sections[0]
    form = ReadForm(title=paragraphs[0], caption=paragraphs[1],
                    page_mm=(round(section.page_width.mm), round(section.page_height.mm)))
    main, *rest = document.tables
    form.bordered = main.style.name == "Table Grid"
    for row in main.rows:
        cells = []
        for cell in row.cells:  # a merged cell repeats: keep each once
            if not cells or cells[-1]._tc is not cell._tc:
                cells.append(cell)
        for label, value in zip(cells[::2], cells[1::2], strict=True):
            lines = [p.text for p in value.paragraphs]
            if len(lines) > 1 and "签名" in lines[-1]:
                form.signs[label.text] = lines.pop()
            form.cells[label.text] = "\n".join(lines)
    for table in rest:
        form.entries = [[c.text for c in row.cells] for row in table.rows]
    return form


def read_xlsx(data: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets}
