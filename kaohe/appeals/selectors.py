"""Reads of appeals, restricted through kaohe.org.access."""

from __future__ import annotations

import datetime
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.appeals.models import Appeal, AppealState, Opinion
from kaohe.assessments import selectors as assessments
from kaohe.assessments.models import FINISHED, Assessment
from kaohe.assessments.rules import APPEAL_WORKING_DAYS
from kaohe.errors import Refused
from kaohe.org import access
from kaohe.org.access import Actor
from kaohe.workdays.calendar import CalendarNotCovered, workdays_in

# No 5 working days after a feedback day span more than this many calendar days on the
# official calendar (the longest holiday, Spring Festival, with its weekends: about 16).
WINDOW_HORIZON = 31
RULE = "§十(二)"
RELATED = ["assessment__person", "assessment__section", "assessment__period",
           "assessment__period__organ"]


def today() -> datetime.date:
    """The day an online appeal is filed and a decision taken (tests move it)."""
    return timezone.localdate()


def deadline_of(assessment: Assessment) -> datetime.date:
    """The last day to appeal, or a refusal when there is no feedback yet to appeal against."""
    deadline = assessments.appeal_deadline(assessment)
    if deadline is None or assessment.state not in FINISHED:
        raise Refused(_("结果反馈给本人后才能申诉。"), rule=RULE, code="wrong_state")
    return deadline


def window_open(assessment: Assessment, on: datetime.date | None = None) -> bool:
    """Whether an appeal filed on `on` (today by default) would still be in time."""
    try:
        return (on or today()) <= deadline_of(assessment)
    except Refused:
        return False


def visible_appeals(actor: Actor) -> QuerySet[Appeal]:
    return Appeal.objects.restrict(actor)


def appeal_list(actor: Actor) -> QuerySet[Appeal]:
    """Pending first (filed earliest first: waiting longest), then the decided ones, the
    latest decision first."""
    pending_first = Case(When(state=AppealState.PENDING, then=Value(0)), default=Value(1),
                         output_field=IntegerField())
    return (visible_appeals(actor).select_related(*RELATED)
            .annotate(pending_first=pending_first)
            .order_by("pending_first", F("decided_at").desc(nulls_last=True), "filed_on",
                      "id"))


def appeal_detail(actor: Actor, pk: int) -> Appeal:
    opinions = Opinion.objects.select_related("recorded_by")
    return access.one_or_404(visible_appeals(actor).filter(pk=pk)
                             .select_related(*RELATED, "filed_by", "decided_by")
                             .prefetch_related(Prefetch("opinions", queryset=opinions)))


def may_handle(actor: Actor, appeal: Appeal) -> bool:
    return Appeal.objects.restrict(actor, "handle").filter(pk=appeal.pk).exists()


@dataclass
class Card:
    """The appeal part of an assessment page, for whoever looks at it."""

    appeal: Appeal | None
    deadline: Any  # date or None
    deadline_error: str
    may_file: bool  # the person assessed, window open, no appeal yet
    may_register: bool  # the office, after feedback, no appeal yet
    visible: bool  # the viewer may open the appeal


def card(actor: Actor, assessment: Assessment) -> Card:
    try:
        appeal: Appeal | None = assessment.appeal  # read with the assessment, if it was
    except Appeal.DoesNotExist:
        appeal = None
    deadline, error = None, ""
    try:
        deadline = deadline_of(assessment)
    except CalendarNotCovered as missing:
        error = str(missing)
    except Refused:
        pass
    own = actor.person is not None and assessment.person_id == actor.person.pk
    handler = access.may_list_appeals_to_handle(actor) and (
        Assessment.objects.restrict(actor, "handle_appeal").filter(pk=assessment.pk).exists())
    return Card(
        appeal=appeal, deadline=deadline, deadline_error=error,
        may_file=own and appeal is None and deadline is not None
        and today() <= deadline,
        may_register=handler and appeal is None and deadline is not None,
        visible=appeal is not None and (own or handler),
    )


def pending_to_handle(actor: Actor) -> QuerySet[Appeal]:
    return Appeal.objects.restrict(actor, "handle").filter(state=AppealState.PENDING)


def open_windows(actor: Actor) -> list[Assessment]:
    """Assessments whose appeal window is open today and that have no appeal yet: one's own
    (to file), and for the office its organ's (to register a paper appeal). A shortcut for
    the appeals page only; the service decides with the exact deadline.

    One query for the rows and one for the calendar: the window is open today when fewer
    than 5 working days lie strictly between the feedback day and today."""
    if actor.person is None:
        return []
    day = today()
    since = day - datetime.timedelta(days=WINDOW_HORIZON)
    rows = list(Assessment.objects
                .filter(Q(person_id=actor.person.pk) | access.appeals_handled(actor),
                        state__in=FINISHED, feedback_given_on__range=(since, day),
                        appeal__isnull=True)
                .select_related("person", "section", "period")
                .order_by("feedback_given_on", "person__personnel_no"))
    if not rows:
        return []
    try:
        workdays = workdays_in(since, day - datetime.timedelta(days=1))
    except CalendarNotCovered:
        return []
    before_today = len(workdays)
    return [a for a in rows if a.feedback_given_on is not None and before_today - bisect_left(
        workdays, a.feedback_given_on + datetime.timedelta(days=1)) < APPEAL_WORKING_DAYS]


@dataclass
class Result:
    """One quarter of a person's results as the person's page shows it: the assessment (grade,
    feedback, the person's confirmation) and the appeal, when the reader may see it."""

    assessment: Assessment
    appeal: Appeal | None


def results_of(actor: Actor, person: Any) -> list[Result]:
    """Every quarter of `person` that `actor` may see, the latest first, open or closed; the
    appeals only where the actor may see them (the person, the office: decision 0005)."""
    found = list(assessments.visible_assessments(actor).filter(person=person)
                 .select_related("period", "period__organ", "section")
                 .order_by("-period__year", "-period__quarter", "-period__organ_id"))
    appeals = {appeal.assessment_id: appeal for appeal in
               visible_appeals(actor).filter(assessment__in=[a.pk for a in found])}
    return [Result(assessment=a, appeal=appeals.get(a.pk)) for a in found]
