"""Signing in and out through the organ's identity platform (OpenID Connect or CAS; decision
0027). The protocols are the libraries' views; here they open only where their platform is
configured, a refused sign-in goes back to the login page with the reason instead of an error
page, and signing out of Kaohe ends the platform's session too."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_cas_ng.utils import get_cas_client
from django_cas_ng.views import LoginView as CasLoginView
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from kaohe.accounts.backends import CasBackend, OidcBackend

View = Callable[..., HttpResponseBase]
# The login view of each platform, and the setting that switches it on.
PLATFORMS = (("oidc_login", "OIDC_RP_CLIENT_ID"), ("cas_login", "CAS_SERVER_URL"))
OIDC = f"{OidcBackend.__module__}.{OidcBackend.__name__}"
CAS = f"{CasBackend.__module__}.{CasBackend.__name__}"


def configured(setting: str) -> Callable[[View], View]:
    """404 while the platform is not configured: the page does not exist on this server."""
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not getattr(settings, setting):
                raise Http404
            return view(request, *args, **kwargs)
        return wrapped
    return decorate


class CasLogin(CasLoginView):
    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except PermissionDenied:  # a valid ticket for someone with no account here
            return redirect(settings.LOGIN_REDIRECT_URL_FAILURE)


oidc_login = configured("OIDC_RP_CLIENT_ID")(OIDCAuthenticationRequestView.as_view())
oidc_callback = configured("OIDC_RP_CLIENT_ID")(OIDCAuthenticationCallbackView.as_view())
cas_login = configured("CAS_SERVER_URL")(CasLogin.as_view())


class SignIn(LoginView):
    """The login page, with a button for the identity platform where one is configured."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            **kwargs,
            platforms=[url for url, setting in PLATFORMS if getattr(settings, setting)],
            platform_label=settings.KAOHE_SSO_LABEL or _("统一身份认证平台"),
            platform_failed=self.request.GET.get("sso") == "failed")


class SignOut(LogoutView):
    """Ends the Kaohe session, then the platform's: otherwise the next person at a shared
    computer would be signed in as the last one by the platform's button."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        platform = platform_sign_out_url(request)  # read before the session is gone
        response = super().post(request, *args, **kwargs)
        return redirect(platform) if platform else response


def platform_sign_out_url(request: HttpRequest) -> str | None:
    backend = request.session.get(BACKEND_SESSION_KEY)
    back = request.build_absolute_uri(reverse("login"))
    if backend == OIDC and settings.OIDC_OP_LOGOUT_ENDPOINT:
        query = urlencode({"id_token_hint": request.session.get("oidc_id_token", ""),
                           "client_id": settings.OIDC_RP_CLIENT_ID,
                           "post_logout_redirect_uri": back})
        return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}"
    if backend == CAS:
        return str(get_cas_client(service_url=back, request=request).get_logout_url(back))
    return None
