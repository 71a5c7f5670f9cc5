"""The split of the 好 places in Chromium (§八(一), decision 0015): the office fixes it from the
quarters page, the leader in charge approves 好 up to the section's share and is refused beyond
it, citing the split, and sees the organ's counter and the section's share; another leader
approves his waiting proposals as a batch, after a confirmation.

The personas' organ (tests.personas): six take part, 2 places; split by headcount they go
甲科 1, 乙科 1, 办公室 0."""

from __future__ import annotations

from typing import Any

import pytest

from kaohe.assessments.models import Assessment, State
from kaohe.plans.models import Grade
from tests.assessments.test_services import propose, submit
from tests.personas import PASSWORD, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def click(page: Any, target: Any) -> None:
    with page.expect_navigation():
        target.click()


def messages(page: Any) -> str:
    return " ".join(page.locator("main .message").all_inner_texts())


def test_the_office_fixes_the_split_and_it_binds_the_leaders_approval(
        page: Any, world: World) -> None:
    for persona in ("staff", "colleague", "other_staff"):
        submit(world.assessments[persona])
        propose(world.assessments[persona], Grade.GOOD, 95)
    period = world.periods["organ"]

    log_in(page, "office")
    page.goto("/periods/")
    click(page, page.get_by_test_id("plan-places"))
    assert "尚未确定分配" in page.get_by_test_id("split-state").inner_text()
    click(page, page.get_by_role("button", name="按加权 0.50 确定分配"))
    assert "已确定各科室“好”等次名额" in messages(page)
    saved = {row.get_attribute("data-section"): row.locator("[data-saved]").inner_text()
             for row in page.locator("table[data-table=quota] tbody tr").all()}
    assert saved == {"a": "1", "b": "1", "office": "0"}

    log_in(page, "leader")
    page.goto(f"/periods/{period.pk}/approval/")
    counter = page.get_by_test_id("quota")
    assert "好：已用 0 / 2" in counter.inner_text()
    assert counter.get_by_test_id("section-quota").all_inner_texts() == [
        "甲科名额：“好”已用 0 / 1，剩余 1 个"]
    staff_row = page.get_by_test_id("approval-row").filter(has_text="Staff").filter(
        has_not_text="Other")
    click(page, staff_row.get_by_role("button", name="同意"))
    assert "等次已审定" in messages(page)
    assert "甲科名额：“好”已用 1 / 1，剩余 0 个" in page.get_by_test_id("quota").inner_text()

    colleague_row = page.get_by_test_id("approval-row").filter(has_text="Colleague")
    click(page, colleague_row.get_by_role("button", name="同意"))
    refusal = messages(page)
    assert "超出本科室名额" in refusal and "甲科“好”等次名额 1 个" in refusal
    assert "§八(一) 科室名额分配" in refusal
    assert "好：已用 1 / 2" in page.get_by_test_id("quota").inner_text()
    assert Assessment.objects.get(pk=world.assessments["colleague"].pk).state == State.PROPOSED

    log_in(page, "other_leader")
    page.goto(f"/periods/{period.pk}/approval/")
    click(page, page.get_by_role("button", name="批量审定全部待审定人员…"))
    assert "将同意以下 1 人的拟定等次，其中“好” 1 人" in page.get_by_test_id(
        "batch-summary").inner_text()
    assert page.get_by_test_id("batch-rows").locator("tbody tr").all_inner_texts() == [
        "Other Staff\t乙科\t95.00\t好"]
    click(page, page.get_by_role("button", name="确认同意"))
    assert "已同意 1 人的拟定等次" in messages(page)
    assert "乙科名额：“好”已用 1 / 1，剩余 0 个" in page.get_by_test_id("quota").inner_text()
