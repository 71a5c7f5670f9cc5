"""What one request costs the application, page by page: CPU time of the Django process per
request (the database server's own work is not in it), through the test client with a signed-in
user, against a bare view through the same middleware requested in turn by the same user.

- the key pages of each role at the demo organ's size (21 people taking part, a year closed,
  the next quarter open with every summary submitted): each within 3× the bare view; and the
  chief's review screen with its texts encrypted (SM4) against the same texts in plain;
- the pages that grow with an organ: the annual page for an organ 10× larger, and the review
  screen of a section 10× larger;
- a sign-in: the password hasher alone, PBKDF2-SM3 (国密 on) and Argon2id (国密 off) against
  PBKDF2 at Django's default work factor, and the whole sign-in request.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable

from django.contrib.auth.hashers import BasePasswordHasher, PBKDF2PasswordHasher
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings

from bench.core import GROWTH, Context, Measure, case
from kaohe.accounts.hashers import Argon2idHasher, PBKDF2SM3Hasher
from kaohe.accounts.models import User
from kaohe.annual.demo import _office, run_demo_year
from kaohe.assessments import services
from kaohe.assessments.models import Assessment
from kaohe.lib.encryption import EncryptedTextField
from kaohe.org.demo import DEMO_PASSWORD, load_demo
from kaohe.org.models import Category, Duty, Organ, OrganDuty, Person
from kaohe.plans.models import Period, PeriodState

CASE = "Pages: CPU per request"
DEMO = "qc-sthjj"
DEMO_YEAR = 2025  # closed with every form; the first quarter of the next year is open
BARE = "/bench/bare/"


def once(client: Client, path: str) -> float:
    """The CPU time of the process for one request, in milliseconds."""
    started = time.process_time()
    response = client.get(path)
    spent = time.process_time() - started
    assert response.status_code == 200, f"{path}: {response.status_code}"
    return spent * 1000


def cpu_ms(client: Client, path: str, repeats: int) -> float:
    """The median CPU time of the process for one request, after one to warm the caches."""
    once(client, path)
    return statistics.median(once(client, path) for _ in range(max(repeats, 3)))


def against_bare(client: Client, path: str, repeats: int) -> tuple[float, float]:
    """The medians of the page and of the bare view for the same user, requested in turn so
    that a change of the machine's load weighs on both alike."""
    once(client, BARE), once(client, path)
    pairs = [(once(client, BARE), once(client, path)) for _ in range(max(repeats, 3))]
    return (statistics.median(page for _bare, page in pairs),
            statistics.median(bare for bare, _page in pairs))


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def prepare_demo(quick: bool) -> Period:
    """The demo organ with its year closed (full size only) and the next quarter open."""
    if not Organ.objects.filter(code=DEMO).exists():
        load_demo()
    organ = Organ.objects.get(code=DEMO)
    if not quick and not Period.objects.filter(organ=organ, year=DEMO_YEAR).exists():
        run_demo_year(organ, DEMO_YEAR)
    period = Period.objects.filter(organ=organ, year=DEMO_YEAR + 1, quarter=1).first()
    if period is None:
        with transaction.atomic():
            period = services.period_open(organ=organ, year=DEMO_YEAR + 1, quarter=1,
                                          by=_office(organ))
            for a in period.assessments.select_related("person__user"):
                if a.grade_determined and a.person.user:
                    services.summary_save(assessment=a, by=a.person.user, text="完成本季度任务。")
                    services.summary_submit(assessment=a, by=a.person.user)
    return period


def key_pages(period: Period) -> list[tuple[str, str, str]]:
    """(role, login, path) of the pages each role opens most, at the demo's size."""
    own = Assessment.objects.get(period=period, person__user__username="fengx").pk
    return [
        ("staff: home", "fengx", "/"),
        ("staff: own assessment", "fengx", f"/assessments/{own}/"),
        ("chief: home", "zhenghf", "/"),
        ("chief: review screen", "zhenghf", f"/periods/{period.pk}/review/"),
        ("leader: home", "limy", "/"),
        ("leader: approval screen", "limy", f"/periods/{period.pk}/approval/"),
        ("principal: home", "zhoujg", "/"),
        ("office: home", "zhaowj", "/"),
        ("office: quarters", "zhaowj", "/periods/"),
        ("office: leave", "zhaowj", f"/periods/{period.pk}/leave/"),
        ("office: annual page", "zhaowj", f"/annual/{DEMO}/{DEMO_YEAR}/"),
        ("office: progress", "zhaowj", f"/reports/organs/{DEMO}/progress/"),
        ("office: results", "zhaowj", f"/reports/organs/{DEMO}/results/"),
    ]


def grown(prefix: str) -> tuple[Organ, str, str, int]:
    """A synthetic organ of the growth pair: (organ, office login, a chief's login, the size
    of that chief's section)."""
    organ = Organ.objects.get(code=f"{prefix}0001")
    office = OrganDuty.objects.get(organ=organ, duty=Duty.OFFICE).person.user
    chief = (Person.objects.filter(organ=organ, category=Category.CHIEF)
             .exclude(section__code="S00").select_related("user", "section")
             .order_by("personnel_no").first())
    assert office and chief and chief.user
    section = Person.objects.filter(section=chief.section, active=True,
                                    category__in=[Category.CHIEF, Category.STAFF]).count()
    return organ, office.username, chief.user.username, section


@case("pages")
def pages(ctx: Context) -> list[Measure]:
    repeats = 3 if ctx.quick else 15
    measures: list[Measure] = []
    period = prepare_demo(ctx.quick)
    # The earlier cases leave millions of objects in this process, which the garbage collector
    # would walk again and again during each request; a server's worker holds none of them.
    gc.collect()
    gc.freeze()
    try:
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            # A ratio read against its target wants a steadier median than a time alone.
            measures += demo_pages(ctx, period, 3 if ctx.quick else 61)
            measures += encryption_on_reading(period, repeats)
            measures += growing_pages(ctx, repeats)
            measures += sign_in(ctx)
    finally:
        gc.unfreeze()
    return measures


def demo_pages(ctx: Context, period: Period, repeats: int) -> list[Measure]:
    """Each page against the bare view requested in turn by the same user: what a request
    costs before any page (the session, the account, the actor, the second-factor policy)
    depends on the user's roles."""
    clients: dict[str, Client] = {}
    measures = []
    for name, login, path in key_pages(period):
        spent, bare = against_bare(clients.setdefault(login, signed_in(login)), path, repeats)
        measures.append(Measure(
            CASE, f"demo organ, {name} `{path}`", spent, "ms",
            detail=f"bare view {bare:.1f} ms", comparison=f"{spent / bare:.1f}× the bare view",
            target="≤ 3× the bare view", met=ctx.target(spent <= 3 * bare)))
    return measures


def encryption_on_reading(period: Period, repeats: int) -> list[Measure]:
    """The chief's review screen with the quarter's texts encrypted (国密 on, SM4) and with the
    same texts written again in plain text: what decrypting costs a page."""
    client, path = signed_in("zhenghf"), f"/periods/{period.pk}/review/"
    texts = [field.attname for field in Assessment._meta.concrete_fields
             if isinstance(field, EncryptedTextField)]

    def write_again() -> int:
        rows = list(period.assessments.all())
        Assessment.objects.bulk_update(rows, texts)  # sealed or not, as the setting says
        return sum(1 for row in rows for name in texts if getattr(row, name))

    count = write_again()
    sealed = cpu_ms(client, path, repeats)
    with override_settings(KAOHE_GUOMI=False):
        write_again()
        plain = cpu_ms(client, path, repeats)
    write_again()
    return [
        Measure(CASE, f"chief: review screen, texts in plain (国密 off) `{path}`", plain, "ms"),
        Measure(CASE, f"chief: review screen, texts encrypted with SM4 `{path}`", sealed, "ms",
                detail=f"{count} texts in the quarter",
                comparison=f"{sealed / plain:.2f}× the plain texts"),
    ]


def growing_pages(ctx: Context, repeats: int) -> list[Measure]:
    (small, small_office, small_chief, small_section), (large, large_office, large_chief,
                                                        large_section) = map(grown, GROWTH)
    people = {organ.pk: Person.objects.filter(
        organ=organ, category__in=[Category.CHIEF, Category.STAFF]).count()
        for organ in (small, large)}

    def annual(organ: Organ, login: str) -> float:
        return cpu_ms(signed_in(login), f"/annual/{organ.code}/{ctx.year}/", repeats)

    def review(organ: Organ, login: str) -> float:
        period = Period.objects.get(organ=organ, state=PeriodState.OPEN)
        return cpu_ms(signed_in(login), f"/periods/{period.pk}/review/", repeats)

    small_annual, large_annual = annual(small, small_office), annual(large, large_office)
    small_review, large_review = review(small, small_chief), review(large, large_chief)
    growth = large_annual / small_annual
    scale = people[large.pk] / people[small.pk]
    return [
        Measure(CASE, f"annual page, organ of {people[small.pk]:,} people", small_annual, "ms"),
        Measure(CASE, f"annual page, organ of {people[large.pk]:,} people", large_annual, "ms",
                comparison=f"{growth:.1f}× the cost for {scale:.0f}× the people",
                target="< 150 ms, ≤ 1.1× linear",
                met=ctx.target(large_annual < 150 and growth <= 1.1 * scale)),
        Measure(CASE, f"review screen, section of {small_section:,}", small_review, "ms"),
        Measure(CASE, f"review screen, section of {large_section:,}", large_review, "ms",
                comparison=f"{large_review / small_review:.1f}× the section of {small_section}",
                target="< 100 ms", met=ctx.target(large_review < 100)),
    ]


def sign_in(ctx: Context) -> list[Measure]:
    """With each hasher — PBKDF2-SM3 (国密 on, the default), Argon2id (国密 off) and
    PBKDF2-SHA256 at Django's 1,000,000 iterations for comparison — the password check alone and
    a whole sign-in request, the installation storing with that hasher; sign-ins per second on
    this machine's cores."""
    repeats = 3 if ctx.quick else 20
    cores = len(os.sched_getaffinity(0))
    sm3, argon2id, baseline = PBKDF2SM3Hasher(), Argon2idHasher(), PBKDF2PasswordHasher()
    hashers = [
        (sm3, f"PBKDF2-SM3, {sm3.iterations:,} iterations (国密 on, the default)", repeats),
        (argon2id, f"Argon2id, {argon2id.memory_cost // 1024} MiB, {argon2id.time_cost} passes, "
                   f"{argon2id.parallelism} lane (国密 off)", repeats),
        (baseline, f"PBKDF2-SHA256, {baseline.iterations:,} iterations (Django's default, "
                   "comparison only)", 3 if ctx.quick else 5),
    ]
    measures, whole_ms = [], {}
    for hasher, named, times in hashers:
        check_ms = password_check(hasher, times)
        whole_ms[hasher] = whole_sign_in(hasher, times)
        measures.append(Measure(CASE, f"password check: {named}", check_ms, "ms"))
    for hasher, named, _times in hashers:
        measures.append(Measure(
            CASE, f"a whole sign-in (`POST /login/`, password, session, audit): {named}",
            whole_ms[hasher], "ms",
            detail=f"{cores * 1000 / whole_ms[hasher]:,.0f} sign-ins/s on {cores} cores",
            comparison="" if hasher is sm3 else
            f"{whole_ms[sm3] / whole_ms[hasher]:.2f}× as fast as PBKDF2-SM3"))
    return measures


def password_check(hasher: BasePasswordHasher, repeats: int) -> float:
    """The CPU milliseconds of checking a stored hash of the demo password."""
    stored = hasher.encode(DEMO_PASSWORD, hasher.salt())
    return cpu_of(lambda: hasher.verify(DEMO_PASSWORD, stored), repeats)


def whole_sign_in(hasher: BasePasswordHasher, repeats: int) -> float:
    """The CPU milliseconds of a whole sign-in, the installation storing with `hasher` (so that
    nothing is re-hashed on the way)."""
    user = User.objects.get(username="fengx")
    user.password = hasher.encode(DEMO_PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    attempts = iter(range(1_000_000))

    def once() -> None:
        # Each from an address of its own: the per-address throttle is not what is measured.
        client = Client(REMOTE_ADDR=f"10.{next(attempts) % 250}.0.1")
        response = client.post("/login/", {"username": "fengx", "password": DEMO_PASSWORD})
        assert response.status_code == 302, response.status_code

    path = f"{type(hasher).__module__}.{type(hasher).__qualname__}"
    with override_settings(PASSWORD_HASHERS=[path]):
        return cpu_of(once, repeats)


def cpu_of(function: Callable[[], object], repeats: int) -> float:
    runs = []
    for _ in range(repeats):
        started = time.process_time()
        function()
        runs.append((time.process_time() - started) * 1000)
    return statistics.median(runs)

