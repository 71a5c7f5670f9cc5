"""The real thing (decision 0028): `kaohe run` serving with its background worker, on a
database file (SQLite) or the tests' PostgreSQL database, for an organ of 2,000 people. The
office asks for the organ's zip of forms; the pages keep answering while the worker makes it;
the worker is killed (SIGKILL) half-way, another `kaohe worker` is started, and the job is
resumed and completes with every form in the zip."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bench.cases.http import session_cookie, wait_until_ready
from kaohe.assessments.models import Assessment
from kaohe.org.models import Duty, Organ, OrganDuty
from kaohe.synth import generator
from tests.documents.reading import read_docx
from tests.web.test_run import local_env

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2025
PEOPLE = 2000
# A stopped worker is noticed after this many seconds (production: 60).
WORKER_TIMEOUT = "2"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Browser:
    """The office's browser: its session, and the CSRF cookie of the last form it read."""

    base: str
    cookies: dict[str, str]
    answered: list[tuple[str, int, float]] = field(default_factory=list)

    def open(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, body, Location) of one request, redirects not followed."""
        request = urllib.request.Request(  # noqa: S310 (the test's own server, loopback http)
            self.base + path, data=urllib.parse.urlencode(data).encode() if data else None,
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())})
        started = time.monotonic()
        try:
            response = urllib.request.build_opener(NoRedirect).open(request, timeout=60)
        except urllib.error.HTTPError as error:  # a redirect, not followed, or an error
            response = error
        with response:
            body = response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            self.answered.append((path, response.status, time.monotonic() - started))
            return response.status, body, response.headers.get("Location", "")

    def page(self, path: str) -> str:
        status, body, _location = self.open(path)
        assert status == 200, (path, status)
        return body

    def post_form(self, page: str, action: str, data: dict[str, str] | None = None) -> str:
        """Send the form of `page` that posts to `action`; returns where it leads."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.page(page))
        assert token and f'action="{action}"' in self.page(page)
        status, _body, location = self.open(action, {"csrfmiddlewaretoken": token[1],
                                                     **(data or {})})
        assert status == 302, status
        return location


@dataclass
class Progress:
    state: str
    done: int
    total: int
    restarted: bool


def progress_of(status_part: str) -> Progress:
    state = re.search(r'data-state="(\w+)"', status_part)
    counts = re.search(r'data-testid="job-progress">(\d+) / (\d+)<', status_part)
    assert state, status_part
    done, total = (int(counts[1]), int(counts[2])) if counts else (0, 0)
    return Progress(state[1], done, total, "重新开始" in status_part)


def shared_database(folder: Path) -> str:
    """The session's database as the processes of the test reach it: on PostgreSQL the test
    database itself; SQLite's, in memory, copied into a file (migrated already: the copy
    takes a moment where migrating a new file takes seconds)."""
    if connection.vendor == "sqlite":
        target = folder / "kaohe.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{target}"
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return url._replace(path=f"/{connection.settings_dict['NAME']}").geturl()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def background_worker_of(server: subprocess.Popen[bytes]) -> int:
    """The `kaohe worker` that `kaohe run` started."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for child in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split():
            if b"worker" in Path(f"/proc/{child}/cmdline").read_bytes():
                return int(child)
        time.sleep(0.1)
    raise AssertionError("kaohe run started no background worker")


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:  # before the test's database is emptied
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def test_a_2000_person_zip_is_made_in_the_background_and_survives_a_killed_worker(
        tmp_path: Path, processes: list[subprocess.Popen[bytes]]) -> None:
    timings: dict[str, float] = {}
    started = time.monotonic()
    generator.generate(generator.Shape(organs=1, people=PEOPLE, years=1, last_year=YEAR,
                                       seed=5))
    organ = Organ.objects.get()
    office = OrganDuty.objects.select_related("person__user").get(duty=Duty.OFFICE).person
    assert office.user is not None
    cookie = session_cookie(office.user).split("=", 1)
    assessed = Assessment.objects.filter(period__year=YEAR)
    forms = assessed.count() + 2 * assessed.values("person").distinct().count()
    # The processes read the session and the encrypted texts written here: with this
    # process's keys, not keys of their own generated into their folder.
    env = local_env(tmp_path, DATABASE_URL=shared_database(tmp_path),
                    SECRET_KEY=settings.SECRET_KEY, KAOHE_FIELD_KEY=settings.KAOHE_FIELD_KEY,
                    KAOHE_JOBS_WORKER_TIMEOUT=WORKER_TIMEOUT)
    timings["data"] = time.monotonic() - started

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kaohe", "run", "--no-demo", "--port", str(port), "--workers",
         "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    processes.append(server)
    base = f"http://127.0.0.1:{port}"
    wait_until_ready(server, f"{base}/login/", seconds=120)
    browser = Browser(base, {settings.SESSION_COOKIE_NAME: cookie[1]})
    timings["server"] = time.monotonic() - started

    job_page = browser.post_form(f"/annual/{organ.code}/{YEAR}/",
                                 f"/documents/bundle/{organ.code}/{YEAR}/")
    assert re.fullmatch(r"/jobs/\d+/", job_page)
    status_url = f"{job_page}status/"

    def follow(until: Callable[[Progress], bool]) -> Progress:
        """Ask for the job's progress, as its page does, and for the home page until `until`
        holds: each answered 200 while the worker works."""
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            found = progress_of(browser.page(status_url))
            browser.page("/")
            if until(found):
                return found
            time.sleep(0.5)
        raise AssertionError("the job did not get there within 300 s")

    # The worker of `kaohe run` makes the zip; killed (as by the out-of-memory killer) once
    # it has written its first files.
    at_kill = follow(lambda job: job.state == "done" or job.done >= 50)
    assert at_kill.state == "running" and 0 < at_kill.done < at_kill.total
    os.kill(background_worker_of(server), signal.SIGKILL)
    timings["killed"] = time.monotonic() - started

    worker = subprocess.Popen(
        [sys.executable, "-m", "kaohe", "worker", "--no-startup-delay"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    processes.append(worker)
    # Once the killed worker is missed, the job is queued again and run from the beginning.
    follow(lambda job: job.restarted)
    timings["resumed"] = time.monotonic() - started
    done = follow(lambda job: job.state == "done")
    timings["done"] = time.monotonic() - started
    assert done.done == done.total == forms + 5  # and the year's and quarters' tables

    target = tmp_path / "downloaded.zip"
    request = urllib.request.Request(f"{base}{job_page}download/", headers={  # noqa: S310
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie[1]}"})
    with (urllib.request.urlopen(request, timeout=120) as response,  # noqa: S310
          target.open("wb") as out):
        assert response.status == 200
        while chunk := response.read(1 << 20):
            out.write(chunk)
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None  # every file whole
        names = archive.namelist()
        assert len([n for n in names if n.endswith(".docx")]) == forms
        first = next(n for n in names if n.endswith(".docx"))
        assert read_docx(archive.read(first)).title.startswith("公务员")
    assert not list((tmp_path / "jobs").glob("*.part"))  # the killed attempt's part is gone
    timings["checked"] = time.monotonic() - started

    slowest = max(seconds for path, _status, seconds in browser.answered
                  if not path.startswith(("/annual/", "/documents/")))
    print(f"\n{connection.vendor}: {forms} forms; " + ", ".join(
        f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        + f"; {len(browser.answered)} pages answered, the slowest in {slowest:.2f} s")
