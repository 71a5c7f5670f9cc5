"""Working days on the official Chinese calendar.

A day's status comes from, in this order:

1. the office's CalendarDay row for that date, if any;
2. the chinese-calendar package (statutory holidays and 调休), for the years it covers;
3. Monday to Friday, for a year the package does not cover but the office has entered
   (CalendarYear.complete): its holidays and 调休 days are then CalendarDay rows.

A year that is in neither the package nor entered by the office is not guessed at:
CalendarNotCovered is raised, and the pages show its message.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import chinese_calendar
from django.utils.translation import gettext

from kaohe.workdays.models import CalendarDay, CalendarYear


class CalendarNotCovered(Exception):
    """The holidays and 调休 days of `year` are unknown: the office must enter them first."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            gettext("%(year)d 年的节假日和调休安排尚未录入，无法计算工作日。"
                    "请系统管理员在“工作日历”中录入该年安排。") % {"year": year}
        )


@functools.cache
def _package_workdays(year: int) -> frozenset[date] | None:
    """The package's working days of `year`, or None when the package does not cover it.

    The package's own range decides (it raises NotImplementedError outside it), so a newer
    release that adds a year is used without a change here. Its data is fixed for the life
    of the process, hence the cache; the office's rows are read from the database each time.
    """
    try:
        return frozenset(chinese_calendar.get_workdays(date(year, 1, 1), date(year, 12, 31)))
    except NotImplementedError:
        return None


def package_covers(year: int) -> bool:
    """Whether the chinese-calendar package knows the holidays and 调休 days of `year`."""
    return _package_workdays(year) is not None


def _require_covered(first: date, last: date) -> None:
    """Raise CalendarNotCovered for the first year of first..last nobody has entered."""
    missing = [year for year in range(first.year, last.year + 1) if not package_covers(year)]
    if not missing:
        return  # no query: the package answers for every year of the range
    entered = set(CalendarYear.objects.filter(year__in=missing, complete=True)
                  .values_list("year", flat=True))
    for year in missing:
        if year not in entered:
            raise CalendarNotCovered(year)


def _default_is_workday(day: date) -> bool:
    package = _package_workdays(day.year)
    if package is None:
        # A year the office entered: its holidays and 调休 days are CalendarDay rows.
        return day.weekday() < 5
    return day in package


def workdays_in(first: date, last: date) -> list[date]:
    """The working days from `first` to `last`, both included, in order ([] if last < first).

    One query for the office's overrides of the range (and one more only when a year of the
    range is not covered by the package). Raises CalendarNotCovered.
    """
    if last < first:
        return []
    _require_covered(first, last)
    overrides = dict(CalendarDay.objects.filter(date__range=(first, last))
                     .values_list("date", "is_workday"))
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return [day for day in days
            if (overrides[day] if day in overrides else _default_is_workday(day))]


def is_workday(day: date) -> bool:
    """Whether `day` is a working day. Raises CalendarNotCovered."""
    return bool(workdays_in(day, day))


def working_days(first: date, last: date) -> int:
    """The number of working days from `first` to `last`, both included (0 if last < first).

    Raises CalendarNotCovered if any year of the range is neither in the package nor entered.
    """
    return len(workdays_in(first, last))


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start`; `start` itself is not counted (n >= 1).

    The appeal deadline: feedback on Monday 29 September 2025, five working days →
    13 October 2025 (30 Sep, 9 Oct, 10 Oct, Saturday 11 Oct (调休), 13 Oct).

    Reads one calendar year at a time, so that a deadline that falls in a covered year is
    answered even when the following year is not yet entered. Raises CalendarNotCovered.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    first = start + timedelta(days=1)
    while True:
        last = date(first.year, 12, 31)
        found = workdays_in(first, last)
        if len(found) >= n:
            return found[n - 1]
        n -= len(found)
        first = last + timedelta(days=1)
