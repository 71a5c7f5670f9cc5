"""List pages and API lists issue the same number of queries for 3 or 30 rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kaohe.accounts.models import ApiToken
from kaohe.org.models import Category, Person
from tests.personas import World

LISTS = ["/", "/organs/", "/organs/organ/", "/organs/organ/sections/a/",
         "/api/v1/people", "/api/v1/organs/organ", "/api/v1/organs",
         "/api/v1/organs/organ/sections"]


def queries(client: Client, url: str, headers: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, headers=headers).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("persona", ["principal", "chief"])
def test_query_count_does_not_grow_with_rows(client_for: Callable[[str | None], Client],
                                             world: World, url: str, persona: str) -> None:
    client = client_for(persona)
    _token, raw = ApiToken.issue(world.users[persona], "budget")
    headers = {"Authorization": f"Bearer {raw}"} if url.startswith("/api/") else {}
    queries(client, url, headers)  # the first use of a token records its time: not a list cost
    few = queries(client, url, headers)
    Person.objects.bulk_create(
        Person(personnel_no=f"X{i}", name=f"新人{i}", organ=world.organ,
               section=world.section_a, category=Category.STAFF)
        for i in range(27)
    )
    assert queries(client, url, headers) == few
