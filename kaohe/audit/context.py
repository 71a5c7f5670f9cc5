"""Who is acting and from where, for events recorded deep inside services and signals.

The middleware keeps the request in a context variable for the length of the request; the
user is read only when an event is written, so that an API token authenticated later in the
request is seen as well. Commands run with no request: their events carry no user.
"""

from __future__ import annotations

import contextvars
import ipaddress
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from kaohe.accounts import lockout

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
        return str(ipaddress.ip_address(lockout.client_ip(request)))
    except ValueError:
        return None


def acting_user(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class AuditContextMiddleware:
    """Keeps the request at hand for the audit log, and logs refusals to signed-in users."""

    REFUSALS = (403, 404)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code in self.REFUSALS and acting_user(request) is not None:
                self._log_refusal(request, response.status_code)
            return response
        finally:
            _request.reset(token)

    @staticmethod
    def _log_refusal(request: HttpRequest, status: int) -> None:
        from kaohe.audit.chain import record

        record("refused", object_type="url", object_id=request.method or "",
               object_repr=request.get_full_path()[:200], new={"status": status})
