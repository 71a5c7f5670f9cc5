import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections
from gunicorn.app.base import BaseApplication

from kaohe.org.models import Organ

# What the static files were last collected from (outside STATIC_ROOT, which is served).
FINGERPRINT = "static-sources.sha256"
# Each worker is a process holding the application; beyond this a workstation gains nothing.
MOST_WORKERS = 8
# On stopping, the background worker may finish a job this long; a longer one is stopped and
# resumed at the next start (decision 0028).
WORKER_GRACE_SECONDS = 5


class Command(BaseCommand):
    help = ("Run Kaohe on this machine: migrate, load the demo organ into an empty database, "
            "collect static files when they changed and serve on 127.0.0.1 with gunicorn, "
            "with a background worker for the jobs pages ask for.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo organ")
        parser.add_argument("--workers", type=int, default=workers_for(os.cpu_count() or 1),
                            help="worker processes (default: twice the cores, at most "
                                 f"{MOST_WORKERS})")
        parser.add_argument("--no-worker", action="store_true",
                            help="start no background worker (run `kaohe worker` apart)")

    def handle(self, *args: Any, port: int, no_demo: bool, workers: int, no_worker: bool,
               **options: Any) -> None:
        # The system checks run here, once: the workers are forked from this process.
        call_command("migrate", interactive=False, verbosity=0, skip_checks=False)
        if not no_demo and not Organ.objects.exists():
            call_command("demo")
        collect_static_if_changed()
        share_sqlite_between_processes()
        self.stdout.write(f"Kaohe: http://127.0.0.1:{port}/", ending="\n")
        self.stdout.flush()
        # A forked worker must not inherit this process's connection: each opens its own.
        connections.close_all()
        background = None if no_worker else start_background_worker()
        try:
            LocalServer(get_wsgi_application(), {
                # Bound to the loopback address: local use is one machine, plain HTTP
                # (decision 0002).
                "bind": f"127.0.0.1:{port}",
                "workers": workers,
                # The application is imported and checked once, before the workers are forked.
                "preload_app": True,
                "accesslog": "-",
                "errorlog": "-",
                # No runtime control channel: stopping the command stops the server.
                "control_socket_disable": True,
            }).run()
        finally:
            if background is not None:
                stop_background_worker(background)


def start_background_worker() -> subprocess.Popen[bytes]:
    """One `kaohe worker` beside the server, as the embedded default's (decision 0028): a
    process of its own, started from this installation's interpreter and settings."""
    return subprocess.Popen([sys.executable, "-m", "kaohe", "worker", "--no-startup-delay"])


def stop_background_worker(worker: subprocess.Popen[bytes]) -> None:
    """Stopped with the server: it may finish its job for a few seconds, else it is stopped
    and the job resumes at the next start."""
    worker.terminate()
    try:
        worker.wait(timeout=WORKER_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def workers_for(cores: int) -> int:
    """Two sync workers a core, as in production (docs/deployment.md): a worker waiting on the
    database leaves the core to the other."""
    return max(2, min(2 * cores, MOST_WORKERS))


class LocalServer(BaseApplication):
    """gunicorn, configured from here instead of its command line."""

    def __init__(self, application: WSGIHandler, options: dict[str, Any]) -> None:
        self.application, self.options = application, options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> WSGIHandler:
        return self.application


def share_sqlite_between_processes() -> None:
    """The workers are processes sharing one SQLite file: in write-ahead logging a write blocks
    no reader. The mode is kept in the file, so it is set once, here."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")


def collect_static_if_changed() -> bool:
    """Collecting and hashing every static file took half of a start: it runs only when a
    source file was added, removed or changed (by name, size and time) since the last time."""
    fingerprint = Path(settings.VAR_DIR) / FINGERPRINT
    current = sources_fingerprint()
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists() and fingerprint.exists() and fingerprint.read_text() == current:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    fingerprint.write_text(current)
    return True


def sources_fingerprint() -> str:
    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()
