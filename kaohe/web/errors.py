"""The error pages (400, 403, 404, 500 and a refused CSRF check) in the site's layout and the
reader's language, each with a way home. LocaleMiddleware has chosen the language before any of
these runs. The 500 page must render when the database is down or the request half-built:
its template reads no user, actor or session and its view passes no request to it."""

from __future__ import annotations

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils.translation import gettext as _


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponseBadRequest(loader.render_to_string("errors/400.html", request=request))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A refusal raised as PermissionDenied carries a message written for the user
    # (kaohe.lib.actions.attempt); a bare PermissionDenied has none.
    reason = str(exception) if exception is not None and exception.args else ""
    return HttpResponseForbidden(loader.render_to_string(
        "errors/403.html", {"reason": reason}, request=request))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Never the exception's text: it names URL patterns and models.
    return HttpResponseNotFound(loader.render_to_string("errors/404.html", request=request))


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponseServerError(loader.render_to_string("errors/500.html"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: mostly a form left open past the session's end, or cookies off."""
    explanation = _("表单已过期或浏览器未接受 Cookie。请返回上一页，刷新后重新提交。")
    return HttpResponseForbidden(loader.render_to_string(
        "errors/403.html", {"reason": explanation, "csrf": True}, request=request))
