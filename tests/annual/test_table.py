"""The annual page's table of people, written in Python (kaohe.annual.pages): what each row
shows, its escaping, and its form, which posts with the page's CSRF token."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.annual import services
from kaohe.assessments.models import Assessment
from kaohe.org.models import Person
from tests.annual.factories import YEAR, run_year
from tests.personas import World

pytestmark = pytest.mark.django_db


def rows(page: str) -> dict[str, str]:
    """personnel number → the markup of that person's row."""
    return dict(re.findall(r'<tr data-person="([^"]+)">(.*?)</tr>', page, re.S))


def test_each_row_shows_the_quarters_the_recommendation_and_the_decision(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    run_year(world, {"staff": ["好"] * 4, "colleague": [None, "一般", "较差", "较好"]})
    services.result_decide(organ=world.organ, year=YEAR, person=world.people["colleague"],
                           grade="称职", reason="抗洪<抢险>", by=world.users["office"])
    page = rows(client_for("office").get(f"/annual/organ/{YEAR}/").content.decode())
    staff, colleague = page["P-staff"], page["P-colleague"]
    form_url = reverse("annual_form_html", args=["P-staff", YEAR])
    assert f'<a href="{form_url}">Staff</a>' in staff and staff.count("<td>好</td>") == 4
    assert "<strong>优秀</strong>" in staff and "优先" in staff
    assert '<option value="优秀" selected>优秀</option>' in staff and "确认</button>" in staff
    assert "<td>不确定等次</td>" in colleague  # the first quarter was not determined
    assert "<strong>称职</strong>" in colleague and "抗洪&lt;抢险&gt;" in colleague
    assert '<option value="称职" selected>' in colleague and "修改</button>" in colleague


def test_names_are_escaped_and_a_number_no_address_can_hold_is_shown_without_a_link(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    Person.objects.filter(pk=world.people["staff"].pk).update(
        name="<script>x</script>", personnel_no="P/1")
    run_year(world, {})
    page = rows(client_for("office").get(f"/annual/organ/{YEAR}/").content.decode())
    assert "<td>&lt;script&gt;x&lt;/script&gt;</td>" in page["P/1"]
    assert "<script>" not in page["P/1"]


def test_the_principal_reads_the_rows_without_their_forms(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    run_year(world, {})
    page = client_for("principal").get(f"/annual/organ/{YEAR}/").content.decode()
    assert rows(page) and "csrfmiddlewaretoken" not in "".join(rows(page).values())


def test_a_rows_form_posts_with_the_pages_token(world: World) -> None:
    run_year(world, {"staff": ["好"] * 4})
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["office"])
    page = rows(client.get(f"/annual/organ/{YEAR}/").content.decode())["P-staff"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    action = re.search(r'<form method="post" action="([^"]+)"', page)
    assert token and action
    response = client.post(action.group(1), {"csrfmiddlewaretoken": token.group(1),
                                             "person": "P-staff", "grade": "优秀"})
    assert response.status_code == 302
    assert world.people["staff"].annual_results.get().grade == "优秀"


def test_who_was_never_assessed_but_refused_has_a_row_with_name_and_section(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    """§十(一): refusing to take part is recorded for someone no quarter assessed."""
    run_year(world, {})
    Assessment.objects.filter(person=world.people["office"]).delete()
    services.refusal_record(organ=world.organ, year=YEAR, person=world.people["office"],
                            refused=True, note="拒不参加考核", by=world.users["office"])
    page = rows(client_for("office").get(f"/annual/organ/{YEAR}/").content.decode())
    office = page["P-office"]
    assert ">Office</a></td>\n  <td>办公室</td>" in office and "不称职" in office
