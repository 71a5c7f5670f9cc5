"""What every API operation shares beyond its own code (decision 0007): the error answers it
may give, documented in the OpenAPI document, and the rate limits.

Kept out of api.py so that new routers (appeals, documents, …) get both without a line of
their own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.throttling import SimpleRateThrottle

# The answers any operation may give besides its success, all with the error body.
ERROR_STATUSES = {
    400: "请求内容有误 — malformed or invalid input",
    401: "需要有效的访问令牌 — no valid token",
    403: "无权执行此操作 — may see but not change",
    404: "不存在或无权查看 — not found or not visible",
    409: "规则不允许 — refused by the rules",
    413: "请求内容过大 — request body too large",
    429: "请求过于频繁 — rate limit reached",
}


class ErrorDetail(Schema):
    code: str
    message: str
    rule: str


class ErrorBody(Schema):
    error: ErrorDetail


class KaoheAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The generated document, with the error answers listed on every operation, so that
        a client (and the schemathesis run of the tests) knows them."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorBody"] = ErrorBody.model_json_schema(
            ref_template="#/components/schemas/{model}")
        components.update(components["ErrorBody"].pop("$defs", {}))
        reference = {"$ref": "#/components/schemas/ErrorBody"}
        for item in schema["paths"].values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(str(status), {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    })
        return schema


class SettingsRate(SimpleRateThrottle):
    """A rate read from settings at every request, so that it can be changed per
    deployment (and per test) without rebuilding the API."""

    setting = ""

    def __init__(self) -> None:
        super().__init__(rate=getattr(settings, self.setting))

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class UserRate(SettingsRate):
    """Per signed-in user, whichever of their tokens they use."""

    scope = "user"
    setting = "API_RATE_USER"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "auth", None)
        if user is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class AnonymousRate(SettingsRate):
    """Per address, for requests without a valid token."""

    scope = "anonymous"
    setting = "API_RATE_ANONYMOUS"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
