"""Finding one's way: every page a role may use is linked from the navigation, the home page or
the quarters page, each link only for those who may open it; a staff member finds their own
results after the quarter is closed; every to-do is a link."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.test import Client

from kaohe.assessments.models import Assessment, State
from kaohe.plans.models import PeriodState
from tests.annual.factories import YEAR, run_year
from tests.personas import PERSONAS, World

pytestmark = pytest.mark.django_db
Clients = Callable[[str | None], Client]

# The pages and files this navigation leads to, by the start of their path.
LINKED = ("/annual/", "/documents/", "/reports/organs/", "/people/")
OFFICE_FILES = ("/documents/annual-results/", "/documents/bundle/", "/documents/quarter-results/",
                "/annual/")


def links(client: Client, path: str) -> set[str]:
    page = client.get(path).content.decode()
    return {href.replace("&amp;", "&") for href in re.findall(r'href="([^"#]+)', page)
            if href.startswith(LINKED)}


def zip_forms(client: Client, path: str) -> set[tuple[str, str]]:
    """The buttons asking for a zip of forms, a background job: (address, section or "")."""
    page = client.get(path).content.decode()
    return {(action, section[0] if section else "") for action, inside in re.findall(
        r'<form method="post" action="(/documents/bundle/[^"]+)"[^>]*>(.*?)</form>', page, re.S)
        for section in [re.findall(r'name="section" value="([^"]+)"', inside)]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_link_shown_opens(world: World, client_for: Clients, persona: str) -> None:
    run_year(world, {"staff": ["好"] * 4})
    client = client_for(persona)
    shown = links(client, "/") | links(client, "/periods/")
    for href in shown:
        assert client.get(href).status_code == 200, (persona, href)
    office_files = {href for href in shown if href.startswith(OFFICE_FILES)} | {
        action for action, section in zip_forms(client, "/") if not section}
    if persona in {"office", "principal", "org_department"}:
        for start in ("/annual/organ/", "/documents/bundle/organ/",
                      "/documents/annual-results/organ/", "/documents/quarter-results/"):
            assert any(h.startswith(start) for h in office_files), (persona, start)
    else:
        assert office_files == set(), persona
    quota = {href for href in shown if href.startswith("/reports/organs/")}
    assert bool(quota) == (persona in {"office", "principal"}), persona


def test_chiefs_and_leaders_have_their_sections_forms(world: World,
                                                      client_for: Clients) -> None:
    run_year(world, {})
    for persona in ("chief", "leader"):
        client = client_for(persona)
        zips = zip_forms(client, "/")
        assert zips and all(section == "a" for _action, section in zips), persona
        for action, section in zips:  # on to the job making the zip
            assert client.post(action, {"section": section})["Location"].startswith("/jobs/")


def test_the_top_navigation_shows_the_annual_page_to_those_who_may_open_it(
        world: World, client_for: Clients) -> None:
    for persona in PERSONAS:
        page = client_for(persona).get("/").content.decode()
        top = page[:page.index("</nav>")]
        assert ("年度考核</a>" in top) == (persona in {"office", "principal"}), persona


def test_a_staff_member_finds_their_results_after_closing(world: World,
                                                           client_for: Clients) -> None:
    periods = run_year(world, {"staff": ["好", "较好", None, "一般"]})
    staff = world.people["staff"]
    Assessment.objects.filter(person=staff, period=periods[4]).update(
        feedback_given_on=datetime.date(2025, 1, 6), feedback_text="第四季度反馈：注意进度",
        person_opinion="无异议")
    client = client_for("staff")
    home = client.get("/").content.decode()
    # The open quarter of the personas' world (2025 Q3) is not decided yet: the latest result
    # is the closed 2024 Q4.
    assert "我的 2024 年第四季度考核结果" in home and "<strong>一般</strong>" in home
    page = client.get(f"/people/{staff.personnel_no}/").content.decode()
    results = page[page.index('id="results"'):]
    for quarter, grade in [(1, "好"), (2, "较好"), (3, "不确定等次"), (4, "一般")]:
        row = results[results.index(f'data-period="{YEAR}-{quarter}"'):]
        assert grade in row[:row.index("</tr>")], quarter
    assert "第四季度反馈：注意进度" in results and "已确认：无异议" in results
    assert "2025 年第三季度" in results  # the open quarter is there too


def test_a_colleague_does_not_see_the_staff_members_results(world: World,
                                                             client_for: Clients) -> None:
    run_year(world, {"staff": ["好"] * 4})
    assert client_for("colleague").get("/people/P-staff/").status_code == 404
    page = client_for("chief").get("/people/P-staff/").content.decode()
    assert 'data-period="2024-1"' in page  # the chief sees the section's results


def test_the_quarters_page_shows_staff_their_own_assessment_only(world: World,
                                                                 client_for: Clients) -> None:
    run_year(world, {"staff": ["好"] * 4})
    page = client_for("staff").get("/periods/").content.decode()
    assert "审核评鉴" not in page and "审定</a>" not in page and "人参加考核" not in page
    own = re.findall(r'data-testid="own-assessment"><a href="/assessments/(\d+)/', page)
    mine = set(Assessment.objects.filter(person=world.people["staff"])
               .values_list("pk", flat=True))
    assert {int(pk) for pk in own} == mine and len(own) == 5
    chief = client_for("chief").get("/periods/").content.decode()
    assert "审核评鉴" in chief and "审定</a>" in chief


def test_every_to_do_is_a_link(world: World, client_for: Clients) -> None:
    Assessment.objects.filter(pk=world.assessments["staff"].pk).update(state=State.SUBMITTED)
    Assessment.objects.filter(pk=world.assessments["chief"].pk).update(state=State.PROPOSED)
    for persona in ("staff", "chief", "principal"):
        page = client_for(persona).get("/").content.decode()
        todo = page[page.index('data-testid="todo"'):]
        todo = todo[:todo.index("</section>")]
        items = re.findall(r"<li[^>]*>(.*?)</li>", todo, re.S)
        assert items, persona
        assert all(item.lstrip().startswith("<a href=") for item in items), (persona, items)
    chief = client_for("chief").get("/").content.decode()
    period = world.periods["organ"].pk
    assert f'href="/periods/{period}/review/">待审核评鉴：1' in chief
    assert f'href="/periods/{period}/approval/">待审定：1' in client_for("principal").get(
        "/").content.decode()
    assert world.periods["organ"].state == PeriodState.OPEN


def test_a_leader_sees_what_waits_on_them_as_reviewer_and_as_approver(
        world: World, client_for: Clients) -> None:
    """The leader in charge reviews the section's chief and approves its staff (§七(三))."""
    Assessment.objects.filter(pk=world.assessments["chief"].pk).update(state=State.SUBMITTED)
    Assessment.objects.filter(pk__in=[world.assessments["staff"].pk,
                                      world.assessments["colleague"].pk]).update(
        state=State.PROPOSED)
    period = world.periods["organ"].pk
    page = client_for("leader").get("/").content.decode()
    review = page.index(f'href="/periods/{period}/review/">待审核评鉴：1')
    approve = page.index(f'href="/periods/{period}/approval/">待审定：2')
    assert review < approve and "待反馈" not in page
