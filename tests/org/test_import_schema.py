"""The rows of an import file (kaohe/org/importer/schema.py), without a database: each wrong
field gives the message users read, at the place they can find."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from kaohe.org.importer.read import Problem, Source, Where, read_source
from kaohe.org.importer.schema import Plan, read_plan
from kaohe.org.models import Category


def read(data: dict[str, Any] | Source) -> tuple[Plan, list[Problem]]:
    problems: list[Problem] = []
    plan = read_plan(data if isinstance(data, Source) else Source(data), problems)
    return plan, problems


ORGAN = {"code": "o", "name": "局"}


def person(**fields: Any) -> dict[str, Any]:
    return {"id": "P1", "name": "甲", "category": "staff", "section": "a", **fields}


def test_each_wrong_field_gives_its_message_at_its_row() -> None:
    _plan, problems = read({"organ": {"code": "o", "name": "局" * 201},
                            "people": [person(), person(name="长" * 101, since="2025-02-30",
                                                        frontline="yes", category="boss",
                                                        oversees=["a", 1], sex=5)]})

    assert problems == [
        Problem(Where("organ"), "name", "太长：最多 200 个字符，这里有 201 个"),
        Problem(Where("people", 2), "name", "太长：最多 100 个字符，这里有 101 个"),
        Problem(Where("people", 2), "category",
                "未知人员类别“boss”：应为 leadership（领导成员）、chief（科室正职）、"
                "staff（科室工作人员）或 worker（工勤人员）"),
        Problem(Where("people", 2), "frontline",
                "应为 true 或 false（XLSX 中也可填 是/否、1/0），这里是“yes”"),
        Problem(Where("people", 2), "oversees", "应为科室代码的列表，这里是列表"),
        Problem(Where("people", 2), "since", "日期“2025-02-30”无效，应为 YYYY-MM-DD"),
        Problem(Where("people", 2), "sex", "应为文本，这里是数字"),
    ]


def test_required_fields_not_given_and_rows_that_are_not_objects() -> None:
    _plan, problems = read({"organ": "x", "sections": [{"code": " a ", "name": "  "}, 5],
                            "committee": [{"person": "P1", "position": None}],
                            "office": {"person": "P1"}})

    assert [str(problem) for problem in problems] == [
        "organ：应为对象 {…}，这里是文本",
        "organ · code：缺少必填项",
        "organ · name：缺少必填项",
        "sections 第 1 行 · name：缺少必填项",
        "sections 第 2 行：应为对象 {…}，这里是数字",
        "office：应为列表，这里是对象",
        "committee 第 1 行 · position：缺少必填项",
    ]


def test_a_wrong_field_reads_as_not_given_and_the_rest_of_the_row_stays() -> None:
    wrong = person(id="P9", name=["甲"], category=7, principal=True,
                   since=datetime.datetime(2024, 1, 2, 9, 30), oversees="a、b，a",
                   birth_month="1990-13")

    plan, problems = read({"organ": ORGAN, "people": [wrong]})

    row = plan.people[0]
    assert (row.id, row.name, row.category, row.principal) == ("P9", "", None, True)
    assert (row.since, row.oversees, row.birth_month) == (datetime.date(2024, 1, 2), ["a", "b"],
                                                          None)
    assert [(problem.field, problem.message) for problem in problems] == [
        ("name", "应为文本，这里是列表"),
        ("category", "应为文本，这里是数字"),
        ("birth_month", "出生年月“1990-13”无效，应为 YYYY-MM"),
    ]


def test_assignments_are_rows_of_their_own() -> None:
    plan, problems = read({"organ": ORGAN, "people": [person(assignments=[
        {"kind": "training", "organ": "o", "start": "2025-04-01", "end": "2025-03-01"},
        {"kind": "post", "organ": "o", "start": "2025-04-01", "note": "说" * 201},
    ])]})

    assert [str(problem) for problem in problems] == [
        "people 第 1 行 · assignments[1].end：结束日期 2025-03-01 早于开始日期 2025-04-01",
        "people 第 1 行 · assignments[2].kind：未知类型“post”：这里只能填 secondment（援派/挂职）"
        "或 training（培训/专项工作）；任职和调任由导入自动记录",
        "people 第 1 行 · assignments[2].note：太长：最多 200 个字符，这里有 201 个",
    ]
    assert [a.start for a in plan.people[0].assignments] == [datetime.date(2025, 4, 1)] * 2


def test_a_valid_file_reads_into_typed_rows() -> None:
    plan, problems = read({
        "organ": {"code": " o ", "name": "局", "filed_with": {"code": "z", "name": "组织部"}},
        "sections": [{"code": "a", "name": "甲科", "frontline": True}],
        "people": [person(username="jia", active=False, birth_month=datetime.date(1990, 5, 1))],
        "office": ["P1"],
        "committee": [{"person": "P1", "position": "成员"}],
    })

    assert problems == []
    assert plan.filed_with is not None and plan.filed_with.name == "组织部"
    assert (plan.code, plan.section_codes()) == ("o", {"a"})
    row = plan.people[0]
    assert (row.category, row.active, row.must_change_password) == (Category.STAFF, False, True)
    assert (row.username, row.birth_month, row.where) == ("jia", "1990-05", Where("people", 1))
    assert [ref.person for ref in plan.office] == ["P1"]


def test_problems_of_an_xlsx_file_name_its_rows_and_columns(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets: dict[str, list[list[Any]]] = {
        "organ": [["code", "o"], ["name", "局"], ["filed_with_code", "z" * 33]],
        "people": [["id", "name", "category", "section", "since"], [],
                   [1001, "甲", "staff", "a", "2025-1-2"], [1002, "乙", "chief", "a", "不详"]],
    }
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for cells in rows:
            sheet.append(cells)
    workbook.save(tmp_path / "organ.xlsx")

    plan, problems = read(read_source(tmp_path / "organ.xlsx"))

    assert [str(problem) for problem in problems] == [
        "organ · filed_with_code：太长：最多 32 个字符，这里有 33 个",
        "organ · filed_with_name：缺少必填项",
        "people 第 4 行 · since：日期“不详”无效，应为 YYYY-MM-DD",
    ]
    assert [(row.id, row.since) for row in plan.people] == [("1001", datetime.date(2025, 1, 2)),
                                                            ("1002", None)]
