"""The API shell: bearer tokens, who-am-I, restricted reads and the error body."""

from __future__ import annotations

import pytest
from django.test import Client

from kaohe.accounts.models import ApiToken
from tests.personas import World


def get(client: Client, world: World, persona: str, path: str) -> tuple[int, object]:
    _token, raw = ApiToken.issue(world.users[persona], "test")
    response = client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {raw}"})
    return response.status_code, response.json()


def test_me_names_person_roles_and_organ(client: Client, world: World) -> None:
    status, body = get(client, world, "office", "/me")
    assert status == 200
    assert body["person"]["id"] == "P-office"  # type: ignore[index]
    assert body["roles"] == ["office", "staff"]  # type: ignore[index]
    assert body["organ"] == "organ"  # type: ignore[index]


def test_a_technical_administrators_token_is_refused(client: Client, world: World) -> None:
    """They hold none (decision 0023); one made directly in the database does not work."""
    status, body = get(client, world, "auditadmin", "/me")
    assert status == 401 and body["error"]["code"] == "unauthenticated"  # type: ignore[index]


def test_people_list_is_restricted_like_the_pages(client: Client, world: World) -> None:
    _, body = get(client, world, "chief", "/people")
    assert sorted(p["id"] for p in body) == ["P-chief", "P-colleague", "P-staff"]  # type: ignore[attr-defined]
    _, body = get(client, world, "principal", "/people?section=b")
    assert sorted(p["id"] for p in body) == ["P-other_chief", "P-other_staff"]  # type: ignore[attr-defined]
    _, body = get(client, world, "outsider", "/people?organ=organ")
    assert body == []


def test_organ_detail_lists_sections_with_leaders(client: Client, world: World) -> None:
    _, body = get(client, world, "principal", "/organs/organ")
    sections = {s["code"]: s for s in body["sections"]}  # type: ignore[index]
    assert sections["a"]["leader_in_charge"] == {"id": "P-leader", "name": "Leader"}
    assert sections["b"]["frontline"] is True
    assert body["principal"]["id"] == "P-principal"  # type: ignore[index]


@pytest.mark.parametrize("header", ["", "Bearer nope", "Token abc", "Bearer "])
def test_bad_or_missing_token_is_401_with_error_body(client: Client, world: World,
                                                     header: str) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_deactivated_account_token_stops_working(client: Client, world: World) -> None:
    _token, raw = ApiToken.issue(world.users["staff"], "t")
    world.users["staff"].is_active = False
    world.users["staff"].save()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_openapi_document_describes_the_reads(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/me", "/api/v1/people/{personnel_no}"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


def test_interactive_docs_are_served_locally(client: Client) -> None:
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page and "cdn" not in page.lower()
