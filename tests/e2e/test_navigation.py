"""Finding one's way in Chromium: the print button of the official forms, a staff member's
own result after the quarter is closed, and the annual page's batch confirmation."""

from __future__ import annotations

from typing import Any

import pytest

from kaohe.assessments.models import Assessment
from tests.annual.factories import YEAR, run_year
from tests.personas import PASSWORD, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, username: str, then: str = "/") -> None:
    page.goto(f"/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.url.endswith(then), f"{username} could not log in"


def test_the_print_button_opens_the_print_dialog(page: Any, world: World) -> None:
    periods = run_year(world, {"staff": ["好"] * 4})
    first = Assessment.objects.get(person=world.people["staff"], period=periods[1])
    # Count the calls of window.print instead of opening the real dialog.
    page.add_init_script("window.printed = 0; window.print = () => { window.printed += 1; };")
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    log_in(page, "staff", f"/documents/quarterly/{first.pk}/")
    page.get_by_role("button", name="打印 / 另存为 PDF").click()
    page.wait_for_function("window.printed === 1")
    assert violations == []


def test_a_staff_member_finds_their_result_after_closing(page: Any, world: World) -> None:
    run_year(world, {"staff": ["好", "较好", "一般", "好"]})
    log_in(page, "staff")
    latest = page.get_by_test_id("latest-result")
    assert "2024 年第四季度" in latest.inner_text() and "好" in latest.inner_text()
    page.get_by_role("navigation").get_by_role("link", name="我的考核结果").click()
    results = page.get_by_test_id("results")
    assert results.locator(f'tr[data-period="{YEAR}-3"] [data-testid="result-grade"]'
                           ).inner_text() == "一般"
    assert results.locator(f'tr[data-period="{YEAR}-1"] [data-testid="result-grade"]'
                           ).inner_text() == "好"
    # The quarters page shows the staff member their own assessment, no review screens.
    page.get_by_role("navigation").get_by_role("link", name="考核季度").click()
    assert page.get_by_role("link", name="审核评鉴").count() == 0
    assert page.get_by_test_id("own-assessment").count() == 5


def test_the_office_confirms_the_years_recommendations_at_once(page: Any, world: World) -> None:
    run_year(world, {"staff": ["好"] * 4, "colleague": ["一般", "较差", "一般", "较好"]})
    log_in(page, "office", f"/annual/organ/{YEAR}/")
    assert "四个季度均已结束" in page.get_by_test_id("year-progress").inner_text()
    page.get_by_test_id("confirm-all").click()
    listed = page.get_by_test_id("confirm-list").locator("tbody tr")
    assert listed.count() == 5
    with page.expect_navigation():
        page.get_by_role("button", name="确认这 5 人的年度等次").click()
    assert "已确认 5 人的年度等次" in page.locator("main .message").first.inner_text()
    staff_row = page.locator('tr[data-person="P-staff"]')
    assert "优秀" in staff_row.locator("td").nth(-1).inner_text()
    colleague_row = page.locator('tr[data-person="P-colleague"]')
    assert colleague_row.get_by_role("button", name="确认").count() == 1  # still to decide
    assert page.get_by_test_id("confirm-all").count() == 0
