"""`request.actor`: what the signed-in account may see and do, worked out once per request
(kaohe.org.access) and read by every view, API endpoint, template and admin page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from kaohe.org import access
from kaohe.org.http import ActorRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kaohe.accounts.models import User


def attach_actor(request: HttpRequest, account: Callable[[], User | AnonymousUser]) -> None:
    """Set `request.actor` to the actor of `account()`, worked out on first use: a request
    that never asks (a static file, the login page) costs no query for it."""
    actor = SimpleLazyObject(lambda: access.actor_for(account()))
    cast(ActorRequest, request).actor = cast(access.Actor, actor)


class ActorMiddleware:
    """Placed after authentication and the second factor, which decide `request.user`. The
    API's bearer token is checked later, inside the API view: its authentication attaches
    the token account's actor itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        attach_actor(request, lambda: request.user)
        return self.get_response(request)
