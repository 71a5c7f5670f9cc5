"""Sick and personal leave, and the grade it leaves undetermined (§十(三)): recording a leave,
correcting and deleting it until a grade it bears on is approved, each change audited with the
previous values and followed by the quarters' undetermined flags."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.assessments import rules, selectors
from kaohe.assessments.models import DECIDED, Assessment, Leave, LeaveKind
from kaohe.assessments.services.common import bounded, require, required
from kaohe.audit import chain as audit
from kaohe.errors import Invalid, Refused
from kaohe.org import access
from kaohe.org.models import Person
from kaohe.plans.models import Period, PeriodState
from kaohe.workdays.calendar import working_days

Span = tuple[datetime.date, datetime.date]


def _office_only(person: Person, by: User) -> None:
    require(access.may_run_periods(access.actor_for(by), person.organ),
            _("只有本机关办公室可以登记请假。"), rules.RULE_LEAVE)


def _check_values(kind: str, start: datetime.date, end: datetime.date) -> None:
    if kind not in LeaveKind.values:
        raise Invalid(_("请假类型须为病假（sick）或事假（personal）。"), rule=rules.RULE_LEAVE)
    if end < start:
        raise Invalid(_("结束日期不能早于开始日期。"), rule=rules.RULE_LEAVE)
    if start.year < limits.YEAR_MIN or end.year > limits.YEAR_MAX:
        raise Invalid(_("请假日期须在 %(first)d 到 %(last)d 年之间。") % {
            "first": limits.YEAR_MIN, "last": limits.YEAR_MAX}, rule=rules.RULE_LEAVE)
    if (end - start).days >= 366:
        raise Invalid(_("一条请假记录不超过一年；更长的请假请按年度分条登记。"),
                      rule=rules.RULE_LEAVE)


def _touching(spans: Iterable[Span]) -> Q:
    """Assessments of quarters that any of `spans` touches (by the quarter's dates)."""
    condition = Q(pk__in=[])
    for start, end in spans:
        quarters = [(year, quarter) for year in range(start.year, end.year + 1)
                    for quarter in range(1, 5)
                    if Period(year=year, quarter=quarter).first_day <= end
                    and start <= Period(year=year, quarter=quarter).last_day]
        for year, quarter in quarters:
            condition |= Q(period__year=year, period__quarter=quarter)
    return condition


def _lock_undecided(person: Person, spans: list[Span]) -> None:
    """Lock the person's assessments in the quarters the leave touches, before and after the
    change, and refuse if a grade among them is already approved. The lock makes an approval
    running at the same moment wait, and then read the flag this change leaves."""
    touched = list(Assessment.objects.select_for_update(of=("self",))
                   .filter(_touching(spans), person=person).order_by("pk")
                   .values_list("state", flat=True))
    if not rules.leave_may_change(touched):
        raise Refused(_("该人员相关季度的等次已审定，请假记录不能再更正或删除；"
                        "如有异议请走申诉程序。"), rule=rules.RULE_LEAVE, code="grade_approved")


def _refresh(person: Person, spans: list[Span]) -> None:
    for period in Period.objects.filter(assessments__person=person, state=PeriodState.OPEN):
        if any(period.first_day <= end and start <= period.last_day for start, end in spans):
            undetermined_refresh(period=period, people=[person.pk])


def _values(leave: Leave) -> dict[str, Any]:
    return {"kind": leave.kind, "start": str(leave.start), "end": str(leave.end)}


@transaction.atomic
def leave_record(*, person: Person, kind: str, start: datetime.date, end: datetime.date,
                 by: User) -> Leave:
    _office_only(person, by)
    _check_values(kind, start, end)
    leave = Leave.objects.create(person=person, kind=kind, start=start, end=end, recorded_by=by)
    _refresh(person, [(start, end)])
    return leave


@transaction.atomic
def leave_correct(*, leave: Leave, kind: str, start: datetime.date, end: datetime.date,
                  reason: str, by: User) -> Leave:
    """Correct a leave record until a grade it bears on, before or after, is approved."""
    leave = Leave.objects.select_for_update(of=("self",)).select_related(
        "person", "person__organ").get(pk=leave.pk)
    _office_only(leave.person, by)
    _check_values(kind, start, end)
    reason = _reason(reason)
    spans = [(leave.start, leave.end), (start, end)]
    _lock_undecided(leave.person, spans)
    previous = _values(leave)
    leave.kind, leave.start, leave.end = kind, start, end
    leave.save(update_fields=["kind", "start", "end"])
    audit.record("leave.correct", obj=leave, old=previous, new=_values(leave), reason=reason,
                 user=by)
    _refresh(leave.person, spans)
    return leave


@transaction.atomic
def leave_delete(*, leave: Leave, reason: str, by: User) -> None:
    """Delete a leave record entered by mistake, until a grade it bears on is approved."""
    leave = Leave.objects.select_for_update(of=("self",)).select_related(
        "person", "person__organ").get(pk=leave.pk)
    _office_only(leave.person, by)
    reason = _reason(reason)
    spans = [(leave.start, leave.end)]
    _lock_undecided(leave.person, spans)
    audit.record("leave.delete", obj=leave, old=_values(leave), reason=reason, user=by)
    person = leave.person
    leave.delete()
    _refresh(person, spans)


def _reason(reason: str) -> str:
    reason = required(reason, _("更正或删除请假记录须说明理由。"), rules.RULE_LEAVE)
    return bounded(reason, limits.REASON, _("理由"), rules.RULE_LEAVE)


def undetermined_refresh(*, period: Period, people: list[int] | None = None) -> None:
    """Mark who takes part without a grade: sick and personal leave over half the quarter's
    working days (§十(三)), on the Chinese calendar."""
    leaves = Leave.objects.filter(start__lte=period.last_day, end__gte=period.first_day)
    if people is not None:
        leaves = leaves.filter(person_id__in=people)
    by_person: dict[int, list[Leave]] = {}
    for leave in leaves:
        by_person.setdefault(leave.person_id, []).append(leave)
    targets = period.assessments.exclude(state__in=DECIDED)
    if people is not None:
        targets = targets.filter(person_id__in=people)
    elif not by_person:
        return
    quarter_days = working_days(period.first_day, period.last_day)
    for assessment in targets.filter(Q(person_id__in=by_person) | Q(grade_determined=False)):
        on_leave = selectors.leave_working_days(by_person.get(assessment.person_id, []),
                                                period.first_day, period.last_day)
        determined = rules.grade_determined(on_leave, quarter_days)
        if determined != assessment.grade_determined:
            assessment.grade_determined = determined
            assessment.save(update_fields=["grade_determined"])
