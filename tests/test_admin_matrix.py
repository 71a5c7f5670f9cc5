"""The admin site's authorization matrix: every registered model's list, add and change pages ×
every persona × a row of the persona's own organ and one of another organ.

Expected statuses are written out as data, independently of the admin classes. A model
registered in the admin without a row here fails `test_every_admin_model_is_in_the_matrix`.
The admin answers 302 to whoever it does not admit (its own sign-in page), 403 to an admitted
user for a page not theirs, and 302 for a row out of their reach (its "does not exist").
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client

from kaohe.annual.models import AnnualResult, AnnualYear, QuarterAttendance
from kaohe.org.models import CommitteeMember, Duty, OrganDuty
from kaohe.workdays.models import CalendarDay, CalendarYear
from tests.personas import PERSONAS, World, sign_in_shared

ANON = "anonymous"
# Per model: list, add, change of the own organ's row, change of another organ's row.
OUT = "302 302 302 302"  # not admitted: the admin's sign-in page
FORBIDDEN = "403 403 403 403"
ADMITTED = {"sysadmin", "office"}
MATRIX: dict[str, dict[str, str]] = {
    "org.organ":                {"sysadmin": "200 200 200 200", "office": "200 403 200 302"},
    "org.section":              {"sysadmin": "200 200 200 200", "office": "200 200 200 302"},
    "org.person":               {"sysadmin": "200 200 200 200", "office": "200 200 200 302"},
    "org.committeemember":      {"sysadmin": "200 200 200 200", "office": "200 200 200 302"},
    "org.organduty":            {"sysadmin": "200 200 200 200", "office": "200 200 200 302"},
    # One national calendar: "own" and "other" are the same row.
    "workdays.calendarday":     {"sysadmin": "200 200 200 200", "office": FORBIDDEN},
    "workdays.calendaryear":    {"sysadmin": "200 200 200 200", "office": FORBIDDEN},
    # "Other": the security administrator's account, which is not listed (三员分立).
    "accounts.user":            {"sysadmin": "200 200 200 302", "office": FORBIDDEN},
    "plans.yearplan":           {"sysadmin": FORBIDDEN, "office": "200 200 200 302"},
    "annual.quarterattendance": {"sysadmin": FORBIDDEN, "office": "200 200 200 302"},
    "annual.annualresult":      {"sysadmin": FORBIDDEN, "office": "200 403 200 302"},
}


def rows(world: World) -> dict[str, tuple[Model, Model]]:
    """(own organ's row, other organ's row) of each model, made once for the module."""
    people, organ, other = world.people, world.organ, world.other_organ
    day = CalendarDay.objects.create(date=datetime.date(2025, 7, 16), is_workday=False)
    year = CalendarYear.objects.create(year=2099, complete=True)
    annual = [AnnualYear.objects.create(organ=o, year=2025) for o in (organ, other)]
    return {
        "org.organ": (organ, other),
        "org.section": (world.section_a, world.outsider_section),
        "org.person": (people["staff"], people["outsider"]),
        "org.committeemember": tuple(  # type: ignore[dict-item]
            CommitteeMember.objects.create(organ=o, person=people[p], position="member")
            for o, p in ((organ, "chief"), (other, "outsider"))),
        "org.organduty": (OrganDuty.objects.get(organ=organ, duty=Duty.OFFICE),
                          # A liaison: an office duty would admit the outsider to the admin.
                          OrganDuty.objects.create(organ=other, person=people["outsider"],
                                                   duty=Duty.LIAISON)),
        "workdays.calendarday": (day, day),
        "workdays.calendaryear": (year, year),
        "accounts.user": (world.users["staff"], world.users["secadmin"]),
        "plans.yearplan": (world.periods["organ"].plan, world.periods["other"].plan),
        "annual.quarterattendance": tuple(  # type: ignore[dict-item]
            QuarterAttendance.objects.create(person=people[p], period=world.periods[k])
            for p, k in (("staff", "organ"), ("outsider", "other"))),
        "annual.annualresult": tuple(  # type: ignore[dict-item]
            AnnualResult.objects.create(annual=a, person=people[p])
            for a, p in zip(annual, ("staff", "outsider"), strict=True)),
    }


@pytest.fixture(scope="module")
def admin_rows(shared_world: World, django_db_blocker: object) -> dict[str, tuple[Model, Model]]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        return rows(shared_world)


def expected(label: str, persona: str) -> list[int]:
    line = MATRIX[label].get(persona, OUT) if persona in ADMITTED else OUT
    return [int(status) for status in line.split()]


@pytest.mark.parametrize("label", sorted(MATRIX))
@pytest.mark.parametrize("persona", [ANON, *PERSONAS])
def test_admin_pages_answer_each_persona_as_written(
        db: None, shared_world: World, admin_rows: dict[str, tuple[Model, Model]],
        label: str, persona: str) -> None:
    client = Client()
    if persona != ANON:
        sign_in_shared(client, shared_world, persona)
    app, model = label.split(".")
    own, other = admin_rows[label]
    base = f"/admin/{app}/{model}/"
    urls = [base, f"{base}add/", f"{base}{own.pk}/change/", f"{base}{other.pk}/change/"]
    got = [client.get(url).status_code for url in urls]
    assert got == expected(label, persona), list(zip(urls, got, strict=True))


def test_every_admin_model_is_in_the_matrix() -> None:
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(MATRIX)
