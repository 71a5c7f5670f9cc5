"""`kaohe send-reminders` (for cron, e.g. every working morning): tell each reviewer, approver
and person what is due or overdue in the open quarters, in the app and by e-mail."""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaohe.assessments import selectors
from kaohe.assessments.models import WRITING, Notice
from kaohe.assessments.services import notify
from kaohe.org.access import actor_for
from kaohe.org.models import Person
from kaohe.plans.models import PeriodState


class Command(BaseCommand):
    help = "Send reminders of due and overdue assessment work (in-app and e-mail)."

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("zh-hans")
        people = (Person.objects.filter(active=True, user__is_active=True)
                  .filter(assessments__period__state=PeriodState.OPEN).distinct()
                  .select_related("user"))
        sent = 0
        for person in people:
            lines = self.lines_for(person)
            if not lines:
                continue
            assert person.user is not None
            # The home page lists each item as a link; the reminder leads there.
            note = notify(person.user, Notice.REMINDER, {"lines": lines}, url=reverse("home"))
            if person.user.email:
                send_mail(_("平时考核待办提醒"), note.text, None, [person.user.email])
            sent += 1
        self.stdout.write(f"{sent} reminders on {timezone.localdate()}")

    @staticmethod
    def lines_for(person: Person) -> list[dict[str, Any]]:
        """The reminder's lines as notices; a queue's `what` is the Chinese word of the to-do
        list (the command runs in Chinese), translated when shown."""
        assert person.user is not None
        todo = selectors.todo(actor_for(person.user))
        lines: list[dict[str, Any]] = [
            {"kind": Notice.SUMMARY_DUE, "values": {"period": [a.period.year, a.period.quarter]}}
            for a in todo.mine if a.state in WRITING]
        for period, label, count, overdue, _where in todo.queues:
            lines.append({"kind": Notice.QUEUE_OVERDUE if overdue else Notice.QUEUE, "values": {
                "period": [period.year, period.quarter], "what": label, "count": count}})
        return lines
