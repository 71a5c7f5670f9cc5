"""Appeals over the API: file (online and paper), refusals with the error body and the deadline,
list what the user may see, read one, record an opinion, decide; the list's query budget."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kaohe.accounts.models import ApiToken
from kaohe.appeals.models import Appeal, Channel
from kaohe.assessments.models import Assessment, Notification, State, Transition
from kaohe.org.models import Category, Person
from tests.appeals.conftest import APPEAL, Today, told
from tests.personas import World

pytestmark = pytest.mark.django_db

d = datetime.date


class Api:
    def __init__(self, world: World) -> None:
        self.client = Client()
        self.world = world
        self.tokens: dict[str, str] = {}

    def __call__(self, persona: str, path: str, body: Any = None) -> tuple[int, Any]:
        if persona not in self.tokens:
            self.tokens[persona] = ApiToken.issue(self.world.users[persona], "t")[1]
        headers = {"Authorization": f"Bearer {self.tokens[persona]}"}
        if body is None:
            response = self.client.get(f"/api/v1{path}", headers=headers)
        else:
            response = self.client.post(f"/api/v1{path}", body, content_type="application/json",
                                        headers=headers)
        return response.status_code, response.json()


def test_an_appeal_through_the_api(world: World, today: Today) -> None:
    api = Api(world)
    staff, colleague = world.assessments["staff"], world.assessments["colleague"]
    told(staff)
    told(colleague)

    today(d(2025, 10, 14))
    status, body = api("staff", f"/assessments/{staff.pk}/appeals", {"text": APPEAL})
    assert status == 409
    assert body["error"]["code"] == "appeal_late" and body["error"]["rule"] == "§十(二)"
    assert "2025-10-13" in body["error"]["message"]

    today(d(2025, 10, 13))
    status, body = api("staff", f"/assessments/{staff.pk}/appeals", {"text": APPEAL})
    assert status == 201, body
    assert (body["state"], body["deadline"], body["channel"], body["grade"]) == (
        "pending", "2025-10-13", "online", "较好")
    assert body["opinions"] is None  # the person does not read the opinions gathered
    appeal_id = body["id"]
    status, body = api("staff", f"/assessments/{staff.pk}/appeals", {"text": APPEAL})
    assert (status, body["error"]["code"]) == (409, "appeal_exists")
    status, body = api("chief", f"/assessments/{staff.pk}/appeals", {"text": APPEAL})
    assert status == 403
    status, body = api("office", f"/assessments/{colleague.pk}/appeals",
                       {"text": APPEAL, "received_on": "2025-10-13"})
    assert (status, body["channel"], body["filed_on"]) == (201, "paper", "2025-10-13")

    # Lists: one's own; the office: its organ's; others: none.
    assert [a["id"] for a in api("staff", "/appeals")[1]] == [appeal_id]
    assert len(api("office", "/appeals")[1]) == 2
    assert api("chief", "/appeals")[1] == []
    assert api("chief", f"/appeals/{appeal_id}")[0] == 404

    status, body = api("office", f"/appeals/{appeal_id}/opinions",
                       {"given_by": "考核委员会", "text": "建议维持"})
    assert status == 201 and body["opinions"][0]["given_by"] == "考核委员会"
    status, body = api("office", f"/appeals/{appeal_id}/decide",
                       {"outcome": "changed", "grade": "优秀", "reason": "复核"})
    assert status == 400 and body["error"]["code"] == "invalid"
    status, body = api("staff", f"/appeals/{appeal_id}/decide",
                       {"outcome": "kept", "reason": "自己处理"})
    assert status == 403

    today(d(2025, 10, 15))
    status, body = api("office", f"/appeals/{appeal_id}/decide",
                       {"outcome": "changed", "grade": "好", "reason": "复核后认定",
                        "by_committee": True})
    assert status == 200, body
    assert (body["state"], body["previous_grade"], body["new_grade"], body["grade"],
            body["decided_on"], body["by_committee"]) == (
        "changed", "较好", "好", "好", "2025-10-15", True)
    status, body = api("staff", f"/assessments/{staff.pk}")
    assert body["grade"] == "好"
    assert body["history"][-1]["action"] == "appeal_change"
    assert body["history"][-1]["reason"] == "复核后认定"
    assert Notification.objects.filter(user=world.users["staff"],
                                       text__contains="2025-10-15").exists()
    assert Transition.objects.filter(action="appeal_change").count() == 1
    assert api("staff", f"/appeals/{appeal_id}")[1]["state"] == "changed"


def test_the_appeal_list_costs_the_same_queries_for_3_or_30(world: World) -> None:
    api = Api(world)
    period = world.periods["organ"]

    def appeal_for(assessment: Assessment) -> None:
        Appeal.objects.create(assessment=assessment, channel=Channel.ONLINE, text="x",
                              filed_on=d(2025, 9, 30), deadline=d(2025, 10, 13),
                              filed_by=world.users["office"])

    def count() -> tuple[int, int]:
        """Queries issued, rows listed."""
        with CaptureQueriesContext(connection) as queries:
            status, rows = api("office", "/appeals")
            assert status == 200
        return len(queries), len(rows)

    for persona in ("staff", "colleague", "chief"):
        appeal_for(world.assessments[persona])
    count()  # the first use of a token records its time: not a list cost
    few, rows = count()
    assert rows == 3
    for i in range(27):
        person = Person.objects.create(personnel_no=f"N{i}", name=f"新{i}", organ=world.organ,
                                       section=world.section_a, category=Category.STAFF)
        appeal_for(Assessment.objects.create(period=period, person=person,
                                             section=world.section_a, category=Category.STAFF,
                                             state=State.FEEDBACK, grade="较好"))
    assert count() == (few, 30)
