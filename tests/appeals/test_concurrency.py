"""Two filings of the same appeal at the same moment (a double click, or the person online
while the office registers the paper) must leave exactly one appeal (§十(二): once per
assessment). Each filing runs in its own thread and database connection; only committed data
counts, so the test runs outside the usual test transaction."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection

from kaohe.accounts.models import User
from kaohe.appeals import services
from kaohe.appeals.models import Appeal
from kaohe.errors import Refused
from kaohe.org import access
from tests.appeals.conftest import APPEAL, Today, told
from tests.personas import World

ROUNDS = 12


def race(filers: list[tuple[User, datetime.date | None]], assessment_pk: int) -> list[object]:
    """File in one thread per filer, all released together; the outcome of each."""
    from kaohe.assessments.models import Assessment

    barrier = threading.Barrier(len(filers), timeout=10)
    outcome: list[object] = []

    def attempt(by: User, received_on: datetime.date | None) -> None:
        try:
            assessment = Assessment.objects.get(pk=assessment_pk)
            barrier.wait()
            outcome.append(services.appeal_file(assessment=assessment, by=by, text=APPEAL,
                                                received_on=received_on))
        except Exception as error:  # the outcome under test, whatever it is
            outcome.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=pair) for pair in filers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert not any(thread.is_alive() for thread in threads), "a filing never finished"
    return outcome


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writes by design (one writer at a time, "
                    "transactions begin IMMEDIATE), so there is no race to lose; the "
                    "PostgreSQL run of the same suite executes this test")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_filings_leave_exactly_one_appeal(world: World, today: Today) -> None:
    staff = world.assessments["staff"]
    told(staff)
    today(datetime.date(2025, 10, 13))
    person, office = world.users["staff"], world.users["office"]
    for user in (person, office):
        access.actor_for(user)  # worked out once, so that both threads start level
    contenders: list[list[tuple[User, datetime.date | None]]] = [
        [(person, None), (person, None)],  # a double click
        [(person, None), (office, datetime.date(2025, 10, 13))],  # online and on paper
    ]
    for round_no in range(ROUNDS):
        outcome = race(contenders[round_no % 2], staff.pk)
        filed = [result for result in outcome if isinstance(result, Appeal)]
        refused = [result for result in outcome if not isinstance(result, Appeal)]
        assert len(filed) == 1 and len(refused) == 1, (round_no, outcome)
        assert isinstance(refused[0], Refused), (round_no, refused[0])
        assert refused[0].code == "appeal_exists", (round_no, refused[0].message)
        assert Appeal.objects.filter(assessment=staff).count() == 1, round_no
        Appeal.objects.all().delete()  # for the next round
