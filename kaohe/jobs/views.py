"""A job's page, its progress (the part the page refreshes) and its file, for its owner only;
the list of one's own jobs. Thin: every read through kaohe/jobs/selectors.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kaohe.audit import chain as audit
from kaohe.jobs import selectors
from kaohe.org.http import ActorRequest


@login_required
def job_list(request: ActorRequest) -> HttpResponse:
    return render(request, "jobs/list.html", {"jobs": selectors.jobs_of(request.actor),
                                              "keep_days": settings.KAOHE_JOBS_KEEP_DAYS})


def _status(request: ActorRequest, pk: int, template: str) -> HttpResponse:
    job = selectors.job_for(request.actor, pk)
    return render(request, template, {
        "job": job, "no_worker": selectors.waiting_for_a_worker(job, timezone.now()),
        "keep_days": settings.KAOHE_JOBS_KEEP_DAYS})


@login_required
def job_detail(request: ActorRequest, pk: int) -> HttpResponse:
    return _status(request, pk, "jobs/detail.html")


@login_required
def job_status(request: ActorRequest, pk: int) -> HttpResponse:
    """The part of the job's page that htmx asks for every few seconds until the job ends."""
    return _status(request, pk, "jobs/_status.html")


@login_required
def job_download(request: ActorRequest, pk: int) -> FileResponse:
    job, path = selectors.download(request.actor, pk)
    # Every file that leaves the system is on the audit record (MLPS 2.0 安全审计), at each
    # download, as the pages' immediate exports are.
    audit.record("export", object_type=f"jobs.{job.kind}", object_id=str(job.pk),
                 object_repr=job.filename[:200], new={"arguments": job.arguments})
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.filename)
