"""`kaohe worker`: a background worker running the jobs queued in the database (decision 0028).

django-tasks-db's `db_worker`, with what a job needs to survive its worker: the worker says it
is alive every few seconds, and with each beat queues again the jobs of workers that stopped
without finishing them (kaohe/jobs/workers.py). A first SIGTERM or Ctrl+C lets the running
job finish; a second stops at once, as a kill would, and the job is resumed later by a worker.
"""

from __future__ import annotations

import logging
import os
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from kaohe.jobs import workers

logger = logging.getLogger("kaohe.jobs")


class Worker(db_worker.Worker):
    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if self.running_task and not self.running:
            # db_worker would raise SystemExit inside the job and record it as failed; stopped
            # here instead, the job stays claimed by this worker, whose silence queues it again.
            os._exit(1)
        super().shutdown(signum, frame)


class Heartbeat(threading.Thread):
    """Beats and sweeps (kaohe.jobs.workers.sweep) beside the jobs, on a connection of its
    own, so that a job running for minutes still says its worker is alive."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="kaohe-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        last_prune = timezone.now()
        try:
            while not self.stopped.wait(workers.beat_interval()):
                now = timezone.now()
                prune_too = now - last_prune >= workers.PRUNE_EVERY
                try:
                    workers.sweep(self.worker_id, now, prune_too=prune_too)
                except Exception:
                    # The database away for a moment (locked, restarting): the next beat tries
                    # again, on a new connection; only a silence as long as the timeout lets
                    # another worker take this one's job.
                    logger.warning("Worker %s could not beat", self.worker_id, exc_info=True)
                    connections.close_all()
                    continue
                last_prune = now if prune_too else last_prune
        finally:
            connections.close_all()


class Command(db_worker.Command):
    help = ("Run a background worker: the forms' zips, large exports, reminders and roll-ups "
            "queued in the database. Run one or more per installation; `kaohe run` starts one.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # The heartbeat lives in this process: a reloader's child process would not have it.
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, verbosity: int, queue_name: str, interval: float,
               batch: bool, backend_name: str, startup_delay: bool, reload: bool,
               max_tasks: int | None, worker_id: str, exclude_queues: str,
               **options: Any) -> None:
        if reload:
            raise CommandError("kaohe worker does not reload: restart it after a change.")
        if exclude_queues and "*" not in queue_name.split(","):
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        self.configure_logging(verbosity)
        # Before the first job is claimed: this worker is alive, and what stopped workers
        # left half-done is queued again (and old files deleted) as it starts.
        workers.sweep(worker_id, timezone.now(), prune_too=True)
        heartbeat = Heartbeat(worker_id)
        heartbeat.start()
        worker = Worker(
            queue_names=queue_name.split(","), interval=interval, batch=batch,
            backend_name=backend_name, startup_delay=startup_delay, max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [])
        worker.configure_signals()
        try:
            worker.run()
        finally:
            heartbeat.stopped.set()
            heartbeat.join()
            workers.leave(worker_id)
