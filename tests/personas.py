"""The personas every test shares (ARCHITECTURE.md, example 6).

One organ with two sections, A (overseen by `leader`) and B (overseen by `other_leader`), a
principal, an office member, an organization-department official, an outsider from a second
organ, and the three technical administrators. Built with the ORM, independent of the importer.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from django.conf import settings
from django.test import Client

from kaohe.accounts.models import TechnicalRole, User
from kaohe.assessments.models import Assessment
from kaohe.org.models import (
    Assignment,
    Category,
    Duty,
    Organ,
    OrganDuty,
    OrgDepartment,
    Person,
    Section,
)
from kaohe.plans.models import Period
from kaohe.plans.services import plan_for

PASSWORD = "Persona-pass-2025"
PERSONAS = [
    "staff", "colleague", "chief", "other_chief", "other_staff", "leader", "other_leader",
    "principal", "office", "org_department", "outsider", "sysadmin", "secadmin", "auditadmin",
]


@dataclass
class World:
    organ: Organ
    other_organ: Organ
    section_a: Section
    section_b: Section
    office_section: Section
    outsider_section: Section
    users: dict[str, User] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    periods: dict[str, Period] = field(default_factory=dict)  # "organ", "other": 2025 Q3
    assessments: dict[str, Assessment] = field(default_factory=dict)  # by persona
    sessions: dict[str, str] = field(default_factory=dict)  # by persona: the shared world's


def sign_in_shared(client: Client, world: World, persona: str) -> None:
    """Sign the client in as the persona with the session the shared world made once for its
    module (a sign-in in every test was a fifth of a matrix test's time)."""
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]


def _user(username: str, role: str = "") -> User:
    return User.objects.create_user(username=username, password=PASSWORD, technical_role=role)


def _person(world: World, key: str, organ: Organ, section: Section | None, category: str) -> Person:
    user = _user(key)
    person = Person.objects.create(
        personnel_no=f"P-{key}", name=key.replace("_", " ").title(), user=user, organ=organ,
        section=section, category=category, title=key,
    )
    Assignment.objects.create(person=person, organ=organ, section=section,
                              start=datetime.date(2020, 1, 1))
    world.users[key] = user
    world.people[key] = person
    return person


@contextmanager
def unaudited() -> Iterator[None]:
    """Rows a test starts from are nobody's action: written without audit events, which were
    three quarters of the set-up's queries. What the test then does is audited as always."""
    with mock.patch("kaohe.audit.tracking.record"):
        yield


def build_world() -> World:
    with unaudited():
        return _build_world()


def _build_world() -> World:
    department = OrgDepartment.objects.create(code="dept", name="市委组织部")
    organ = Organ.objects.create(code="organ", name="示例局", filed_with=department)
    other = Organ.objects.create(code="other", name="他局")
    world = World(
        organ=organ,
        other_organ=other,
        section_a=Section.objects.create(organ=organ, code="a", name="甲科"),
        section_b=Section.objects.create(organ=organ, code="b", name="乙科", frontline=True),
        office_section=Section.objects.create(organ=organ, code="office", name="办公室"),
        outsider_section=Section.objects.create(organ=other, code="a", name="他局甲科"),
    )
    _person(world, "staff", organ, world.section_a, Category.STAFF)
    _person(world, "colleague", organ, world.section_a, Category.STAFF)
    _person(world, "chief", organ, world.section_a, Category.CHIEF)
    _person(world, "other_chief", organ, world.section_b, Category.CHIEF)
    _person(world, "other_staff", organ, world.section_b, Category.STAFF)
    leader = _person(world, "leader", organ, None, Category.LEADERSHIP)
    other_leader = _person(world, "other_leader", organ, None, Category.LEADERSHIP)
    principal = _person(world, "principal", organ, None, Category.LEADERSHIP)
    office = _person(world, "office", organ, world.office_section, Category.STAFF)
    _person(world, "outsider", other, world.outsider_section, Category.STAFF)
    world.section_a.leader_in_charge = leader
    world.section_a.save()
    world.section_b.leader_in_charge = other_leader
    world.section_b.save()
    organ.principal = principal
    organ.save()
    OrganDuty.objects.create(organ=organ, person=office, duty=Duty.OFFICE)
    official = _user("org_department")
    department.members.add(official)
    world.users["org_department"] = official
    for key, role in [("sysadmin", TechnicalRole.SYSTEM), ("secadmin", TechnicalRole.SECURITY),
                      ("auditadmin", TechnicalRole.AUDIT)]:
        world.users[key] = _user(key, role)
    _open_quarter(world)
    return world


def _open_quarter(world: World) -> None:
    """2025 Q3 open in both organs, with an assessment for everyone taking part."""
    for key, organ in [("organ", world.organ), ("other", world.other_organ)]:
        period = Period.objects.create(plan=plan_for(organ=organ, year=2025), organ=organ,
                                       year=2025, quarter=3)
        world.periods[key] = period
        for persona, person in world.people.items():
            if person.organ_id == organ.id and person.is_assessed_category:
                world.assessments[persona] = Assessment.objects.create(
                    period=period, person=person, section=person.section,
                    category=person.category)
