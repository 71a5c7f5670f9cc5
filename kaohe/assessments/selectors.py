"""Reads of assessments and quarters: lists and single rows restricted through
kaohe.org.access, and the facts services and pages read (the 好 places, the appeal deadline,
what keeps a quarter open, who supervises whom, days on leave)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.assessments import rules
from kaohe.assessments.models import (
    DECIDED,
    FINISHED,
    UNDER_REVIEW,
    Assessment,
    AssessmentQuerySet,
    FollowUp,
    Leave,
    LiaisonRequest,
    Notification,
    State,
    Transition,
)
from kaohe.org import access
from kaohe.org.access import Actor
from kaohe.org.models import Category, Person
from kaohe.plans.models import Grade, Period, PeriodState
from kaohe.workdays.calendar import add_working_days, working_days

LIST_RELATED = ["person", "section", "period", "period__organ"]


def visible_assessments(actor: Actor) -> AssessmentQuerySet:
    return Assessment.objects.restrict(actor, "view")


def may_act(actor: Actor, action: str, assessment: Assessment) -> bool:
    """Whether `actor` may `action` ("view", "review", "approve", …) this assessment."""
    return Assessment.objects.restrict(actor, action).filter(pk=assessment.pk).exists()


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


def quota(period: Period) -> rules.Quota:
    """好 places of the quarter: the limit from the plan, and the ones already approved."""
    plan = period.plan
    good = Q(state__in=DECIDED, grade=Grade.GOOD)
    counts = period.assessments.aggregate(
        participants=Count("id"), determined=Count("id", filter=Q(grade_determined=True)),
        good=Count("id", filter=good),
        direct_good=Count("id", filter=good & Q(direct=True, proposed_grade=Grade.GOOD)))
    base = rules.cap_base(counts["participants"], counts["determined"],
                          includes_undetermined=plan.base_includes_undetermined)
    return rules.Quota(
        participants=base, ratio=plan.good_ratio,
        limit=rules.good_limit(base, plan.good_ratio, plan.good_rounding),
        used=rules.places_used(counts["good"], counts["direct_good"],
                               direct_good_counts=plan.direct_good_counts))


def appeal_deadline(assessment: Assessment) -> datetime.date | None:
    """The last day to appeal: 5 working days after the feedback day (§十(二), RULES.md)."""
    if assessment.feedback_given_on is None:
        return None
    return add_working_days(assessment.feedback_given_on, rules.APPEAL_WORKING_DAYS)


def supervising_leader(assessment: Assessment) -> Person | None:
    """The reviewer (§七(三)): the section chief for staff, the leader in charge for chiefs."""
    if assessment.category == Category.CHIEF:
        return assessment.section.leader_in_charge
    return Person.objects.filter(section_id=assessment.section_id, category=Category.CHIEF,
                                 active=True).first()


def leave_working_days(leaves: list[Leave], first: datetime.date, last: datetime.date) -> int:
    """Working days on leave within first..last; overlapping records are counted once."""
    return sum(working_days(start, end) for start, end in
               rules.merged_spans([(lv.start, lv.end) for lv in leaves], first, last))


def unfinished(period: Period) -> list[str]:
    """What still stands between the quarter and its closing, one line each."""
    problems = [
        _("%(name)s：%(state)s") % {"name": a.person.name, "state": State(a.state).label}
        for a in period.assessments.exclude(state__in=FINISHED).select_related("person")
    ]
    # An appeal still open would otherwise be decided after the quarter's results are final
    # (decision 0005): it is finished first. Undecided is "no decision time yet", which every
    # decision sets (kaohe.appeals.services), so this app need not know the appeal's states.
    problems += [
        _("%(name)s：申诉待处理") % {"name": name}
        for name in period.assessments.filter(appeal__isnull=False,
                                              appeal__decided_at__isnull=True)
        .order_by("person__personnel_no").values_list("person__name", flat=True)
    ]
    if period.published_at is None:
        problems.append(str(_("“好”等次人员名单尚未公布")))
    return problems


def published_good(period: Period) -> QuerySet[Assessment]:
    """The 好 list of a quarter, once the office has published it (§八(一))."""
    if period.published_at is None:
        return Assessment.objects.none()
    return (period.assessments.filter(state__in=DECIDED, grade=Grade.GOOD)
            .select_related("person", "section").order_by("section__code", "person__personnel_no"))


def to_review(actor: Actor, period: Period) -> QuerySet[Assessment]:
    """The quarter's assessments this actor reviews (§七(三)), section by section."""
    return (visible_assessments(actor).restrict(actor, "review").filter(period=period)
            .select_related(*LIST_RELATED)
            .order_by("section__code", "-category", "person__personnel_no"))


def to_approve(actor: Actor, period: Period) -> QuerySet[Assessment]:
    """The quarter's assessments this actor approves (§七(三)), those waiting first."""
    return (visible_assessments(actor).restrict(actor, "approve").filter(period=period)
            .select_related(*LIST_RELATED).order_by("state", "section__code",
                                                    "person__personnel_no"))


def proposed_good(period: Period) -> int:
    """Those proposed 好 and not yet approved: they will ask for a place."""
    return period.assessments.filter(state=State.PROPOSED, proposed_grade=Grade.GOOD).count()


def state_counts(actor: Actor, periods: list[Period]) -> dict[int, dict[str, int]]:
    """period id → state → how many of the assessments this actor sees, in one query."""
    counts: dict[int, dict[str, int]] = {}
    for row in (visible_assessments(actor).filter(period__in=periods)
                .values("period_id", "state").annotate(n=Count("id"))):
        counts.setdefault(row["period_id"], {})[row["state"]] = row["n"]
    return counts


def own_by_period(actor: Actor, periods: list[Period]) -> dict[int, Assessment]:
    """period id → the actor's own assessment in it, for the quarters page."""
    if actor.person is None:
        return {}
    return {a.period_id: a for a in
            visible_assessments(actor).filter(person=actor.person, period__in=periods)}


def latest_result(actor: Actor) -> Assessment | None:
    """The person's latest decided quarter, open or closed: the home page keeps it in view
    after the to-do is gone."""
    if actor.person is None:
        return None
    return (visible_assessments(actor).filter(person=actor.person, state__in=DECIDED)
            .select_related("period").order_by("-period__year", "-period__quarter").first())


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
    queues: list[tuple[Period, str, int, bool, str]]  # period, what, how many, overdue, where
    liaison: int
    follow_ups: int
    notifications: list[Notification] = field(default_factory=list)


def _queue_counts(actor: Actor,
                  open_: QuerySet[Assessment]) -> list[tuple[int, str, int, str]]:
    """(quarter, what waits, how many, the page where it is done) for the reviewer and the
    approver, in one query."""
    review, approve = access.reviewable(actor), access.approvable(actor)
    waiting = [
        (str(_("待审核评鉴")), review & Q(state__in=UNDER_REVIEW), "review_screen"),
        (str(_("待审定")), approve & Q(state__in=rules.states_allowing("approve")),
         "approval_screen"),
        (str(_("待反馈")), review & Q(state__in=rules.states_allowing("feedback")),
         "review_screen")]
    rows = (open_.filter(review | approve).values("period_id").order_by()
            .annotate(**{f"n{i}": Count("id", filter=when) for i, (_l, when, _p) in
                         enumerate(waiting)}))
    return [(row["period_id"], label, row[f"n{i}"], page)
            for row in rows for i, (label, _w, page) in enumerate(waiting) if row[f"n{i}"]]


def todo(actor: Actor) -> Todo:
    if actor.person is None:
        return Todo([], [], 0, 0)
    today = timezone.localdate()
    open_ = visible_assessments(actor).filter(period__state=PeriodState.OPEN)
    mine = list(open_.filter(person=actor.person).select_related("period"))
    counted = _queue_counts(actor, open_)
    periods = Period.objects.in_bulk({period_id for period_id, _label, _n, _p in counted})
    queues = [(periods[pk], label, n, today > periods[pk].last_day, reverse(page, args=[pk]))
              for pk, label, n, page in counted]
    return Todo(
        notifications=list(Notification.objects.filter(user=actor.user, read=False)[:5]),
        mine=mine,
        queues=queues,
        liaison=liaison_requests(actor).filter(answered_at__isnull=True).count(),
        follow_ups=follow_ups(actor).filter(done_on__isnull=True).count(),
    )
