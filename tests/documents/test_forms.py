"""The official forms generated from the data, read back field by field as a person would
check them: .docx (A4, bordered table, signature lines), printable HTML and the office's .xlsx
tables. The batch zip is a background job: tests/jobs/test_pages.py."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from kaohe.annual import services
from kaohe.annual.models import QuarterAttendance
from kaohe.assessments.models import Assessment, Leave, State
from kaohe.org.models import Person
from kaohe.records.models import Entry
from tests.annual.factories import YEAR, run_year
from tests.documents.reading import read_docx, read_xlsx
from tests.personas import World

pytestmark = pytest.mark.django_db
Clients = Callable[[str | None], Client]


def describe(world: World) -> Person:
    person = world.people["staff"]
    Person.objects.filter(pk=person.pk).update(
        sex="女", birth_month="1990-05", political_status="中共党员",
        in_post_since=datetime.date(2021, 4, 1), work="大气污染防治", title="科员",
        rank="一级科员")
    return Person.objects.get(pk=person.pk)


def test_quarterly_form(world: World, client_for: Clients) -> None:
    periods = run_year(world, {"staff": ["好", "较好", None, "好"]})
    describe(world)
    staff = world.people["staff"]
    Leave.objects.create(person=staff, kind="sick", start=datetime.date(2024, 1, 8),
                         end=datetime.date(2024, 1, 10), recorded_by=world.users["office"])
    Leave.objects.create(person=staff, kind="personal", start=datetime.date(2024, 1, 12),
                         end=datetime.date(2024, 1, 15), recorded_by=world.users["office"])
    QuarterAttendance.objects.create(person=staff, period=periods[1], absent_days=1,
                                     late_times=2, rewards="嘉奖一次", discipline="")
    first = Assessment.objects.get(person=staff, period=periods[1])
    response = client_for("staff").get(f"/documents/quarterly/{first.pk}.docx")
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    form = read_docx(response.content)
    assert (form.title, form.caption) == ("公务员平时考核登记表", "（2024 年第一季度）")
    assert form.page_mm == (210, 297) and form.bordered
    assert form.cells["姓名"] == "Staff" and form.cells["科室"] == "甲科"
    assert form.cells["职务职级"] == "科员、一级科员"
    assert form.cells["考核季度"] == "2024 年第一季度"
    assert form.cells["从事工作"] == "大气污染防治"
    assert form.cells["个人小结"] == "Staff第1季度小结"
    # 12 Jan (Fri) and 15 Jan (Mon): the weekend between is not counted.
    assert form.cells["考勤情况"] == "旷工 1 天；病假 3 天，事假 2 天；迟到早退 2 次"
    assert form.cells["奖惩情况"] == "嘉奖一次"
    assert form.cells["主管领导评鉴意见及拟定等次"] == "第1季度评鉴：工作认真\n拟定等次：好"
    assert form.cells["机关审定意见"] == "同意\n审定等次：好"
    assert form.cells["备注"] == ""
    assert form.signs["个人小结"].startswith("本人签名：")
    assert form.signs["机关审定意见"].startswith("审定人签名（盖章）：")
    third = Assessment.objects.get(person=staff, period=periods[3])
    form = read_docx(client_for("staff").get(f"/documents/quarterly/{third.pk}.docx").content)
    assert form.cells["机关审定意见"] == "同意\n审定等次：不确定等次"
    assert "不确定等次（§十(三)）" in form.cells["备注"]
    assert form.cells["奖惩情况"] == "无"


def test_annual_form(world: World, client_for: Clients) -> None:
    run_year(world, {"staff": ["好", "好", "较好", "好"], "colleague": ["一般"] * 4})
    describe(world)
    services.result_decide(organ=world.organ, year=YEAR, person=world.people["colleague"],
                           grade="称职", reason="下半年明显进步", by=world.users["office"])
    form = read_docx(client_for("staff").get(f"/documents/annual/P-staff/{YEAR}.docx").content)
    assert (form.title, form.caption) == ("公务员年度考核登记表", "（2024 年度）")
    assert form.cells["姓名"] == "Staff" and form.cells["性别"] == "女"
    assert form.cells["出生年月"] == "1990.05" and form.cells["政治面貌"] == "中共党员"
    assert form.cells["任现职时间"] == "2021.04"
    assert form.cells["单位及职务职级"] == "示例局　甲科　科员、一级科员"
    assert form.cells["从事或分管工作"] == "大气污染防治"
    assert form.cells["个人总结"].splitlines() == [
        f"第{q}季度：Staff第{n}季度小结" for q, n in zip("一二三四", range(1, 5), strict=True)]
    assert form.cells["平时考核情况"] == "好3次，较好1次，一般0次，较差0次"
    assert form.cells["主管领导评语和考核等次建议"] == "考核等次建议：优秀"
    assert form.cells["机关负责人或考核委员会意见"] == ""  # not yet decided
    for label in ("本人意见", "参加培训情况"):
        assert label in form.cells
    assert form.signs["本人意见"].startswith("本人签名：")
    other = read_docx(client_for("office").get(
        f"/documents/annual/P-colleague/{YEAR}.docx").content)
    assert other.cells["机关负责人或考核委员会意见"] == "考核等次：称职"
    assert other.cells["备注"] == "建议等次为基本称职，确定为称职：下半年明显进步"


def test_record_book(world: World, client_for: Clients) -> None:
    run_year(world, {})
    staff = world.people["staff"]
    Entry.objects.create(person=staff, day=datetime.date(2024, 5, 6), kind="urgent",
                         text="=SUM(A1) 参加防汛值守")
    form = read_docx(client_for("staff").get(f"/documents/record-book/P-staff/{YEAR}.docx")
                     .content)
    assert form.title == "公务员平时考核记实手册"
    assert form.entries == [["季度", "日期", "类别", "内容"],
                            ["二", "2024-05-06", "急难险重任务", "=SUM(A1) 参加防汛值守"]]


def test_printable_html_versions(world: World, client_for: Clients) -> None:
    periods = run_year(world, {"staff": ["好"] * 4})
    client = client_for("staff")
    first = Assessment.objects.get(person=world.people["staff"], period=periods[1])
    for url, texts in [
        (f"/documents/quarterly/{first.pk}/", ["公务员平时考核登记表", "Staff第1季度小结",
                                               "审定等次：好"]),
        (f"/documents/annual/P-staff/{YEAR}/", ["公务员年度考核登记表",
                                                "好4次，较好0次，一般0次，较差0次"]),
        (f"/documents/record-book/P-staff/{YEAR}/", ["公务员平时考核记实手册"]),
    ]:
        page = client.get(url).content.decode()
        assert "kaohe/forms.css" in page and ".docx" in page
        for text in texts:
            assert text in page
        # The policy forbids inline handlers and style attributes: the print button works
        # through kaohe/print.js and the signature space through forms.css classes.
        assert "onclick" not in page and "style=" not in page
        assert "kaohe/print.js" in page and "data-print" in page


def test_every_signature_height_has_its_class_in_the_stylesheet(world: World,
                                                                client_for: Clients) -> None:
    periods = run_year(world, {"staff": ["好"] * 4})
    first = Assessment.objects.get(person=world.people["staff"], period=periods[1])
    css = (Path(settings.BASE_DIR) / "static/kaohe/forms.css").read_text()
    client = client_for("staff")
    classes: set[str] = set()
    for url in (f"/documents/quarterly/{first.pk}/", f"/documents/annual/P-staff/{YEAR}/"):
        classes |= set(re.findall(r'<tr class="(h-\d+)"', client.get(url).content.decode()))
    assert {"h-70", "h-80"} <= classes
    for name in classes:
        height = int(name[2:]) / 10
        assert f"tr.{name} {{ height: {height:g}cm; }}" in css


def test_office_tables(world: World, client_for: Clients) -> None:
    periods = run_year(world, {"staff": ["好"] * 4, "colleague": [None, "一般", "一般", "较差"]})
    Assessment.objects.filter(person=world.people["office"], period=periods[4]).update(
        state=State.PROPOSED, summary="=HYPERLINK(\"http://x\")")
    client = client_for("office")
    sheets = read_xlsx(client.get(f"/documents/quarter-results/{periods[4].pk}.xlsx").content)
    header, *rows = sheets["季度考核结果"]
    assert header[:3] == ["序号", "人员编号", "姓名"]
    by_no = {row[1]: row for row in rows}
    assert by_no["P-colleague"][8] == "较差" and by_no["P-office"][8] in ("", None)
    assert dict(map(tuple, sheets["汇总"][1:]))["好"] == 1  # type: ignore[arg-type]
    sheets = read_xlsx(client.get(f"/documents/annual-results/organ/{YEAR}.xlsx").content)
    header, *rows = sheets["年度考核结果"]
    assert header[4:8] == ["第一季度", "第二季度", "第三季度", "第四季度"]
    colleague = next(row for row in rows if row[1] == "P-colleague")
    assert colleague[4:8] == ["不确定等次", "一般", "一般", "较差"]
    assert colleague[header.index("建议等次")] == "基本称职"


@pytest.mark.parametrize(("persona", "status"), [
    ("staff", 200), ("colleague", 404), ("chief", 200), ("leader", 200), ("other_chief", 404),
    ("office", 200), ("principal", 200), ("org_department", 200), ("outsider", 404),
    ("sysadmin", 404)])
def test_who_may_have_a_persons_forms(world: World, client_for: Clients, persona: str,
                                      status: int) -> None:
    periods = run_year(world, {})
    first = Assessment.objects.get(person=world.people["staff"], period=periods[1])
    client = client_for(persona)
    for url in (f"/documents/annual/P-staff/{YEAR}.docx", f"/documents/quarterly/{first.pk}.docx",
                f"/documents/record-book/P-staff/{YEAR}/"):
        assert client.get(url).status_code == status, url
