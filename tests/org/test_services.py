"""The organisation's state changes (kaohe/org/services.py): moves, transfers, the assignment
history they write, and the roles a transfer ends."""

from __future__ import annotations

import datetime

import pytest

from kaohe.errors import Invalid
from kaohe.org import services
from kaohe.org.models import (
    Assignment,
    AssignmentKind,
    CommitteeMember,
    CommitteePosition,
    Duty,
    OrganDuty,
    Person,
)
from tests.personas import World

START = datetime.date(2020, 1, 1)  # every persona's post begins then


def history(person: Person) -> list[tuple[str, str | None, str, datetime.date,
                                          datetime.date | None]]:
    return list(person.assignments.order_by("start", "pk").values_list(
        "organ__code", "section__code", "kind", "start", "end"))


def test_a_move_closes_the_post_and_opens_one_in_the_new_section(world: World) -> None:
    staff = world.people["staff"]

    changes = services.person_move_section(person=staff, section=world.section_b,
                                           on=datetime.date(2025, 9, 1))

    assert history(staff) == [
        ("organ", "a", "post", START, datetime.date(2025, 8, 31)),
        ("organ", "b", "post", datetime.date(2025, 9, 1), None),
    ]
    assert Person.objects.get(pk=staff.pk).section == world.section_b
    assert (len(changes.created), len(changes.updated), changes.deleted) == (1, 2, [])


def test_a_move_on_the_day_the_post_began_corrects_its_section(world: World) -> None:
    staff = world.people["staff"]

    services.person_move_section(person=staff, section=world.section_b, on=START)

    assert history(staff) == [("organ", "b", "post", START, None)]


def test_a_move_keeps_a_secondment_running(world: World) -> None:
    staff = world.people["staff"]
    services.assignment_open(person=staff, organ=world.other_organ,
                             kind=AssignmentKind.SECONDMENT, start=datetime.date(2025, 3, 1))

    services.person_move_section(person=staff, section=None, on=datetime.date(2025, 9, 1))

    assert history(staff)[1:] == [
        ("other", None, "secondment", datetime.date(2025, 3, 1), None),
        ("organ", None, "post", datetime.date(2025, 9, 1), None),
    ]


@pytest.mark.parametrize("on", [datetime.date(2019, 6, 1), datetime.date(2019, 12, 31)])
def test_a_move_dated_before_the_post_began_is_refused(world: World, on: datetime.date) -> None:
    staff = world.people["staff"]

    with pytest.raises(Invalid, match="早于开始日期 2020-01-01"):
        services.person_move_section(person=staff, section=world.section_b, on=on)

    assert history(staff) == [("organ", "a", "post", START, None)]
    assert Person.objects.get(pk=staff.pk).section == world.section_a


def test_a_move_to_another_organs_section_is_refused(world: World) -> None:
    with pytest.raises(Invalid, match="没有代码为“a”的科室"):
        services.person_move_section(person=world.people["staff"],
                                     section=world.outsider_section,
                                     on=datetime.date(2025, 9, 1))


def test_a_transfer_ends_every_open_assignment_and_the_roles_left_behind(world: World) -> None:
    principal = world.people["principal"]
    world.section_b.leader_in_charge = principal
    world.section_b.save()
    OrganDuty.objects.create(organ=world.organ, person=principal, duty=Duty.LIAISON)
    services.committee_seat(organ=world.organ, person=principal,
                            position=CommitteePosition.DIRECTOR)
    services.assignment_open(person=principal, organ=world.organ, kind=AssignmentKind.TRAINING,
                             start=datetime.date(2025, 6, 1))

    changes = services.person_transfer(person=principal, organ=world.other_organ,
                                       section=world.outsider_section,
                                       on=datetime.date(2025, 10, 1))

    assert history(principal) == [
        ("organ", None, "post", START, datetime.date(2025, 9, 30)),
        ("organ", None, "training", datetime.date(2025, 6, 1), datetime.date(2025, 9, 30)),
        ("other", "a", "transfer", datetime.date(2025, 10, 1), None),
    ]
    principal.refresh_from_db()
    assert (principal.organ, principal.section) == (world.other_organ, world.outsider_section)
    world.organ.refresh_from_db()
    world.section_b.refresh_from_db()
    assert world.organ.principal is None and world.section_b.leader_in_charge is None
    assert not OrganDuty.objects.filter(person=principal).exists()
    assert not CommitteeMember.objects.filter(person=principal).exists()
    assert len(changes.deleted) == 2 and len(changes.created) == 1


def test_a_transfer_must_come_after_every_open_assignment_began(world: World) -> None:
    staff = world.people["staff"]

    with pytest.raises(Invalid, match="调入日期 2020-01-01 须晚于其当前任职的开始日期 2020-01-01"):
        services.person_transfer(person=staff, organ=world.other_organ, section=None, on=START)

    assert history(staff) == [("organ", "a", "post", START, None)]
    assert Person.objects.get(pk=staff.pk).organ == world.organ


def test_closing_before_the_start_is_refused(world: World) -> None:
    post = Assignment.objects.get(person=world.people["staff"])

    with pytest.raises(Invalid, match="结束日期 2019-12-31 早于开始日期 2020-01-01"):
        services.assignment_close(assignment=post, end=datetime.date(2019, 12, 31))

    services.assignment_close(assignment=post, end=START)
    assert Assignment.objects.get(pk=post.pk).end == START


def test_roles_go_to_leadership_members_of_the_organ(world: World) -> None:
    with pytest.raises(Invalid, match="主要负责人必须是领导成员"):
        services.organ_set_principal(organ=world.organ, person=world.people["staff"])
    with pytest.raises(Invalid, match="只有领导成员"):
        services.section_set_leader(section=world.section_a, person=world.people["chief"])
    world.people["leader"].organ = world.other_organ
    with pytest.raises(Invalid, match="属于其他机关"):
        services.section_set_leader(section=world.section_a, person=world.people["leader"])


def test_a_committee_member_seated_again_changes_position(world: World) -> None:
    leader = world.people["leader"]
    services.committee_seat(organ=world.organ, person=leader, position=CommitteePosition.MEMBER)

    services.committee_seat(organ=world.organ, person=leader, position=CommitteePosition.DEPUTY)

    assert list(CommitteeMember.objects.filter(organ=world.organ)
                .values_list("person__personnel_no", "position")) == [("P-leader", "副主任")]
