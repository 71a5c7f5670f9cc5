"""kaohe synth --organs N --people M --years Y [--seed S]: a synthetic province."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaohe.synth import generator
from kaohe.synth.progress import Progress


class Command(BaseCommand):
    help = ("Generate a synthetic province (organs, sections, people with leave, secondments "
            "and front-line posts, plans, quarters and assessments in every state) for load "
            "tests. Reproducible by --seed; refused when one already exists.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organs", type=int, default=10)
        parser.add_argument("--people", type=int, default=1000, help="people in all organs")
        parser.add_argument("--years", type=int, default=1, help="years of quarters, ending "
                            "with --last-year; its fourth quarter is left open")
        parser.add_argument("--last-year", type=int, default=2025)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default="",
                            help="password of every account (default: none can log in)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        shape = generator.Shape(organs=options["organs"], people=options["people"],
                                years=options["years"], seed=options["seed"],
                                last_year=options["last_year"], password=options["password"])
        if generator.exists():
            raise CommandError("A synthetic province is already in this database; "
                               "start from an empty one (kaohe flush).")
        started = time.perf_counter()
        try:
            counts = generator.generate(shape, Progress(quiet=options["quiet"]))
        except ValueError as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        rows = sum(counts.values())
        self.stdout.write(", ".join(f"{name} {n:,}" for name, n in counts.items()))
        self.stdout.write(f"{rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)")
