"""Publishing the 好 list while an appeal changes a 好 (decision 0014): whichever comes first,
the published list and its corrections end equal to the grades, never a silent change. Both
take the quarter's lock first; each runs in its own thread and connection (tests.races)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from kaohe.appeals import services
from kaohe.appeals.models import Appeal, AppealState
from kaohe.assessments import selectors as assessment_selectors
from kaohe.assessments import services as assessment_services
from kaohe.assessments.models import Correction, Publication, State
from kaohe.org import access
from kaohe.plans.models import Grade, Period
from tests.appeals.conftest import APPEAL, Today
from tests.assessments.test_services import FEEDBACK_DAY
from tests.personas import World
from tests.races import postgres_only, race

ROUNDS = 8


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_appeal_decided_while_the_list_is_published_is_never_silent(
        world: World, today: Today) -> None:
    period = world.periods["organ"]
    staff = world.assessments["staff"]
    office = world.users["office"]
    access.actor_for(office)  # worked out once, so that both threads start level
    today(datetime.date(2025, 10, 13))
    for round_no in range(ROUNDS):
        period.assessments.update(state=State.ACKNOWLEDGED, grade=Grade.FAIRLY_GOOD,
                                  feedback_given_on=FEEDBACK_DAY)
        period.assessments.filter(pk=staff.pk).update(grade=Grade.GOOD)
        appeal = Appeal.objects.create(assessment_id=staff.pk, text=APPEAL, filed_on=FEEDBACK_DAY,
                                       deadline=datetime.date(2025, 10, 13), filed_by=office)
        calls: list[Callable[[], object]] = [
            lambda: assessment_services.period_publish(
                period=Period.objects.get(pk=period.pk), by=office),
            lambda pk=appeal.pk: services.appeal_decide(
                appeal=Appeal.objects.get(pk=pk), by=office, outcome=AppealState.CHANGED,
                grade=Grade.FAIRLY_GOOD, reason="复核"),
        ]
        outcome = race(calls)
        assert not any(isinstance(result, Exception) for result in outcome), outcome
        listed = assessment_selectors.published_list(Period.objects.get(pk=period.pk))
        assert listed is not None and listed.current == [], (round_no, listed)
        published_staff = [e for e in listed.publication.names  # type: ignore[union-attr]
                           if e["assessment"] == staff.pk]
        # Published before the decision: the correction says so; after: never listed.
        assert bool(published_staff) == Correction.objects.exists(), round_no
        Correction.objects.all().delete()
        Publication.objects.all().delete()
        Appeal.objects.all().delete()
        Period.objects.filter(pk=period.pk).update(published_at=None)
