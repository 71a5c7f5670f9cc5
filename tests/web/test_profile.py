"""API tokens on the profile page: shown once, hashed at rest, revocable by their owner only;
and bound by the session's rules: void after a password change, refused while a change is
pending or a required second factor is missing, expiring, never a technical administrator's."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaohe.accounts.models import ApiToken, User
from kaohe.accounts.services import password_change_force, second_factor_policy_set
from tests.personas import PASSWORD, World

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


# --- a token follows the session's rules --------------------------------------------------------

def me(raw: str) -> int:
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code


def issued(world: World, persona: str = "chief") -> str:
    _token, raw = ApiToken.issue(world.users[persona], "OA")
    assert me(raw) == 200
    return raw


def test_a_password_change_voids_earlier_tokens(client_for: Sign, world: World) -> None:
    raw = issued(world)
    client = client_for("chief")
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Autumn-river-2026",
        "new_password2": "Autumn-river-2026"})
    assert response.status_code == 302
    assert me(raw) == 401
    assert "已失效" in client.get(reverse("profile")).content.decode()
    assert me(issued(world)) == 200  # a token issued after the change works


@pytest.mark.parametrize("pending", ["forced", "initial", "expired"])
def test_no_token_works_while_a_password_change_is_pending(world: World, pending: str) -> None:
    raw = issued(world)
    user = world.users["chief"]
    if pending == "expired":
        User.objects.filter(pk=user.pk).update(
            password_changed_at=timezone.now() - datetime.timedelta(days=365))
        ApiToken.objects.filter(user=user).update(
            created=timezone.now() - datetime.timedelta(days=30))
    elif pending == "forced":
        password_change_force(by=world.users["secadmin"], user=user)
    else:
        User.objects.filter(pk=user.pk).update(must_change_password=True)
    assert me(raw) == 401


def test_a_token_expires(world: World, settings: Any) -> None:
    raw = issued(world)
    settings.KAOHE_TOKEN_MAX_AGE_DAYS = 30
    ApiToken.objects.update(created=timezone.now() - datetime.timedelta(days=31))
    User.objects.filter(pk=world.users["chief"].pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=40))
    assert me(raw) == 401


def test_the_organs_second_factor_policy_binds_tokens(world: World) -> None:
    raw = issued(world, "office")
    second_factor_policy_set(by=world.users["secadmin"], organ=world.organ, required=True)
    assert me(raw) == 401  # the office must enrol a second factor first
    TOTPDevice.objects.create(user=world.users["office"], name="phone", confirmed=True)
    assert me(raw) == 200


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditadmin"])
def test_technical_administrators_hold_no_tokens(client_for: Sign, world: World,
                                                 persona: str) -> None:
    client = client_for(persona)
    assert "创建令牌" not in client.get(reverse("profile")).content.decode()
    assert client.post(reverse("token_create"), {"name": "x"}).status_code == 403
    _token, raw = ApiToken.issue(world.users[persona], "made before this rule")
    assert me(raw) == 401
    assert not ApiToken.objects.filter(name="x").exists()


def test_the_token_command_gives_technical_administrators_none(world: World) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("token", "chief", stdout=out)
    assert me(out.getvalue().strip()) == 200
    with pytest.raises(CommandError, match="技术管理员不使用 API 令牌"):
        call_command("token", "secadmin")
    assert not ApiToken.objects.filter(user=world.users["secadmin"]).exists()
