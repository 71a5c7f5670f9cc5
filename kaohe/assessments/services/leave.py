"""Sick and personal leave, and the grade it leaves undetermined (§十(三))."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.assessments import rules, selectors
from kaohe.assessments.models import DECIDED, Leave, LeaveKind
from kaohe.assessments.services.common import require
from kaohe.errors import Invalid
from kaohe.org import access
from kaohe.org.models import Person
from kaohe.plans.models import Period, PeriodState
from kaohe.workdays.calendar import working_days


@transaction.atomic
def leave_record(*, person: Person, kind: str, start: datetime.date, end: datetime.date,
                 by: User) -> Leave:
    require(access.may_run_periods(access.actor_for(by), person.organ),
            _("只有本机关办公室可以登记请假。"), rules.RULE_LEAVE)
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
    leave = Leave.objects.create(person=person, kind=kind, start=start, end=end, recorded_by=by)
    for period in Period.objects.filter(assessments__person=person, state=PeriodState.OPEN):
        if period.first_day <= end and start <= period.last_day:  # only quarters it touches
            undetermined_refresh(period=period, people=[person.pk])
    return leave



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

