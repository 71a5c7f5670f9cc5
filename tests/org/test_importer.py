"""`kaohe import-org`: the documented example, re-imports, refusals, XLSX, history and roles."""

from __future__ import annotations

import copy
import datetime
import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Model
from openpyxl import Workbook

from kaohe.accounts.models import TechnicalRole, User
from kaohe.org.importer import (
    ImportRefused,
    ImportResult,
    import_file,
    import_organ,
    load_file,
    write_xlsx,
)
from kaohe.org.models import (
    Assignment,
    CommitteeMember,
    Duty,
    Organ,
    OrganDuty,
    OrgDepartment,
    Person,
    Section,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE = DOCS / "examples" / "organ-example.json"
TODAY = datetime.date(2025, 7, 1)
TABLES: list[type[Model]] = [OrgDepartment, Organ, Section, Person, User, Assignment, OrganDuty,
                             CommitteeMember]

pytestmark = pytest.mark.django_db


@pytest.fixture
def example() -> dict[str, Any]:
    return load_file(EXAMPLE)


def person_row(data: dict[str, Any], person_id: str) -> dict[str, Any]:
    row: dict[str, Any] = next(p for p in data["people"] if p["id"] == person_id)
    return row


def other_organ(*people: dict[str, Any]) -> dict[str, Any]:
    return {"organ": {"code": "demo-other", "name": "示例市另一局"},
            "sections": [{"code": "xfk", "name": "信访科"}],
            "people": list(people)}


def full_dump() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table the import writes, with every column."""
    dump = {model.__name__: list(model._default_manager.order_by("pk").values())
            for model in TABLES}
    dump["members"] = list(OrgDepartment.members.through.objects.order_by("pk").values())
    return dump


def natural_dump() -> dict[str, list[tuple[Any, ...]]]:
    """The same content by stable keys, so that two databases can be compared."""
    def rows(model: type[Model], *columns: str) -> list[tuple[Any, ...]]:
        return sorted(model._default_manager.values_list(*columns), key=repr)

    return {
        "departments": rows(OrgDepartment, "code", "name"),
        "organs": rows(Organ, "code", "name", "filed_with__code", "principal__personnel_no"),
        "sections": rows(Section, "organ__code", "code", "name", "frontline",
                         "leader_in_charge__personnel_no"),
        "people": rows(Person, "personnel_no", "name", "user__username", "organ__code",
                       "section__code", "category", "title", "rank", "frontline", "active"),
        "accounts": rows(User, "username", "first_name", "must_change_password", "is_active"),
        "assignments": rows(Assignment, "person__personnel_no", "organ__code", "section__code",
                            "kind", "start", "end", "note"),
        "duties": rows(OrganDuty, "organ__code", "person__personnel_no", "duty"),
        "committee": rows(CommitteeMember, "organ__code", "person__personnel_no", "position"),
    }


def refusal(data: dict[str, Any]) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        import_organ(data, today=TODAY)
    return caught.value


def messages(refused: ImportRefused) -> list[str]:
    return [str(problem) for problem in refused.problems]


def post_history(person_id: str) -> list[tuple[str, str | None, str, datetime.date,
                                               datetime.date | None]]:
    return list(Assignment.objects.filter(person__personnel_no=person_id)
                .order_by("start")
                .values_list("organ__code", "section__code", "kind", "start", "end"))


# --- the documented example ------------------------------------------------------------------


def test_doc_shows_the_example_file() -> None:
    doc = (DOCS / "import-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", doc, flags=re.DOTALL)
    complete = [json.loads(block) for block in blocks if '"demo-example"' in block
                and '"committee"' in block]
    assert complete == [json.loads(EXAMPLE.read_text(encoding="utf-8"))]


def test_example_creates_what_it_says(example: dict[str, Any]) -> None:
    result = import_organ(example, today=TODAY)

    organ = Organ.objects.get(code="demo-example")
    assert organ.name == "示例市示例局"
    assert organ.filed_with is not None and organ.filed_with.name == "示例市委组织部"
    assert organ.principal is not None and organ.principal.name == "王明"
    assert organ.sections.count() == 3
    assert organ.people.count() == 12
    assert result.counts["person"].created == 12
    assert result.counts["account"].created == 10
    assert result.warnings == []

    chief = Person.objects.get(personnel_no="D0006")
    assert (chief.category, chief.section and chief.section.code) == ("chief", "zfjd")
    assert sorted(Section.objects.filter(leader_in_charge__personnel_no="D0002")
                  .values_list("code", flat=True)) == ["bgs", "ghk"]
    assert Section.objects.get(code="zfjd").leader_in_charge == Person.objects.get(
        personnel_no="D0003")
    assert dict(CommitteeMember.objects.filter(organ=organ)
                .values_list("person__personnel_no", "position")) == {
        "D0001": "主任", "D0002": "副主任", "D0003": "成员", "D0004": "成员", "D0010": "公务员代表"}
    assert set(OrganDuty.objects.filter(organ=organ, duty=Duty.OFFICE)
               .values_list("person__personnel_no", flat=True)) == {"D0004", "D0005"}
    assert list(OrganDuty.objects.filter(organ=organ, duty=Duty.LIAISON)
                .values_list("person__personnel_no", flat=True)) == ["D0007"]


def test_example_people_accounts_and_history(example: dict[str, Any]) -> None:
    result = import_organ(example, today=TODAY)

    must_change = dict(User.objects.values_list("username", "must_change_password"))
    assert must_change.pop("wangming") is False
    assert set(must_change.values()) == {True}
    assert Person.objects.get(personnel_no="D0011").user is None  # no username, no account
    assert Person.objects.get(personnel_no="D0012").active is False
    frontline = dict(Person.objects.values_list("personnel_no", "frontline"))
    assert frontline["D0007"] is True  # from the section
    assert frontline["D0010"] is True  # given in the row
    assert frontline["D0005"] is False
    assert post_history("D0005") == [("demo-example", "bgs", "post",
                                      datetime.date(2023, 8, 1), None)]
    assert post_history("D0008")[1] == ("demo-example", None, "training",
                                        datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    generated = [a.username for a in result.new_accounts if a.generated]
    assert "fengtao" not in generated and len(generated) == 9


def test_initial_passwords_let_people_log_in(example: dict[str, Any]) -> None:
    result = import_organ(example, today=TODAY)

    for account in result.new_accounts:
        user = authenticate(username=account.username, password=account.password)
        assert user is not None and user.person.personnel_no == account.person_id
    assert authenticate(username="fengtao", password="Shili-Chushi-2025") is not None


def test_second_import_changes_nothing(example: dict[str, Any]) -> None:
    import_organ(example, today=TODAY)
    before = full_dump()

    again = import_organ(copy.deepcopy(example), today=TODAY + datetime.timedelta(days=30))

    assert full_dump() == before
    assert again.changed == 0
    assert again.new_accounts == []
    assert again.counts["person"].unchanged == 12


def test_dry_run_reports_and_writes_nothing(example: dict[str, Any]) -> None:
    result = import_organ(example, today=TODAY, dry_run=True)

    assert result.dry_run and result.counts["person"].created == 12
    assert all(account.password == "" for account in result.new_accounts)
    assert not Organ.objects.exists() and not User.objects.exists()


# --- refusals --------------------------------------------------------------------------------


def test_broken_file_is_refused_whole_with_every_problem(example: dict[str, Any]) -> None:
    import_organ(example, today=TODAY)
    before = full_dump()
    broken = copy.deepcopy(example)
    broken["organ"]["name"] = "示例市示例局（新名）"  # a valid change: must not be written either
    del broken["sections"][1]["name"]
    people = broken["people"]
    people[0]["category"] = "boss"
    people[2]["principal"] = True
    people[3]["section"] = "nope"
    people[4]["oversees"] = ["ghk"]
    people[5]["name"] = "长" * 101
    people[6]["since"] = "2025-02-30"
    people[6]["frontline"] = "yes"
    people[7]["assignments"][0]["end"] = "2025-03-01"
    people[11]["id"] = "D0011"
    people[9]["title"] = ["科员"]
    broken["office"] = ["D9999"]
    broken["committee"][0]["position"] = "组长"

    refused = refusal(broken)

    assert {(p.where.sheet, p.where.row, p.where.prefix + p.field) for p in refused.problems} == {
        ("sections", 2, "name"),
        ("people", 1, "category"),
        ("people", 3, "principal"),
        ("people", 4, "section"),
        ("people", 5, "oversees"),
        ("people", 6, "name"),
        ("people", 7, "since"),
        ("people", 7, "frontline"),
        ("people", 8, "assignments[1].end"),
        ("people", 12, "id"),
        ("people", 10, "title"),
        ("office", 1, "person"),
        ("committee", 1, "position"),
    }
    text = messages(refused)
    assert "people 第 4 行 · section：未知科室“nope”" in text
    assert "people 第 12 行 · id：人员编号“D0011”重复，与 people 第 11 行相同" in text
    assert "people 第 3 行 · principal：主要负责人只能有一位，people 第 1 行已标记" in text
    assert any("只有领导成员" in line for line in text if line.startswith("people 第 5 行"))
    assert any("已由 people 第 2 行的李华分管" in line for line in text)
    assert "people 第 7 行 · since：日期“2025-02-30”无效，应为 YYYY-MM-DD" in text
    assert "office 第 1 行 · person：人员编号“D9999”不在本文件的 people 中" in text
    assert full_dump() == before


def test_missing_required_fields_and_wrong_shapes() -> None:
    refused = refusal({"organ": {"code": "x"},
                       "sections": [{"code": "a"}, "b"],
                       "people": [{"name": "甲", "category": "staff", "section": "a"}],
                       "committee": {"person": "1"}})

    assert messages(refused) == [
        "organ · name：缺少必填项",
        "sections 第 1 行 · name：缺少必填项",
        "sections 第 2 行：应为对象 {…}，这里是文本",
        "people 第 1 行 · id：缺少必填项",
        "committee：应为列表，这里是对象",
    ]
    assert not Organ.objects.exists()


def test_chief_and_staff_need_a_section_and_one_active_chief_per_section(
    example: dict[str, Any],
) -> None:
    import_organ(example, today=TODAY)
    changed = copy.deepcopy(example)
    changed["people"] = [p for p in changed["people"] if p["id"] != "D0006"]  # chief of zfjd
    person_row(changed, "D0007")["category"] = "chief"  # zfjd gets a second active chief
    del person_row(changed, "D0005")["section"]
    person_row(changed, "D0009")["section"] = "bgs"  # bgs already has 陈静

    text = messages(refusal(changed))

    assert any(line.startswith("people 第 5 行 · section：") and "必须填写所在科室" in line
               for line in text)
    assert any(line.startswith("people 第 6 行 · category：") and "孙伟（编号 D0006" in line
               for line in text)
    assert any(line.startswith("people 第 8 行 · category：") and "people 第 4 行的陈静" in line
               for line in text)


def test_a_leader_cannot_oversee_another_organs_section(example: dict[str, Any]) -> None:
    import_organ(other_organ(), today=TODAY)
    person_row(example, "D0003")["oversees"] = ["zfjd", "xfk"]

    assert messages(refusal(example)) == [
        "people 第 3 行 · oversees：科室“xfk”属于其他机关（示例市另一局），"
        "领导不能分管其他机关的科室"]


def test_a_username_of_another_person_is_refused(example: dict[str, Any]) -> None:
    import_organ(example, today=TODAY)
    newcomer = {"id": "D0099", "name": "新人", "category": "staff", "section": "xfk",
                "username": "wangming"}

    text = messages(refusal(other_organ(newcomer)))

    assert text == ["people 第 1 行 · username：账号“wangming”已属于另一人员：王明（编号 D0001）"]
    assert not Person.objects.filter(personnel_no="D0099").exists()


def test_technical_and_organization_department_accounts_are_refused() -> None:
    User.objects.create_user("sysadmin", technical_role=TechnicalRole.SYSTEM)
    department = OrgDepartment.objects.create(code="zzb", name="组织部")
    department.members.add(User.objects.create_user("zzb-staff"))
    data = other_organ(
        {"id": "1", "name": "甲", "category": "staff", "section": "xfk", "username": "sysadmin"},
        {"id": "2", "name": "乙", "category": "staff", "section": "xfk", "username": "zzb-staff"},
        {"id": "3", "name": "丙", "category": "staff", "section": "xfk", "username": "a b"},
        {"id": "4", "name": "丁", "category": "staff", "section": "xfk", "username": "ding",
         "password": "12345678"},
    )

    text = messages(refusal(data))

    assert text[0] == "people 第 1 行 · username：账号“sysadmin”是技术管理员账号，不能用作人员账号"
    assert text[1] == ("people 第 2 行 · username：账号“zzb-staff”属于组织部门工作人员，"
                       "不能用作人员账号")
    assert text[2].startswith("people 第 3 行 · username：账号“a b”无效：")
    assert text[3].startswith("people 第 4 行 · password：初始密码不符合要求：")
    assert len(text) == 4


def test_a_person_of_another_organ_needs_a_transfer_date(example: dict[str, Any]) -> None:
    import_organ(example, today=TODAY)
    moved = dict(person_row(example, "D0005"), section="xfk")

    assert messages(refusal(other_organ(moved))) == [
        "people 第 1 行 · id：人员编号“D0005”已属于机关“示例市示例局”；如为调入本机关，"
        "请填写调入日期 transferred_on"]


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_round_trip_gives_the_same_database(example: dict[str, Any], tmp_path: Path) -> None:
    import_organ(example, today=TODAY)
    from_json = natural_dump()
    for model in (Assignment, Person, Section, Organ, OrgDepartment, User):
        model._default_manager.all().delete()
    form = tmp_path / "organ.xlsx"
    write_xlsx(form, example)

    result = import_file(form, today=TODAY)

    assert natural_dump() == from_json
    assert result.counts["person"].created == 12
    assert authenticate(username="fengtao", password="Shili-Chushi-2025") is not None
    assert import_organ(example, today=TODAY).changed == 0


def sheet_workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_cells_are_read_as_a_person_types_them(tmp_path: Path) -> None:
    form = sheet_workbook(tmp_path / "typed.xlsx", {
        "organ": [["code", "x-org"], ["name", "某局"]],
        "sections": [["code", "name", "frontline"], ["a", "甲科", "是"], [], ["b", "乙科", 0]],
        "people": [
            ["id", "name", "category", "section", "oversees", "principal", "since", "active"],
            [1001, "张三", "leadership", None, "a、b", "TRUE", datetime.datetime(2024, 1, 2), None],
            ["1002", "李四", "chief", "a", None, None, "2024-03-01", "否"],
        ],
        "assignments": [["person", "kind", "organ", "start", "end"],
                        ["1002", "training", "x-org", datetime.date(2024, 5, 6), "2024-05-31"]],
        "office": [["person"], ["1002"]],
    })

    import_file(form, today=TODAY)

    assert list(Section.objects.order_by("code").values_list("code", "frontline")) == [
        ("a", True), ("b", False)]
    zhang = Person.objects.get(personnel_no="1001")
    assert zhang.organ.principal == zhang
    assert set(zhang.overseen_sections.values_list("code", flat=True)) == {"a", "b"}
    assert post_history("1001") == [("x-org", None, "post", datetime.date(2024, 1, 2), None)]
    assert Person.objects.get(personnel_no="1002").active is False
    assert post_history("1002")[1] == ("x-org", None, "training", datetime.date(2024, 5, 6),
                                       datetime.date(2024, 5, 31))


def test_xlsx_problems_name_spreadsheet_rows(tmp_path: Path) -> None:
    form = sheet_workbook(tmp_path / "broken.xlsx", {
        "organ": [["key", "value"], ["code", "x-org"], ["name", "某局"]],
        "sections": [["code", "name"], ["a", "甲科"]],
        "people": [["id", "name", "category", "section", "frontline"],
                   ["1", "甲", "staff", "a", "也许"],
                   [],
                   ["2", "乙", "staff", "zz", None]],
        "assignments": [["person", "kind", "organ", "start"],
                        ["2", "secondment", "nowhere", "2024-01-01"],
                        ["9", "training", "x-org", "2024-01-01"]],
        "committee": [["person", "position"], ["1", "成员"], ["2", "组长"]],
    })

    with pytest.raises(ImportRefused) as caught:
        import_file(form, today=TODAY)

    assert messages(caught.value) == [
        "people 第 2 行 · frontline：应为 true 或 false（XLSX 中也可填 是/否、1/0），这里是“也许”",
        "people 第 4 行 · section：未知科室“zz”",
        "assignments 第 2 行 · organ：机关代码“nowhere”在数据库中不存在；请先导入该机关",
        "assignments 第 3 行 · person：人员编号“9”不在 people 表中",
        "committee 第 3 行 · position：未知职位“组长”：应为 主任、副主任、成员 或 公务员代表",
    ]
    assert not Organ.objects.exists()


def test_only_json_and_xlsx_files_are_read(tmp_path: Path) -> None:
    (tmp_path / "organ.csv").write_text("code,name\n", encoding="utf-8")
    (tmp_path / "broken.json").write_text('{"organ": ', encoding="utf-8")

    with pytest.raises(ImportRefused) as csv:
        load_file(tmp_path / "organ.csv")
    with pytest.raises(ImportRefused) as broken:
        load_file(tmp_path / "broken.json")

    assert messages(csv.value) == ["organ.csv：不支持的文件类型“.csv”：请使用 .json 或 .xlsx 文件"]
    assert messages(broken.value)[0].startswith("broken.json：JSON 格式错误：第 1 行")


# --- history: moves, transfers, secondments --------------------------------------------------


def test_a_section_move_closes_the_post_and_opens_a_new_one(example: dict[str, Any]) -> None:
    import_organ(example, today=TODAY)
    person_row(example, "D0005").update(section="ghk", since="2025-09-01")

    result = import_organ(example, today=TODAY)

    assert post_history("D0005") == [
        ("demo-example", "bgs", "post", datetime.date(2023, 8, 1), datetime.date(2025, 8, 31)),
        ("demo-example", "ghk", "post", datetime.date(2025, 9, 1), None),
    ]
    assert result.counts["assignment"].created == 1
    assert result.counts["assignment"].updated == 1
    assert result.counts["person"].updated == 1


def test_a_move_dated_before_the_current_post_is_refused(example: dict[str, Any]) -> None:
    import_organ(example, today=TODAY)
    person_row(example, "D0005").update(section="ghk", since="2020-01-01")

    assert messages(refusal(example)) == [
        "people 第 5 行 · since：科室有变动：到新科室的日期 2020-01-01 须不早于当前任职的开始日期 "
        "2023-08-01（since 填到新科室的日期）"]


def test_two_chiefs_can_swap_sections(example: dict[str, Any]) -> None:
    import_organ(example, today=TODAY)
    person_row(example, "D0006").update(section="ghk", since="2025-07-01")
    person_row(example, "D0009").update(section="zfjd", since="2025-07-01")

    import_organ(example, today=TODAY)

    chiefs = dict(Person.objects.filter(category="chief", active=True)
                  .values_list("section__code", "personnel_no"))
    assert chiefs == {"bgs": "D0004", "ghk": "D0006", "zfjd": "D0009"}


def test_a_transfer_moves_the_person_and_clears_their_old_roles(example: dict[str, Any]) -> None:
    import_organ(example, today=TODAY)
    incoming = [dict(person_row(example, person_id), transferred_on="2025-10-01", section=None,
                     oversees=[])
                for person_id in ("D0001", "D0002")]
    incoming.append(dict(person_row(example, "D0004"), transferred_on="2025-10-01",
                         section="xfk"))
    new_organ = other_organ(*incoming)
    new_organ["office"] = ["D0004"]

    import_organ(new_organ, today=TODAY)

    old = Organ.objects.get(code="demo-example")
    assert old.principal is None
    assert not old.sections.filter(leader_in_charge__isnull=False).exclude(code="zfjd").exists()
    assert not old.duties.filter(person__personnel_no="D0004").exists()
    assert not old.committee.filter(person__personnel_no__in=["D0001", "D0002", "D0004"]).exists()
    assert set(Person.objects.filter(organ__code="demo-other")
               .values_list("personnel_no", flat=True)) == {"D0001", "D0002", "D0004"}
    assert post_history("D0004") == [
        ("demo-example", "bgs", "post", datetime.date(2019, 5, 6), datetime.date(2025, 9, 30)),
        ("demo-other", "xfk", "transfer", datetime.date(2025, 10, 1), None),
    ]
    assert Organ.objects.get(code="demo-other").duties.get().person.personnel_no == "D0004"
    assert import_organ(new_organ, today=TODAY).changed == 0


def test_a_secondment_suspends_the_home_post_and_is_upserted(example: dict[str, Any]) -> None:
    import_organ(other_organ(), today=TODAY)
    secondment = {"kind": "secondment", "organ": "demo-other", "section": "xfk",
                  "start": "2025-03-01", "end": "2025-08-31", "note": "援派信访工作"}
    person_row(example, "D0007")["assignments"] = [secondment]
    import_organ(example, today=TODAY)
    once = post_history("D0007")
    again = import_organ(example, today=TODAY)
    secondment.update(note="援派信访工作（延期）", end="2025-10-15")

    result = import_organ(example, today=TODAY)

    assert once == [
        ("demo-example", "zfjd", "post", once[0][3], datetime.date(2025, 2, 28)),
        ("demo-other", "xfk", "secondment", datetime.date(2025, 3, 1), datetime.date(2025, 8, 31)),
        ("demo-example", "zfjd", "post", datetime.date(2025, 9, 1), None),
    ]
    assert again.changed == 0
    assert post_history("D0007")[1:] == [
        ("demo-other", "xfk", "secondment", datetime.date(2025, 3, 1), datetime.date(2025, 10, 15)),
        ("demo-example", "zfjd", "post", datetime.date(2025, 10, 16), None),
    ]
    assert Assignment.objects.get(kind="secondment").note == "援派信访工作（延期）"
    assert (result.counts["assignment"].updated, result.counts["assignment"].created) == (1, 0)


def test_secondment_targets_must_exist_and_differ(example: dict[str, Any]) -> None:
    import_organ(other_organ(), today=TODAY)
    person_row(example, "D0007")["assignments"] = [
        {"kind": "secondment", "organ": "demo-example", "start": "2025-03-01"},
        {"kind": "secondment", "organ": "demo-other", "section": "bgs", "start": "2025-04-01"},
        {"kind": "post", "organ": "demo-other", "start": "2025-05-01"},
    ]

    assert messages(refusal(example)) == [
        "people 第 7 行 · assignments[1].organ：援派/挂职（secondment）的接收机关不能是本机关",
        "people 第 7 行 · assignments[2].section：机关“示例市另一局”没有代码为“bgs”的科室",
        "people 第 7 行 · assignments[3].kind：未知类型“post”：这里只能填 secondment（援派/挂职）"
        "或 training（培训/专项工作）；任职和调任由导入自动记录",
    ]


# --- roles and people absent from the file ---------------------------------------------------


def test_roles_follow_the_file_and_absent_people_stay(example: dict[str, Any]) -> None:
    import_organ(example, today=TODAY)
    example["people"] = [p for p in example["people"] if p["id"] != "D0011"]
    example["office"] = ["D0004"]
    example["committee"] = [{"person": "D0001", "position": "主任"},
                            {"person": "D0003", "position": "副主任"}]
    person_row(example, "D0002")["oversees"] = ["bgs"]
    person_row(example, "D0001")["principal"] = False

    result = import_organ(example, today=TODAY)

    organ = Organ.objects.get(code="demo-example")
    assert organ.principal is None
    assert Section.objects.get(code="ghk").leader_in_charge is None
    assert list(organ.duties.filter(duty=Duty.OFFICE)
                .values_list("person__personnel_no", flat=True)) == ["D0004"]
    assert dict(organ.committee.values_list("person__personnel_no", "position")) == {
        "D0001": "主任", "D0003": "副主任"}
    assert (result.counts["duty"].deleted, result.counts["committee"].deleted) == (1, 3)
    assert result.counts["committee"].updated == 1
    assert result.absent_people == 1
    assert Person.objects.get(personnel_no="D0011").active is True
    assert any("主要负责人" in warning for warning in result.warnings)
    assert any("“ghk”" in warning for warning in result.warnings)


# --- the command ------------------------------------------------------------------------------


def test_command_imports_and_prints_the_new_accounts() -> None:
    out = StringIO()

    call_command("import_org", str(EXAMPLE), stdout=out)

    text = out.getvalue()
    assert "机关 demo-example（示例市示例局）" in text
    assert "人员：新建 12，更新 0，未变 0" in text
    user = User.objects.get(username="lihua")
    line = next(line for line in text.splitlines() if line.strip().startswith("lihua"))
    password = line.split("→")[1].strip()
    assert user.check_password(password)
    assert "fengtao（冯涛） → （文件中给定的密码）" in text


def test_command_refuses_a_broken_file_and_lists_every_problem(
    example: dict[str, Any], tmp_path: Path,
) -> None:
    person_row(example, "D0005")["section"] = "nope"
    example["office"] = ["D9999"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(example, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        call_command("import_org", str(broken), stdout=StringIO())

    assert str(caught.value).splitlines() == [
        "导入被拒绝（2 个问题），数据库未作任何改动：",
        "people 第 5 行 · section：未知科室“nope”",
        "office 第 1 行 · person：人员编号“D9999”不在本文件的 people 中",
    ]
    assert not Organ.objects.exists()


def test_command_writes_the_xlsx_form_of_the_example(tmp_path: Path) -> None:
    form = tmp_path / "example.xlsx"

    call_command("import_org", xlsx_template=str(form), template_source=str(EXAMPLE),
                 stdout=StringIO())
    result: ImportResult = import_file(form, today=TODAY)

    assert result.counts["person"].created == 12
    assert load_file(form)["people"][1]["oversees"] == ["bgs", "ghk"]


def test_annual_form_header_fields(example: dict[str, Any], tmp_path: Path) -> None:
    """性别、出生年月、政治面貌、任现职时间、从事工作: the header of the annual form, from JSON
    and from XLSX (where the month of birth may be a date cell)."""
    import_organ(example, today=TODAY)
    person = Person.objects.get(personnel_no="D0005")
    assert (person.sex, person.birth_month, person.political_status, person.in_post_since,
            person.work) == ("男", "1996-03", "中共党员", datetime.date(2023, 8, 1), "文电、会务")
    person_row(example, "D0005")["birth_month"] = datetime.date(1996, 4, 1)
    form = tmp_path / "organ.xlsx"
    write_xlsx(form, example)
    import_file(form, today=TODAY)
    assert Person.objects.get(personnel_no="D0005").birth_month == "1996-04"
    person_row(example, "D0005").update(sex="M", birth_month="1996-13")
    found = messages(refusal(example))
    assert any("性别应为“男”或“女”" in m for m in found)
    assert any("出生年月“1996-13”无效" in m for m in found)
