"""Background jobs (decision 0028): asking for one, running it (progress, the file written aside
and moved into place when complete, refusals and errors), who may see it, and how a job left
behind by a stopped worker is queued again and old ones are deleted."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kaohe.assessments import tasks as assessment_tasks
from kaohe.assessments.models import Notice, Notification
from kaohe.errors import Refused
from kaohe.jobs import selectors, services, storage, workers
from kaohe.jobs.models import Job, JobState, Kind, Worker
from kaohe.org.access import actor_for
from tests.jobs.running import WORKER_ID, run_queued
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs_folder(tmp_path: Path, settings: Any) -> None:
    settings.KAOHE_JOBS_DIR = tmp_path / "jobs"


def ask(world: World, persona: str = "office", **arguments: Any) -> Job:
    return services.job_request(by=world.users[persona], kind=Kind.FORMS_ZIP, title="zip",
                                arguments=arguments or {"organ": "organ"},
                                task=assessment_tasks.send_reminders)


def written(chunks: list[bytes], seen: list[set[str]]) -> services.Work:
    """Work that writes `chunks` one step at a time, noting the folder's files at each step."""
    def work(job: Job, running: services.Running) -> services.Made:
        with running.file() as out:
            for done, chunk in enumerate(chunks, start=1):
                out.write(chunk)
                running.progress(done, len(chunks))
                seen.append({p.name for p in storage.folder().iterdir()})
        return services.Made(filename="表.zip", outcome="好了")
    return work


def test_asking_again_while_a_job_waits_gives_that_job(world: World) -> None:
    first = ask(world)
    assert ask(world) == first and Job.objects.count() == 1
    assert DBTaskResult.objects.get(pk=first.task_id).status == TaskResultStatus.READY
    assert ask(world, organ="other") != first  # another organ: another job
    assert ask(world, "principal") != first  # someone else's: their own
    Job.objects.filter(pk=first.pk).update(state=JobState.DONE)
    assert ask(world) != first  # once done, asking again makes the file anew


def test_a_job_reports_progress_and_its_file_has_its_name_only_once_complete(
        world: World) -> None:
    job = ask(world)
    seen: list[set[str]] = []
    services.run(job.pk, written([b"PK", b"12", b"34"], seen))
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.attempts) == (JobState.DONE, 3, 3, 1)
    assert job.filename == "表.zip" and job.outcome == "好了" and job.size == 6
    assert all(name.endswith(".part") for step in seen for name in step)
    assert sorted(p.name for p in storage.folder().iterdir()) == [job.file]
    assert job.file.endswith(".zip") and storage.path_of(job.file).read_bytes() == b"PK1234"


def test_a_refusal_ends_the_job_with_its_reason_and_leaves_no_file(world: World) -> None:
    job = ask(world)

    def refused(job: Job, running: services.Running) -> services.Made:
        with running.file() as out:
            out.write(b"half")
        raise Refused("本年度尚未开始。", rule="§九")

    services.run(job.pk, refused)
    job.refresh_from_db()
    assert (job.state, job.error, job.file) == (JobState.FAILED, "本年度尚未开始。", "")
    assert list(storage.folder().iterdir()) == []


def test_a_job_whose_owner_may_no_longer_see_the_data_ends_saying_so(world: World) -> None:
    def gone(job: Job, running: services.Running) -> services.Made:
        raise Http404

    job = ask(world)
    services.run(job.pk, gone)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "无权" in job.error


def test_an_unexpected_error_ends_the_job_and_reaches_the_worker(world: World) -> None:
    def broken(job: Job, running: services.Running) -> services.Made:
        raise ZeroDivisionError

    job = ask(world)
    with pytest.raises(ZeroDivisionError):  # the worker logs it with its traceback
        services.run(job.pk, broken)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "意外错误" in job.error


def test_a_job_stopped_half_way_starts_afresh_when_run_again(world: World) -> None:
    job = ask(world)

    def stopped(job: Job, running: services.Running) -> services.Made:
        with running.file() as out:
            out.write(b"half")
            running.progress(1, 3)
            raise KeyboardInterrupt  # a signal: nothing of the job's is recorded

    with pytest.raises(KeyboardInterrupt):
        services.run(job.pk, stopped)
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (JobState.RUNNING, 1, 3)
    services.run(job.pk, written([b"PK", b"!"], []))
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert storage.path_of(job.file).read_bytes() == b"PK!"
    assert [p.name for p in storage.folder().iterdir()] == [job.file]


def test_a_finished_job_is_not_run_again(world: World) -> None:
    job = ask(world)
    services.run(job.pk, written([b"PK"], []))
    services.run(job.pk, lambda job, running: pytest.fail("run twice"))
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_job_is_its_owners_alone(world: World) -> None:
    job = ask(world)
    assert selectors.job_for(actor_for(world.users["office"]), job.pk) == job
    for persona in ("principal", "staff", "outsider", "sysadmin"):
        with pytest.raises(Http404):
            selectors.job_for(actor_for(world.users[persona]), job.pk)
        assert list(selectors.jobs_of(actor_for(world.users[persona]))) == []
    with pytest.raises(Http404):  # not done yet: nothing to download
        selectors.download(actor_for(world.users["office"]), job.pk)


# --- workers ------------------------------------------------------------------------------------

def claimed_by(job: Job, worker_id: str) -> DBTaskResult:
    entry = DBTaskResult.objects.get(pk=job.task_id)
    entry.claim(worker_id)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    return entry


def test_a_job_of_a_worker_not_heard_from_is_queued_again(world: World, settings: Any) -> None:
    settings.KAOHE_JOBS_WORKER_TIMEOUT = 60
    now = timezone.now()
    workers.beat("alive", now)
    workers.beat("killed", now - datetime.timedelta(seconds=61))
    alive, killed, unknown = ask(world), ask(world, organ="other"), ask(world, "principal")
    claimed_by(alive, "alive")
    claimed_by(killed, "killed")
    claimed_by(unknown, "never-beat")  # a worker that died before it beat
    assert workers.requeue_orphans(now) == 2
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert {str(pk): status for pk, status in statuses.items()} == {
        alive.task_id: TaskResultStatus.RUNNING, killed.task_id: TaskResultStatus.READY,
        unknown.task_id: TaskResultStatus.READY}
    assert dict(Job.objects.values_list("pk", "state")) == {
        alive.pk: JobState.RUNNING, killed.pk: JobState.QUEUED, unknown.pk: JobState.QUEUED}
    assert workers.requeue_orphans(now) == 0


def test_a_job_whose_queue_entry_ended_without_it_is_ended_with_a_message(
        world: World) -> None:
    failed, waiting = ask(world), ask(world, organ="other")
    entry = claimed_by(failed, WORKER_ID)
    entry.set_failed(ImportError("the task's module is gone"))
    workers.end_lost_jobs(timezone.now())
    failed.refresh_from_db()
    waiting.refresh_from_db()
    assert failed.state == JobState.FAILED and "意外中止" in failed.error
    assert waiting.state == JobState.QUEUED


def test_old_jobs_their_files_and_queue_entries_are_deleted(world: World,
                                                            settings: Any) -> None:
    settings.KAOHE_JOBS_KEEP_DAYS = 7
    old, recent = ask(world), ask(world, organ="other")
    for job in (old, recent):
        services.run(job.pk, written([b"PK"], []))
    run_queued()  # their queue entries, ended as a worker would
    then = timezone.now() - datetime.timedelta(days=8)
    Job.objects.filter(pk=old.pk).update(finished_at=then)
    DBTaskResult.objects.filter(pk=old.task_id).update(finished_at=then)
    Worker.objects.create(worker_id="gone", host="h", pid=1, beat_at=then)
    old.refresh_from_db()
    recent.refresh_from_db()
    workers.prune(timezone.now())
    assert list(Job.objects.all()) == [recent]
    assert [str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)] == [
        recent.task_id]
    assert storage.path_of(old.file) is None and storage.path_of(recent.file) is not None
    assert not Worker.objects.exists()


def test_the_page_says_when_no_worker_is_running(world: World) -> None:
    job = ask(world)
    now = timezone.now()
    assert selectors.waiting_for_a_worker(job, now)
    workers.beat("w", now)
    assert not selectors.waiting_for_a_worker(job, now)


# --- the reminders ------------------------------------------------------------------------------

def test_the_reminders_are_a_job_and_nobody_is_reminded_twice_a_day(world: World) -> None:
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    job = Job.objects.get(kind=Kind.REMINDERS)
    assert job.owner is None and f"job {job.pk}" in out.getvalue()
    call_command("send_reminders", stdout=io.StringIO())  # cron again before a worker ran
    assert Job.objects.count() == 1
    assert run_queued() == 1
    job.refresh_from_db()
    reminded = Notification.objects.filter(kind=Notice.REMINDER).count()
    assert job.state == JobState.DONE and reminded > 0
    assert job.outcome == f"已向 {reminded} 人发送待办提醒。"
    call_command("send_reminders", "--now", stdout=out)  # the same day, without a worker
    assert Notification.objects.filter(kind=Notice.REMINDER).count() == reminded
    assert out.getvalue().endswith(f"0 reminders on {timezone.localdate()}\n")
