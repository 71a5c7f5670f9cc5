"""Sick and personal leave, and the grade it leaves undetermined (§十(三)): recorded,
corrected and deleted by the office of the organ that assesses the quarters it touches
(decision 0003), each change audited with the previous values and followed by the quarters'
undetermined flags. Half is measured against the working days the person was in service in
the quarter. Once a grade the leave bears on is approved, a change needs a written reason and
re-decides that grade in a recorded step; a closed quarter changes only on appeal."""

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
from kaohe.assessments.models import DECIDED, Assessment, Leave, LeaveKind, State
from kaohe.assessments.services.common import bounded, record, required, snapshot
from kaohe.assessments.services.publication import publication_correct
from kaohe.audit import chain as audit
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org import access
from kaohe.org.models import Assignment, Organ, Person, assessing_organ_of
from kaohe.plans.models import Period, PeriodState
from kaohe.workdays.calendar import workdays_in

Span = tuple[datetime.date, datetime.date]
REGRADE_FIELDS = ["state", "grade", "grade_determined"]


def _quarters(spans: Iterable[Span]) -> set[tuple[int, int]]:
    """(year, quarter) of every quarter that any of `spans` touches."""
    return {(year, quarter) for start, end in spans for year in range(start.year, end.year + 1)
            for quarter in range(1, 5)
            if Period(year=year, quarter=quarter).first_day <= end
            and start <= Period(year=year, quarter=quarter).last_day}


def _touching(quarters: Iterable[tuple[int, int]]) -> Q:
    """Assessments of these quarters, by year and number."""
    condition = Q(pk__in=[])
    for year, quarter in quarters:
        condition |= Q(period__year=year, period__quarter=quarter)
    return condition


def _assessing_office(person: Person, spans: list[Span], by: User) -> None:
    """The organ that assesses a quarter records its leave (§十(三), decision 0003): the organ
    of the person's assessment of that quarter, or, before there is one, the organ the
    assignment rule names. A leave touching a quarter another organ assesses is refused."""
    quarters = _quarters(spans)
    opened = {(year, quarter): organ for year, quarter, organ in Assessment.objects.filter(
        _touching(quarters), person=person).values_list(
            "period__year", "period__quarter", "period__organ_id")}
    assignments = list(person.assignments.all())
    organ_ids = {opened.get(key) or _by_assignments(assignments, *key) or person.organ_id
                 for key in quarters}
    actor = access.actor_for(by)
    elsewhere = [organ.name for organ in Organ.objects.filter(pk__in=organ_ids).order_by("code")
                 if not access.may_run_periods(actor, organ)]
    if elsewhere:
        raise NotAllowed(_("这段请假所在的季度由%(organs)s考核，请假由考核机关的办公室登记；"
                           "跨越不同考核机关的请假请按季度分条登记。") % {
            "organs": "、".join(elsewhere)}, rule=rules.RULE_LEAVE)


def _by_assignments(assignments: list[Assignment], year: int, quarter: int) -> int | None:
    period = Period(year=year, quarter=quarter)
    return assessing_organ_of(assignments, period.first_day, period.last_day)


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


def _lock_touched(person: Person, spans: list[Span], reason: str) -> None:
    """Lock the quarters the leave touches, before and after the change, then the person's
    assessments in them: the order an approval takes them (decision 0004), so that one
    running at the same moment waits, then reads the flag this change leaves. Refused in a
    closed quarter; once a grade among them is approved, only with a written reason."""
    touched = Assessment.objects.filter(_touching(_quarters(spans)), person=person)
    list(Period.objects.select_for_update().filter(pk__in=touched.values("period_id"))
         .order_by("pk").values_list("pk"))
    states = list(touched.select_for_update(of=("self",)).order_by("pk")
                  .values_list("state", "period__state"))
    if any(period_state == PeriodState.CLOSED for _state, period_state in states):
        raise Refused(_("该人员相关季度已结束，请假记录不能再登记、更正或删除；"
                        "如有异议请走申诉程序。"), rule=rules.RULE_APPEAL, code="period_closed")
    if not reason and not rules.leave_may_change(state for state, _closed in states):
        raise Refused(_("该人员相关季度的等次已审定：登记、更正或删除请假须写明理由，"
                        "等次随之重新确定。"), rule=rules.RULE_LEAVE, code="reason_required")


def _refresh(person: Person, spans: list[Span], by: User, reason: str) -> None:
    for period in Period.objects.filter(assessments__person=person, state=PeriodState.OPEN):
        if any(period.first_day <= end and start <= period.last_day for start, end in spans):
            undetermined_refresh(period=period, people=[person.pk])
            _regrade_approved(period, person, by, reason)


def _regrade_approved(period: Period, person: Person, by: User, reason: str) -> None:
    """An approved grade the leave now bears on otherwise (§十(三)): over half the days, the
    grade is withdrawn and the quarter's outcome is 不确定等次; back under half, the grade
    is due again and goes back to the supervising leader (sent back). Recorded as a
    transition with the previous values and the reason; a withdrawn 好 is a dated correction
    of the published list."""
    assessment = period.assessments.filter(person=person, state__in=DECIDED).first()
    if assessment is None:
        return
    determined = rules.grade_determined(*_leave_and_service_days(period, person.pk))
    if determined == assessment.grade_determined:
        return
    previous, from_state, previous_grade = (snapshot(assessment, REGRADE_FIELDS),
                                            assessment.state, assessment.grade)
    assessment.grade_determined = determined
    if determined:
        assessment.state = State.SENT_BACK
    else:
        assessment.grade = ""
    assessment.save(update_fields=REGRADE_FIELDS)
    record(assessment, action="leave_regrade", from_state=from_state, by=by, reason=reason,
           previous=previous, values=snapshot(assessment, REGRADE_FIELDS))
    publication_correct(assessment=assessment, previous_grade=previous_grade, by=by,
                        reason=reason)


def _values(leave: Leave) -> dict[str, Any]:
    return {"kind": leave.kind, "start": str(leave.start), "end": str(leave.end)}


@transaction.atomic
def leave_record(*, person: Person, kind: str, start: datetime.date, end: datetime.date,
                 by: User, reason: str = "") -> Leave:
    """Record a leave. Once a grade it bears on is approved, `reason` is required."""
    spans = [(start, end)]
    _check_values(kind, start, end)
    _assessing_office(person, spans, by)
    reason = _bounded(reason)
    _lock_touched(person, spans, reason)
    leave = Leave.objects.create(person=person, kind=kind, start=start, end=end, recorded_by=by)
    if reason:
        audit.record("leave.record_after_approval", obj=leave, new=_values(leave),
                     reason=reason, user=by)
    _refresh(person, spans, by, reason)
    return leave


@transaction.atomic
def leave_correct(*, leave: Leave, kind: str, start: datetime.date, end: datetime.date,
                  reason: str, by: User) -> Leave:
    """Correct a leave record, with the reason."""
    leave = Leave.objects.select_for_update(of=("self",)).select_related(
        "person", "person__organ").get(pk=leave.pk)
    spans = [(leave.start, leave.end), (start, end)]
    _check_values(kind, start, end)
    _assessing_office(leave.person, spans, by)
    reason = _reason(reason)
    _lock_touched(leave.person, spans, reason)
    previous = _values(leave)
    leave.kind, leave.start, leave.end = kind, start, end
    leave.save(update_fields=["kind", "start", "end"])
    audit.record("leave.correct", obj=leave, old=previous, new=_values(leave), reason=reason,
                 user=by)
    _refresh(leave.person, spans, by, reason)
    return leave


@transaction.atomic
def leave_delete(*, leave: Leave, reason: str, by: User) -> None:
    """Delete a leave record entered by mistake, with the reason."""
    leave = Leave.objects.select_for_update(of=("self",)).select_related(
        "person", "person__organ").get(pk=leave.pk)
    spans = [(leave.start, leave.end)]
    _assessing_office(leave.person, spans, by)
    reason = _reason(reason)
    _lock_touched(leave.person, spans, reason)
    audit.record("leave.delete", obj=leave, old=_values(leave), reason=reason, user=by)
    person = leave.person
    leave.delete()
    _refresh(person, spans, by, reason)


def _reason(reason: str) -> str:
    return _bounded(required(reason, _("更正或删除请假记录须说明理由。"), rules.RULE_LEAVE))


def _bounded(reason: str) -> str:
    return bounded((reason or "").strip(), limits.REASON, _("理由"), rules.RULE_LEAVE)


def _leave_and_service_days(period: Period, person_id: int) -> tuple[int, int]:
    leaves = list(Leave.objects.filter(person_id=person_id, start__lte=period.last_day,
                                       end__gte=period.first_day))
    return selectors.leave_and_service_days(
        leaves, list(Assignment.objects.filter(person_id=person_id)), period)


def undetermined_refresh(*, period: Period, people: list[int] | None = None) -> None:
    """Mark who takes part without a grade: sick and personal leave over half the working
    days the person was in service in the quarter (§十(三)), on the Chinese calendar.
    Approved grades are left to _regrade_approved, which records why they change."""
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
    targets = targets.filter(Q(person_id__in=by_person) | Q(grade_determined=False))
    assignments: dict[int, list[Assignment]] = {}
    for assignment in Assignment.objects.filter(person_id__in=targets.values("person_id")):
        assignments.setdefault(assignment.person_id, []).append(assignment)
    workdays = workdays_in(period.first_day, period.last_day)
    for assessment in targets:
        determined = rules.grade_determined(*selectors.leave_and_service_days(
            by_person.get(assessment.person_id, []), assignments.get(assessment.person_id, []),
            period, workdays))
        if determined != assessment.grade_determined:
            assessment.grade_determined = determined
            assessment.save(update_fields=["grade_determined"])
