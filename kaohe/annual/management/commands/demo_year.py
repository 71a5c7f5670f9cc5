"""kaohe demo-year [--year 2025] [--out DIR]: a whole year of the demo organ, then every form."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaohe.annual.demo import run_demo_year
from kaohe.documents.bundle import write_bundle
from kaohe.org.demo import demo_data, load_demo
from kaohe.org.models import Organ
from kaohe.plans.models import Period


class Command(BaseCommand):
    help = "Run four quarters of the demo organ and write all its forms to a zip."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=2025)
        parser.add_argument("--out", default=".", help="folder for the zip")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        code = demo_data()["organ"]["code"]
        if not Organ.objects.filter(code=code).exists():
            load_demo()
        organ = Organ.objects.get(code=code)
        year = options["year"]
        if Period.objects.filter(organ=organ, year=year).exists():
            raise CommandError(f"{organ.name} already has quarters in {year}: "
                               "use another --year or a fresh database")
        # The folder first: the year run below cannot be run again into the same database.
        folder = Path(options["out"])
        folder.mkdir(parents=True, exist_ok=True)
        result = run_demo_year(organ, year)
        target = folder / f"{organ.code}-{year}.zip"
        count = write_bundle(organ, year, target)
        self.stdout.write(f"{organ.name} {year}: {result.people} people, 4 quarters, "
                          f"{count} files in {target} ({time.monotonic() - started:.1f} s)")
