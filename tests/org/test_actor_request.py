"""`request.actor`: set on every page request by ActorMiddleware and on every API call by the
token's authentication, and worked out only when something asks for it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from kaohe.accounts.models import ApiToken
from kaohe.api.api import BearerToken
from kaohe.org import access
from kaohe.org.middleware import ActorMiddleware, attach_actor
from tests.personas import World


def test_a_page_request_carries_the_signed_in_account_actor(
        client_for: Callable[[str | None], Client], world: World) -> None:
    response = client_for("chief").get(reverse("home"))
    assert response.status_code == 200
    actor = response.wsgi_request.actor  # type: ignore[attr-defined]
    assert actor.user == world.users["chief"]
    assert actor.person == world.people["chief"]
    assert access.Role.CHIEF in actor.roles


def test_an_anonymous_page_request_carries_the_anonymous_actor(client: Client,
                                                               db: None) -> None:
    response = client.get(reverse("login"))
    assert response.wsgi_request.actor == access.ANONYMOUS  # type: ignore[attr-defined]


def test_an_api_request_carries_the_token_account_actor(
        client_for: Callable[[str | None], Client], world: World) -> None:
    # Signed in as the chief in the same browser: the token, not the session, decides.
    _token, raw = ApiToken.issue(world.users["staff"], "OA")
    response = client_for("chief").get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.wsgi_request.actor.person == world.people["staff"]  # type: ignore[attr-defined]


def test_the_token_replaces_an_actor_worked_out_before_it(rf: RequestFactory,
                                                          world: World) -> None:
    request = rf.get("/api/v1/me")
    request.user = AnonymousUser()
    attach_actor(request, lambda: request.user)
    assert request.actor == access.ANONYMOUS  # type: ignore[attr-defined]
    _token, raw = ApiToken.issue(world.users["staff"], "OA")
    assert BearerToken().authenticate(request, raw) == world.users["staff"]
    assert request.actor.person == world.people["staff"]  # type: ignore[attr-defined]


def test_a_request_that_never_asks_costs_nothing(rf: RequestFactory) -> None:
    def unread() -> None:
        pytest.fail("the account was read for a request that never asked for its actor")

    request = rf.get("/static/kaohe.css")
    request.user = SimpleLazyObject(unread)  # type: ignore[assignment]

    def static_file(request: HttpRequest) -> HttpResponse:
        return HttpResponse("body {}")

    assert ActorMiddleware(static_file)(request).status_code == 200
