"""Every free text a person can write, holding script and attribute-breaking payloads, is
shown as text on every page that shows it.

Each field gets its own payloads (named after the field), so that the test also proves each
field is shown somewhere, escaped, and not just absent.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from kaohe.accounts.models import ApiToken
from kaohe.assessments.models import (
    Assessment,
    FollowUp,
    FollowUpKind,
    LiaisonRequest,
    State,
    Transition,
)
from kaohe.plans.models import Task
from kaohe.records.models import Entry
from tests.personas import World


def payloads(field: str) -> list[str]:
    return [f"<script>alert('{field}')</script>", f'"><img src=x onerror=alert("{field}")>']


def hostile(field: str) -> str:
    return "".join(payloads(field))


# field → where a person writes it (the service or form that takes it)
ASSESSMENT_TEXTS = ["summary", "proposal_comment", "proposal_reason", "approval_comment",
                    "approval_reason", "feedback_text", "person_opinion", "direct_reason",
                    "direct_reward", "colleagues_opinion", "recipients_opinion",
                    "performance_results", "team_decision"]
# Shown on the pages today (the others are kept for the record and the documents).
SHOWN = {"summary", "proposal_comment", "approval_comment", "feedback_text", "person_opinion",
         "transition_reason", "entry_text", "task_title", "liaison_answer", "follow_up_note",
         "token_name", "organ_name", "section_name", "person_name"}


def _fill(world: World) -> None:
    """Every text field written with its payloads, as the import, the forms and the services
    would store them (the services keep text as typed: escaping is the pages' job)."""
    world.organ.name = hostile("organ_name")
    world.organ.save()
    world.section_a.name = hostile("section_name")
    world.section_a.save()
    staff = world.people["staff"]
    staff.name = hostile("person_name")
    staff.save()
    assessment = world.assessments["staff"]
    Assessment.objects.filter(pk=assessment.pk).update(
        state=State.FEEDBACK, grade="好", proposed_grade="好", suggested_grade="好",
        feedback_method="talk", feedback_given_on=datetime.date(2025, 10, 9),
        **{field: hostile(field) for field in ASSESSMENT_TEXTS})
    Transition.objects.create(assessment=assessment, action="return", from_state=State.SUBMITTED,
                              to_state=State.RETURNED, by=world.users["chief"],
                              reason=hostile("transition_reason"))
    Entry.objects.create(person=staff, day=datetime.date(2025, 7, 3), text=hostile("entry_text"))
    Task.objects.create(person=staff, year=2025, title=hostile("task_title"),
                        description=hostile("task_description"), assigned_by=world.users["chief"])
    LiaisonRequest.objects.create(assessment=assessment, liaison=world.people["colleague"],
                                  asked_by=world.users["chief"], question=hostile("question"),
                                  answer=hostile("liaison_answer"))
    FollowUp.objects.create(assessment=assessment, kind=FollowUpKind.REMINDER_TALK,
                            assigned_to=world.people["chief"], note=hostile("follow_up_note"),
                            done_on=datetime.date(2025, 10, 20))
    ApiToken.issue(world.users["staff"], hostile("token_name"))
    period = world.periods["organ"]
    period.published_at = timezone.now()
    period.save()


def _pages(world: World) -> list[str]:
    assessment, period = world.assessments["staff"], world.periods["organ"]
    return [
        reverse("home"), reverse("organ_list"), reverse("organ_detail", args=["organ"]),
        reverse("section_detail", args=["organ", "a"]),
        reverse("person_detail", args=[world.people["staff"].personnel_no]),
        reverse("assessment_detail", args=[assessment.pk]), reverse("periods"),
        reverse("review_screen", args=[period.pk]), reverse("approval_screen", args=[period.pk]),
        reverse("published", args=[period.pk]), reverse("liaison_inbox"),
        reverse("follow_ups"), reverse("record_book"), reverse("profile"),
    ]


def test_every_text_is_shown_as_text(client_for: Callable[[str | None], Client],
                                     world: World) -> None:
    _fill(world)
    shown: set[str] = set()
    for persona in ["staff", "colleague", "chief", "leader", "principal", "office"]:
        client = client_for(persona)
        for path in _pages(world):
            response = client.get(path)
            if response.status_code != 200:
                continue
            html = response.content.decode()
            assert "<script>alert(" not in html, (persona, path)
            assert "<img src=x" not in html, (persona, path)
            shown |= {field for field in SHOWN
                      if all(escape(p) in html for p in payloads(field))}
    assert shown == SHOWN
