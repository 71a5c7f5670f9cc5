"""Shared test set-up: fast password hashing, and the personas every test can use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.test import override_settings

if TYPE_CHECKING:
    from django.test import Client

    from tests.personas import World


@pytest.fixture(scope="session", autouse=True)
def _test_settings() -> Iterator[None]:
    """Session-wide, so that the live server of the browser tests starts with them too."""
    with override_settings(
        # Hashing is deliberately slow; tests need no protection against brute force.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Tests talk plain HTTP (test client, live server on 127.0.0.1); the production
        # settings are checked by tests/test_deploy.py.
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        # Static files come from the source folders; the hashed manifest needs collectstatic.
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


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
