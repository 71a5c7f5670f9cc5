"""Every spreadsheet Kaohe writes goes through here.

Two guarantees: a cell can never become a formula (every text, including one starting with
"=", "+", "-" or "@", is stored with the string type, OWASP "CSV/formula injection"), and large
tables are written in openpyxl's write-only mode, row by row, so memory stays bounded.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Plain = str | int | float | Decimal | datetime.date | None


def plain(value: Any) -> Plain:
    """Numbers and dates stay what they are; everything else becomes text."""
    if isinstance(value, bool):
        return str(value)
    if value is None or isinstance(value, int | float | Decimal | datetime.date):
        return value
    return str(value)


def text_cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    """A cell whose text is stored as a string, never as a formula, whatever it starts with."""
    cell = WriteOnlyCell(sheet, value=plain(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def write_table(sheet: WriteOnlyWorksheet, header: Iterable[Any],
                rows: Iterable[Iterable[Any]]) -> None:
    sheet.append([text_cell(sheet, value) for value in header])
    for row in rows:
        sheet.append([text_cell(sheet, value) for value in row])


def workbook(tables: Iterable[tuple[str, Iterable[Any], Iterable[Iterable[Any]]]],
             target: str | Path | IO[bytes]) -> None:
    """Write (sheet title, header, rows) tables, streamed, to a path or a binary file."""
    book = Workbook(write_only=True)
    for title, header, rows in tables:
        write_table(book.create_sheet(title[:31]), header, rows)
    book.save(target)


def rows_of(records: Iterable[Any], columns: Iterable[str]) -> Iterator[list[Any]]:
    """Rows of attribute (or key) values, for tables built from model instances or dicts."""
    names = list(columns)
    for record in records:
        if isinstance(record, dict):
            yield [record.get(name) for name in names]
        else:
            yield [getattr(record, name, None) for name in names]
