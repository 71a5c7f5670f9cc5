"""Signing in through the organ's identity platform, OpenID Connect and CAS, against the real
provider of tests/sso/provider: the platform's user name opens the Kaohe account of that name,
never a technical administrator's, never a new one; signing out ends the platform's session."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.test import Client
from django.urls import reverse

from kaohe.accounts.models import User
from kaohe.audit.models import AuditEvent
from tests.personas import World
from tests.sso.conftest import Browser, Page, Provider

# Each protocol: its fixture, its sign-in page in Kaohe, the backend it signs in with, and the
# provider's login page a signed-out browser is sent to.
PROTOCOLS = {
    "oidc": ("oidc_login", "OidcBackend", "/login/"),
    "cas": ("cas_login", "CasBackend", "/cas/login"),
}


@pytest.fixture(params=sorted(PROTOCOLS))
def protocol(request: pytest.FixtureRequest) -> str:
    request.getfixturevalue(request.param)  # configures Kaohe for it
    return str(request.param)


def sign_in(browser: Browser, protocol: str, username: str) -> Page:
    login = browser.get(reverse(PROTOCOLS[protocol][0]))
    assert login.status == 200 and 'name="password"' in login.text  # the provider's form
    return browser.sign_in_at_provider(login, username)


def test_the_platform_signs_in_the_account_of_its_user_name(
        world: World, browser: Browser, client: Client, protocol: str) -> None:
    User.objects.filter(username="staff").update(must_change_password=True)

    home = sign_in(browser, protocol, "staff")

    assert home.url == "http://testserver/" and home.status == 200
    assert client.session[BACKEND_SESSION_KEY].endswith(PROTOCOLS[protocol][1])
    # Its password lives on the platform: the initial local one is not asked to change.
    assert client.get(reverse("profile")).status_code == 200
    assert AuditEvent.objects.filter(action="login", username="staff").exists()


@pytest.mark.parametrize("username", ["nobody", "secadmin"])
def test_no_account_is_made_and_no_administrator_opened(
        world: World, browser: Browser, client: Client, protocol: str, username: str) -> None:
    back = sign_in(browser, protocol, username)

    assert back.url.startswith("http://testserver/login/?sso=failed")
    assert 'data-testid="sso-failed"' in back.text
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="nobody").exists()


def test_signing_out_ends_the_platform_session_too(
        world: World, browser: Browser, client: Client, protocol: str) -> None:
    """At a shared computer, the next person must not be signed in as the last by the
    platform's button."""
    sign_in(browser, protocol, "staff")

    response = client.post(reverse("logout"))
    back = browser.get(response["Location"])

    assert back.url == "http://testserver/login/"
    assert "_auth_user_id" not in client.session
    again = browser.get(reverse(PROTOCOLS[protocol][0]))
    assert again.url.split("?")[0].endswith(PROTOCOLS[protocol][2])  # asked who they are


def test_the_claim_that_names_the_account_is_configurable(
        world: World, browser: Browser, client: Client, oidc: Provider, settings: Any) -> None:
    """The platform's own user name `p-staff` is no Kaohe account; its claim `kaohe_username`
    names one."""
    assert sign_in(browser, "oidc", "p-staff").url.endswith("?sso=failed")

    settings.KAOHE_OIDC_USERNAME_CLAIM = "kaohe_username"
    # Still signed in at the platform: straight through, without a second password.
    assert browser.get(reverse("oidc_login")).url == "http://testserver/"
    assert client.get(reverse("home")).context["user"].username == "staff"


def test_the_login_page_offers_only_the_configured_platform(
        world: World, client: Client, settings: Any) -> None:
    settings.OIDC_RP_CLIENT_ID = settings.CAS_SERVER_URL = ""
    page = client.get(reverse("login")).content.decode()
    assert "oidc_login" not in page and "cas_login" not in page
    assert client.get(reverse("oidc_login")).status_code == 404
    assert client.get(reverse("cas_login")).status_code == 404

    settings.CAS_SERVER_URL, settings.KAOHE_SSO_LABEL = "https://cas.example/cas/", "政务通"
    page = client.get(reverse("login")).content.decode()
    assert 'data-testid="cas_login"' in page and "通过政务通登录" in page
    assert "oidc_login" not in page
