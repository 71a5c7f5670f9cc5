"""How django-axes sees a request (the client's address) and what a locked-out person reads."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """The page shown instead of the login form while locked out, saying until when."""
    cool_off = get_cool_off(request)
    context = {
        "retry_at": timezone.localtime(timezone.now() + cool_off) if cool_off else None,
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)
