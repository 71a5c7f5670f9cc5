"""python -m bench [--quick] [--database-url URL] [--output FILE] [--only CASE,...] [--reuse]

Builds a synthetic province in a database of its own (emptied first), runs every case, prints
the table and writes it into the output file between the markers, keeping the text around it.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
import traceback
from pathlib import Path
from typing import Any

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
ROOT = Path(__file__).resolve().parent.parent
BIG = "BIG"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kaohe_benchrun"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that it runs")
    parser.add_argument("--database-url", default=os.environ.get("KAOHE_BENCH_DATABASE_URL",
                                                                 DEFAULT_URL),
                        help="a database for the benchmark only: it is emptied")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the synthetic province already in the database")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("KAOHE_HTTPS", "false")
    ensure_database(args.database_url)
    import django

    django.setup()
    from bench import cases  # noqa: F401  (registers the cases)
    from bench.core import CASES, FULL, QUICK, Measure, table

    sizes = QUICK if args.quick else FULL
    context, measures = prepare(args, sizes)
    wanted = {name for name in args.only.split(",") if name}
    for name, function in CASES:
        if wanted and name not in wanted:
            continue
        print(f"== {name}", file=sys.stderr, flush=True)
        try:
            measures += function(context)
        except Exception as error:  # one broken case must not hide the others' figures
            traceback.print_exc()
            measures.append(Measure(name, "failed", None, "", detail=f"{type(error).__name__}: "
                                    f"{str(error)[:200]}"))
    text = table(measures)
    print(text)
    write(Path(args.output), report(args, context, text))
    if any(m.what == "failed" for m in measures):
        sys.exit(1)


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database when it does not exist yet."""
    import dj_database_url

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432,
                         user=config["USER"], password=config["PASSWORD"] or None,
                         dbname="postgres", autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                   [config["NAME"]]).fetchone()
        if not found:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(
                sql.Identifier(config["NAME"])))


def prepare(args: argparse.Namespace, sizes: object) -> tuple[Any, list[Any]]:
    from django.core.management import call_command
    from django.db import connection

    from bench.core import GROWTH, Context, Measure, Sizes
    from kaohe.synth import generator
    from kaohe.synth.progress import Progress

    assert isinstance(sizes, Sizes)
    call_command("migrate", verbosity=0)
    shape = generator.Shape(organs=sizes.organs, people=sizes.people, years=sizes.years,
                            seed=2025, password="Bench-pass-2025")
    # One organ as large as the whole province, without quarters: opening a quarter for all
    # its people in one call shows how the bulk path scales with the rows.
    big = generator.Shape(organs=1, people=sizes.people, years=sizes.years, seed=2026,
                          prefix=BIG, quarters=False)
    # Two organs of a year of quarters, the second 10× the first (people and section size):
    # how the pages that list an organ or a section grow (bench/cases/pages.py).
    growth = [generator.Shape(organs=1, people=people, years=sizes.years, seed=2027 + n,
                              prefix=prefix, section_size=section)
              for n, (prefix, (people, section)) in enumerate(zip(GROWTH, sizes.growth,
                                                                  strict=True))]
    fresh = not (args.reuse and generator.exists())
    measures = []
    if fresh:
        call_command("flush", interactive=False, verbosity=0)
    missing = [s for s in [big, *growth] if not generator.exists(s.prefix)]
    for wanted in ([shape] if fresh else []) + missing:
        print(f"== synthetic {wanted.prefix}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        counts = generator.generate(wanted, Progress(quiet=args.quick))
        seconds = time.perf_counter() - started
        rows = sum(counts.values())
        print(f"{rows:,} rows in {seconds:.1f} s", file=sys.stderr)
        measures.append(Measure(
            "Synthetic data (`kaohe synth`)", f"{wanted.organs:,} organ(s), {wanted.people:,} "
            f"people{'' if wanted.quarters else ', no quarters'}", seconds, "s",
            detail=f"{rows:,} rows, {rows / seconds:,.0f} rows/s"))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    context = Context(quick=args.quick, sizes=sizes, vendor=connection.vendor,
                      database_url=args.database_url, year=shape.last_year)
    return context, measures


def report(args: argparse.Namespace, context: object, text: str) -> str:
    import django
    from django.db import connection

    from bench.core import Context

    assert isinstance(context, Context)
    command = "python -m bench" + (" --quick" if args.quick else "")
    if args.only:
        command += f" --only {shlex.quote(args.only)}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if context.postgres else "SELECT sqlite_version()")
        database = cursor.fetchone()[0].split(" on ")[0]
    sizes = context.sizes
    parts = [
        BEGIN,
        f"Produced by `{command}` (database: {connection.vendor}).",
        "",
        f"Machine: {os.cpu_count()} CPU cores, {platform.machine()}, Python "
        f"{platform.python_version()}, Django {django.get_version()}, {database}. "
        f"Province: {sizes.organs:,} organs, {sizes.people:,} people, {sizes.years} year(s) of "
        "quarters.",
        "",
        text,
    ]
    for title, plan in context.explains:
        parts += ["", f"#### {title}", "", "```", plan.rstrip(), "```"]
    parts.append(END)
    return "\n".join(parts) + "\n"


def write(path: Path, generated: str) -> None:
    """Replace what lies between the markers; the text written around them is kept."""
    old = path.read_text() if path.exists() else ""
    if BEGIN in old and END in old:
        before, rest = old.split(BEGIN, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        new = before + generated + ("\n" + after if after else "")
    else:
        new = "# Benchmarks\n\n" + generated
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new)
    print(f"written: {path}", file=sys.stderr)
