"""Every change of a job: asking for it (`job_request`), and running it (`run`), which each
app's task calls with the work to do (kaohe/<app>/tasks.py). The work reports its progress and
writes its file through `Running`; the file is moved into place only once complete, so that a
job stopped half-way and run again starts from a clean slate and nobody downloads half a zip."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaohe.errors import Refused
from kaohe.jobs import storage
from kaohe.jobs.models import Job, JobState, Kind

if TYPE_CHECKING:
    from django_tasks.base import Task

    from kaohe.accounts.models import User

logger = logging.getLogger(__name__)

# Progress is saved at most this often: each file of a 2,000-person zip would otherwise be a
# write, and on SQLite every write takes the database's one lock.
PROGRESS_EVERY_SECONDS = 0.5


@dataclass(frozen=True)
class Made:
    """What a job made: the name its file is downloaded under, when it wrote one through
    `Running.file`, and a line for its page."""

    filename: str = ""
    outcome: str = ""


Work = Callable[[Job, "Running"], Made]


@transaction.atomic
def job_request(*, by: User | None, kind: Kind, title: str, arguments: dict[str, Any],
                task: Task[[int], None]) -> Job:
    """Queue a job for `by` (None: the installation's own, from cron), or return the same one
    while it is still waiting or running: asking twice does the work once. The caller has
    checked that `by` may have what the job makes; the job checks again when it runs."""
    same = (Job.objects.select_for_update().unfinished()
            .filter(owner=by, kind=kind, arguments=arguments).first())
    if same is not None:
        return same
    job = Job.objects.create(owner=by, kind=kind, title=title[:200], arguments=arguments,
                             language=translation.get_language() or settings.LANGUAGE_CODE)
    # Queued in the same transaction: a worker sees the job and its queue entry together, or
    # neither.
    job.task_id = str(task.enqueue(job.pk).id)
    job.save(update_fields=["task_id"])
    return job


def run(job_id: int, work: Work) -> None:
    """Run a job's work, in a worker. A refusal (the owner may no longer have this) ends the
    job with its reason; an unexpected error ends it with a message for the owner and goes on
    to the queue entry, whose traceback the worker logs. A stop from outside (a signal) leaves
    the job as it is, to be queued again and started afresh."""
    job = _start(job_id)
    if job is None:
        return  # finished already: its queue entry was run again after a worker stopped
    running = Running(job)
    with translation.override(job.language):
        try:
            made = work(job, running)
        except (Refused, Http404) as refusal:
            running.discard()
            _finish(job, error=_no_longer(refusal))
            return
        except Exception:
            running.discard()
            _finish(job, error=_("任务因意外错误未能完成。请稍后重新申请；如仍失败，请联系"
                                 "系统管理员（后台进程的日志中有详细记录）。"))
            raise
        except BaseException:
            running.discard()
            raise
        _finish(job, made=made, file=running.keep(made.filename))


def _no_longer(refusal: Refused | Http404) -> str:
    if isinstance(refusal, Refused):
        return refusal.message
    return _("任务未能完成：您已无权查看这些数据，或数据已不存在。")


@transaction.atomic
def _start(job_id: int) -> Job | None:
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.is_finished:
        return None
    job.state, job.started_at, job.done, job.total = JobState.RUNNING, timezone.now(), 0, 0
    job.attempts += 1
    job.save(update_fields=["state", "started_at", "done", "total", "attempts"])
    return job


def _finish(job: Job, *, error: str = "", made: Made | None = None, file: str = "") -> None:
    path = storage.path_of(file)
    # Guarded by the state: a job another worker already finished is left as it is.
    Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
        state=JobState.FAILED if error else JobState.DONE, finished_at=timezone.now(),
        error=error, outcome=made.outcome if made else "", file=file,
        filename=made.filename if made else "", size=path.stat().st_size if path else 0,
        done=F("total"))


class Running:
    """A job while it runs: its progress, and the file it writes, aside until complete."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._part: Path | None = None
        self._saved_at = 0.0

    def progress(self, done: int, total: int) -> None:
        """`done` of `total` steps (files of a zip, organs of a roll-up) are done."""
        self.job.done, self.job.total = done, total
        now = time.monotonic()
        if done < total and now - self._saved_at < PROGRESS_EVERY_SECONDS:
            return
        self._saved_at = now
        Job.objects.filter(pk=self.job.pk).update(done=done, total=total)

    @contextmanager
    def file(self) -> Iterator[BinaryIO]:
        """The job's file, opened for writing; on the disk when closed (not only in the
        operating system's cache), so that a job marked done has its whole file."""
        self._part = storage.aside(self.job.pk)
        with self._part.open("wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())

    def keep(self, filename: str) -> str:
        if self._part is None:
            return ""
        return storage.keep(self._part, Path(filename).suffix)

    def discard(self) -> None:
        if self._part is not None:
            self._part.unlink(missing_ok=True)
