"""The daily reminders (`kaohe send-reminders`, for cron every working morning): tell each
reviewer, approver and person what is due or overdue in the open quarters, in the app and by
e-mail. At most once a day a person, so that a run stopped half-way and run again (its job
resumed after a worker stopped, or cron running twice) reminds nobody twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaohe.assessments import selectors
from kaohe.assessments.models import WRITING, Notice, Notification
from kaohe.assessments.services import notify
from kaohe.org.access import actor_for
from kaohe.org.models import Person
from kaohe.plans.models import PeriodState


def due_today() -> QuerySet[Person]:
    """Everyone with an open quarter who has not had today's reminder yet."""
    reminded = Notification.objects.filter(kind=Notice.REMINDER,
                                           created_at__date=timezone.localdate())
    return (Person.objects.filter(active=True, user__is_active=True)
            .filter(assessments__period__state=PeriodState.OPEN).distinct()
            .exclude(user__in=reminded.values("user_id")).select_related("user")
            .order_by("pk"))


def send_due(progress: Callable[[int, int], None] | None = None) -> int:
    """Remind everyone due today; `progress(done, total)` after each person. Returns how
    many were reminded. Written in the installation's language: a queue's `what` is the
    to-do list's word in it, translated when shown (kaohe.assessments.models.notice_text)."""
    people = list(due_today())
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for done, person in enumerate(people, start=1):
            sent += remind(person)
            if progress is not None:
                progress(done, len(people))
    return sent


def remind(person: Person) -> bool:
    lines = lines_for(person)
    if not lines:
        return False
    assert person.user is not None
    # The home page lists each item as a link; the reminder leads there.
    note = notify(person.user, Notice.REMINDER, {"lines": lines}, url=reverse("home"))
    if person.user.email:
        send_mail(_("平时考核待办提醒"), note.text, None, [person.user.email])
    return True


def lines_for(person: Person) -> list[dict[str, Any]]:
    """The reminder's lines as notices."""
    assert person.user is not None
    todo = selectors.todo(actor_for(person.user))
    lines: list[dict[str, Any]] = [
        {"kind": Notice.SUMMARY_DUE, "values": {"period": [a.period.year, a.period.quarter]}}
        for a in todo.mine if a.state in WRITING]
    for period, label, count, overdue, _where in todo.queues:
        lines.append({"kind": Notice.QUEUE_OVERDUE if overdue else Notice.QUEUE, "values": {
            "period": [period.year, period.quarter], "what": label, "count": count}})
    return lines
