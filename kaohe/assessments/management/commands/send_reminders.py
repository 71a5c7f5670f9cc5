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
from kaohe.assessments.models import WRITING
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
            text = "；".join(lines)
            assert person.user is not None
            # The home page lists each item as a link; the reminder leads there.
            notify(person.user, text, url=reverse("home"))
            if person.user.email:
                send_mail(_("平时考核待办提醒"), text, None, [person.user.email])
            sent += 1
        self.stdout.write(f"{sent} reminders on {timezone.localdate()}")

    @staticmethod
    def lines_for(person: Person) -> list[str]:
        assert person.user is not None
        todo = selectors.todo(actor_for(person.user))
        lines = [_("请提交 %(period)s 的个人小结") % {"period": a.period}
                 for a in todo.mine if a.state in WRITING]
        for period, label, count, overdue, _where in todo.queues:
            line = f"{period} {label}：{count}"
            lines.append(line + (_("（已逾期）") if overdue else ""))
        return lines
