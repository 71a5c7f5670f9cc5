"""Two filings of the same appeal at the same moment (a double click, or the person online
while the office registers the paper) must leave exactly one appeal (§十(二): once per
assessment). Each filing runs in its own thread and database connection (tests.races)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from kaohe.accounts.models import User
from kaohe.appeals import services
from kaohe.appeals.models import Appeal
from kaohe.assessments.models import Assessment
from kaohe.errors import Refused
from kaohe.org import access
from tests.appeals.conftest import APPEAL, Today, told
from tests.personas import World
from tests.races import postgres_only, race

ROUNDS = 12


def file_together(filers: list[tuple[User, datetime.date | None]],
                  assessment_pk: int) -> list[object]:
    """File as every filer at the same moment, each with the assessment read beforehand."""
    def filing(by: User, received_on: datetime.date | None) -> Callable[[], object]:
        assessment = Assessment.objects.get(pk=assessment_pk)
        return lambda: services.appeal_file(assessment=assessment, by=by, text=APPEAL,
                                            received_on=received_on)
    return race([filing(by, received_on) for by, received_on in filers])


@postgres_only
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
        outcome = file_together(contenders[round_no % 2], staff.pk)
        filed = [result for result in outcome if isinstance(result, Appeal)]
        refused = [result for result in outcome if not isinstance(result, Appeal)]
        assert len(filed) == 1 and len(refused) == 1, (round_no, outcome)
        assert isinstance(refused[0], Refused), (round_no, refused[0])
        assert refused[0].code == "appeal_exists", (round_no, refused[0].message)
        assert Appeal.objects.filter(assessment=staff).count() == 1, round_no
        Appeal.objects.all().delete()  # for the next round
