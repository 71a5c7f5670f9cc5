"""Reads of the audit log, for the audit administrator only (the view checks who asks)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kaohe.audit.models import AuditEvent


def search(criteria: dict[str, Any]) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if criteria.get("username"):
        events = events.filter(username__icontains=criteria["username"])
    if criteria.get("action"):
        events = events.filter(action__icontains=criteria["action"])
    if criteria.get("target"):
        events = events.filter(_object_matches(criteria["target"]))
    if criteria.get("since"):
        events = events.filter(at__gte=_start_of(criteria["since"]))
    if criteria.get("until"):
        events = events.filter(at__lt=_start_of(criteria["until"] + datetime.timedelta(days=1)))
    return events.order_by("-seq")


def _object_matches(text: str) -> Q:
    label, _, pk = text.strip().partition(":")
    if pk:
        return Q(object_type__iexact=label, object_id=pk)
    return (Q(object_type__icontains=text) | Q(object_repr__icontains=text)
            | Q(object_id=text))


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
