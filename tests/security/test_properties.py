"""Properties of the arithmetic the rules depend on: working days (the appeal deadline,
§十(二)) and the 好 cap (§八(一)). The expected values are computed here independently, with
fractions, not with the code under test."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import chinese_calendar
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.assessments import rules, selectors, services
from kaohe.assessments.models import Assessment, State
from kaohe.errors import Refused
from kaohe.org.models import Assignment, Category, Person
from kaohe.plans.models import Rounding
from kaohe.workdays.calendar import add_working_days, is_workday, working_days
from tests.personas import World

pytestmark = pytest.mark.django_db

# 2018–2025: years the package covers, with room for a deadline in the following January.
dates = st.dates(date(2018, 1, 1), date(2025, 12, 20))
counts = st.integers(min_value=1, max_value=25)
quick = settings(max_examples=40, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


@quick
@given(start=dates, n=counts)
def test_the_result_is_a_working_day_after_exactly_n(start: date, n: int) -> None:
    result = add_working_days(start, n)
    assert is_workday(result) and chinese_calendar.is_workday(result)
    assert working_days(start + timedelta(days=1), result) == n
    # No earlier day would do: the day before holds only n - 1 working days since start.
    assert working_days(start + timedelta(days=1), result - timedelta(days=1)) == n - 1


@quick
@given(first=dates, second=dates, n=counts, m=counts)
def test_monotonic_in_the_start_and_the_count(first: date, second: date, n: int,
                                              m: int) -> None:
    early, late = sorted([first, second])
    assert add_working_days(early, n) <= add_working_days(late, n)
    if n < m:
        assert add_working_days(early, n) < add_working_days(early, m)


@quick
@given(first=dates, n=counts, m=counts)
def test_adding_twice_is_adding_the_sum(first: date, n: int, m: int) -> None:
    assert add_working_days(add_working_days(first, n), m) == add_working_days(first, n + m)


@quick
@given(given_on=dates)
def test_the_appeal_deadline_is_five_working_days_after_feedback(given_on: date) -> None:
    assessment = Assessment(feedback_given_on=given_on)
    deadline = selectors.appeal_deadline(assessment)
    assert deadline is not None
    assert chinese_calendar.is_workday(deadline)
    assert working_days(given_on + timedelta(days=1), deadline) == 5
    assert working_days(given_on + timedelta(days=1), deadline - timedelta(days=1)) == 4


# --- the 好 cap -----------------------------------------------------------------------------

ratios = st.sampled_from(["0.300", "0.350", "0.400", "0.450", "0.500", "1.000", "0.001"])
roundings = st.sampled_from(Rounding.values)


def expected_limit(base: int, ratio: str, rounding: str) -> int:
    exact = Fraction(ratio) * base
    return math.floor(exact + Fraction(1, 2)) if rounding == Rounding.NEAREST else math.floor(
        exact)


@settings(max_examples=200, deadline=None, database=None)
@given(base=st.integers(min_value=0, max_value=100_000), ratio=ratios, rounding=roundings)
def test_the_limit_never_exceeds_the_ratio_with_its_rounding(base: int, ratio: str,
                                                             rounding: str) -> None:
    limit = rules.good_limit(base, Decimal(ratio), rounding)
    assert limit == expected_limit(base, ratio, rounding)
    assert 0 <= limit <= base
    exact = Fraction(ratio) * base
    if rounding == Rounding.DOWN:
        assert limit <= exact < limit + 1  # never more than ratio × base
    else:
        assert abs(limit - exact) <= Fraction(1, 2)


@settings(max_examples=200, deadline=None, database=None)
@given(base=st.integers(min_value=0, max_value=100_000), more=st.integers(0, 50),
       ratio=ratios, rounding=roundings)
def test_the_limit_grows_with_the_base(base: int, more: int, ratio: str, rounding: str) -> None:
    assert (rules.good_limit(base, Decimal(ratio), rounding)
            <= rules.good_limit(base + more, Decimal(ratio), rounding))


def _proposed_good(world: World, participants: int) -> list[Assessment]:
    """The organ's quarter with exactly `participants` staff of section A, each proposed 好."""
    period = world.periods["organ"]
    period.assessments.all().delete()
    people = Person.objects.bulk_create(
        Person(personnel_no=f"Q-{i}", name=f"Q{i}", organ=world.organ, section=world.section_a,
               category=Category.STAFF) for i in range(participants))
    Assignment.objects.bulk_create(
        Assignment(person=p, organ=world.organ, section=world.section_a, start=date(2020, 1, 1))
        for p in people)
    return Assessment.objects.bulk_create(
        Assessment(period=period, person=p, section=world.section_a, category=Category.STAFF,
                   state=State.PROPOSED, proposed_grade="好", suggested_grade="好")
        for p in people)


@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(participants=st.integers(min_value=1, max_value=9), ratio=ratios, rounding=roundings)
def test_the_cap_refuses_exactly_the_place_after_the_limit(world: World, participants: int,
                                                           ratio: str, rounding: str) -> None:
    with transaction.atomic():
        plan = world.periods["organ"].plan
        plan.good_ratio, plan.good_rounding = Decimal(ratio), rounding
        plan.save()
        limit = expected_limit(participants, ratio, rounding)
        outcomes = []
        for assessment in _proposed_good(world, participants):
            try:
                services.assessment_approve(assessment=assessment, by=world.users["leader"])
            except Refused as refusal:
                outcomes.append(refusal.code)
            else:
                outcomes.append("approved")
        assert outcomes == ["approved"] * limit + ["good_quota_exceeded"] * (participants - limit)
        transaction.set_rollback(True)
