"""Opening a quarter writes its assessments in bulk: as many queries for 3 people as for 300,
and each row as the model's defaults would make it."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaohe.assessments.models import Assessment, State
from kaohe.assessments.services import period_open
from kaohe.bulk import insert_many
from kaohe.org.models import Assignment, Category, Person
from kaohe.plans.models import Period
from tests.personas import World


def hire(world: World, count: int, prefix: str) -> None:
    people = Person.objects.bulk_create(
        Person(personnel_no=f"{prefix}{n}", name=f"新人{n}", organ=world.organ,
               section=world.section_a, category=Category.STAFF, frontline=n % 2 == 0)
        for n in range(count))
    Assignment.objects.bulk_create(
        Assignment(person=p, organ=world.organ, section=world.section_a,
                   start=datetime.date(2024, 1, 1)) for p in people)


def open_counting(world: World, quarter: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        period_open(organ=world.organ, year=2025, quarter=quarter, by=world.users["office"])
    return len(captured)


def test_opening_costs_the_same_queries_for_few_or_many_people(world: World) -> None:
    open_counting(world, 1)  # the first call also reads the account's roles, then kept
    hire(world, 3, "A")
    few = open_counting(world, 2)
    hire(world, 300, "B")
    assert open_counting(world, 4) == few
    assert Assessment.objects.filter(period__quarter=4, person__personnel_no__startswith="B"
                                     ).count() == 300


def test_rows_written_in_bulk_have_the_model_defaults(world: World) -> None:
    hire(world, 2, "C")
    period_open(organ=world.organ, year=2025, quarter=4, by=world.users["office"])
    new = Assessment.objects.get(period__quarter=4, person__personnel_no="C0")
    assert (new.state, new.summary, new.scores, new.grade, new.grade_determined,
            new.composite_score, new.section_id, new.frontline) == (
        State.DRAFT, "", {}, "", True, None, world.section_a.pk, True)


def test_insert_many_writes_the_given_columns_and_defaults_for_the_rest(world: World) -> None:
    hire(world, 2, "D")
    period = Period.objects.create(organ=world.organ, plan=world.periods["organ"].plan,
                                   year=2024, quarter=1)
    people = list(Person.objects.filter(personnel_no__startswith="D").order_by("personnel_no"))
    assert insert_many(Assessment, ["period_id", "person_id", "section_id", "category",
                                    "frontline"],
                       [(period.pk, p.pk, world.section_b.pk, Category.STAFF, False)
                        for p in people]) == 2
    assert insert_many(Assessment, ["period_id"], []) == 0
    written = list(period.assessments.order_by("person__personnel_no"))
    assert [a.person_id for a in written] == [p.pk for p in people]
    assert {(a.section_id, a.state, a.direct) for a in written} == {
        (world.section_b.pk, State.DRAFT, False)}
