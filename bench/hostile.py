"""Import files an attacker or a broken tool could hand the office, each beside a valid one:
the importer must refuse each with a message, in bounded memory (tests/org/test_hostile_files.py
checks the refusals; bench/cases/imports.py measures the memory).

Each is a small valid workbook whose parts are then rewritten, as a crafted file would be.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from kaohe.org.importer import write_xlsx

SHEET = "xl/worksheets/sheet3.xml"  # "people", after "organ" and "sections"
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def organ(people: int = 3) -> dict[str, object]:
    """A valid organ of `people` staff in one section, as the JSON form gives it."""
    return {
        "organ": {"code": "hostile-test", "name": "测试局"},
        "sections": [{"code": "s1", "name": "一科"}],
        "people": [{"id": f"H{n:06d}", "name": f"人员{n}", "username": f"h{n:06d}",
                    "category": "staff", "section": "s1"} for n in range(people)],
    }


def valid(path: Path, people: int = 3) -> Path:
    write_xlsx(path, organ(people))
    return path


def _rewritten(path: Path, parts: dict[str, bytes | Callable[[zipfile.ZipFile], None]]
               ) -> Path:
    """`path` (a valid workbook) with `parts` replaced: bytes, or a writer that adds the part
    itself (to stream a large one)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename not in parts:
                out.writestr(item, source.read(item))
        for name, part in parts.items():
            if callable(part):
                part(out)
            else:
                out.writestr(name, part)
    return path


def _sheet(rows: str, dimension: str = "A1:T4") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {MAIN}>'
            f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>').encode()


def _row(number: int, *cells: str) -> str:
    columns = "ABCDEFGHIJKLMNOPQRST"
    inline = "".join(f'<c r="{columns[i]}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
                     for i, text in enumerate(cells))
    return f'<row r="{number}">{inline}</row>'


HEADER = ("id", "name", "username", "category", "section")


def wide(path: Path) -> Path:
    """A sheet declaring every cell of the grid, with one in its last column and one in its
    last row: read as declared, 17 billion cells."""
    rows = (_row(1, *HEADER) + _row(2, "H1", "甲", "h1", "staff", "s1")
            + '<row r="3"><c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row>'
            + '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>y</t></is></c></row>')
    return _rewritten(valid(path), {SHEET: _sheet(rows, "A1:XFD1048576")})


def many_rows(path: Path, rows: int = 250_000) -> Path:
    """More rows than any organ has, each tiny."""
    def write(out: zipfile.ZipFile) -> None:
        with out.open(SHEET, "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {MAIN}><sheetData>'
                       .encode())
            part.write(_row(1, *HEADER).encode())
            for n in range(2, rows + 2):
                part.write(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'.encode())
            part.write(b"</sheetData></worksheet>")
    return _rewritten(valid(path), {SHEET: write})


def huge_string(path: Path, megabytes: int = 8) -> Path:
    """One name of `megabytes` MB: within the package limit, refused as too long a name."""
    rows = _row(1, *HEADER) + _row(2, "H1", "名" * (megabytes * 1024 * 1024 // 3), "h1",
                                   "staff", "s1")
    return _rewritten(valid(path), {SHEET: _sheet(rows)})


def zip_bomb(path: Path, megabytes: int = 200) -> Path:
    """A sheet that unpacks to `megabytes` MB of blanks from a few hundred KB."""
    def write(out: zipfile.ZipFile) -> None:
        with out.open(SHEET, "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {MAIN}><sheetData>'
                       .encode())
            blank = b" " * (1024 * 1024)
            for _ in range(megabytes):
                part.write(blank)
            part.write(b"</sheetData></worksheet>")
    return _rewritten(valid(path), {SHEET: write})


def broken_xml(path: Path) -> Path:
    rows = _row(1, *HEADER) + '<row r="2"><c r="A2" t="inlineStr"><is><t>H1'
    return _rewritten(valid(path), {SHEET: _sheet(rows)[:-40]})


def external_entity(path: Path) -> Path:
    """XXE: a name that would be the content of a file of the server."""
    document = (f'<?xml version="1.0" encoding="UTF-8"?>'
                f'<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
                f'<worksheet {MAIN}><sheetData>{_row(1, *HEADER)}'
                f'<row r="2"><c r="A2" t="inlineStr"><is><t>H1</t></is></c>'
                f'<c r="B2" t="inlineStr"><is><t>&secret;</t></is></c></row>'
                f'</sheetData></worksheet>')
    return _rewritten(valid(path), {SHEET: document.encode()})


def billion_laughs(path: Path) -> Path:
    """Ten levels of ten entities each: a billion "lol"s from a few hundred bytes."""
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    document = (f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [{entities}]>'
                f'<worksheet {MAIN}><sheetData>{_row(1, *HEADER)}'
                f'<row r="2"><c r="B2" t="inlineStr"><is><t>&l9;</t></is></c></row>'
                f'</sheetData></worksheet>')
    return _rewritten(valid(path), {SHEET: document.encode()})


def nul_character(path: Path) -> Path:
    """A NUL byte in a name: XML allows none, so the sheet does not parse. (Spreadsheets write
    a NUL in a text as _x0000_, which openpyxl reads back as those seven characters.)"""
    rows = _row(1, *HEADER) + _row(2, "H1", "甲\x00乙", "h1", "staff", "s1")
    return _rewritten(valid(path), {SHEET: _sheet(rows)})


def not_a_zip(path: Path) -> Path:
    path.write_bytes(b"<html><body>not a workbook</body></html>" * 100)
    return path


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "wide sheet (declared A1:XFD1048576)": wide,
    "250,000 rows": many_rows,
    "an 8 MB name": huge_string,
    "zip bomb (200 MB of blanks)": zip_bomb,
    "broken XML": broken_xml,
    "XXE (external entity)": external_entity,
    "billion laughs": billion_laughs,
    "NUL character": nul_character,
    "not a zip": not_a_zip,
}
