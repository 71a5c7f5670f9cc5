"""How a job survives its worker (decision 0028). django-tasks-db marks a queue entry RUNNING
when a worker claims it and never looks at it again: a worker killed in the middle of a job
(SIGKILL, out of memory, its machine down) would leave the entry RUNNING, and the job's page
spinning, for ever. So each `kaohe worker` says it is alive every few seconds (its `Worker`
row), and every worker, when it starts and with each beat (`sweep`):

- puts back to READY the entries RUNNING under a worker not heard from for
  KAOHE_JOBS_WORKER_TIMEOUT seconds: another worker (or the same, restarted) runs the job again
  from the beginning, writing its file aside until complete (kaohe/jobs/services.py);
- ends, with a message, the jobs whose entry ended without them (the task could not even
  start) or is gone;
- deletes, once an hour, what is older than KAOHE_JOBS_KEEP_DAYS: finished jobs, their files,
  their entries and the rows of workers long gone."""

from __future__ import annotations

import datetime
import os
import socket

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kaohe.jobs import storage
from kaohe.jobs.models import FINISHED, UNFINISHED, Job, JobState, Worker

PRUNE_EVERY = datetime.timedelta(hours=1)
# A file nobody names is removed only when this old: a job may still be writing it.
STRAY_AFTER_SECONDS = 24 * 3600


def timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.KAOHE_JOBS_WORKER_TIMEOUT)


def beat_interval() -> float:
    """Several beats fit in the timeout: one delayed beat (a slow write on a busy database)
    does not make a live worker look stopped."""
    return max(settings.KAOHE_JOBS_WORKER_TIMEOUT / 6, 0.2)


def beat(worker_id: str, now: datetime.datetime) -> None:
    Worker.objects.update_or_create(worker_id=worker_id, defaults={
        "host": socket.gethostname()[:255], "pid": os.getpid(), "beat_at": now})


def leave(worker_id: str) -> None:
    """A worker stopping cleanly says so: its row would otherwise count as alive a while."""
    Worker.objects.filter(worker_id=worker_id).delete()


def alive(now: datetime.datetime) -> QuerySet[Worker]:
    return Worker.objects.filter(beat_at__gte=now - timeout())


def sweep(worker_id: str, now: datetime.datetime, *, prune_too: bool = False) -> None:
    beat(worker_id, now)
    requeue_orphans(now)
    end_lost_jobs(now)
    if prune_too:
        prune(now)


def requeue_orphans(now: datetime.datetime) -> int:
    """Queue entries RUNNING under a stopped worker, back to READY; their jobs waiting again."""
    live = set(alive(now).values_list("worker_id", flat=True))
    orphans = [entry.pk for entry in DBTaskResult.objects.running().only("id", "worker_ids")
               if not entry.worker_ids or entry.worker_ids[-1] not in live]
    if not orphans:
        return 0
    with transaction.atomic():
        # Guarded by the status: of two workers sweeping at once, one puts each entry back.
        count = (DBTaskResult.objects.filter(pk__in=orphans, status=TaskResultStatus.RUNNING)
                 .update(status=TaskResultStatus.READY, started_at=None))
        Job.objects.filter(task_id__in=[str(pk) for pk in orphans], state__in=UNFINISHED
                           ).update(state=JobState.QUEUED)
    return count


def end_lost_jobs(now: datetime.datetime) -> None:
    """A job unfinished whose queue entry has finished (or is gone) was never ended by its
    own work: say so on its page instead of showing it in progress for ever."""
    waiting = dict(Job.objects.unfinished().exclude(task_id="").values_list("task_id", "pk"))
    if not waiting:
        return
    pending = {str(pk) for pk in DBTaskResult.objects.filter(pk__in=list(waiting)).filter(
        status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING)).values_list(
        "pk", flat=True)}
    for job in Job.objects.filter(pk__in=[pk for task, pk in waiting.items()
                                          if task not in pending]):
        with translation.override(job.language):
            error = _("任务意外中止，未能完成。请重新申请；如仍失败，请联系系统管理员。")
        # Guarded by the state: the job may have finished since it was read.
        Job.objects.filter(pk=job.pk, state__in=UNFINISHED).update(
            state=JobState.FAILED, finished_at=now, error=error)


def prune(now: datetime.datetime) -> None:
    """What is older than KAOHE_JOBS_KEEP_DAYS: finished jobs and their files, finished queue
    entries, and the rows of workers not heard from since."""
    cutoff = now - datetime.timedelta(days=settings.KAOHE_JOBS_KEEP_DAYS)
    old = Job.objects.filter(state__in=FINISHED, finished_at__lt=cutoff)
    storage.remove(old.exclude(file="").values_list("file", flat=True))
    old.delete()
    DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    Worker.objects.filter(beat_at__lt=cutoff).delete()
    storage.remove_strays(set(Job.objects.exclude(file="").values_list("file", flat=True)),
                          STRAY_AFTER_SECONDS)
