"""Benchmark: the organization department's view over 1,000 organs and 400,000 assessments.

Target (the statistics issue): it answers in under a second on PostgreSQL on a 2-core machine.

    createdb -h 127.0.0.1 -U postgres kaohe_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench \\
        .venv/bin/python bench/department_view.py [--organs 1000] [--people 100] [--runs 5]

The first run migrates the database and generates the data (1,000 organs × 100 people × four
quarters of 2025, graded; a few minutes); later runs reuse it. It then times the department's
board (the selector, i.e. the database work) and the whole page through the Django test client
(selector, template, charts), prints the medians and exits with status 1 above --limit seconds.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")
os.environ.setdefault("KAOHE_HTTPS", "false")
os.environ.setdefault("KAOHE_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var"))

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from kaohe.accounts.models import User  # noqa: E402
from kaohe.assessments.models import Assessment, State  # noqa: E402
from kaohe.org.access import actor_for  # noqa: E402
from kaohe.org.models import Category, Organ, OrgDepartment, Person, Section  # noqa: E402
from kaohe.plans.models import Grade, Period, PeriodState, YearPlan  # noqa: E402
from kaohe.reports.selectors import Filters, department_board  # noqa: E402

DEPARTMENT = "bench-dept"
GRADES = [Grade.GOOD, Grade.FAIRLY_GOOD, Grade.FAIRLY_GOOD, Grade.GOOD, Grade.AVERAGE,
          Grade.FAIRLY_GOOD, Grade.GOOD, Grade.FAIRLY_GOOD, Grade.POOR, Grade.FAIRLY_GOOD]


def generate(organs: int, people: int) -> None:
    department = OrgDepartment.objects.create(code=DEPARTMENT, name="基准测试组织部")
    user = User.objects.create_user(username="bench-zzb", password="bench-only-2025")
    department.members.add(user)
    for start in range(0, organs, 50):
        with transaction.atomic():
            _organs(department, range(start, min(start + 50, organs)), people)
        print(f"  {min(start + 50, organs)} organs", flush=True)


def _organs(department: OrgDepartment, numbers: range, people: int) -> None:
    batch = Organ.objects.bulk_create(Organ(code=f"B{n:04d}", name=f"基准机关{n:04d}",
                                            filed_with=department) for n in numbers)
    sections = Section.objects.bulk_create(
        Section(organ=o, code=f"s{k}", name=f"科室{k}", frontline=k == 0)
        for o in batch for k in range(4))
    plans = YearPlan.objects.bulk_create(YearPlan(organ=o, year=2025) for o in batch)
    periods = Period.objects.bulk_create(
        Period(plan=plan, organ=o, year=2025, quarter=q,
               state=PeriodState.CLOSED if q < 4 or n % 7 else PeriodState.OPEN)
        for n, (o, plan) in enumerate(zip(batch, plans, strict=True)) for q in range(1, 5))
    persons = Person.objects.bulk_create(
        Person(personnel_no=f"{o.code}-{i:03d}", name=f"人员{i}", organ=o,
               section=sections[4 * b + i % 4], frontline=i % 4 == 0,
               category=Category.CHIEF if i < 4 else Category.STAFF)
        for b, o in enumerate(batch) for i in range(people))
    rows = []
    for b, _organ in enumerate(batch):
        for q in range(4):
            period = periods[4 * b + q]
            for i in range(people):
                person = persons[b * people + i]
                open_and_late = period.state == PeriodState.OPEN and i % 3 == 0
                grade = GRADES[(i + q + b) % len(GRADES)]
                rows.append(Assessment(
                    period=period, person=person, section_id=person.section_id,
                    category=person.category, frontline=person.frontline,
                    state=State.SUBMITTED if open_and_late else State.ACKNOWLEDGED,
                    grade="" if open_and_late else grade, proposed_grade=grade,
                    composite_score=Decimal(60 + (i * 7 + q) % 40)))
    Assessment.objects.bulk_create(rows, batch_size=5000)


def timed(runs: int, work: object) -> float:
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--organs", type=int, default=1000)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=float, default=1.0)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not OrgDepartment.objects.filter(code=DEPARTMENT).exists():
        print(f"generating {args.organs} organs × {args.people} people × 4 quarters …")
        generate(args.organs, args.people)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
    user = User.objects.get(username="bench-zzb")
    filters = Filters(year=2025, quarter=4)
    today = datetime.date(2026, 1, 15)
    count = Assessment.objects.filter(period__organ__filed_with__code=DEPARTMENT).count()
    print(f"{connection.vendor}: {Organ.objects.filter(filed_with__code=DEPARTMENT).count()} "
          f"organs, {count} assessments")

    def board() -> None:
        actor = actor_for(User.objects.get(pk=user.pk))
        department_board(actor, filters, today)

    setup_test_environment()
    # The page is timed without collectstatic: plain static storage, as in the test suite.
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
    client = Client()
    client.force_login(user)

    def page() -> None:
        response = client.get("/reports/department/?year=2025&quarter=4")
        assert response.status_code == 200, response.status_code

    selector, whole = timed(args.runs, board), timed(args.runs, page)
    print(f"department board (database): {selector:.3f} s median of {args.runs}")
    print(f"department page (HTTP, rendered): {whole:.3f} s median of {args.runs}")
    return 0 if whole < args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
