"""What a signed-in browser session must do before anything else, in this order: stay active
(idle and absolute time-outs), pass the second factor, change an initial or expired password.
API requests carry a bearer token, not a session: none of this applies to /api/."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts import policy, throttle
from kaohe.accounts.backends import OUTSIDE_PASSWORD_BACKENDS
from kaohe.org import access

# Reached by a session that still has a step to take: leaving, and the language switch.
ALWAYS_ALLOWED = ("logout", "set_language")
ALLOWED_BEFORE_SECOND_FACTOR = ("otp_enrol", "otp_verify", *ALWAYS_ALLOWED)
# The second factor comes first, so its pages stay open before the password change.
ALLOWED_WITH_INITIAL_PASSWORD = ("password_change", *ALLOWED_BEFORE_SECOND_FACTOR)

# Session keys: when the session signed in, and when it was last seen.
SIGNED_IN_AT = "kaohe_signed_in_at"
LAST_SEEN = "kaohe_last_seen"
# The last-seen time is written at most this often, not on every request.
LAST_SEEN_RESOLUTION = 60


def session_started(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """On `user_logged_in`: the session's clock starts at sign-in (not at its first page)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


def _exempt(request: HttpRequest) -> bool:
    return request.path.startswith(("/static/", "/api/"))


def _allowed(request: HttpRequest, names: tuple[str, ...]) -> bool:
    return _exempt(request) or request.path in {reverse(name) for name in names}


def _to_login(request: HttpRequest) -> HttpResponse:
    if request.headers.get("HX-Request"):
        # A partial page (htmx) would show the login form inside itself: send the whole
        # window there instead, back to the page it was on.
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = current.path + (f"?{current.query}" if current.query else "")
        response = HttpResponse()
        response["HX-Redirect"] = redirect_to_login(back or request.get_full_path())["Location"]
        return response
    return redirect_to_login(request.get_full_path())


class SessionTimeoutMiddleware:
    """Signs a session out after KAOHE_SESSION_IDLE_MINUTES without a request, and after
    SESSION_COOKIE_AGE since it signed in whatever the activity (the cookie's own expiry moves
    on with every change to the session, so it is checked here against the sign-in time)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _exempt(request):
            return self.get_response(request)
        now = int(time.time())
        session = request.session
        signed_in = session.setdefault(SIGNED_IN_AT, now)
        last_seen = session.get(LAST_SEEN, now)
        idle = settings.KAOHE_SESSION_IDLE_MINUTES * 60
        if (idle and now - last_seen > idle) or now - signed_in > settings.SESSION_COOKIE_AGE:
            logout(request)
            messages.warning(request, _("您已长时间未操作，为安全起见已退出登录，请重新登录。"))
            return _to_login(request)
        if now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN not in session:
            session[LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """An account with a second factor passes it after the password; an account that must have
    one and has none is sent to enrolment before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (user is None or not user.is_authenticated or user.is_verified()
                or _allowed(request, ALLOWED_BEFORE_SECOND_FACTOR)):
            return self.get_response(request)
        if policy.has_second_factor(user):
            return redirect_to_login(request.get_full_path(), "otp_verify")
        if access.second_factor_required(access.actor_for(user)):
            return redirect("otp_enrol")
        return self.get_response(request)


class ForcePasswordChangeMiddleware:
    """An account created with an initial password, or whose password has expired, must choose
    a new one before anything else. A session signed in through the directory or the identity
    platform is not asked: its password lives there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated
                and request.session.get(BACKEND_SESSION_KEY) not in OUTSIDE_PASSWORD_BACKENDS
                and (user.must_change_password or policy.password_expired(user))
                and not _allowed(request, ALLOWED_WITH_INITIAL_PASSWORD)):
            return redirect("password_change")
        return self.get_response(request)


class LoginThrottleMiddleware:
    """A sign-in from an address that has failed too often lately waits until its window ends
    (kaohe.accounts.throttle), whichever account it names."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (request.method == "POST" and request.path == reverse("login")
                and throttle.held_back(request)):
            window = settings.KAOHE_LOGIN_ADDRESS_WINDOW_SECONDS
            context = {"address": True, "minutes": max(1, window // 60),
                       "retry_at": timezone.localtime() + datetime.timedelta(seconds=window)}
            response = render(request, "registration/locked_out.html", context, status=429)
            response["Retry-After"] = str(window)
            return response
        return self.get_response(request)
