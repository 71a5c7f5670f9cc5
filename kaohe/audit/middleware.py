"""The request middleware of the audit log (decision 0010)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kaohe.audit import context
from kaohe.audit.chain import record


class AuditContextMiddleware:
    """Keeps the request at hand for the audit log, and logs refusals to signed-in users."""

    REFUSALS = (403, 404)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = context.keep(request)
        try:
            response = self.get_response(request)
            if response.status_code in self.REFUSALS and context.acting_user(request) is not None:
                self._log_refusal(request, response.status_code)
            return response
        finally:
            context.release(token)

    @staticmethod
    def _log_refusal(request: HttpRequest, status: int) -> None:
        record("refused", object_type="url", object_id=request.method or "",
               object_repr=request.get_full_path()[:200], new={"status": status})
