"""Reads of assessments and quarters, restricted through kaohe.org.access."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from kaohe.assessments.models import DECIDED, Assessment, Transition
from kaohe.org import access
from kaohe.org.access import Actor
from kaohe.plans.models import Grade, Period

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
        scope |= Q(assessments__person_id=actor.person.pk)
    return Period.objects.filter(scope).distinct().select_related("organ", "plan")


def period_detail(actor: Actor, pk: int) -> Period:
    return access.one_or_404(visible_periods(actor).filter(pk=pk))


def published_good(period: Period) -> QuerySet[Assessment]:
    """The 好 list of a quarter, once the office has published it (§八(一))."""
    if period.published_at is None:
        return Assessment.objects.none()
    return (period.assessments.filter(state__in=DECIDED, grade=Grade.GOOD)
            .select_related("person", "section").order_by("section__code", "person__personnel_no"))
