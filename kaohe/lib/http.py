"""The client's address as every part of Kaohe counts it: the sign-in lockout, the audit log."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or, behind KAOHE_PROXY_COUNT trusted proxies, the address the outermost of
    them saw (the entries further left in X-Forwarded-For are the client's to forge). Anything
    that is not an address falls back to REMOTE_ADDR: it is stored in address columns."""
    count = settings.KAOHE_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if a.strip()]
    if count > 0 and len(forwarded) >= count and _is_address(forwarded[-count]):
        return forwarded[-count]
    return str(request.META.get("REMOTE_ADDR", ""))


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
