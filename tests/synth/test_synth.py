"""`kaohe synth`: a realistic province, the same for the same seed, within the rules."""

from __future__ import annotations

import io
import math
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from kaohe.assessments.models import Assessment, Leave, State
from kaohe.org.models import Assignment, AssignmentKind, Category, Organ, Person, Section
from kaohe.plans.models import Grade, Period, PeriodState
from kaohe.synth import generator

SMALL = generator.Shape(organs=4, people=400, years=1, seed=7)


def fingerprint() -> list[tuple[object, ...]]:
    people = list(Person.objects.order_by("personnel_no")
                  .values_list("personnel_no", "name", "section__code", "category", "frontline"))
    graded = list(Assessment.objects.order_by("person__personnel_no", "period__quarter")
                  .values_list("person__personnel_no", "period__quarter", "state", "grade",
                               "composite_score", "grade_determined"))
    leave = list(Leave.objects.order_by("person__personnel_no", "start")
                 .values_list("person__personnel_no", "start", "end", "kind"))
    return people + graded + leave


def generated_fingerprint(shape: generator.Shape) -> list[tuple[object, ...]]:
    with transaction.atomic():
        generator.generate(shape)
        found = fingerprint()
        transaction.set_rollback(True)
    return found


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_province_and_another_seed_another() -> None:
    first = generated_fingerprint(SMALL)
    assert first == generated_fingerprint(SMALL)
    other = generator.Shape(organs=4, people=400, years=1, seed=8)
    assert generated_fingerprint(other) != first


@pytest.mark.django_db
def test_the_province_has_the_shape_asked_for_and_keeps_the_rules() -> None:
    counts = generator.generate(generator.Shape(organs=5, people=1000, years=2, seed=3))
    assert counts["organs"] == Organ.objects.count() == 5
    assert Person.objects.count() == 1000
    assert Period.objects.count() == 5 * 8
    assert Period.objects.filter(state=PeriodState.OPEN).count() == 5  # the last quarter
    # Leadership members and logistics workers are never assessed (§二).
    assessed = Person.objects.filter(category__in=[Category.CHIEF, Category.STAFF]).count()
    assert Assessment.objects.count() == assessed * 8
    assert not Assessment.objects.exclude(category__in=[Category.CHIEF, Category.STAFF]).exists()
    # Every section has one chief and a leader in charge; every organ a principal.
    assert not Section.objects.filter(leader_in_charge__isnull=True).exists()
    assert not Organ.objects.filter(principal__isnull=True).exists()
    assert Section.objects.filter(frontline=True).exists()
    # The open quarters hold every state; closed ones are finished.
    open_states = set(Assessment.objects.filter(period__state=PeriodState.OPEN)
                      .values_list("state", flat=True))
    assert open_states == set(State.values)
    assert set(Assessment.objects.filter(period__state=PeriodState.CLOSED)
               .values_list("state", flat=True)) == {State.ACKNOWLEDGED}
    # The 40 % cap holds in every quarter; undetermined grades are empty (§八(一), §十(三)).
    for period in Period.objects.all():
        rows = Assessment.objects.filter(period=period)
        good = rows.filter(grade=Grade.GOOD).count()
        assert good <= math.floor(rows.count() * 0.4)
    undetermined = Assessment.objects.filter(grade_determined=False)
    assert undetermined.exists()
    assert not undetermined.exclude(grade="").exists()
    grades = Counter(Assessment.objects.exclude(grade="").values_list("grade", flat=True))
    assert grades[Grade.GOOD] and grades[Grade.FAIRLY_GOOD] and grades[Grade.AVERAGE]


@pytest.mark.django_db
def test_a_seconded_person_is_assessed_by_the_receiving_organ_that_quarter() -> None:
    generator.generate(generator.Shape(organs=5, people=2000, years=1, seed=5))
    secondments = Assignment.objects.filter(kind=AssignmentKind.SECONDMENT)
    assert secondments.exists()
    for secondment in secondments.select_related("person"):
        quarter = (secondment.start.month + 2) // 3
        held = Assessment.objects.get(person=secondment.person, period__quarter=quarter)
        assert held.period.organ_id == secondment.organ_id
        assert held.section_id == secondment.section_id


@pytest.mark.django_db
def test_the_command_reports_what_it_wrote_and_refuses_a_second_province() -> None:
    out = io.StringIO()
    call_command("synth", "--organs", "2", "--people", "40", "--quiet", stdout=out)
    assert "assessments" in out.getvalue() and "rows/s" in out.getvalue()
    with pytest.raises(CommandError, match="already"):
        call_command("synth", "--organs", "2", "--people", "40", "--quiet")


@pytest.mark.django_db
def test_too_few_people_for_the_organs_is_refused_with_the_reason() -> None:
    with pytest.raises(CommandError, match="at least 8"):
        call_command("synth", "--organs", "10", "--people", "20", "--quiet")
