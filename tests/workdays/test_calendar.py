"""The working-day calendar: the spec's appeal example, quarter counts checked by hand, the
office's overrides, years the package does not cover, properties, and the query budget."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import chinese_calendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.workdays.calendar import (
    CalendarNotCovered,
    add_working_days,
    is_workday,
    workdays_in,
    working_days,
)
from kaohe.workdays.models import CalendarDay, CalendarYear
from tests.personas import World

pytestmark = pytest.mark.django_db


def package_covers(year: int) -> bool:
    """Asked of the package itself, so that these tests follow a newer release's range."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


COVERED = [year for year in range(1990, 2100) if package_covers(year)]
FIRST_UNCOVERED = next(year for year in range(2025, 2100) if not package_covers(year))


# --- National Day 2025 (国办发明电〔2024〕12号): holiday 1–8 October; Sunday 28 September and
# --- Saturday 11 October are working days.

def test_appeal_example_of_the_spec() -> None:
    # Feedback Mon 29 Sep; counting starts the next working day: 30 Sep, 9 Oct, 10 Oct,
    # Sat 11 Oct (调休), Mon 13 Oct.
    assert add_working_days(date(2025, 9, 29), 5) == date(2025, 10, 13)
    assert add_working_days(date(2025, 9, 29), 1) == date(2025, 9, 30)
    assert add_working_days(date(2025, 9, 29), 2) == date(2025, 10, 9)


def test_national_day_2025() -> None:
    assert is_workday(date(2025, 10, 11))  # Saturday, 调休
    assert is_workday(date(2025, 9, 28))  # Sunday, 调休
    assert not any(is_workday(date(2025, 10, day)) for day in range(1, 9))
    assert not is_workday(date(2025, 10, 12))  # an ordinary Sunday
    assert workdays_in(date(2025, 9, 27), date(2025, 10, 12)) == [
        date(2025, 9, 28), date(2025, 9, 29), date(2025, 9, 30),
        date(2025, 10, 9), date(2025, 10, 10), date(2025, 10, 11),
    ]


def test_quarter_counts_match_the_hand_count() -> None:
    # Q3 2025, counted on a paper calendar. No statutory holiday falls in July–September 2025.
    #   July: 1 Jul is a Tuesday; weekends 5/6, 12/13, 19/20, 26/27 → 31 − 8 = 23.
    #   August: 1 Aug is a Friday; weekends 2/3, 9/10, 16/17, 23/24, 30/31 → 31 − 10 = 21.
    #   September: 1 Sep is a Monday; weekends 6/7, 13/14, 20/21, 27/28 → 30 − 8 = 22,
    #     plus Sunday 28 Sep (调休 working day) → 23.
    #   23 + 21 + 23 = 67.
    assert working_days(date(2025, 7, 1), date(2025, 9, 30)) == 67
    # Q4 2025.
    #   October: 1 Oct is a Wednesday; weekends 4/5, 11/12, 18/19, 25/26 → 31 − 8 = 23;
    #     the holiday 1–8 Oct takes the weekdays 1, 2, 3, 6, 7, 8 → 17;
    #     plus Saturday 11 Oct (调休) → 18.
    #   November: 1 Nov is a Saturday; weekends 1/2, 8/9, 15/16, 22/23, 29/30 → 30 − 10 = 20.
    #   December: 1 Dec is a Monday; weekends 6/7, 13/14, 20/21, 27/28 → 31 − 8 = 23
    #     (New Year's Day 2026 falls in the next quarter).
    #   18 + 20 + 23 = 61.
    assert working_days(date(2025, 10, 1), date(2025, 12, 31)) == 61


def test_empty_range_has_no_working_days() -> None:
    assert working_days(date(2025, 7, 2), date(2025, 7, 1)) == 0
    assert workdays_in(date(2025, 7, 2), date(2025, 7, 1)) == []


def test_add_working_days_needs_a_positive_count() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(date(2025, 9, 29), 0)


# --- The office's overrides win over the package.

def test_local_holiday_is_not_a_working_day() -> None:
    CalendarDay.objects.create(date=date(2025, 7, 16), is_workday=False, name="地方假日")
    assert not is_workday(date(2025, 7, 16))
    assert working_days(date(2025, 7, 1), date(2025, 9, 30)) == 67 - 1


def test_weekend_made_a_working_day() -> None:
    CalendarDay.objects.create(date=date(2025, 7, 19), is_workday=True, name="补班")
    assert is_workday(date(2025, 7, 19))  # a Saturday
    assert working_days(date(2025, 7, 1), date(2025, 9, 30)) == 67 + 1


def test_override_moves_the_appeal_deadline() -> None:
    # Had 8 October been a working day, the five days would be 30 Sep, 8, 9, 10, 11 Oct.
    CalendarDay.objects.create(date=date(2025, 10, 8), is_workday=True)
    assert add_working_days(date(2025, 9, 29), 5) == date(2025, 10, 11)


# --- A year the package does not cover.

def test_uncovered_year_is_refused_with_its_year() -> None:
    year = FIRST_UNCOVERED
    with pytest.raises(CalendarNotCovered) as refused:
        working_days(date(year, 1, 1), date(year, 3, 31))
    assert refused.value.year == year
    assert str(year) in str(refused.value)
    assert "工作日历" in str(refused.value)
    for call in (lambda: is_workday(date(year, 6, 1)),
                 lambda: add_working_days(date(year - 1, 12, 31), 1),
                 lambda: working_days(date(year - 1, 12, 1), date(year, 1, 31))):
        with pytest.raises(CalendarNotCovered):
            call()


def test_incomplete_entry_is_still_refused() -> None:
    CalendarYear.objects.create(year=FIRST_UNCOVERED, complete=False)
    with pytest.raises(CalendarNotCovered):
        is_workday(date(FIRST_UNCOVERED, 6, 1))


def test_deadline_within_the_last_covered_year_is_answered() -> None:
    # Mid-December always has a working day within the same year: the next year is not needed.
    deadline = add_working_days(date(FIRST_UNCOVERED - 1, 12, 15), 1)
    assert deadline.year == FIRST_UNCOVERED - 1


def test_year_entered_by_the_office() -> None:
    year = FIRST_UNCOVERED
    january = [date(year, 1, 1) + timedelta(days=i) for i in range(31)]
    holiday = next(day for day in january if day.weekday() < 5)  # 元旦, or the first weekday
    makeup = next(day for day in january if day.weekday() == 5)  # a Saturday worked (调休)
    CalendarYear.objects.create(year=year, complete=True)
    CalendarDay.objects.create(date=holiday, is_workday=False, name="元旦")
    CalendarDay.objects.create(date=makeup, is_workday=True, name="调休上班")

    weekdays = sum(1 for day in january if day.weekday() < 5)
    assert working_days(january[0], january[-1]) == weekdays - 1 + 1
    assert not is_workday(holiday)
    assert is_workday(makeup)
    assert not is_workday(next(day for day in january if day.weekday() == 6))
    # Across the year boundary the package answers for December, the office for January.
    assert working_days(date(year - 1, 12, 1), date(year, 1, 31)) == (
        len(chinese_calendar.get_workdays(date(year - 1, 12, 1), date(year - 1, 12, 31)))
        + weekdays)
    assert add_working_days(holiday - timedelta(days=1), 1) > holiday


# --- Properties, over the years the package covers.

# Leave room at the end of the last covered year for 30 working days.
covered_dates = st.dates(date(COVERED[0], 1, 1), date(COVERED[-1], 11, 15))
modest = settings(max_examples=50, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])


@modest
@given(start=covered_dates, n=st.integers(min_value=1, max_value=30))
def test_add_working_days_lands_on_the_nth_working_day(start: date, n: int) -> None:
    result = add_working_days(start, n)
    assert result > start
    assert is_workday(result)
    assert working_days(start + timedelta(days=1), result) == n


@modest
@given(days=st.lists(covered_dates, min_size=3, max_size=3))
def test_working_days_add_up_over_adjacent_ranges(days: list[date]) -> None:
    a, b, c = sorted(days)
    assert working_days(a, b) + working_days(b + timedelta(days=1), c) == working_days(a, c)


@modest
@given(day=covered_dates)
def test_without_overrides_the_package_decides(day: date) -> None:
    assert is_workday(day) == chinese_calendar.is_workday(day)


# --- The query budget: the overrides of the whole range in one query.

def test_a_whole_year_costs_one_query(
        django_assert_num_queries: Callable[[int], CaptureQueriesContext]) -> None:
    CalendarDay.objects.create(date=date(2025, 7, 16), is_workday=False)
    with django_assert_num_queries(1):
        working_days(date(2025, 1, 1), date(2025, 12, 31))
    with django_assert_num_queries(1):
        add_working_days(date(2025, 9, 29), 5)


def test_an_entered_year_costs_two_queries() -> None:
    year = FIRST_UNCOVERED
    CalendarYear.objects.create(year=year, complete=True)
    CalendarDay.objects.bulk_create(
        CalendarDay(date=date(year, 1, 1) + timedelta(days=i), is_workday=False)
        for i in range(0, 300, 7))
    with CaptureQueriesContext(connection) as captured:
        working_days(date(year, 1, 1), date(year, 12, 31))
    assert len(captured) == 2  # the year's entry, and its overrides


# --- The admin: the national calendar is kept by the installation's system administrator; an
# organ's office reaches the admin but not the calendar, which moves every organ's deadlines.

Sign = Callable[[str | None], Client]


@pytest.mark.parametrize(("persona", "status"),
                         [("sysadmin", 200), ("office", 403), ("chief", 302), (None, 302)])
def test_calendar_admin_is_the_system_administrators(client_for: Sign, persona: str | None,
                                                     status: int) -> None:
    client = client_for(persona)
    for url in ("/admin/workdays/calendarday/", "/admin/workdays/calendaryear/",
                "/admin/workdays/calendarday/add/"):
        assert client.get(url).status_code == status


def test_the_administrator_removes_a_wrong_override(client_for: Sign) -> None:
    day = CalendarDay.objects.create(date=date(2025, 7, 16), is_workday=False)
    client = client_for("sysadmin")
    response = client.post(f"/admin/workdays/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()


def test_office_cannot_move_the_calendar(client_for: Sign) -> None:
    day = CalendarDay.objects.create(date=date(2025, 7, 16), is_workday=False)
    client = client_for("office")
    response = client.post(f"/admin/workdays/calendarday/{day.pk}/change/",
                           {"date": "2025-07-16", "is_workday": "on", "name": "", "note": ""})
    assert response.status_code == 403
    assert not CalendarDay.objects.get(pk=day.pk).is_workday


def test_confirming_a_year_records_who(client_for: Sign, world: World) -> None:
    client = client_for("sysadmin")
    response = client.post("/admin/workdays/calendaryear/add/",
                           {"year": FIRST_UNCOVERED, "complete": "on"})
    assert response.status_code == 302
    entry = CalendarYear.objects.get(year=FIRST_UNCOVERED)
    assert entry.complete
    assert entry.entered_by == world.users["sysadmin"]
    assert entry.entered_at is not None
    page = client.get(f"/admin/workdays/calendaryear/{entry.pk}/delete/")
    assert page.status_code == 403  # unticking "complete" withdraws a year; rows stay
