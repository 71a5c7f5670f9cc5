import hashlib
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from kaohe.org.models import Organ

# What the static files were last collected from (outside STATIC_ROOT, which is served).
FINGERPRINT = "static-sources.sha256"


class Command(BaseCommand):
    help = ("Run Kaohe on this machine: migrate, load the demo organ into an empty database, "
            "collect static files when they changed and serve on 127.0.0.1.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo organ")

    def handle(self, *args: Any, port: str, no_demo: bool, **options: Any) -> None:
        # The system checks run here, once: the server below skips them.
        call_command("migrate", interactive=False, verbosity=0, skip_checks=False)
        if not no_demo and not Organ.objects.exists():
            call_command("demo")
        collect_static_if_changed()
        self.stdout.write(f"Kaohe: http://127.0.0.1:{port}/", ending="\n")
        self.stdout.flush()
        # Served from this process: a second one would import and check everything again.
        # Bound to the loopback address: local use is one machine, plain HTTP (decision 0002).
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)


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
