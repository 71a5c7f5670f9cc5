"""Security headers Django does not send itself (the Content Security Policy and the
Permissions-Policy), and the refusal of requests no view can handle (decision 0007).

Django's SecurityMiddleware already sends HSTS (production), nosniff, Referrer-Policy and
Cross-Origin-Opener-Policy, and XFrameOptionsMiddleware sends X-Frame-Options: DENY. The
policy is a plain dict in settings (CONTENT_SECURITY_POLICY), one for every answer, the API's
Swagger page included.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from kaohe import limits

# Refused requests are security events: an operator watches this logger (decision 0007).
log = logging.getLogger("kaohe.security")


def policy_header(policy: Mapping[str, list[str]]) -> str:
    """{"default-src": ["'self'"], …} → "default-src 'self'; …" (empty lists are flags)."""
    return "; ".join(" ".join([name, *sources]) for name, sources in policy.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy",
                                    policy_header(settings.CONTENT_SECURITY_POLICY))
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def _error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    """The API's error body under /api/, plain text elsewhere."""
    log.warning("refused %s %s from %s: %s", request.method, request.path[:200],
                request.META.get("REMOTE_ADDR"), code)
    if request.path.startswith("/api/"):
        body = {"error": {"code": code, "message": message, "rule": ""}}
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestGuardMiddleware:
    """Refuse, before any view runs, what no view can handle: a NUL character in the path or
    the query (PostgreSQL cannot compare text holding one) and a body over its limit: for the
    API DATA_UPLOAD_MAX_MEMORY_SIZE; for the pages the largest upload a page takes
    (limits.UPLOAD_BODY_BYTES), since Django's own limit leaves out the files of a form, which
    it would otherwise write to disk whatever their size, even for the sign-in page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return _error(request, 400, "invalid", _("请求地址含有不允许的空字符（\\0）。"))
        limit = body_limit(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return _error(request, 413, "too_large",
                          _("请求内容超过 %(size)d 字节的上限。") % {"size": limit})
        return self.get_response(request)


def body_limit(request: HttpRequest) -> int:
    api = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or limits.UPLOAD_BODY_BYTES
    return api if request.path.startswith("/api/") else max(api, limits.UPLOAD_BODY_BYTES)
