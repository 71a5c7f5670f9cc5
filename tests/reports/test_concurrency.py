"""Two 催办 of the same quarter at the same moment (the office and the principal, or a double
click) remind each person once: the second waits on the quarter's row and then finds everyone
reminded today. Each runs in its own thread and database connection (tests.races)."""

from __future__ import annotations

import pytest

from kaohe.assessments.models import Notification
from kaohe.errors import Refused
from kaohe.org import access
from kaohe.reports import reminders
from tests.personas import World
from tests.races import postgres_only, race

ROUNDS = 6


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_reminders_remind_each_person_once(world: World) -> None:
    office, principal = world.users["office"], world.users["principal"]
    for user in (office, principal):
        access.actor_for(user)  # worked out once, so that both threads start level
    period = world.periods["organ"]
    for round_no in range(ROUNDS):
        outcome = race([lambda by=by: reminders.remind(period=period, by=by)
                        for by in (office, principal)])
        sent = [result for result in outcome if isinstance(result, list)]
        refused = [result for result in outcome if isinstance(result, Refused)]
        assert len(sent) == 1 and len(refused) == 1, (round_no, outcome)
        assert refused[0].code == "nothing_to_remind"
        per_user = Notification.objects.filter(topic="remind").values_list("user_id", flat=True)
        assert len(per_user) == len(set(per_user)) == len(sent[0]), round_no
        Notification.objects.all().delete()  # for the next round
