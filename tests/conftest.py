"""Shared test set-up: fast password hashing, and the personas every test can use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.db import transaction
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
        # The personas sign in with force_login, which has no second step; the second factor
        # is tested with it switched on in tests/accounts/.
        KAOHE_2FA_TECHNICAL_ADMINS=False,
        # Tests talk plain HTTP (test client, live server on 127.0.0.1); the production
        # settings are checked by tests/test_deploy.py.
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        # Each test empties the cache; in memory it is cheap to empty, and no test process
        # shares another's counters.
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        # Static files come from the source folders; the hashed manifest needs collectstatic.
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Every test starts with empty rate-limit counters (they live in the cache)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _audit_head_as_installed(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    """A test on committed data (races, the browser's live server) ends by emptying every
    table, the audit chain's head too, which the migration installs: a database test starts
    with the head installed, as a new database has it, not as if it had been deleted."""
    marker = request.node.get_closest_marker("django_db")
    if (marker is None and "_django_db_helper" not in request.fixturenames) or (
            marker is not None and marker.kwargs.get("databases") == []):
        return
    request.getfixturevalue("django_db_setup")
    from kaohe.audit import chain
    from kaohe.audit.models import ChainHead

    with django_db_blocker.unblock():
        if not ChainHead.objects.filter(pk=1).exists():
            chain.install()


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


@pytest.fixture(scope="module")
def shared_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The personas built once for a whole module of read-only tests (the access matrix):
    kept inside a transaction that is rolled back at the end; each test's own changes are
    rolled back to a savepoint by pytest-django as usual."""
    from django.test import Client

    from tests.personas import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        for persona, user in world.users.items():
            signing_in = Client()
            signing_in.force_login(user)
            world.sessions[persona] = signing_in.cookies[settings.SESSION_COOKIE_NAME].value
        yield world
        transaction.set_rollback(True)
