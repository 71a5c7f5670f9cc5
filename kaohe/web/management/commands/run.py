import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from kaohe.org.models import Organ


class Command(BaseCommand):
    help = ("Run Kaohe on this machine: migrate, load the demo organ into an empty database, "
            "collect static files and serve on 127.0.0.1.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo organ")

    def handle(self, *args: Any, port: str, no_demo: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not no_demo and not Organ.objects.exists():
            call_command("demo")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Kaohe: http://127.0.0.1:{port}/", ending="\n")
        self.stdout.flush()
        # A fresh process, so that it reads the static manifest just written. Bound to the
        # loopback address: local use is one machine, plain HTTP (decision 0002).
        server = [sys.executable, "-m", "kaohe", "runserver", f"127.0.0.1:{port}", "--noreload"]
        os.execv(sys.executable, server)  # noqa: S606
