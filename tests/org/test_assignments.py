"""Who assesses a person in a quarter follows their assignment history: the organ of the
assignment held on the quarter's last day (decision 0003, §十(三))."""

from __future__ import annotations

import datetime

from kaohe.org.models import Assignment, AssignmentKind
from tests.personas import World

Q3 = (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))


def test_home_organ_assesses_without_other_assignments(world: World) -> None:
    assert world.people["staff"].assessing_organ_id(*Q3) == world.organ.id


def test_a_secondment_running_on_the_last_day_wins_over_the_post_it_suspends(
        world: World) -> None:
    person = world.people["staff"]
    Assignment.objects.create(person=person, organ=world.other_organ,
                              kind=AssignmentKind.SECONDMENT, start=datetime.date(2025, 9, 20),
                              end=datetime.date(2026, 7, 9))  # the home post left open
    assert person.assessing_organ_id(*Q3) == world.other_organ.id
    assert person.assessing_organ_id(datetime.date(2025, 4, 1),
                                     datetime.date(2025, 6, 30)) == world.organ.id


def test_a_transfer_goes_to_the_unit_of_the_last_day_however_few_days(world: World) -> None:
    person = world.people["staff"]
    person.assignments.update(end=datetime.date(2025, 9, 28))  # 90 days in the old organ
    Assignment.objects.create(person=person, organ=world.other_organ,
                              kind=AssignmentKind.TRANSFER, start=datetime.date(2025, 9, 29))
    assert person.assessing_organ_id(*Q3) == world.other_organ.id


def test_nobody_assesses_someone_who_left_before_the_quarter(world: World) -> None:
    person = world.people["staff"]
    person.assignments.update(end=datetime.date(2025, 6, 30))
    assert person.assessing_organ_id(*Q3) is None
