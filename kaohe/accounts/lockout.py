"""How django-axes sees a request (the client's address) and what a locked-out person reads."""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


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


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """The page shown instead of the login form while locked out, saying until when."""
    cool_off = get_cool_off(request)
    context = {
        "retry_at": timezone.localtime(timezone.now() + cool_off) if cool_off else None,
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)
