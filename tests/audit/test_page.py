"""The audit log page: the audit administrator searches it; nobody else sees it."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.audit import chain
from kaohe.audit.models import AuditEvent
from tests.personas import PERSONAS, World


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "auditadmin"])
def test_verifying_is_the_auditors_alone(world: World, client_for: Callable[[str | None], Client],
                                         persona: str) -> None:
    response = client_for(persona).post(reverse("audit_verify"))
    assert response.status_code == 404


def test_the_auditor_verifies_the_chain_from_the_page(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    client = client_for("auditadmin")
    response = client.post(reverse("audit_verify"), follow=True)
    assert "审计链完整" in response.content.decode()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET action = 'x' WHERE seq = 2")  # noqa: S608
    response = client.post(reverse("audit_verify"), follow=True)
    assert "审计链在第 2 号事件处断开" in response.content.decode()


def test_search_by_account_object_action_and_time(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    staff = world.users["staff"]
    chain.record("export", object_type="reports.quarter", object_id="7", user=staff)
    chain.record("export", object_type="reports.quarter", object_id="8",
                 user=world.users["office"])
    client = client_for("auditadmin")
    page = client.get(reverse("audit_events"), {"username": "staff", "action": "export"})
    rows = list(page.context["page"])
    assert [(e.username, e.object_id) for e in rows] == [("staff", "7")]
    page = client.get(reverse("audit_events"), {"target": "reports.quarter:8"})
    assert [e.object_id for e in page.context["page"]] == ["8"]
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    page = client.get(reverse("audit_events"), {"since": tomorrow.isoformat()})
    assert list(page.context["page"]) == []
    page = client.get(reverse("audit_events"), {"since": "2025-02-01", "until": "2025-01-01"})
    assert "起始日期不能晚于截止日期" in page.content.decode()


def test_event_values_are_shown_escaped(world: World,
                                        client_for: Callable[[str | None], Client]) -> None:
    chain.record("test", object_type="t", new={"summary": "<script>alert(1)</script>"})
    body = client_for("auditadmin").get(reverse("audit_events")).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_the_page_costs_the_same_queries_for_3_or_30_events(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    client = client_for("auditadmin")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("audit_events")).status_code == 200
        return len(captured)

    for _ in range(3):
        chain.record("test", object_type="t")
    few = queries()
    for _ in range(27):
        chain.record("test", object_type="t")
    assert queries() == few
