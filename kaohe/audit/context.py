"""Who is acting and from where, for events recorded deep inside services and signals.

The middleware keeps the request in a context variable for the length of the request; the
user is read only when an event is written, so that an API token authenticated later in the
request is seen as well. Commands run with no request: their events carry no user.
"""

from __future__ import annotations

import contextvars
import ipaddress
from typing import Any

from django.http import HttpRequest

from kaohe.lib import http

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "kaohe_audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _request.get()


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the lockout counts it (behind KAOHE_PROXY_COUNT proxies, the
    one they saw), or None when it is not an address at all."""
    if request is None:
        return None
    try:
        return str(ipaddress.ip_address(http.client_ip(request)))
    except ValueError:
        return None


def acting_user(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def keep(request: HttpRequest) -> contextvars.Token[HttpRequest | None]:
    """Keep `request` at hand until `release` is called with the returned token."""
    return _request.set(request)


def release(token: contextvars.Token[HttpRequest | None]) -> None:
    _request.reset(token)
