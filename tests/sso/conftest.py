"""A real identity provider for the single sign-on tests (tests/sso/provider), started once on
127.0.0.1, and a browser that carries a sign-in between it and Kaohe."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from bench.cases.http import wait_until_ready

ROOT = Path(__file__).parents[2]
PLATFORM_PASSWORD = "Platform-pass-2025"
CLIENT_ID, CLIENT_SECRET = "kaohe", "kaohe-client-secret"
LOCKOUT, MODEL = ("kaohe.accounts.backends.LockoutBackend",
                  "django.contrib.auth.backends.ModelBackend")


@dataclass(frozen=True)
class Provider:
    url: str
    oidc: dict[str, str]  # its OpenID Connect discovery document


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def signing_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    folder = tmp_path_factory.mktemp("provider")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.sso.provider.settings",
           "PROVIDER_DATABASE": str(folder / "provider.sqlite3"),
           "PROVIDER_RSA_KEY": signing_key()}
    subprocess.run([sys.executable, "-m", "tests.sso.provider.setup", PLATFORM_PASSWORD,
                    CLIENT_ID, CLIENT_SECRET], env=env, cwd=ROOT, check=True)
    url = f"http://127.0.0.1:{free_port()}"
    with open(folder / "provider.log", "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", urlsplit(url).netloc, "--noreload"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        discovery = f"{url}/o/.well-known/openid-configuration"
        wait_until_ready(server, discovery, seconds=60)
        yield Provider(url, requests.get(discovery, timeout=10).json())
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def oidc(provider: Provider, settings: Any) -> Provider:
    """Kaohe configured as the provider's OpenID Connect client, as docs/sso.md says."""
    found = provider.oidc
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = found["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
    settings.OIDC_OP_LOGOUT_ENDPOINT = found["end_session_endpoint"]
    settings.AUTHENTICATION_BACKENDS = [LOCKOUT, "kaohe.accounts.backends.OidcBackend", MODEL]
    return provider


@pytest.fixture
def cas(provider: Provider, settings: Any) -> Provider:
    """Kaohe configured as a service of the provider's CAS server."""
    settings.CAS_SERVER_URL = f"{provider.url}/cas/"
    settings.AUTHENTICATION_BACKENDS = [LOCKOUT, "kaohe.accounts.backends.CasBackend", MODEL]
    return provider


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    text: str


class Browser:
    """Carries a sign-in between Kaohe (the Django test client, at http://testserver) and the
    provider (over HTTP), following each redirect to whichever site it names."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.http = requests.Session()

    def get(self, url: str) -> Page:
        for _hop in range(10):
            status, location, text = self._fetch(url)
            if location is None:
                return Page(url, status, text)
            url = urljoin(url, location)
        raise AssertionError(f"too many redirects, the last to {url}")

    def sign_in_at_provider(self, page: Page, username: str,
                            password: str = PLATFORM_PASSWORD) -> Page:
        """Fills in the provider's login form on `page` and follows where it leads."""
        form = lxml.html.fromstring(page.text).forms[0]
        values = {**dict(form.form_values()), "username": username, "password": password}
        answer = self.http.post(urljoin(page.url, form.action or page.url), data=values,
                                allow_redirects=False)
        assert answer.status_code == 302, answer.text
        return self.get(urljoin(page.url, answer.headers["Location"]))

    def _fetch(self, url: str) -> tuple[int, str | None, str]:
        parts = urlsplit(url)
        if parts.netloc in ("", "testserver"):
            answer = self.client.get(f"{parts.path}?{parts.query}")
            return answer.status_code, answer.get("Location"), answer.content.decode()
        reply = self.http.get(url, allow_redirects=False)
        return reply.status_code, reply.headers.get("Location"), reply.text


@pytest.fixture
def browser(client: Client) -> Browser:
    return Browser(client)
