"""Time-outs of a browser session: idle and absolute. Bearer tokens are not sessions."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse

from kaohe.accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from kaohe.accounts.models import ApiToken
from tests.accounts.conftest import sign_in
from tests.personas import World


def age(client: Client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_an_idle_session_returns_to_login_with_a_message(client: Client, world: World) -> None:
    sign_in(client, "staff")
    assert client.get(reverse("home")).status_code == 200
    age(client, LAST_SEEN, 31 * 60)
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('profile')}"
    page = client.get(response["Location"]).content.decode()
    assert "长时间未操作" in page
    assert client.get(reverse("home")).status_code == 302  # signed out for good


def test_a_partial_page_sends_the_whole_window_to_login(client: Client, world: World) -> None:
    sign_in(client, "staff")
    age(client, LAST_SEEN, 31 * 60)
    response = client.get(reverse("home"), headers={
        "HX-Request": "true", "HX-Current-URL": "http://testserver/profile/"})
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/profile/"


def test_activity_keeps_the_session(client: Client, world: World) -> None:
    sign_in(client, "staff")
    client.get(reverse("home"))
    age(client, LAST_SEEN, 29 * 60)
    assert client.get(reverse("home")).status_code == 200
    assert client.session[LAST_SEEN] >= int(time.time()) - 5  # the request counted


def test_the_idle_limit_is_a_setting(client: Client, world: World, settings: object) -> None:
    settings.KAOHE_SESSION_IDLE_MINUTES = 5  # type: ignore[attr-defined]
    sign_in(client, "staff")
    client.get(reverse("home"))
    age(client, LAST_SEEN, 6 * 60)
    assert client.get(reverse("home")).status_code == 302


def test_the_absolute_age_holds_despite_activity(client: Client, world: World,
                                                 settings: object) -> None:
    sign_in(client, "staff")
    client.get(reverse("home"))
    age(client, SIGNED_IN_AT, settings.SESSION_COOKIE_AGE + 1)  # type: ignore[attr-defined]
    assert client.get(reverse("home")).status_code == 302


def test_bearer_tokens_are_not_timed_out(client: Client, world: World) -> None:
    _token, raw = ApiToken.issue(world.users["staff"], "oa")
    sign_in(client, "staff")
    client.get(reverse("home"))
    age(client, LAST_SEEN, 3 * 3600)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
