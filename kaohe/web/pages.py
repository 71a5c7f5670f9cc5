"""What the pages of this app show, read through the selectors of the apps they draw on."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from kaohe.appeals import selectors as appeal_selectors
from kaohe.assessments import selectors as assessment_selectors
from kaohe.ballots import selectors as ballot_selectors
from kaohe.org import access, selectors
from kaohe.org.access import Actor
from kaohe.org.models import Organ
from kaohe.web import nav


def home_context(actor: Actor) -> dict[str, Any]:
    """The person's to-do, their sections, and for those who see whole organs their annual
    links. The organs' headcounts are the organs page's (linked in the navigation), not
    repeated here."""
    sees_organs = bool(actor.whole_organ_ids or actor.department_organ_ids
                       or actor.is_system_admin)
    today = timezone.localdate()
    todo = assessment_selectors.todo(actor, _waiting_elsewhere(actor, today))
    return {
        "organ_links": nav.organ_links(actor, Organ.objects.restrict(actor))
        if sees_organs else [],
        "annual_year": nav.annual_year(),
        "my_sections": selectors.own_sections(actor),
        "todo": todo,
        "ballots_to_vote": ballot_selectors.to_vote(actor.person, today)
        if todo.waiting.get("ballots") else [],
    }


def _waiting_elsewhere(actor: Actor, today: datetime.date) -> dict[str, QuerySet[Any]]:
    """What other apps have waiting on the person, counted with their to-do in one query:
    the ballots to fill in (read only when there are any), the appeals the office handles."""
    waiting: dict[str, QuerySet[Any]] = {}
    if actor.person is not None:
        waiting["ballots"] = ballot_selectors.unvoted(actor.person, today)
    if access.may_list_appeals_to_handle(actor):
        waiting["appeals"] = appeal_selectors.pending_to_handle(actor)
    return waiting
