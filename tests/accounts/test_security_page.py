"""The security administrator's page: what it lists, and a fixed number of queries."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaohe.org.models import Organ
from tests.personas import World


def add_rows(start: int, count: int) -> None:
    Organ.objects.bulk_create(Organ(code=f"o{i}", name=f"机关{i}")
                              for i in range(start, start + count))
    AccessAttempt.objects.bulk_create(
        AccessAttempt(username=f"u{i}", ip_address=f"10.1.0.{i}", user_agent="", get_data="",
                      post_data="", http_accept="", path_info="/login/", failures_since_start=9,
                      attempt_time=timezone.now())
        for i in range(start, start + count))


def count(client: Client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("security_overview"))
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_query_count_does_not_grow_with_rows(client_for, world: World) -> None:
    client = client_for("secadmin")
    add_rows(0, 3)
    count(client)
    few, _page = count(client)
    add_rows(3, 27)
    many, page = count(client)
    assert many == few
    assert "10.1.0.29" in page and "机关29" in page


def test_old_failures_are_not_listed_as_locks(client_for, world: World) -> None:
    old = AccessAttempt.objects.create(
        username="old", ip_address="10.2.0.1", user_agent="", get_data="", post_data="",
        http_accept="", path_info="/login/", failures_since_start=9)
    AccessAttempt.objects.filter(pk=old.pk).update(  # the time is set on creation
        attempt_time=timezone.now() - timezone.timedelta(hours=2))
    AccessAttempt.objects.create(
        username="few", ip_address="10.2.0.2", user_agent="", get_data="", post_data="",
        http_accept="", path_info="/login/", failures_since_start=2)
    _n, page = count(client_for("secadmin"))
    assert "10.2.0.1" not in page and "10.2.0.2" not in page
    assert "当前没有被锁定的账号或地址" in page


def test_the_navigation_shows_the_page_to_the_security_administrator_only(
        client_for, world: World) -> None:
    for persona in ["secadmin", "sysadmin", "auditadmin", "office"]:
        home = client_for(persona).get(reverse("home")).content.decode()
        assert (reverse("security_overview") in home) == (persona == "secadmin")
