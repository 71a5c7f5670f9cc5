"""Hostile and broken import files (bench/hostile.py) are refused with a message naming the
problem, never a traceback, and without reading what a crafted file claims to hold; the
memory each takes is measured in bench/cases/imports.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bench import hostile
from kaohe.org.importer import ImportRefused, import_file
from kaohe.org.models import Organ

EXPECTED = {
    hostile.wide: "行数过多",  # its last row is row 1,048,576
    hostile.many_rows: "行数过多",
    hostile.huge_string: "太长",
    hostile.zip_bomb: "解压后过大",
    hostile.broken_xml: "无法读取 XLSX 文件",
    hostile.external_entity: "无法读取 XLSX 文件",
    hostile.billion_laughs: "无法读取 XLSX 文件",
    hostile.nul_character: "无法读取 XLSX 文件",
    hostile.not_a_zip: "无法读取 XLSX 文件",
}


@pytest.mark.parametrize("make", list(EXPECTED), ids=lambda make: make.__name__)
def test_a_hostile_file_is_refused_with_a_message(db: None, tmp_path: Path,
                                                  make: Callable[[Path], Path]) -> None:
    path = make(tmp_path / "organ.xlsx")
    with pytest.raises(ImportRefused) as refused:
        import_file(path, dry_run=True)
    text = str(refused.value)
    assert EXPECTED[make] in text, text
    assert "root:" not in text and len(text) < 5000
    assert not Organ.objects.filter(code="hostile-test").exists()


def test_the_valid_file_beside_them_is_accepted(db: None, tmp_path: Path) -> None:
    result = import_file(hostile.valid(tmp_path / "organ.xlsx"), dry_run=True)
    assert result.dry_run and not Organ.objects.filter(code="hostile-test").exists()


def test_a_nul_in_json_is_refused_by_name(db: None, tmp_path: Path) -> None:
    data = hostile.organ()
    data["people"][0]["name"] = "甲\x00乙"  # type: ignore[index]
    path = tmp_path / "organ.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ImportRefused, match="people 第 1 行 · name：含有不允许的空字符"):
        import_file(path, dry_run=True)
