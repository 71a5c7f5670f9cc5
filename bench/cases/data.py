"""Finding the synthetic province's people and undoing what a case wrote."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Q

from kaohe.accounts.models import User
from kaohe.assessments.models import Assessment, FollowUp, Transition
from kaohe.org.models import Category, Duty, Organ, OrganDuty
from kaohe.plans.models import Period
from kaohe.synth.generator import PREFIX


def office_users() -> dict[int, User]:
    """organ id → an office member's account: the one who opens quarters."""
    return {duty.organ_id: duty.person.user for duty in
            OrganDuty.objects.filter(duty=Duty.OFFICE).select_related("person__user")
            if duty.person.user}


def largest_organ() -> Organ:
    """The province's largest organ (not the one-organ copy of the province)."""
    assessed = Q(people__category__in=[Category.CHIEF, Category.STAFF])
    found = (Organ.objects.filter(code__startswith=PREFIX)
             .annotate(n=Count("people", filter=assessed)).order_by("-n", "code").first())
    assert found is not None
    return found


def delete_quarter(year: int, quarter: int, organ_ids: list[int] | None = None) -> None:
    """Raw deletes: a queryset delete would send a signal, and an audit event, per row."""
    periods = Period.objects.filter(year=year, quarter=quarter)
    if organ_ids is not None:
        periods = periods.filter(organ_id__in=organ_ids)
    ids = list(periods.values_list("id", flat=True))
    if not ids:
        return
    assessments = Assessment.objects.filter(period_id__in=ids).values("id")
    for model in (Transition, FollowUp):
        model.objects.filter(assessment_id__in=assessments)._raw_delete(connection.alias)
    Assessment.objects.filter(period_id__in=ids)._raw_delete(connection.alias)
    periods._raw_delete(connection.alias)


def vacuum() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE assessments_assessment")
