"""The review form in Chromium: the composite score and suggested grade follow the scores as
they are typed, the reason field appears when the grade chosen differs, a refusal brings
the page back with every value as typed, and the approval list shows the approved grade."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from kaohe.assessments.models import Assessment, State
from kaohe.assessments.services.workflow import composite
from tests.e2e.test_csp import RECORD_VIOLATIONS, _violations
from tests.personas import World, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODES = ["political", "ethics", "style", "integrity", "attendance",
         "quantity", "quality", "efficiency", "results", "ability"]


def sign_in(page: Any, live_server: Any, world: World, persona: str) -> None:
    """The persona's session in the browser (signing in itself is tested elsewhere)."""
    client = Client()
    client.force_login(world.users[persona])
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])


def test_chief_sees_the_preview_and_keeps_every_value_after_a_refusal(
        page: Any, live_server: Any) -> None:
    world = build_world()
    a = world.assessments["staff"]
    Assessment.objects.filter(pk=a.pk).update(state=State.SUBMITTED, summary="完成了任务")
    period = world.periods["organ"]
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)

    sign_in(page, live_server, world, "chief")
    page.goto(f"/periods/{period.pk}/review/")
    row = page.locator(f"#a{a.pk}")
    preview = row.locator("[data-testid=preview]")
    reason = row.locator(f"textarea[name='a{a.pk}-reason']")
    assert "各项指标打分后" in preview.inner_text()
    assert not reason.is_visible()

    # The chief types the scores: the composite and the grade it suggests follow.
    for code in CODES:
        row.locator(f"input[name='a{a.pk}-score_{code}']").fill("85")
    expect(row.locator("[data-testid=composite]")).to_have_text("85.00")
    expect(row.locator("[data-testid=suggested]")).to_have_text("较好")
    row.locator(f"input[name='a{a.pk}-score_quality']").fill("95")
    typed = {code: Decimal(95 if code == "quality" else 85) for code in CODES}
    expected = str(composite(period.plan, typed))
    expect(row.locator("[data-testid=composite]")).to_have_text(expected)
    assert not reason.is_visible()

    # Another grade than the suggestion: the reason field appears, marked required.
    row.locator(f"select[name='a{a.pk}-grade']").select_option("好")
    reason.wait_for(state="visible")
    assert "须说明理由" in row.locator("[data-testid=preview]").inner_text()
    assert reason.get_attribute("aria-required") == "true"
    row.locator(f"textarea[name='a{a.pk}-comment']").fill("工作认真，成效明显")

    # Submitted without the reason: refused, every value still there, the error in the row.
    with page.expect_navigation():
        row.get_by_role("button", name="提出等次建议").click()
    row = page.locator(f"#a{a.pk}")
    assert "须说明理由" in row.locator(f"#a{a.pk}-reason .errorlist").inner_text()
    values = [row.locator(f"input[name='a{a.pk}-score_{code}']").input_value() for code in CODES]
    assert values == ["85", "85", "85", "85", "85", "85", "95", "85", "85", "85"]
    assert row.locator(f"select[name='a{a.pk}-grade']").input_value() == "好"
    assert row.locator(f"textarea[name='a{a.pk}-comment']").input_value() == "工作认真，成效明显"
    assert row.locator("[data-testid=composite]").inner_text() == expected
    reason = row.locator(f"textarea[name='a{a.pk}-reason']")
    assert reason.is_visible()
    assert Assessment.objects.get(pk=a.pk).state == State.SUBMITTED

    # With the reason it goes through.
    reason.fill("牵头完成专项整治，群众评价高")
    with page.expect_navigation():
        row.get_by_role("button", name="提出等次建议").click()
    assert "Staff：已提出等次建议。" in page.inner_text("main")

    # The leader approves 较好 instead, with a reason; the list shows both grades.
    sign_in(page, live_server, world, "leader")
    page.goto(f"/periods/{period.pk}/approval/")
    line = page.locator("[data-testid=approval-row]", has_text="Staff")
    assert line.locator("[data-testid=grades]").inner_text() == "拟定 好"
    line.locator("summary", has_text="改变等次").click()
    line.locator(f"select[name='a{a.pk}-grade']").select_option("较好")
    line.locator(f"textarea[name='a{a.pk}-reason']").fill("与同科室人员相比，改为较好")
    with page.expect_navigation():
        line.get_by_role("button", name="审定").click()
    assert "Staff：等次已审定。" in page.inner_text("main")
    line = page.locator("[data-testid=approval-row]", has_text="Staff")
    assert line.locator("[data-testid=grades]").inner_text() == "拟定 好 · 审定 较好"
    page.set_viewport_size({"width": 375, "height": 800})  # the phone layout: same words
    assert line.locator("[data-testid=grades]").is_visible()
    assert line.locator("[data-testid=grades]").inner_text() == "拟定 好 · 审定 较好"
    assert _violations(page, console) == []
