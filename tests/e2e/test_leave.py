"""Leave in Chromium, as the demo organ's office: from the 考核季度 page to the quarter's leave
page; typing part of a name lists the people to pick from (htmx, no inline script), the office
picks one, records sick leave over half the quarter and sees it listed with its working days
and the undetermined grade; then corrects it to a short leave and deletes it, each with a
reason; and finds a person through the people search in the top navigation. The office also
imports its organ's file on the import page: a broken file shows its problems, a good one its
dry run, applied after the confirmation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kaohe.accounts.models import User
from kaohe.assessments.models import Assessment, Leave
from kaohe.assessments.services import period_open
from kaohe.org.demo import demo_data, load_demo
from kaohe.org.models import Organ, Person
from kaohe.plans.models import Period
from tests.e2e.test_quarter import OFFICE, log_in, messages, submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quarter() -> Period:
    load_demo()
    organ = Organ.objects.get(code="qc-sthjj")
    return period_open(organ=organ, year=2025, quarter=3,
                       by=User.objects.get(username=OFFICE))


def determined(person: Person, period: Period) -> bool:
    return Assessment.objects.get(person=person, period=period).grade_determined


def test_the_office_records_corrects_and_deletes_leave(page: Any, quarter: Period) -> None:
    feng = Person.objects.get(name="冯雪")
    log_in(page, OFFICE, "/periods/")
    with page.expect_navigation():
        page.get_by_role("link", name="病假、事假登记").click()
    assert page.get_by_role("heading", level=1).inner_text() == "2025 年第三季度病假、事假"
    assert "本季度尚无请假记录。" in page.get_by_test_id("leaves").inner_text()

    page.fill("#id_query", "冯")  # part of the name: the people to pick from appear
    pick = page.get_by_test_id("pick").filter(has_text=feng.personnel_no)
    pick.wait_for()
    pick.locator("input[type=radio]").check()
    page.select_option("#id_kind", "sick")
    page.fill("#id_start", "2025-07-01")
    page.fill("#id_end", "2025-08-31")
    submit(page, page.get_by_role("button", name="登记", exact=True))
    assert "冯雪：请假已登记。" in messages(page)

    row = page.get_by_test_id("leave").filter(has_text="冯雪")
    assert row.locator("td").nth(4).inner_text() == "44"  # of 67 working days
    assert "不确定等次" in row.inner_text()
    assert not determined(feng, quarter)

    leave = Leave.objects.get(person=feng)
    row.get_by_text("更正或删除").click()
    correction = row.get_by_test_id("correct")
    correction.locator(f"#l{leave.pk}_end").fill("2025-07-04")
    correction.locator(f"#l{leave.pk}_reason").fill("病假条日期有误")
    submit(page, correction.get_by_role("button", name="保存更正"))
    assert "冯雪：请假记录已更正。" in messages(page)
    row = page.get_by_test_id("leave").filter(has_text="冯雪")
    assert row.locator("td").nth(3).inner_text() == "2025-07-04"
    assert row.locator("td").nth(4).inner_text() == "4"
    assert "可确定等次" in row.inner_text() and determined(feng, quarter)

    row.get_by_text("更正或删除").click()
    deletion = row.get_by_test_id("delete")
    deletion.get_by_label("删除理由").fill("重复登记")
    submit(page, deletion.get_by_role("button", name="删除"))
    assert "冯雪：请假记录已删除。" in messages(page)
    assert "本季度尚无请假记录。" in page.get_by_test_id("leaves").inner_text()
    assert not Leave.objects.exists()


def test_an_unknown_name_is_a_message(page: Any, quarter: Period) -> None:
    log_in(page, OFFICE, f"/periods/{quarter.pk}/leave/")
    page.fill("#id_query", "查无此人")
    page.get_by_text("未找到“查无此人”。").wait_for()
    page.fill("#id_start", "2025-07-01")
    page.fill("#id_end", "2025-07-02")
    submit(page, page.get_by_role("button", name="登记", exact=True))
    assert "未找到姓名或人员编号为“查无此人”的人员" in messages(page)


def test_people_search_from_the_navigation(page: Any, quarter: Period) -> None:
    log_in(page, "zhenghf")  # the chief of the air section
    with page.expect_navigation():
        page.get_by_role("link", name="人员查询").click()
    page.fill("#id_q", "QC02")
    results = page.get_by_test_id("people-results")
    results.get_by_role("link", name="冯雪").wait_for()
    assert "卫东升" not in results.inner_text()  # another section's chief
    with page.expect_navigation():
        results.get_by_role("link", name="冯雪").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("冯雪")


def test_the_office_imports_its_organ_after_the_dry_run(page: Any, quarter: Period) -> None:
    data = demo_data()
    data["people"].append({"id": "QC0999", "name": "新来的", "category": "staff",
                           "section": "air", "since": "2025-09-01"})
    log_in(page, OFFICE, "/organs/qc-sthjj/")
    with page.expect_navigation():
        page.get_by_role("link", name="从文件导入").click()

    broken = {**data, "people": [*data["people"], {"id": "QC0998", "name": "",
                                                   "category": "boss", "section": "air"}]}
    upload(page, broken)
    problems = page.get_by_test_id("import-problems")
    assert "导入被拒绝" in problems.inner_text()
    assert "people 第" in problems.inner_text() and "category" in problems.inner_text()

    upload(page, data)
    result = page.get_by_test_id("import-result")
    assert "试运行" in result.inner_text() and "数据库未作任何改动" in result.inner_text()
    assert not Person.objects.filter(personnel_no="QC0999").exists()
    apply = page.get_by_test_id("import-apply")
    apply.get_by_label("我已核对试运行结果，确认导入").check()
    submit(page, apply.get_by_role("button", name="确认导入"))
    assert "已导入" in page.get_by_test_id("import-result").inner_text()
    assert Person.objects.get(personnel_no="QC0999").section.code == "air"


def upload(page: Any, data: dict[str, Any]) -> None:
    form = page.get_by_test_id("import-upload")
    form.locator("input[type=file]").set_input_files(files=[{
        "name": "organ.json", "mimeType": "application/json",
        "buffer": json.dumps(data, ensure_ascii=False).encode()}])
    submit(page, form.get_by_role("button", name="检查并试运行"))
