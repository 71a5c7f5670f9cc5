"""`kaohe send-reminders` (for cron, e.g. every working morning): tell each reviewer, approver
and person what is due or overdue in the open quarters, in the app and by e-mail. Queued as a
background job for `kaohe worker` (decision 0028); `--now` sends them in this process."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from kaohe.assessments import reminders, tasks


class Command(BaseCommand):
    help = ("Send reminders of due and overdue assessment work (in-app and e-mail): queued for "
            "the background workers, or at once with --now. Nobody is reminded twice a day.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true",
                            help="send them in this process, without a worker")

    def handle(self, *args: Any, now: bool, **options: Any) -> None:
        if now:
            sent = reminders.send_due()
            self.stdout.write(f"{sent} reminders on {timezone.localdate()}")
            return
        job = tasks.reminders_request()
        self.stdout.write(f"Reminders queued as job {job.pk}; `kaohe worker` sends them.")
