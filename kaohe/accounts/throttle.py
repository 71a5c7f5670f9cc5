"""Sign-in attempts are throttled by address and locked by account. Many failures from one
address hold that address back for a few minutes; they never lock the accounts behind it,
which may be a whole organ behind one NAT. An account is locked by its name after its own
failures (django-axes, settings.AXES_*)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from kaohe.lib.http import client_ip


def _key(address: str) -> str:
    return f"kaohe:login-failures:{address}"


def failed(sender: object, credentials: dict[str, Any], request: HttpRequest | None = None,
           **kwargs: Any) -> None:
    """On `user_login_failed`: one more failure from the request's address, counted for a
    window that starts with the first one."""
    if request is None:
        return
    key = _key(client_ip(request))
    cache.add(key, 0, timeout=settings.KAOHE_LOGIN_ADDRESS_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.add(key, 1, timeout=settings.KAOHE_LOGIN_ADDRESS_WINDOW_SECONDS)


def held_back(request: HttpRequest) -> bool:
    """Whether the address has failed too often in the current window."""
    limit = settings.KAOHE_LOGIN_ADDRESS_FAILURES
    return bool(limit) and cache.get(_key(client_ip(request)), 0) >= limit


def release(address: str) -> None:
    """The security administrator's unlock of an address clears its window too."""
    cache.delete(_key(address))
