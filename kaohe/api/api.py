"""The public JSON API under /api/v1/, documented at /api/v1/openapi.json and /api/v1/docs.

Every read is restricted by kaohe.org.access exactly like the pages; errors have the body
{"error": {"code", "message", "rule"}} (ARCHITECTURE.md, contracts).
"""

from __future__ import annotations

import logging
import math
from typing import Annotated

from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security import HttpBearer

from kaohe import limits
from kaohe.accounts import policy
from kaohe.accounts.models import ApiToken, hash_token
from kaohe.api import hardening, schemas
from kaohe.api.annual import router as annual_router
from kaohe.api.appeals import router as appeals_router
from kaohe.api.assessments import router as assessments_router
from kaohe.api.ballots import router as ballots_router
from kaohe.api.bonus import router as bonus_router
from kaohe.api.recipients import router as recipients_router
from kaohe.errors import Refused
from kaohe.org import access, selectors
from kaohe.org.http import ActorRequest
from kaohe.org.middleware import attach_actor
from kaohe.workdays.calendar import CalendarNotCovered

security_log = logging.getLogger("kaohe.security")
request_log = logging.getLogger("django.request")


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        found = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        if found is None or not policy.token_usable(found):
            return None
        # An account that must use a second factor and has none enrols through the pages
        # first, as its session would have to.
        if (access.second_factor_required(access.actor_for(found.user))
                and not policy.has_second_factor(found.user)):
            return None
        # One write a minute at most: the token list shows when a token was last used.
        now = timezone.now()
        if found.last_used is None or (now - found.last_used).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used=now)
        # The middleware ran before the token was read: the actor is this account's.
        request.user = found.user
        attach_actor(request, lambda: found.user)
        return found.user


api = hardening.KaoheAPI(
    title="Kaohe API",
    version="1",
    description=(
        "平时考核平台接口 — the Kaohe API. Authenticate with `Authorization: Bearer <token>`."
    ),
    auth=BearerToken(),
    throttle=[hardening.UserRate()],
    urls_namespace="api",
)


def error(request: HttpRequest, status: int, code: str, message: str,
          rule: str = "") -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, "rule": rule}}, status=status
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 404, "not_found", _("不存在或无权查看。"))


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Requests without a valid token count against their address: guessing is slowed down.
    anonymous = hardening.AnonymousRate()
    if not anonymous.allow_request(request):
        return too_many(request, Throttled(wait=anonymous.wait()))  # type: ignore[arg-type]
    message = _("需要有效的访问令牌（Authorization: Bearer …）。")
    return error(request, 401, "unauthenticated", message)


@api.exception_handler(Throttled)
def too_many(request: HttpRequest, exc: Throttled) -> HttpResponse:
    seconds = max(1, math.ceil(exc.wait or 1))
    security_log.warning("rate limit reached: %s %s from %s", request.method, request.path,
                         request.META.get("REMOTE_ADDR"))
    response = error(request, 429, "too_many_requests",
                     _("请求过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": seconds})
    response["Retry-After"] = str(seconds)
    return response


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors
    )
    return error(request, 400, "invalid", _("请求内容有误：%(details)s") % {"details": details})


@api.exception_handler(Refused)
def refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    return error(request, exc.status, exc.code, exc.message, exc.rule)


@api.exception_handler(CalendarNotCovered)
def calendar_missing(request: HttpRequest, exc: CalendarNotCovered) -> HttpResponse:
    return error(request, 409, "calendar_not_covered", str(exc), "§十(三)")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error(request, exc.status_code, "error", str(exc))


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A fault of ours: logged with its traceback and signalled as Django does for a 500, and
    answered with the API's error body, not the pages' HTML error page."""
    request_log.error("Internal Server Error: %s", request.path, exc_info=exc,
                      extra={"status_code": 500, "request": request})
    got_request_exception.send(sender=None, request=request)
    return error(request, 500, "server_error", _("服务器内部错误，已记录，请稍后再试。"))


@api.get("/me", response=schemas.Me, tags=["people"])
def me(request: ActorRequest) -> schemas.Me:
    return schemas.Me.of(request.actor)


ORGAN_RELATED = ("principal", "filed_with")  # what schemas.Organ shows with each organ


@api.get("/organs", response=list[schemas.Organ], tags=["organisation"])
def organ_list(request: ActorRequest) -> list[schemas.Organ]:
    return [schemas.Organ.of(organ)
            for organ in selectors.organs_for(request.actor, *ORGAN_RELATED)]


@api.get("/organs/{code}", response=schemas.OrganDetail, tags=["organisation"])
def organ_detail(request: ActorRequest, code: str) -> schemas.OrganDetail:
    actor = request.actor
    organ = access.one_or_404(selectors.organs_for(actor, *ORGAN_RELATED).filter(code=code))
    return schemas.OrganDetail.of(organ, selectors.sections_of(actor, organ))


@api.get("/organs/{code}/sections", response=list[schemas.Section], tags=["organisation"])
def section_list(request: ActorRequest, code: str) -> list[schemas.Section]:
    actor = request.actor
    organ = access.get_organ(actor, code)
    return [schemas.Section.of(section) for section in selectors.sections_of(actor, organ)]


@api.get("/people", response=list[schemas.Person], tags=["people"])
def people_list(
    request: ActorRequest,
    organ: Annotated[str | None, Query(max_length=limits.KEY)] = None,
    section: Annotated[str | None, Query(max_length=limits.KEY)] = None,
) -> list[schemas.Person]:
    return [schemas.Person.of(p) for p in selectors.people_list(request.actor, organ, section)]


@api.get("/people/{personnel_no}", response=schemas.Person, tags=["people"])
def person_detail(request: ActorRequest, personnel_no: str) -> schemas.Person:
    return schemas.Person.of(access.get_person(request.actor, personnel_no))


api.add_router("/", assessments_router)
api.add_router("/", appeals_router)
api.add_router("/", annual_router)
api.add_router("/", bonus_router)
api.add_router("/", ballots_router)
api.add_router("/", recipients_router)
