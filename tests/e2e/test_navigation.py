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
