"""People who move during the year (§十(三), decision 0003): the organ whose post the person
holds on a quarter's last day assesses that quarter — a transfer's new unit, a secondment's
receiving unit while it runs — with concrete dates across quarter boundaries, through the
services an office uses (the secondment recorded, never the home post closed by hand)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.accounts.models import User
from kaohe.assessments import services
from kaohe.assessments.models import Assessment, Leave
from kaohe.errors import Invalid, NotAllowed
from kaohe.org import services as org
from kaohe.org.models import (
    Assignment,
    AssignmentKind,
    Category,
    Duty,
    Organ,
    OrganDuty,
    Person,
)
from kaohe.plans.models import Period
from tests.personas import PASSWORD, World

pytestmark = pytest.mark.django_db

d = datetime.date
YEAR = 2026


def quarter(number: int, year: int = YEAR) -> tuple[datetime.date, datetime.date]:
    period = Period(year=year, quarter=number)
    return period.first_day, period.last_day


def assessing(person: Person, year: int = YEAR) -> list[str]:
    """The code of the organ that assesses each quarter of the year."""
    codes = dict(Organ.objects.values_list("pk", "code"))
    return [codes.get(person.assessing_organ_id(*quarter(q, year)) or 0, "-")
            for q in (1, 2, 3, 4)]


def second(world: World, persona: str, start: datetime.date,
           end: datetime.date | None) -> Assignment:
    return org.secondment_open(person=world.people[persona], organ=world.other_organ,
                               section=world.outsider_section, kind=AssignmentKind.SECONDMENT,
                               start=start, end=end)


def other_office(world: World) -> User:
    user = User.objects.create_user(username="other_office", password=PASSWORD)
    person = Person.objects.create(personnel_no="P-other_office", name="Other Office",
                                   user=user, organ=world.other_organ,
                                   section=world.outsider_section, category=Category.STAFF)
    Assignment.objects.create(person=person, organ=world.other_organ,
                              section=world.outsider_section, start=d(2020, 1, 1))
    OrganDuty.objects.create(organ=world.other_organ, person=person, duty=Duty.OFFICE)
    return user


def taking_part(period: Period) -> dict[str, str]:
    return dict(Assessment.objects.filter(period=period).values_list(
        "person__personnel_no", "section__code"))


def test_a_secondment_from_mid_quarter_is_assessed_by_the_receiving_organ(world: World) -> None:
    second(world, "staff", d(2026, 8, 20), d(2027, 2, 15))

    assert assessing(world.people["staff"]) == ["organ", "organ", "other", "other"]
    assert assessing(world.people["staff"], 2027)[0] == "organ"  # back before 31 March


def test_a_secondment_ending_mid_quarter_hands_that_quarter_back(world: World) -> None:
    second(world, "staff", d(2026, 5, 10), d(2026, 8, 10))

    assert assessing(world.people["staff"]) == ["organ", "other", "organ", "organ"]


def test_the_home_post_is_suspended_and_resumes_after_the_secondment(world: World) -> None:
    staff = world.people["staff"]
    secondment = second(world, "staff", d(2026, 5, 10), None)

    suspended = list(staff.assignments.filter(kind=AssignmentKind.POST).values_list("end"))
    org.assignment_close(assignment=secondment, end=d(2026, 8, 10))
    org.assignment_amend(assignment=secondment, section=world.outsider_section,
                         end=d(2026, 9, 30), note="延期")

    assert suspended == [(d(2026, 5, 9),)]
    assert list(staff.assignments.filter(kind=AssignmentKind.POST).order_by("start")
                .values_list("section__code", "start", "end")) == [
        ("a", d(2020, 1, 1), d(2026, 5, 9)), ("a", d(2026, 10, 1), None)]
    assert assessing(staff) == ["organ", "other", "other", "organ"]


def test_a_secondment_cannot_go_to_the_home_organ(world: World) -> None:
    with pytest.raises(Invalid, match="接收机关不能是本机关"):
        org.secondment_open(person=world.people["staff"], organ=world.organ,
                            kind=AssignmentKind.SECONDMENT, start=d(2026, 5, 10))
    assert world.people["staff"].assignments.count() == 1


def test_a_transfer_in_the_last_week_moves_the_quarter(world: World) -> None:
    org.person_transfer(person=world.people["colleague"], organ=world.other_organ,
                        section=world.outsider_section, on=d(2026, 9, 24))

    assert assessing(world.people["colleague"]) == ["organ", "organ", "other", "other"]


def test_a_secondment_and_a_transfer_in_one_year(world: World) -> None:
    staff = world.people["staff"]
    second(world, "staff", d(2026, 2, 1), d(2026, 5, 31))
    org.person_transfer(person=staff, organ=world.other_organ, section=world.outsider_section,
                        on=d(2026, 12, 26))

    assert assessing(staff) == ["other", "organ", "organ", "other"]


def test_each_organ_opens_the_quarter_for_the_people_it_assesses(world: World) -> None:
    second(world, "staff", d(2026, 8, 20), d(2027, 2, 15))
    org.person_transfer(person=world.people["colleague"], organ=world.other_organ,
                        section=world.outsider_section, on=d(2026, 9, 24))

    home = services.period_open(organ=world.organ, year=YEAR, quarter=3,
                                by=world.users["office"])
    receiving = services.period_open(organ=world.other_organ, year=YEAR, quarter=3,
                                     by=other_office(world))

    assert "P-staff" not in taking_part(home) and "P-colleague" not in taking_part(home)
    assert {key: taking_part(receiving)[key] for key in ("P-staff", "P-colleague")} == {
        "P-staff": "a", "P-colleague": "a"}
    assert Assessment.objects.filter(person=world.people["staff"], period__year=YEAR,
                                     period__quarter=3).count() == 1


def test_someone_who_left_mid_quarter_is_assessed_where_they_last_worked(world: World) -> None:
    staff = world.people["staff"]
    staff.assignments.update(end=d(2026, 8, 31))

    assert assessing(staff) == ["organ", "organ", "organ", "-"]


# --- leave belongs to the organ that assesses the quarter -----------------------------------------

def test_the_receiving_office_records_a_seconded_persons_leave(world: World) -> None:
    second(world, "staff", d(2026, 8, 20), d(2027, 2, 15))
    receiving_office = other_office(world)
    q3 = services.period_open(organ=world.other_organ, year=YEAR, quarter=3,
                              by=receiving_office)
    staff = world.people["staff"]

    with pytest.raises(NotAllowed, match="由他局考核"):
        services.leave_record(person=staff, kind="sick", start=d(2026, 9, 1),
                              end=d(2026, 9, 30), by=world.users["office"])
    services.leave_record(person=staff, kind="sick", start=d(2026, 9, 1), end=d(2026, 9, 30),
                          by=receiving_office)

    assert Assessment.objects.get(period=q3, person=staff).grade_determined is True
    assert Leave.objects.get(person=staff).recorded_by == receiving_office


def test_a_leave_across_two_assessing_organs_is_recorded_quarter_by_quarter(
        world: World) -> None:
    second(world, "staff", d(2026, 8, 20), d(2027, 2, 15))  # Q2 home, Q3 receiving

    with pytest.raises(NotAllowed, match="按季度分条登记"):
        services.leave_record(person=world.people["staff"], kind="sick", start=d(2026, 6, 15),
                              end=d(2026, 7, 15), by=world.users["office"])
    services.leave_record(person=world.people["staff"], kind="sick", start=d(2026, 6, 15),
                          end=d(2026, 6, 30), by=world.users["office"])
    assert Leave.objects.count() == 1


def test_the_receiving_office_finds_the_seconded_person_on_its_leave_page(
        world: World, client: Client) -> None:
    second(world, "staff", d(2026, 8, 20), d(2027, 2, 15))
    receiving_office = other_office(world)
    q3 = services.period_open(organ=world.other_organ, year=YEAR, quarter=3,
                              by=receiving_office)
    client.force_login(receiving_office)

    found = client.get(reverse("leave_people", args=[q3.pk]), {"query": "Staff"})
    response = client.post(reverse("leave_record"), {
        "period": q3.pk, "person": "P-staff", "kind": "sick", "start": "2026-09-01",
        "end": "2026-09-04"}, follow=True)

    assert "P-staff" in found.content.decode()
    assert "Staff：请假已登记。" in response.content.decode()
    assert Leave.objects.filter(person=world.people["staff"]).count() == 1
