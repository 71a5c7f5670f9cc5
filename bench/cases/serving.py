"""`kaohe run` serves with gunicorn, its workers sized to the machine; before, it served with
Django's development server. Both on the same folder (the embedded default, the demo organ),
the staff member's home page loaded by wrk at 1, 4 and 16 clients."""

from __future__ import annotations

import re
import shutil
import tempfile
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from bench.cases.http import wrk
from bench.cases.start import local_server
from bench.core import Context, Measure, case
from kaohe.org.demo import DEMO_PASSWORD

CASE = "Serving: `kaohe run` (gunicorn) against the development server"
CLIENTS = (1, 4, 16)
STAFF = "fengx"


def signed_in(base: str) -> str:
    """The cookie header of the demo staff member, signed in through the sign-in form."""
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = browser.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token, "no CSRF token on the sign-in form"
    answer = browser.open(urllib.request.Request(
        f"{base}/login/", headers={"Referer": f"{base}/login/"},
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token[1], "username": STAFF,
                                     "password": DEMO_PASSWORD}).encode()))
    assert answer.url == f"{base}/", f"the sign-in ended on {answer.url}"
    return "Cookie: " + "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def rates(base: str, seconds: int) -> dict[int, dict[str, float]]:
    header = signed_in(base)
    wrk(base, "/", header, 1, max(CLIENTS))  # every worker has answered once
    return {clients: wrk(base, "/", header, seconds, clients) for clients in CLIENTS}


@case("serving")
def serving(ctx: Context) -> list[Measure]:
    if shutil.which("wrk") is None:
        return [Measure(CASE, "home page", None, "", detail="wrk is not installed")]
    seconds = ctx.sizes.http_seconds
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        with local_server(folder, "run", "--port") as base:  # prepares the folder too
            ours = rates(base, seconds)
        with local_server(folder, "runserver", "--noreload") as base:
            development = rates(base, seconds)
    measures = []
    for clients in CLIENTS:
        for server, got in (("development server", development[clients]),
                            ("`kaohe run`", ours[clients])):
            rate = got["requests"] / (got["duration_us"] / 1e6)
            errors = int(sum(got[kind] for kind in ("connect", "read", "write", "status",
                                                    "timeout")))
            ratio = rate / (development[clients]["requests"]
                            / (development[clients]["duration_us"] / 1e6))
            measures.append(Measure(
                CASE, f"{server}, staff home `/`, {clients} client{'s' * (clients > 1)}",
                rate, "req/s",
                detail=f"p95 {got['p95'] / 1000:.0f} ms, {errors} errors",
                comparison="" if server == "development server"
                else f"{ratio:.1f}× the development server"))
    return measures
