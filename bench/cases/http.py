"""Key pages under load: gunicorn (2 workers) on 127.0.0.1 against the benchmark database,
loaded by wrk; a bare view returning a constant through the same server is the ceiling."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPException
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from bench.cases.data import largest_organ
from bench.core import Context, Measure, case
from kaohe.accounts.models import ApiToken, User
from kaohe.org.models import Category, Person
from kaohe.plans.models import Period, PeriodState

CASE = "HTTP, gunicorn 2 workers"
ROOT = Path(__file__).resolve().parents[2]
LUA = ROOT / "bench" / "wrk_report.lua"


def session_cookie(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def targets() -> list[tuple[str, str, str]]:
    """(name, path, header) for the bare view and the three key pages."""
    organ = largest_organ()
    period = Period.objects.get(organ=organ, state=PeriodState.OPEN)
    chief = (Person.objects.filter(organ=organ, category=Category.CHIEF).exclude(
        section__code="S00").select_related("user").order_by("personnel_no").first())
    staff = (Person.objects.filter(organ=organ, category=Category.STAFF, section=chief.section)
             .select_related("user").order_by("personnel_no").first())
    assert chief and staff and chief.user and staff.user
    _token, raw = ApiToken.issue(chief.user, "benchmark")
    chief_cookie = f"Cookie: {session_cookie(chief.user)}"
    return [
        ("bare view (ceiling)", "/bench/bare/", chief_cookie),
        ("section chief's review screen", f"/periods/{period.pk}/review/", chief_cookie),
        ("a person's home page", "/", f"Cookie: {session_cookie(staff.user)}"),
        ("API assessment list (section chief)", "/api/v1/assessments",
         f"Authorization: Bearer {raw}"),
    ]


@contextmanager
def gunicorn(ctx: Context) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "KAOHE_HTTPS": "false",
           "DATABASE_URL": ctx.database_url, "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "false"}
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "kaohe.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "--log-level", "warning",
         "--no-control-socket"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(server, base + "/bench/bare/")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.seek(0)
        errors = log.read().decode(errors="replace").strip()
        log.close()
        if errors:
            print(errors[-3000:], file=sys.stderr)


def wait_until_ready(server: subprocess.Popen[bytes], url: str, seconds: float = 180,
                     attempt: float = 5) -> None:
    """Until the server answers `url` whole. While its workers start on a loaded machine, an
    attempt may be refused, reset, cut short or time out reading: each means "not yet"."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped (exit code {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=attempt) as response:
                response.read()
                return
        except (OSError, HTTPException):
            time.sleep(0.05)  # also the resolution of the start-up case
    raise TimeoutError(f"{url} did not answer within {seconds:.0f} s")


def check(base: str, path: str, header: str) -> None:
    """The page answers 200 to this user (a redirect to the login would load nothing)."""
    name, value = header.split(": ", 1)
    request = urllib.request.Request(base + path, headers={name: value})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    # The first request of a worker loads templates and catalogues: give it time.
    response = urllib.request.build_opener(NoRedirect).open(request, timeout=120)
    assert response.status == 200, f"{path}: {response.status}"


def wrk(base: str, path: str, header: str, seconds: int, clients: int) -> dict[str, float]:
    done = subprocess.run(
        ["wrk", f"-t{min(2, clients)}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s",
         "-s", str(LUA), "-H", header, base + path],
        capture_output=True, text=True, check=True, timeout=seconds + 60)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK_JSON "))
    return json.loads(line.removeprefix("WRK_JSON "))


@case("http")
def http(ctx: Context) -> list[Measure]:
    if shutil.which("wrk") is None:
        return [Measure(CASE, "all pages", None, "", detail="wrk is not installed "
                        "(Debian package `wrk`; `./kaohe.sh bench` installs it)")]
    seconds, clients = ctx.sizes.http_seconds, ctx.sizes.http_clients
    measures: list[Measure] = []
    with gunicorn(ctx) as base:
        ceiling = 0.0
        for name, path, header in targets():
            check(base, path, header)
            wrk(base, path, header, max(1, seconds // 5), clients)  # warm the workers
            got = wrk(base, path, header, seconds, clients)
            rate = got["requests"] / (got["duration_us"] / 1e6)
            errors = int(got["connect"] + got["read"] + got["write"] + got["status"]
                         + got["timeout"])
            ceiling = ceiling or rate
            share = rate / ceiling
            p95 = got["p95"] / 1000
            bare = path == "/bench/bare/"
            measures.append(Measure(
                CASE, f"{name} `{path}`, {clients} clients", rate, "req/s",
                detail=f"p50 {got['p50'] / 1000:.0f} ms, p95 {p95:.0f} ms, "
                       f"p99 {got['p99'] / 1000:.0f} ms, {errors} errors of "
                       f"{int(got['requests']):,}",
                comparison="" if bare else f"{share:.0%} of the ceiling",
                target="" if bare else "p95 < 100 ms, 0 errors, ≥ 30 % of ceiling",
                met=None if bare else ctx.target(p95 < 100 and errors == 0 and share >= 0.3)))
    return measures
