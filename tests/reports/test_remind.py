"""催办 on the progress page: who is reminded (whoever's step is pending, within the scope of
the one reminding), the confirmation page, once a day per person, in the app and by e-mail,
on the audit record; who may remind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from kaohe.accounts.models import User
from kaohe.assessments.models import Assessment, Notification, State
from kaohe.audit.models import AuditEvent
from tests.personas import World

pytestmark = pytest.mark.django_db
Clients = Callable[[str | None], Client]


def set_state(world: World, persona: str, state: str) -> None:
    Assessment.objects.filter(pk=world.assessments[persona].pk).update(state=state)


def url(world: World) -> str:
    return f"/reports/periods/{world.periods['organ'].pk}/remind/"


def reminded() -> set[str]:
    return set(Notification.objects.filter(topic="remind")
               .values_list("user__username", flat=True))


@pytest.fixture
def quarter(world: World) -> World:
    """Staff submitted (the chief reviews), the chief proposed (the principal approves), the
    colleague acknowledged (nobody), the others still writing their summaries."""
    set_state(world, "staff", State.SUBMITTED)
    set_state(world, "chief", State.PROPOSED)
    set_state(world, "colleague", State.ACKNOWLEDGED)
    User.objects.filter(username="chief").update(email="chief@example.org")
    return world


def test_the_office_reminds_everyone_whose_step_is_pending(
        quarter: World, client_for: Clients, django_capture_on_commit_callbacks: Any) -> None:
    office = client_for("office")
    progress = office.get("/reports/organs/organ/progress/").content.decode()
    assert f'href="{url(quarter)}"' in progress
    page = office.get(url(quarter)).content.decode()
    listed = {chunk.split('"')[0] for chunk in page.split('data-person="')[1:]}
    assert listed == {"P-chief", "P-principal", "P-other_chief", "P-other_staff", "P-office"}
    assert reminded() == set()  # the confirmation page sends nothing
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail once committed
        response = office.post(url(quarter))
    assert response.status_code == 302
    assert reminded() == {"chief", "principal", "other_chief", "other_staff", "office"}
    note = Notification.objects.get(user__username="chief", topic="remind")
    assert "催办" in note.text and note.url == "/" and not note.read
    assert [m.to for m in mail.outbox] == [["chief@example.org"]]
    event = AuditEvent.objects.get(action="remind")
    assert event.username == "office" and "P-chief" in event.new["people"]
    # The home page shows the reminder as a link.
    assert f'/notifications/{note.pk}/' in client_for("chief").get("/").content.decode()


def test_once_a_day_per_person(quarter: World, client_for: Clients,
                               django_capture_on_commit_callbacks: Any) -> None:
    office = client_for("office")
    with django_capture_on_commit_callbacks(execute=True):
        office.post(url(quarter))
    before = Notification.objects.count()
    page = office.get(url(quarter)).content.decode()
    assert "已催办" in page and "将催办" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(url(quarter), follow=True)
    assert "每人每天最多一次" in response.content.decode()
    assert Notification.objects.count() == before and len(mail.outbox) == 1
    # Someone newly due the same day is still reminded.
    set_state(quarter, "colleague", State.FEEDBACK)
    office.post(url(quarter))
    assert Notification.objects.filter(topic="remind", user__username="colleague").count() == 1
    assert Notification.objects.count() == before + 1


def test_a_leader_reminds_within_the_sections_overseen(quarter: World,
                                                       client_for: Clients) -> None:
    client_for("leader").post(url(quarter))
    # Section A: the chief reviews the staff member, the principal approves the chief.
    assert reminded() == {"chief", "principal"}


def test_who_may_remind(quarter: World, client_for: Clients) -> None:
    assert client_for("chief").get(url(quarter)).status_code == 403
    assert client_for("chief").post(url(quarter)).status_code == 403
    assert 'data-testid="remind"' not in client_for("chief").get(
        "/reports/organs/organ/progress/").content.decode()
    assert client_for("staff").post(url(quarter)).status_code == 404
    assert client_for("outsider").get(url(quarter)).status_code == 404
    assert reminded() == set()


def test_no_reminder_for_a_closed_quarter(quarter: World, client_for: Clients) -> None:
    period = quarter.periods["organ"]
    period.state = "closed"
    period.save()
    response = client_for("office").post(url(quarter), follow=True)
    assert "本季度已结束" in response.content.decode() and reminded() == set()
