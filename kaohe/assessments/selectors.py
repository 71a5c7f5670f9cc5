"""Reads of assessments and quarters, restricted through kaohe.org.access."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.assessments import services
from kaohe.assessments.forms import (
    AcknowledgeForm,
    ApprovalForm,
    FeedbackForm,
    LeaveForm,
    OpenPeriodForm,
    ProposalForm,
    ReasonForm,
    SummaryForm,
)
from kaohe.assessments.models import (
    DECIDED,
    UNDER_REVIEW,
    WRITING,
    Assessment,
    FollowUp,
    LiaisonRequest,
    Notification,
    State,
    Transition,
)
from kaohe.org import access
from kaohe.org.access import Actor
from kaohe.plans.models import Grade, Indicator, Period, PeriodState
from kaohe.records.selectors import entries_of, summary_draft, tasks_of
from kaohe.reports.selectors import section_quotas
from kaohe.workdays.calendar import CalendarNotCovered

LIST_RELATED = ["person", "section", "period", "period__organ"]


def visible_assessments(actor: Actor) -> QuerySet[Assessment]:
    return Assessment.objects.filter(access.assessment_scope(actor))


def assessment_list(actor: Actor, *, period: int | None = None, section: str | None = None,
                    state: str | None = None) -> QuerySet[Assessment]:
    found = visible_assessments(actor).select_related(*LIST_RELATED)
    if period is not None:
        found = found.filter(period_id=period)
    if section:
        found = found.filter(section__code=section)
    if state:
        found = found.filter(state=state)
    return found.order_by("period__year", "period__quarter", "section__code", "category",
                          "person__personnel_no")


def assessment_detail(actor: Actor, pk: int) -> Assessment:
    history = Transition.objects.select_related("by").order_by("at", "id")
    return access.one_or_404(
        visible_assessments(actor).filter(pk=pk)
        .select_related(*LIST_RELATED, "period__plan")
        .prefetch_related("period__plan__indicators", Prefetch("transitions", queryset=history))
    )


def visible_periods(actor: Actor) -> QuerySet[Period]:
    if actor.user is None or (actor.person is None and not actor.department_organ_ids):
        return Period.objects.none()
    scope = Q(organ_id__in=actor.readable_organ_ids)
    if actor.person:  # a seconded-in person sees the quarter of the organ assessing them
        # EXISTS, not a join: joining the quarter's assessments made one row per person,
        # each counting the quarter again below, before DISTINCT (quadratic in its size).
        scope |= Q(Exists(Assessment.objects.filter(period=OuterRef("pk"),
                                                    person_id=actor.person.pk)))
    taking_part = (Assessment.objects.filter(period=OuterRef("pk")).order_by()
                   .values("period").annotate(n=Count("id")).values("n"))
    return (Period.objects.filter(scope).select_related("organ", "plan")
            .annotate(taking_part=Coalesce(Subquery(taking_part), 0)))


def period_detail(actor: Actor, pk: int) -> Period:
    return access.one_or_404(visible_periods(actor).filter(pk=pk))


def published_good(period: Period) -> QuerySet[Assessment]:
    """The 好 list of a quarter, once the office has published it (§八(一))."""
    if period.published_at is None:
        return Assessment.objects.none()
    return (period.assessments.filter(state__in=DECIDED, grade=Grade.GOOD)
            .select_related("person", "section").order_by("section__code", "person__personnel_no"))


# --- page contexts ------------------------------------------------------------------------------

def indicators(assessment: Assessment) -> list[Indicator]:
    return list(assessment.period.plan.indicators.all())


def form_errors(form: forms.Form) -> str:
    """All errors of a form on one line, each after its field's label."""
    def label(name: str) -> str:
        return f"{form[name].label} " if name in form.fields else ""
    return "；".join(f"{label(name)}{error}"
                    for name, errors in form.errors.items() for error in errors)


def actions_for(actor: Actor, assessment: Assessment) -> set[str]:
    """What this actor can do now on this assessment, to show only the forms that apply."""
    if assessment.period.is_closed or actor.person is None:
        return set()
    state = assessment.state
    acts: set[str] = set()
    if assessment.person_id == actor.person.pk:
        acts |= {"summary"} if state in WRITING else set()
        acts |= {"acknowledge"} if state == State.FEEDBACK else set()
    one = Assessment.objects.filter(pk=assessment.pk)
    if one.filter(access.reviewable(actor)).exists():
        proposable = state in (*UNDER_REVIEW, State.PROPOSED) or (
            not assessment.grade_determined and state in WRITING)
        acts |= {"propose", "liaison"} if proposable else set()
        acts |= {"return"} if state == State.SUBMITTED else set()
        acts |= {"feedback"} if state == State.APPROVED else set()
    if state == State.PROPOSED and one.filter(access.approvable(actor)).exists():
        acts |= {"approve", "send_back"}
    return acts


def proposal_form(assessment: Assessment, plan_indicators: list[Indicator],
                  data: Any = None) -> ProposalForm:
    initial: dict[str, Any] = {f"score_{code}": value
                               for code, value in assessment.scores.items()}
    initial.update({name: getattr(assessment, name) for name in [
        "direct", "direct_reason", "direct_reward", "colleagues_opinion", "recipients_opinion",
        "performance_results"]})
    initial.update(grade=assessment.proposed_grade or assessment.suggested_grade,
                   comment=assessment.proposal_comment, reason=assessment.proposal_reason)
    return ProposalForm(data, indicators=plan_indicators, initial=initial,
                        prefix=f"a{assessment.pk}")


def detail_context(actor: Actor, assessment: Assessment) -> dict[str, Any]:
    actions = actions_for(actor, assessment)
    plan_indicators = indicators(assessment)
    try:
        deadline, deadline_error = services.appeal_deadline(assessment), ""
    except CalendarNotCovered as missing:
        deadline, deadline_error = None, str(missing)
    summary = assessment.summary or summary_draft(assessment.person, assessment.period)
    return {
        "a": assessment,
        "actions": actions,
        "scored": [(i, assessment.scores.get(i.code)) for i in plan_indicators],
        "tasks": tasks_of(assessment.person, assessment.period.year),
        "entries": entries_of(assessment.person, assessment.period),
        "summary_form": SummaryForm(initial={"text": summary}),
        "proposal_form": proposal_form(assessment, plan_indicators),
        "approval_form": ApprovalForm(initial={"grade": assessment.proposed_grade}),
        "feedback_form": FeedbackForm(),
        "acknowledge_form": AcknowledgeForm(),
        "reason_form": ReasonForm(),
        # The liaison's opinion serves the reviewers; it is not shown to the person assessed.
        "liaison": (assessment.liaison_requests.select_related("liaison")
                    if actor.person is None or assessment.person_id != actor.person.pk else []),
        "appeal_deadline": deadline,
        "appeal_deadline_error": deadline_error,
        "quota": services.quota(assessment.period),
    }


def review_context(actor: Actor, period: Period) -> dict[str, Any]:
    rows = list(visible_assessments(actor).filter(access.reviewable(actor), period=period)
                .select_related(*LIST_RELATED).order_by("section__code", "-category",
                                                        "person__personnel_no"))
    plan_indicators = list(period.plan.indicators.all())
    return {
        "period": period,
        "rows": [(a, proposal_form(a, plan_indicators)) for a in rows],
        "indicators": plan_indicators,
        "quota": services.quota(period),
        "proposed_good": period.assessments.filter(state=State.PROPOSED,
                                                   proposed_grade=Grade.GOOD).count(),
        "section_quotas": section_quotas(actor, period),
    }


def approval_context(actor: Actor, period: Period) -> dict[str, Any]:
    rows = (visible_assessments(actor).filter(access.approvable(actor), period=period)
            .select_related(*LIST_RELATED).order_by("state", "section__code",
                                                    "person__personnel_no"))
    return {"period": period, "rows": rows, "quota": services.quota(period),
            "approval_form": ApprovalForm, "reason_form": ReasonForm()}


def periods_context(actor: Actor) -> dict[str, Any]:
    periods = list(visible_periods(actor).order_by("-year", "-quarter"))
    counts: dict[int, dict[str, int]] = {}
    for row in (visible_assessments(actor).filter(period__in=periods)
                .values("period_id", "state").annotate(n=Count("id"))):
        counts.setdefault(row["period_id"], {})[row["state"]] = row["n"]
    organ = actor.person.organ if actor.person else None
    may_run = organ is not None and access.may_run_periods(actor, organ)
    return {
        "periods": [(p, [(State(s).label, counts.get(p.pk, {}).get(s, 0)) for s in State.values],
                     sum(counts.get(p.pk, {}).values()),
                     services.unfinished(p) if may_run and not p.is_closed else [])
                    for p in periods],
        "may_run": may_run,
        "open_form": OpenPeriodForm(),
        "leave_form": LeaveForm(),
    }


def liaison_requests(actor: Actor) -> QuerySet[LiaisonRequest]:
    if actor.person is None:
        return LiaisonRequest.objects.none()
    return (LiaisonRequest.objects.filter(liaison=actor.person)
            .select_related("assessment__person", "assessment__period").order_by("-asked_at"))


def follow_ups(actor: Actor) -> QuerySet[FollowUp]:
    if actor.person is None:
        return FollowUp.objects.none()
    return (FollowUp.objects.filter(assigned_to=actor.person)
            .select_related("assessment__person", "assessment__period")
            .order_by("done_on", "-created_at"))


@dataclass
class Todo:
    """What a person has to do now, for their home page (and the reminders)."""

    mine: list[Assessment]
    queues: list[tuple[Period, str, int, bool]]  # period, what, how many, overdue
    liaison: int
    follow_ups: int
    notifications: list[Notification] = field(default_factory=list)


def _queue_counts(actor: Actor, open_: QuerySet[Assessment]) -> list[tuple[int, str, int]]:
    """(quarter, what waits, how many) for the reviewer and the approver, in one query."""
    review, approve = access.reviewable(actor), access.approvable(actor)
    waiting = [(str(_("待审核评鉴")), review & Q(state__in=UNDER_REVIEW)),
               (str(_("待审定")), approve & Q(state=State.PROPOSED)),
               (str(_("待反馈")), review & Q(state=State.APPROVED))]
    rows = (open_.filter(review | approve).values("period_id").order_by()
            .annotate(**{f"n{i}": Count("id", filter=when) for i, (_l, when) in
                         enumerate(waiting)}))
    return [(row["period_id"], label, row[f"n{i}"])
            for row in rows for i, (label, _w) in enumerate(waiting) if row[f"n{i}"]]


def todo(actor: Actor) -> Todo:
    if actor.person is None:
        return Todo([], [], 0, 0)
    today = timezone.localdate()
    open_ = visible_assessments(actor).filter(period__state=PeriodState.OPEN)
    mine = list(open_.filter(person=actor.person).select_related("period"))
    counted = _queue_counts(actor, open_)
    periods = Period.objects.in_bulk({period_id for period_id, _label, _n in counted})
    queues = [(periods[pk], label, n, today > periods[pk].last_day) for pk, label, n in counted]
    return Todo(
        notifications=list(Notification.objects.filter(user=actor.user, read=False)[:5]),
        mine=mine,
        queues=queues,
        liaison=liaison_requests(actor).filter(answered_at__isnull=True).count(),
        follow_ups=follow_ups(actor).filter(done_on__isnull=True).count(),
    )
