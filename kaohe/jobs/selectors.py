"""Reads of jobs, restricted through kaohe.org.access: a job is its owner's alone (404 for
anyone else, its existence not revealed)."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.db.models import QuerySet
from django.http import Http404

from kaohe.jobs import storage, workers
from kaohe.jobs.models import Job, JobState
from kaohe.org import access
from kaohe.org.access import Actor

LISTED = 50  # the newest jobs on the list page; older ones are deleted after a few days


def job_for(actor: Actor, pk: int) -> Job:
    return access.one_or_404(Job.objects.restrict(actor).filter(pk=pk))


def jobs_of(actor: Actor) -> QuerySet[Job]:
    return Job.objects.restrict(actor)[:LISTED]


def download(actor: Actor, pk: int) -> tuple[Job, Path]:
    """The owner's finished job and its file; 404 while it is not done or once it is gone."""
    job = job_for(actor, pk)
    path = storage.path_of(job.file) if job.downloadable else None
    if path is None:
        raise Http404
    return job, path


def waiting_for_a_worker(job: Job, now: datetime.datetime) -> bool:
    """A queued job with no worker alive to take it: the page says to start one."""
    return job.state == JobState.QUEUED and not workers.alive(now).exists()
