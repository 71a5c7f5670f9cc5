"""Repeated failed sign-ins lock the account (django-axes) and hold back the address for a
while (kaohe.accounts.throttle), never locking the other accounts behind that address."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.test import Client
from django.urls import reverse

from kaohe.accounts import services
from kaohe.errors import NotAllowed
from tests.accounts.conftest import sign_in
from tests.personas import World

LIMIT = 5  # the default KAOHE_LOGIN_FAILURE_LIMIT


def fail(client: Client, username: str, address: str, times: int) -> None:
    """`times` wrong passwords; the one that reaches the limit already answers 429."""
    for _ in range(times):
        assert sign_in(client, username, "Wrong-pass-123", address).status_code in {200, 429}


def test_an_account_is_locked_whatever_the_address(client: Client, world: World) -> None:
    for n in range(LIMIT - 1):
        fail(client, "staff", f"10.0.1.{n}", 1)
    response = sign_in(client, "staff", "Wrong-pass-123", "10.0.1.99")
    assert response.status_code == 429
    # Even the right password, from yet another address, is refused until the cool-off.
    response = sign_in(client, "staff", address="10.0.2.1")
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多" in page and "之后" in page and "安全管理员" in page
    assert "_auth_user_id" not in client.session
    # Another account from the same addresses is not affected.
    assert sign_in(client, "colleague", address="10.0.2.1").status_code == 302


def test_failures_from_one_address_lock_no_other_account(client: Client, world: World) -> None:
    """A whole organ signs in from one address (NAT): guesses at other names from it lock
    those names, not the colleague who then types the right password there."""
    for n in range(LIMIT):
        fail(client, f"guess{n}", "10.0.3.7", 1)
    assert sign_in(client, "staff", address="10.0.3.7").status_code == 302


def test_an_address_failing_too_often_is_held_back(client: Client, world: World,
                                                  settings: Any) -> None:
    settings.KAOHE_LOGIN_ADDRESS_FAILURES = 8
    for n in range(8):
        fail(client, f"guess{n}", "10.0.3.9", 1)
    response = sign_in(client, "staff", address="10.0.3.9")
    assert response.status_code == 429 and response["Retry-After"] == "300"
    assert "各账号本身未被锁定" in response.content.decode()
    assert sign_in(client, "staff", address="10.0.3.10").status_code == 302


def test_below_the_limit_the_right_password_works(client: Client, world: World) -> None:
    fail(client, "staff", "10.0.4.1", LIMIT - 1)
    assert sign_in(client, "staff", address="10.0.4.1").status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_guesses_at_another(
        client: Client, world: World) -> None:
    for _ in range(2):
        fail(client, "chief", "10.0.8.1", 2)
        assert sign_in(Client(), "staff", address="10.0.8.1").status_code == 302
    assert sign_in(client, "chief", "Wrong-pass-123", "10.0.8.1").status_code == 429


def test_login_still_sends_djangos_signals(client: Client, world: World) -> None:
    failed: list[str] = []
    succeeded: list[str] = []

    def on_failed(sender: object, credentials: dict[str, str], **kwargs: object) -> None:
        failed.append(credentials["username"])

    def on_success(sender: object, user: object, **kwargs: object) -> None:
        succeeded.append(str(user))

    user_login_failed.connect(on_failed)
    user_logged_in.connect(on_success)
    try:
        fail(client, "staff", "10.0.5.1", LIMIT)  # the last one locks
        sign_in(client, "staff", address="10.0.5.1")  # refused while locked: still a failure
        sign_in(client, "colleague", address="10.0.5.2")
    finally:
        user_login_failed.disconnect(on_failed)
        user_logged_in.disconnect(on_success)
    assert failed == ["staff"] * (LIMIT + 1)
    assert succeeded == ["colleague"]


def test_the_security_administrator_unlocks(client: Client, client_for, world: World) -> None:
    fail(client, "staff", "10.0.6.1", LIMIT)
    admin = client_for("secadmin")
    page = admin.get(reverse("security_overview")).content.decode()
    assert "10.0.6.1" in page and ">staff<" in page
    response = admin.post(reverse("security_unlock"), {"username": "staff"}, follow=True)
    assert "已解除锁定" in response.content.decode()
    assert sign_in(Client(), "staff", address="10.0.6.2").status_code == 302


def test_the_security_administrator_unlocks_an_address(client: Client, client_for,
                                                       world: World, settings: Any) -> None:
    settings.KAOHE_LOGIN_ADDRESS_FAILURES = LIMIT
    for n in range(LIMIT):
        fail(client, f"guess{n}", "10.0.7.1", 1)
    assert sign_in(Client(), "colleague", address="10.0.7.1").status_code == 429
    client_for("secadmin").post(reverse("security_unlock"), {"ip_address": "10.0.7.1"})
    assert sign_in(Client(), "colleague", address="10.0.7.1").status_code == 302


def test_only_the_security_administrator_may_unlock(world: World) -> None:
    with pytest.raises(NotAllowed):
        services.account_unlock(by=world.users["sysadmin"], username="staff")


def test_a_bad_api_token_is_401_and_locks_nothing(client: Client, world: World) -> None:
    for _ in range(LIMIT + 2):
        response = client.get("/api/v1/me", headers={"Authorization": "Bearer kh_guess"})
        assert response.status_code == 401
    assert sign_in(client, "staff", address="127.0.0.1").status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(client: Client, world: World,
                                                     settings: object) -> None:
    settings.KAOHE_PROXY_COUNT = 1  # type: ignore[attr-defined]
    for n in range(LIMIT):
        client.post(reverse("login"), {"username": f"x{n}", "password": "Wrong-pass-123"},
                    REMOTE_ADDR="192.168.0.1", HTTP_X_FORWARDED_FOR=f"1.1.1.1, 10.9.9.{n % 2}")
    # Two client addresses behind the same proxy: neither has reached the limit alone.
    response = client.post(reverse("login"), {"username": "staff", "password": "Persona-pass-2025"},
                           REMOTE_ADDR="192.168.0.1", HTTP_X_FORWARDED_FOR="10.9.9.0")
    assert response.status_code == 302
