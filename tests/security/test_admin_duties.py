"""The admin obeys the rules of the pages: a plan in force is frozen and its 好 ratio changes
only by a recorded amendment within 40 % and above what is approved (§八(一)); the system
administrator resets a password only to a one-time one and keeps out of plans and grades
(三员分立); nobody proposes and approves the same grade, and the roles that decide who approves
are named under the organisation services' checks (§七(三))."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from kaohe.accounts.models import User
from kaohe.assessments import selectors, services
from kaohe.assessments.models import Assessment
from kaohe.audit.models import AuditEvent
from kaohe.errors import Refused
from kaohe.org.models import Section
from kaohe.plans.models import Grade, Period, PlanAmendment, YearPlan
from kaohe.plans.services import plan_for
from tests.assessments.test_services import approve, propose, refused_unchanged, submit
from tests.personas import PASSWORD, PERSONAS, World
from tests.races import postgres_only, race

Sign = Callable[[str | None], Client]
PLAN_FIELDS = ["first_quarter", "common_weight", "individual_weight", "ballot_weight",
               "band_good", "band_fairly_good", "band_average", "good_ratio", "good_rounding"]


def plan_url(plan: YearPlan) -> str:
    return f"/admin/plans/yearplan/{plan.pk}/change/"


def plan_post(plan: YearPlan, **changes: str) -> dict[str, str]:
    """The plan's change form as the office would send it, with `changes`."""
    data = {f: str(getattr(plan, f)) for f in PLAN_FIELDS}
    data.update({"organ": str(plan.organ_id), "year": str(plan.year), "amendment_reason": "",
                 "base_includes_undetermined": "on", "direct_good_counts": "on"})
    indicators = [] if plan.in_force else list(plan.indicators.order_by("id"))
    for prefix, rows in (("indicators", len(indicators)), ("amendments", 0)):
        data.update({f"{prefix}-TOTAL_FORMS": str(rows), f"{prefix}-INITIAL_FORMS": str(rows),
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    for i, row in enumerate(indicators):
        data.update({f"indicators-{i}-{key}": str(getattr(row, key)) for key in [
            "id", "group", "code", "name", "weight", "position", "description"]})
        data[f"indicators-{i}-plan"] = str(plan.pk)
    data.update(changes)
    return data


def good_approved(world: World, personas: list[str]) -> None:
    for persona in personas:
        submit(world.assessments[persona])
        approve(propose(world.assessments[persona], Grade.GOOD, 95))


def ratio(plan: YearPlan) -> Decimal:
    return YearPlan.objects.get(pk=plan.pk).good_ratio


# --- 1. a plan in force (§八(一)) -----------------------------------------------------------------

def test_a_plan_in_force_is_frozen_but_for_its_ratio(client_for: Sign, world: World) -> None:
    plan = world.periods["organ"].plan
    client = client_for("office")
    page = client.get(plan_url(plan)).content.decode()
    assert 'name="band_good"' not in page and 'name="good_ratio"' in page
    assert 'name="indicators-0-weight"' not in page  # the indicators are read-only too
    response = client.post(plan_url(plan), plan_post(plan, band_good="50"))
    assert response.status_code == 302
    assert YearPlan.objects.get(pk=plan.pk).band_good == Decimal(90)


@pytest.mark.parametrize(("approved", "asked", "message"), [
    ([], "1.000", "不超过 0.4"),  # never above 40 %
    # Six take part: 40 % gives 2 places, both used; 20 % would give 1.
    (["staff", "other_staff"], "0.200", "已审定“好” 2 名，按新比例最多 1 名"),
])
def test_a_refused_amendment_changes_nothing(client_for: Sign, world: World,
                                             approved: list[str], asked: str,
                                             message: str) -> None:
    good_approved(world, approved)
    plan = world.periods["organ"].plan
    page = client_for("office").post(plan_url(plan), plan_post(
        plan, good_ratio=asked, amendment_reason="上级要求")).content.decode()
    assert message in page
    assert ratio(plan) == Decimal("0.400") and not PlanAmendment.objects.exists()


def test_an_amendment_needs_a_reason_and_is_recorded(client_for: Sign, world: World) -> None:
    plan = world.periods["organ"].plan
    client = client_for("office")
    page = client.post(plan_url(plan), plan_post(plan, good_ratio="0.350")).content.decode()
    assert "须说明理由" in page and ratio(plan) == Decimal("0.400")
    response = client.post(plan_url(plan), plan_post(plan, good_ratio="0.350",
                                                     amendment_reason="局党组会议决定"))
    assert response.status_code == 302 and ratio(plan) == Decimal("0.350")
    amendment = PlanAmendment.objects.get(plan=plan)
    assert (amendment.previous, amendment.value, amendment.reason, amendment.by) == (
        "0.400", "0.350", "局党组会议决定", world.users["office"])
    assert AuditEvent.objects.filter(object_type="plans.planamendment",
                                     object_id=str(amendment.pk)).exists()
    assert "局党组会议决定" in client.get(plan_url(plan)).content.decode()


def test_a_plan_not_yet_in_force_is_edited_freely(client_for: Sign, world: World) -> None:
    plan = plan_for(organ=world.organ, year=2026)
    response = client_for("office").post(plan_url(plan), plan_post(plan, band_good="92"))
    assert response.status_code == 302
    assert YearPlan.objects.get(pk=plan.pk).band_good == Decimal(92)


def test_the_counter_flags_a_quarter_over_its_cap(client_for: Sign, world: World) -> None:
    good_approved(world, ["staff", "colleague"])
    plan = world.periods["organ"].plan
    YearPlan.objects.filter(pk=plan.pk).update(good_ratio=Decimal("0.100"))  # an old plan
    period = Period.objects.get(pk=world.periods["organ"].pk)
    assert selectors.quota(period).over
    page = client_for("leader").get(f"/periods/{period.pk}/approval/").content.decode()
    assert 'data-testid="quota-over"' in page and "超过本季度上限 0 名" in page


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_amendment_and_an_approval_never_cross(world: World) -> None:
    """One 好 approved, one proposed; lowering the ratio to one place races the approval of
    the second: whichever goes first, the other is refused, never both through."""
    good_approved(world, ["staff"])
    second = world.assessments["colleague"]
    submit(second)
    propose(second, Grade.GOOD, 95)
    plan = world.periods["organ"].plan
    outcome = race([
        lambda: approve(Assessment.objects.get(pk=second.pk)),
        lambda: services.plan_amend_ratio(plan=plan, ratio=Decimal("0.200"), reason="压缩",
                                          by=world.users["office"]),
    ])
    assert sum(isinstance(result, Refused) for result in outcome) == 1, outcome
    assert not selectors.quota(world.periods["organ"]).over


# --- 2. the system administrator (三员分立) -------------------------------------------------------

def reset_page(user: User) -> str:
    return f"/admin/accounts/user/{user.pk}/password/"


def test_a_reset_gives_a_one_time_password_to_change(client_for: Sign, client: Client,
                                                     world: World) -> None:
    staff = world.users["staff"]
    admin = client_for("sysadmin")
    confirm = admin.get(reset_page(staff)).content.decode()
    assert 'name="password1"' not in confirm  # nobody chooses another's password
    page = admin.post(reset_page(staff)).content.decode()
    one_time = page.split('data-testid="one-time-password"')[1].split(">")[1].split("<")[0]
    staff.refresh_from_db()
    assert staff.must_change_password and staff.check_password(one_time)
    assert not staff.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="account.password_reset",
                                     object_id=str(staff.pk),
                                     username="sysadmin").exists()
    client.logout()
    assert client.post("/login/", {"username": "staff", "password": one_time}).status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and "password" in response["Location"]


@pytest.mark.parametrize("persona", [None, *PERSONAS])
def test_only_the_system_administrator_reaches_the_reset(client_for: Sign, world: World,
                                                         persona: str | None) -> None:
    """Whoever the admin does not admit is sent to its sign-in page; the office, admitted,
    has no account pages (the admin's 404 for a page it may not use here)."""
    staff = world.users["staff"]
    client = client_for(persona)
    expected = {"sysadmin": 200, "office": 404}.get(persona or "", 302)
    assert client.get(reset_page(staff)).status_code == expected
    response = client.post(reset_page(staff))
    assert response.status_code == expected
    staff.refresh_from_db()
    assert staff.must_change_password == (persona == "sysadmin")
    assert staff.check_password(PASSWORD) == (persona != "sysadmin")


def test_the_change_flag_cannot_be_switched_off(client_for: Sign, world: World) -> None:
    page = client_for("sysadmin").get(
        f"/admin/accounts/user/{world.users['staff'].pk}/change/").content.decode()
    assert 'name="must_change_password"' not in page


def test_a_new_account_changes_its_password_first(client_for: Sign) -> None:
    response = client_for("sysadmin").post("/admin/accounts/user/add/", {
        "username": "newcomer", "password1": "Spring-harvest-77", "password2": "Spring-harvest-77",
        "usable_password": "true"})
    assert response.status_code == 302
    assert User.objects.get(username="newcomer").must_change_password


@pytest.mark.parametrize("url", ["/admin/plans/yearplan/", "/admin/annual/annualresult/",
                                 "/admin/annual/quarterattendance/"])
def test_the_system_administrator_keeps_out_of_plans_and_grades(client_for: Sign,
                                                                url: str) -> None:
    assert client_for("sysadmin").get(url).status_code == 403


def test_the_system_administrator_cannot_change_a_plan(client_for: Sign, world: World) -> None:
    plan = world.periods["other"].plan
    response = client_for("sysadmin").post(plan_url(plan), plan_post(
        plan, good_ratio="0.300", amendment_reason="x"))
    assert response.status_code == 403 and ratio(plan) == Decimal("0.400")


# --- 3. who proposes does not approve (§七(三)) ------------------------------------------------

def test_nobody_approves_the_grade_they_proposed(world: World) -> None:
    """The office, once leader in charge of section A (as the admin allowed before), proposed
    the chief's grade and then registered its approval."""
    office = world.people["office"]
    Section.objects.filter(pk=world.section_a.pk).update(leader_in_charge=office)
    chief = world.assessments["chief"]
    submit(chief)
    propose(chief, Grade.GOOD, 95, by=world.users["office"])
    refusal = refused_unchanged(chief, lambda: approve(
        chief, by=world.users["office"], team_decision="班子会议"), Refused)
    assert refusal.code == "own_proposal"


def test_a_principal_overseeing_a_section_leaves_its_chief_to_the_team(world: World) -> None:
    """The principal reviews the chief of a section they oversee; the grade is then the
    leadership team's decision, which the office records (§七(三))."""
    Section.objects.filter(pk=world.section_a.pk).update(leader_in_charge=world.people["principal"])
    chief = world.assessments["chief"]
    submit(chief)
    propose(chief, Grade.GOOD, 95, by=world.users["principal"])
    refusal = refused_unchanged(chief, lambda: approve(chief, by=world.users["principal"]),
                                Refused)
    assert "办公室登记领导班子集体研究的决定" in refusal.message
    approved = approve(chief, by=world.users["office"], team_decision="2025年第12次局党组会议")
    assert approved.grade == Grade.GOOD


def section_post(section: Section, leader: int) -> dict[str, str]:
    return {"organ": str(section.organ_id), "code": section.code, "name": section.name,
            "leader_in_charge": str(leader)}


def test_the_office_cannot_make_itself_leader_in_charge(client_for: Sign, world: World) -> None:
    section = world.section_a
    page = client_for("office").post(
        f"/admin/org/section/{section.pk}/change/",
        section_post(section, world.people["office"].pk)).content.decode()
    assert "只有领导成员（leadership）可以分管科室" in page
    assert Section.objects.get(pk=section.pk).leader_in_charge == world.people["leader"]


def test_a_leader_in_charge_is_named_in_the_admin(client_for: Sign, world: World) -> None:
    section = world.section_a
    response = client_for("office").post(
        f"/admin/org/section/{section.pk}/change/",
        section_post(section, world.people["other_leader"].pk))
    assert response.status_code == 302
    assert Section.objects.get(pk=section.pk).leader_in_charge == world.people["other_leader"]


def test_a_new_section_takes_its_leader_through_the_same_checks(client_for: Sign,
                                                                 world: World) -> None:
    client = client_for("office")
    data = {"organ": str(world.organ.pk), "code": "c", "name": "丙科"}
    page = client.post("/admin/org/section/add/", {
        **data, "leader_in_charge": str(world.people["chief"].pk)}).content.decode()
    assert "只有领导成员（leadership）可以分管科室" in page
    assert not Section.objects.filter(code="c").exists()
    response = client.post("/admin/org/section/add/", {
        **data, "leader_in_charge": str(world.people["leader"].pk)})
    assert response.status_code == 302
    assert Section.objects.get(code="c").leader_in_charge == world.people["leader"]


def test_nobody_edits_their_own_person_row(client_for: Sign, world: World) -> None:
    own = world.people["office"]
    client = client_for("office")
    page = client.get(f"/admin/org/person/{own.pk}/change/").content.decode()
    assert 'name="category"' not in page  # shown read-only
    assert client.post(f"/admin/org/person/{own.pk}/change/",
                       {"category": "leadership"}).status_code == 403
    assert client.get(
        f"/admin/org/person/{world.people['staff'].pk}/change/").content.decode().count(
        'name="category"') == 1
