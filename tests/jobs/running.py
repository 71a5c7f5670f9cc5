"""Running queued jobs inside a test, as a worker does: claim the queue entry, run its task,
record its result (the worker's own `run_task`). Not the worker's loop, which closes the
database connections that the test's transaction holds."""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult

from kaohe.web.management.commands.worker import Worker

WORKER_ID = "test-worker"


def run_queued() -> int:
    """Run every queued job, the ones they queue too; returns how many ran."""
    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id=WORKER_ID,
                    excluded_queue_names=[])
    count = 0
    while (entry := DBTaskResult.objects.ready().first()) is not None:
        entry.claim(WORKER_ID)
        worker.run_task(entry)
        count += 1
    return count
