"""The admin: the system administrator and each organ's office, each within their reach."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.personas import PERSONAS, World

Sign = Callable[[str | None], Client]


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_for_sysadmin_and_office_only(client_for: Sign, persona: str) -> None:
    response = client_for(persona).get("/admin/")
    assert response.status_code == (200 if persona in {"sysadmin", "office"} else 302)


def test_office_sees_and_edits_only_its_own_organ(client_for: Sign, world: World) -> None:
    client = client_for("office")
    listing = client.get("/admin/org/person/").content.decode()
    assert "P-staff" in listing and "P-outsider" not in listing
    outsider = world.people["outsider"]
    response = client.get(f"/admin/org/person/{outsider.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" answer
    assert client.get("/admin/accounts/user/").status_code == 403


def test_sysadmin_cannot_grant_technical_roles(client_for: Sign, world: World) -> None:
    client = client_for("sysadmin")
    page = client.get(f"/admin/accounts/user/{world.users['staff'].pk}/change/")
    assert page.status_code == 200
    assert 'name="technical_role"' not in page.content.decode()
