"""A member of the public leaves an opinion on a phone, without an account: the QR code's page
fits the screen, the rating is tapped, a refused comment comes back with its reason and the text
as typed, and the corrected opinion is thanked for and stored; no policy violation on the way."""

from __future__ import annotations

from typing import Any

import pytest

from kaohe.org.models import Person
from kaohe.recipients.models import RecipientOpinion
from tests.e2e.test_csp import RECORD_VIOLATIONS, _violations
from tests.e2e.test_reports import fits_the_screen
from tests.personas import build_world
from tests.recipients.conftest import FRONTLINE, make_link

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def test_a_recipient_rates_the_service_on_a_phone(page: Any) -> None:
    world = build_world()
    Person.objects.filter(pk=world.people[FRONTLINE].pk).update(frontline=True)
    link = make_link(world)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    page.set_viewport_size(PHONE)

    page.goto(f"/r/{link.token}/")
    assert "Other Staff" in page.locator("main").inner_text()
    assert fits_the_screen(page)
    page.get_by_label("4 分 满意").check()
    page.fill("#id_comment", "办事快，详见 www.example.com")
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    assert "不能包含网址" in page.locator(".errorlist").inner_text()
    assert page.input_value("#id_comment") == "办事快，详见 www.example.com"
    assert page.is_checked("input[name=rating][value='4']")
    assert not RecipientOpinion.objects.exists()

    page.fill("#id_comment", "办事快，态度好")
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    assert "感谢您的评价" in page.locator("main").inner_text()
    assert fits_the_screen(page)
    assert _violations(page, console) == []
    opinion = RecipientOpinion.objects.get()
    assert (opinion.rating, opinion.comment) == (4, "办事快，态度好")
