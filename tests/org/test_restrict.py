"""`Model.objects.restrict(actor, action)`: the rows each persona may see, review, approve or
handle, written out as data (independently of kaohe.org.access), per model and action."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

import pytest
from django.db.models import Model
from django.test import Client
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.appeals.models import Appeal, Channel
from kaohe.assessments.models import Assessment, LiaisonRequest
from kaohe.org import access
from kaohe.org.models import (
    Assignment,
    AssignmentKind,
    Duty,
    Organ,
    OrganDuty,
    Person,
    Section,
)
from tests.personas import PERSONAS, World

ANON = "anonymous"

# Everyone of the organ `organ` (the outsider is of `other`); the leadership is not assessed.
ORGAN_ASSESSMENTS = "staff colleague chief other_chief other_staff office"
ORGAN_PEOPLE = f"{ORGAN_ASSESSMENTS} leader other_leader principal"
MEMBERS = ["staff", "colleague", "chief", "other_chief", "other_staff", "leader",
           "other_leader", "principal", "office", "org_department"]

# Whose assessments (by persona) each persona gets; a persona not named gets none.
ASSESSMENTS = {
    "view": {
        "staff": "staff", "colleague": "colleague", "other_staff": "other_staff",
        "chief": "staff colleague chief", "leader": "staff colleague chief",
        "other_chief": "other_chief other_staff", "other_leader": "other_chief other_staff",
        "principal": ORGAN_ASSESSMENTS, "office": ORGAN_ASSESSMENTS,
        "org_department": ORGAN_ASSESSMENTS, "outsider": "outsider",
    },
    # Every person's own, and nothing else: the leadership and the department have none.
    "own": {persona: persona for persona in [*ORGAN_ASSESSMENTS.split(), "outsider"]},
    "review": {"chief": "staff colleague", "other_chief": "other_staff", "leader": "chief",
               "other_leader": "other_chief"},
    "approve": {"leader": "staff colleague", "other_leader": "other_staff",
                "principal": "chief other_chief", "office": "chief other_chief"},
    "handle_appeal": {"office": "staff colleague chief other_chief other_staff"},
}
PEOPLE = {
    "staff": "staff", "colleague": "colleague", "other_staff": "other_staff",
    "chief": "staff colleague chief", "leader": "staff colleague chief leader",
    "other_chief": "other_chief other_staff",
    "other_leader": "other_chief other_staff other_leader",
    "principal": ORGAN_PEOPLE, "office": ORGAN_PEOPLE, "org_department": ORGAN_PEOPLE,
    "outsider": "outsider", "sysadmin": f"{ORGAN_PEOPLE} outsider",
}
ORGANS = {**dict.fromkeys(MEMBERS, "organ"), "outsider": "other", "sysadmin": "organ other"}
SECTIONS = {**dict.fromkeys(MEMBERS, "section_a section_b office_section"),
            "outsider": "outsider_section",
            "sysadmin": "section_a section_b office_section outsider_section"}
# Appeals are filed on the assessments of staff, other_staff, office and outsider.
APPELLANTS = ["staff", "other_staff", "office", "outsider"]
APPEALS = {
    "view": {"staff": "staff", "other_staff": "other_staff", "outsider": "outsider",
             "office": "staff other_staff office"},
    "handle": {"office": "staff other_staff"},
}


def actor_of(world: World, persona: str) -> access.Actor:
    """Worked out afresh: the actor is cached on the user object, which the shared world keeps
    from test to test, while some tests here give a persona a duty."""
    if persona == ANON:
        return access.ANONYMOUS
    return access.actor_for(User.objects.get(pk=world.users[persona].pk))


def pks(rows: Iterable[Model]) -> list[int]:
    return sorted(row.pk for row in rows)


def expected(objects: Mapping[str, Model], table: dict[str, str], persona: str) -> list[int]:
    return sorted(objects[key].pk for key in table.get(persona, "").split())


def cases(tables: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    return [(action, persona) for action in tables for persona in [ANON, *PERSONAS]]


@pytest.mark.parametrize(("action", "persona"), cases(ASSESSMENTS))
def test_assessments(shared_world: World, db: None, action: str, persona: str) -> None:
    found = Assessment.objects.restrict(actor_of(shared_world, persona), action)
    assert pks(found) == expected(shared_world.assessments, ASSESSMENTS[action], persona)


@pytest.mark.parametrize("persona", [ANON, *PERSONAS])
def test_whom_one_may_act_on_one_may_see(shared_world: World, db: None, persona: str) -> None:
    """The reviewer's and approver's screens list the rows of their action's scope alone."""
    actor = actor_of(shared_world, persona)
    seen = set(pks(Assessment.objects.restrict(actor)))
    for action in ("own", "review", "approve", "handle_appeal"):
        assert set(pks(Assessment.objects.restrict(actor, action))) <= seen, action


@pytest.mark.parametrize("persona", [ANON, *PERSONAS])
def test_who_reviews_or_approves_anyone_is_known_without_a_query(shared_world: World, db: None,
                                                                 persona: str) -> None:
    """The pages skip the reviewer's and approver's reads for everyone else: the answer must
    be the table's, for every persona."""
    actor = actor_of(shared_world, persona)
    assert access.reviews_anyone(actor) == (persona in ASSESSMENTS["review"])
    assert access.approves_anyone(actor) == (persona in ASSESSMENTS["approve"])


@pytest.mark.parametrize("persona", [ANON, *PERSONAS])
def test_people(shared_world: World, db: None, persona: str) -> None:
    found = Person.objects.restrict(actor_of(shared_world, persona))
    assert pks(found) == expected(shared_world.people, PEOPLE, persona)


# The people of the sections each persona heads or oversees (their home page's cards).
SECTION_PEOPLE = {"chief": "staff colleague chief", "leader": "staff colleague chief",
                  "other_chief": "other_chief other_staff",
                  "other_leader": "other_chief other_staff"}


@pytest.mark.parametrize("persona", [ANON, *PERSONAS])
def test_people_of_own_sections(shared_world: World, db: None, persona: str) -> None:
    actor = actor_of(shared_world, persona)
    found = Person.objects.restrict(actor, "of_own_sections")
    assert pks(found) == expected(shared_world.people, SECTION_PEOPLE, persona)
    # Every one of them is someone the persona sees.
    assert set(pks(found)) <= set(pks(Person.objects.restrict(actor)))


@pytest.mark.parametrize("persona", [ANON, *PERSONAS])
def test_organs_and_sections(shared_world: World, db: None, persona: str) -> None:
    world = shared_world
    actor = actor_of(world, persona)
    organs: dict[str, Model] = {"organ": world.organ, "other": world.other_organ}
    sections: dict[str, Model] = {name: getattr(world, name) for name in
                                  ["section_a", "section_b", "office_section",
                                   "outsider_section"]}
    assert pks(Organ.objects.restrict(actor)) == expected(organs, ORGANS, persona)
    assert pks(Section.objects.restrict(actor)) == expected(sections, SECTIONS, persona)


@pytest.mark.parametrize(("action", "persona"), cases(APPEALS))
def test_appeals(shared_world: World, db: None, action: str, persona: str) -> None:
    world = shared_world
    day = datetime.date(2025, 10, 9)
    appeals: dict[str, Model] = {
        key: Appeal.objects.create(assessment=world.assessments[key], channel=Channel.ONLINE,
                                   text="请求复核", filed_on=day, deadline=day,
                                   filed_by=world.users[key])
        for key in APPELLANTS}
    found = Appeal.objects.restrict(actor_of(world, persona), action)
    assert pks(found) == expected(appeals, APPEALS[action], persona)


def test_view_is_the_default_action(shared_world: World, db: None) -> None:
    chief = actor_of(shared_world, "chief")
    assert pks(Assessment.objects.restrict(chief)) == pks(
        Assessment.objects.restrict(chief, "view"))


@pytest.mark.parametrize(("model", "action"), [
    (Assessment, "edit"), (Assessment, "handle"), (Person, "review"), (Organ, "manage"),
    (Section, ""), (Appeal, "approve"),
])
def test_an_unknown_action_is_refused(shared_world: World, db: None, model: type[Model],
                                      action: str) -> None:
    office = actor_of(shared_world, "office")
    with pytest.raises(ValueError, match=f"no action '{action}'"):
        model._default_manager.restrict(office, action)  # type: ignore[attr-defined]


def _ask(world: World, persona: str, liaison: str, asked_by: str) -> None:
    LiaisonRequest.objects.create(assessment=world.assessments[persona],
                                  liaison=world.people[liaison],
                                  asked_by=world.users[asked_by], question="有无违纪")


def test_the_liaison_sees_each_assessment_asked_about_once(shared_world: World,
                                                           db: None) -> None:
    world = shared_world
    OrganDuty.objects.create(organ=world.organ, person=world.people["colleague"],
                             duty=Duty.LIAISON)
    # Asked twice about the same assessment: still one row (an EXISTS, not a join).
    _ask(world, "other_staff", liaison="colleague", asked_by="other_chief")
    _ask(world, "other_staff", liaison="colleague", asked_by="other_leader")
    liaison = actor_of(world, "colleague")
    viewable = Assessment.objects.restrict(liaison, "view")
    own_and_asked = [world.assessments["colleague"].pk, world.assessments["other_staff"].pk]
    assert sorted(viewable.values_list("pk", flat=True)) == sorted(own_and_asked)
    assert viewable.count() == 2
    # Seeing it is all: being asked gives no part in reviewing or approving it.
    assert not Assessment.objects.restrict(liaison, "review").exists()
    assert not Assessment.objects.restrict(liaison, "approve").exists()


def test_a_request_to_someone_without_the_liaison_duty_shows_nothing(shared_world: World,
                                                                     db: None) -> None:
    world = shared_world
    _ask(world, "other_staff", liaison="staff", asked_by="other_chief")
    assert pks(Assessment.objects.restrict(actor_of(world, "staff"))) == [
        world.assessments["staff"].pk]


def test_the_liaison_opens_the_page_of_an_assessment_asked_about(shared_world: World,
                                                                 client: Client) -> None:
    """Through the page, not only the queryset: every read of one assessment goes through
    restrict()."""
    world = shared_world
    OrganDuty.objects.create(organ=world.organ, person=world.people["colleague"],
                             duty=Duty.LIAISON)
    _ask(world, "other_staff", liaison="colleague", asked_by="other_chief")
    client.force_login(world.users["colleague"])
    asked, not_asked = world.assessments["other_staff"].pk, world.assessments["staff"].pk
    assert client.get(f"/assessments/{asked}/").status_code == 200
    assert client.get(f"/assessments/{not_asked}/").status_code == 404


THIS_YEAR = timezone.localdate().year  # as the scope reads it


@pytest.mark.parametrize(("end", "seen_by"), [
    (None, "principal office chief leader outsider"),  # running
    (datetime.date(THIS_YEAR - 1, 6, 30), "principal office outsider"),  # ended last year
    (datetime.date(THIS_YEAR - 2, 12, 31), "outsider"),  # ended before last year began
])
def test_a_placement_shows_the_person_to_the_organ_assessing_them(
        shared_world: World, db: None, end: datetime.date | None, seen_by: str) -> None:
    """Someone seconded into section a (home: the other organ): its principal and office see
    them while the placement runs and until the end of the following year (their quarters may
    still be assessed, appealed or rolled into a year); the section's chief and leader in
    charge while it runs (decision 0003)."""
    world = shared_world
    outsider = world.people["outsider"]
    Assignment.objects.create(person=outsider, organ=world.organ, section=world.section_a,
                              kind=AssignmentKind.SECONDMENT,
                              start=datetime.date(THIS_YEAR - 3, 3, 1), end=end)
    seeing = {persona for persona in PERSONAS if Person.objects.restrict(
        actor_of(world, persona)).filter(pk=outsider.pk).exists()}
    assert seeing - {"sysadmin"} == set(seen_by.split())
