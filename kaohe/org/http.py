"""The request as the pages and the API see it (ARCHITECTURE.md, example 12)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from kaohe.accounts.models import User
    from kaohe.org.access import Actor


class ActorRequest(HttpRequest):
    """A signed-in request: every view behind login_required, every API call past the token.
    `user` is the account and `actor` what it may see and do, set by ActorMiddleware (pages)
    or the API's token authentication. Only a type: no request is ever created as one; code
    whose signature Django fixes as HttpRequest (the admin's) casts to it."""

    user: User
    actor: Actor
