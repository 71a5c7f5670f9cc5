"""Shared test set-up: fast password hashing, and the personas every test can use."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from django.test import Client

    from tests.personas import World


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    # Hashing is deliberately slow; tests need no protection against brute force.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests talk plain HTTP (test client, live server on 127.0.0.1); production settings are
    # checked by tests/test_deploy.py.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # Static files are served from the source folders; the hashed manifest needs collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def world(db: None) -> World:
    from tests.personas import build_world

    return build_world()


@pytest.fixture
def client_for(client: Client, world: World) -> Callable[[str | None], Client]:
    """A test client signed in as the named persona (None: anonymous)."""

    def sign_in(persona: str | None) -> Client:
        client.logout()
        if persona is not None:
            client.force_login(world.users[persona])
        return client

    return sign_in
