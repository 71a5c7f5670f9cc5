"""One voter sending their sheet twice at the same moment (a double tap on a phone, two
tabs): one vote counts, the other is refused, on PostgreSQL where the two really overlap."""

from __future__ import annotations

import pytest

from kaohe.ballots import selectors, services
from kaohe.ballots.models import Participation, Tally
from kaohe.errors import Refused
from tests.ballots.test_ballots import open_ballot
from tests.personas import World
from tests.races import postgres_only, race


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_vote_sent_twice_at_once_counts_once(world: World) -> None:
    ballot = open_ballot(world)
    colleague = world.users["colleague"]
    answers = {p.candidate_id: ["好", "好"]
               for p in selectors.sheet(ballot, world.people["colleague"])}
    outcome = race([lambda: services.ballot_vote(ballot=ballot, by=colleague, answers=answers)
                    for _twice in range(2)])
    refused = [r for r in outcome if isinstance(r, Refused)]
    assert len(refused) == 1 and refused[0].code == "already_voted", outcome
    assert Participation.objects.filter(ballot=ballot).count() == 1
    counted = set(Tally.objects.filter(ballot=ballot, good__gt=0).values_list("good", flat=True))
    assert counted == {1}
