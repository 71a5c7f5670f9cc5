"""People search: by name or personnel number, over the people each user may see only, each
result linking to the person's page; typing asks again and receives only the results."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import World

pytestmark = pytest.mark.django_db

Sign = Callable[[str | None], Client]


def found(client: Client, query: str, **headers: str) -> str:
    response = client.get(reverse("people_search"), {"q": query}, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def linked(page: str, persona: str) -> bool:
    return f'href="{reverse("person_detail", args=[f"P-{persona}"])}"' in page


def test_a_chief_finds_their_section_only(client_for: Sign, world: World) -> None:
    page = found(client_for("chief"), "staff")  # names: "Staff", "Other Staff"
    assert linked(page, "staff") and not linked(page, "other_staff")
    assert "在您可查看的人员中未找到“outsider”" in found(client_for("chief"), "outsider")


@pytest.mark.parametrize(("persona", "sees", "hidden"), [
    ("staff", ["staff"], ["colleague", "chief", "outsider"]),
    ("office", ["staff", "other_staff", "leader"], ["outsider"]),
    ("outsider", ["outsider"], ["staff"]),
    ("secadmin", [], ["staff", "outsider"]),
])
def test_each_role_finds_what_it_may_see(client_for: Sign, world: World, persona: str,
                                         sees: list[str], hidden: list[str]) -> None:
    page = found(client_for(persona), "P-")
    assert all(linked(page, p) for p in sees)
    assert not any(linked(page, p) for p in hidden)


def test_by_personnel_number_and_as_you_type(client_for: Sign, world: World) -> None:
    client = client_for("office")
    page = found(client, "P-other_st", HX_Request="true")
    assert linked(page, "other_staff") and "<html" not in page  # the results alone
    assert "<html" in found(client, "")  # the whole page, nothing searched yet
    assert 'data-testid="people-results"' not in found(client, "   ")


def test_an_overlong_query_is_refused_with_a_message(client_for: Sign, world: World) -> None:
    page = found(client_for("office"), "x" * 201)
    assert "200" in page and 'data-testid="people-results"' not in page


def test_the_top_navigation_links_the_search(client_for: Sign, world: World) -> None:
    assert reverse("people_search") in client_for("staff").get(reverse("home")).content.decode()
