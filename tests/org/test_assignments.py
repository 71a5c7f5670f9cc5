"""Who assesses a person in a quarter follows their assignment history (decision 0003)."""

from __future__ import annotations

import datetime

from kaohe.org.models import Assignment, AssignmentKind
from tests.personas import World

Q3 = (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))


def test_home_organ_assesses_without_other_assignments(world: World) -> None:
    assert world.people["staff"].assessing_organ_id(*Q3) == world.organ.id


def test_secondment_covering_most_of_the_quarter_moves_it(world: World) -> None:
    person = world.people["staff"]
    Assignment.objects.create(person=person, organ=world.other_organ,
                              kind=AssignmentKind.SECONDMENT, start=datetime.date(2025, 7, 10),
                              end=datetime.date(2026, 7, 9))
    person.assignments.filter(kind=AssignmentKind.POST).update(end=datetime.date(2025, 7, 9))
    assert person.assessing_organ_id(*Q3) == world.other_organ.id
    assert person.assessing_organ_id(datetime.date(2025, 4, 1),
                                     datetime.date(2025, 6, 30)) == world.organ.id


def test_transfer_mid_quarter_on_a_tie_goes_to_the_current_unit(world: World) -> None:
    person = world.people["staff"]
    person.assignments.update(end=datetime.date(2025, 8, 15))  # 46 days in the old organ
    Assignment.objects.create(person=person, organ=world.other_organ,
                              kind=AssignmentKind.TRANSFER, start=datetime.date(2025, 8, 16))
    assert person.assessing_organ_id(*Q3) == world.other_organ.id  # 46 days each


def test_nobody_assesses_someone_who_left_before_the_quarter(world: World) -> None:
    person = world.people["staff"]
    person.assignments.update(end=datetime.date(2025, 6, 30))
    assert person.assessing_organ_id(*Q3) is None
