"""Approving under the 好 cap in one organ: every approval locks the quarter's row, and every
audited write locks the audit chain's head row. Sequential and with parallel clients, with the
audit trail on (HMAC-SM3, 国密), and off for comparison (the cost of the chain); sequential
with the chain keyed by HMAC-SHA256, and the keyed hash of one event with each (the cost of
SM3)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.db import connection, connections
from django.test.utils import override_settings
from django.utils import timezone

from bench.cases.data import delete_quarter, largest_organ, office_users
from bench.core import Context, Measure, best_of, case, timed
from kaohe.accounts.models import User
from kaohe.assessments import services
from kaohe.assessments.models import Assessment, FollowUp, State, Transition
from kaohe.audit import chain
from kaohe.audit.models import AuditEvent
from kaohe.errors import Refused
from kaohe.org.models import Category
from kaohe.plans.models import Grade, Period
from kaohe.plans.services import plan_for

CASE = "Approve under the cap"


@case("approvals")
def approvals(ctx: Context) -> list[Measure]:
    organ = largest_organ()
    year, quarter = ctx.year + 1, 2
    delete_quarter(year, quarter, [organ.pk])
    plan_for(organ=organ, year=year)
    period = services.period_open(organ=organ, year=year, quarter=quarter,
                                  by=office_users()[organ.pk])
    work = proposals(period)
    measures, rates = [], {}
    for label, setting, with_parallel in VARIANTS:
        with setting():
            reset(period)
            seq_s, seq_n = timed(lambda: approve_all(work))
            rates[label] = seq_n / seq_s
            measures.append(Measure(CASE, f"sequential, {label}", seq_n / seq_s, "approvals/s",
                                    detail=f"{seq_n} approvals in organ {organ.code}"))
            if not with_parallel:
                continue
            if not ctx.postgres:
                measures.append(Measure(CASE, f"{ctx.sizes.parallel_clients} parallel clients, "
                                        f"{label}", None, "", detail="PostgreSQL only"))
                continue
            reset(period)
            par_s, par_n = timed(lambda: parallel(work, ctx.sizes.parallel_clients))
            measures.append(Measure(
                CASE, f"{ctx.sizes.parallel_clients} parallel clients, {label}", par_n / par_s,
                "approvals/s", detail=f"{par_n} approvals",
                comparison=f"{(par_n / par_s) / (seq_n / seq_s):.2f}× sequential"))
    sm3, sha256, off = rates.values()
    measures[0].comparison = (f"HMAC-SHA256 is {sha256 / sm3:.2f}× as fast, audit off "
                              f"{off / sm3:.2f}×")
    delete_quarter(year, quarter, [organ.pk])
    return [*measures, *keyed_hash_of_one_event()]


# (label, the settings it runs under, whether it is also run with parallel clients)
VARIANTS = [
    ("audit trail on (HMAC-SM3, 国密)", lambda: override_settings(KAOHE_GUOMI=True), True),
    ("audit trail on, HMAC-SHA256", lambda: override_settings(KAOHE_GUOMI=False), False),
    ("audit trail off (comparison only)", lambda: audit_off(), True),
]


def keyed_hash_of_one_event(calls: int = 20_000) -> list[Measure]:
    """What the chain computes for each event, alone: its keyed hash, with each function."""
    event = AuditEvent(seq=1, at=timezone.now(), user_id=7, username="limy", action="approve",
                       object_type="assessments.assessment", object_id="12345",
                       object_repr="冯晓 2026年第2季度", old={"state": "proposed", "grade": ""},
                       new={"state": "approved", "grade": "好"}, reason="同意。",
                       prev_hash=chain.GENESIS)
    micros = {}
    for algorithm in ("sm3", "sha256"):
        event.algorithm = algorithm
        seconds, _ = best_of(3, lambda: [chain.digest(event) for _ in range(calls)])
        micros[algorithm] = seconds / calls * 1e6
    return [Measure(CASE, "keyed hash of one approval's event, HMAC-SHA256", micros["sha256"],
                    "µs"),
            Measure(CASE, "keyed hash of one approval's event, HMAC-SM3", micros["sm3"], "µs",
                    comparison=f"{micros['sm3'] / micros['sha256']:.2f}× HMAC-SHA256")]


Work = list[tuple[int, int, int]]  # assessment, its quarter, the approver's account


def proposals(period: Period) -> Work:
    """Every assessment of the quarter proposed, a third of them 好 (within the cap), each with
    the account that approves it: the leader in charge for staff, the principal for chiefs."""
    rows = list(period.assessments.select_related("section__leader_in_charge__user",
                                                  "period__organ__principal__user")
                .order_by("id"))
    work = []
    for n, row in enumerate(rows):
        grade = Grade.GOOD if n % 3 == 0 else (Grade.AVERAGE if n % 20 == 1 else
                                                Grade.FAIRLY_GOOD)
        Assessment.objects.filter(pk=row.pk).update(
            proposed_grade=grade, suggested_grade=grade, composite_score=Decimal("88.00"),
            summary="本季度工作小结。", grade_determined=True)
        approver = (row.period.organ.principal if row.category == Category.CHIEF
                    else row.section.leader_in_charge)
        assert approver is not None and approver.user is not None
        work.append((row.pk, row.period_id, approver.user.pk))
    return work


def reset(period: Period) -> None:
    assessments = period.assessments.values("id")
    for model in (Transition, FollowUp):
        model.objects.filter(assessment_id__in=assessments)._raw_delete(connection.alias)
    period.assessments.update(state=State.PROPOSED, grade="", approval_comment="")


def approve_all(work: Work) -> int:
    """As a request would: the account is loaded, the service called."""
    done = 0
    for pk, period_id, user_id in work:
        user = User.objects.get(pk=user_id)
        try:
            services.assessment_approve(assessment=Assessment(pk=pk, period_id=period_id),
                                        by=user, comment="同意。")
            done += 1
        except Refused:  # the cap: a refusal is a decision too, and is as quick
            done += 1
    return done


def parallel(work: Work, clients: int) -> int:
    done = [0] * clients

    def client(n: int) -> None:
        try:
            done[n] = approve_all(work[n::clients])
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done)


@contextmanager
def audit_off() -> Iterator[None]:
    with mock.patch("kaohe.audit.tracking.record"):
        yield
