"""API tokens on the profile page: shown once, hashed at rest, revocable by their owner only."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from kaohe.accounts.models import ApiToken
from tests.personas import World

Sign = Callable[[str | None], Client]


def test_token_is_shown_once_and_works(client_for: Sign, world: World) -> None:
    client = client_for("chief")
    response = client.post(reverse("token_create"), {"name": "OA"}, follow=True)
    message = next(iter(response.context["messages"])).message
    raw = message.rsplit("：", 1)[1]
    token = ApiToken.objects.get(user=world.users["chief"])
    assert token.key_hash != raw and raw not in token.key_hash
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.json()["person"]["id"] == "P-chief"
    assert raw not in client.get(reverse("profile")).content.decode()


def test_token_needs_a_name(client_for: Sign) -> None:
    response = client_for("chief").post(reverse("token_create"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_someone_elses_token_is_404(client_for: Sign, world: World) -> None:
    token, _raw = ApiToken.issue(world.users["staff"], "mine")
    response = client_for("chief").post(reverse("token_revoke", args=[token.id]))
    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    response = client_for("staff").post(reverse("token_revoke", args=[token.id]))
    assert response.status_code == 302 and not ApiToken.objects.filter(pk=token.pk).exists()


def test_token_pages_refuse_get_and_anonymous(client_for: Sign, world: World) -> None:
    assert client_for("staff").get(reverse("token_create")).status_code == 405
    response = client_for(None).post(reverse("token_create"), {"name": "x"})
    assert response.status_code == 302 and not ApiToken.objects.exists()
