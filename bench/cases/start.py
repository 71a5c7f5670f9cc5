"""`kaohe run` from the command to the first page answered, on its embedded default (SQLite,
in a folder of its own): the first start (migrating, loading the demo organ, collecting the
static files) and the starts after it, which find all of that done."""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.cases.http import wait_until_ready
from bench.core import Context, Measure, case

CASE = "Start-up: `kaohe run`"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def local_server(folder: Path, *command: str) -> Iterator[str]:
    """`kaohe COMMAND… PORT` on the embedded default in `folder`, as a newcomer runs it (none of
    the benchmark's settings), until its /login/ answers; stopped on leaving."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS", "KAOHE_HTTPS"}}
    env.update(KAOHE_VAR_DIR=str(folder), DATABASE_URL=f"sqlite:///{folder / 'kaohe.sqlite3'}",
               KAOHE_HTTPS="false")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "kaohe", *command, str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(server, f"{base}/login/", seconds=300, attempt=2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            # What is measured is the start; a server slow to stop on a loaded machine (its
            # clean stop is tests/web/test_run.py's) is stopped outright.
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def start(folder: Path) -> float:
    """Seconds from the command until /login/ answers; the server is stopped after."""
    started = time.perf_counter()
    with local_server(folder, "run", "--port"):
        return time.perf_counter() - started


@case("start")
def start_up(ctx: Context) -> list[Measure]:
    with tempfile.TemporaryDirectory() as folder:
        first = start(Path(folder))
        again = statistics.median(start(Path(folder)) for _ in range(1 if ctx.quick else 5))
    return [
        Measure(CASE, "first start: migrate, load the demo organ, collect static files", first,
                "s"),
        Measure(CASE, "a start after that (static files unchanged: not collected again)", again,
                "s", comparison=f"{again / first:.0%} of the first", target="< 2 s",
                met=None if ctx.quick else again < 2),
    ]
