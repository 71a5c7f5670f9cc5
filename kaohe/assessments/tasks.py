"""The daily reminders as a background job (decision 0028): `kaohe send-reminders` queues it
(from cron), a worker sends it. Reminding once a day a person makes it safe to run again after
a worker stopped half-way (kaohe/assessments/reminders.py)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from kaohe.assessments import reminders
from kaohe.jobs import services as jobs
from kaohe.jobs.models import Job, Kind


def reminders_request() -> Job:
    """The installation's own job (no owner, no page); while one waits, asking again returns
    it: reminders queued on days no worker ran are sent once."""
    return jobs.job_request(by=None, kind=Kind.REMINDERS, arguments={}, task=send_reminders,
                            title=_("待办提醒（%(day)s）") % {"day": timezone.localdate()})


@task()
def send_reminders(job_id: int) -> None:
    jobs.run(job_id, send)


def send(job: Job, running: jobs.Running) -> jobs.Made:
    sent = reminders.send_due(running.progress)
    return jobs.Made(outcome=_("已向 %(n)d 人发送待办提醒。") % {"n": sent})
