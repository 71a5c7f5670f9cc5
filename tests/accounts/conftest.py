"""Helpers for signing in through the real login page (not force_login)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import PASSWORD


def sign_in(client: Client, username: str, password: str = PASSWORD,
            address: str = "10.0.0.1") -> object:
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


@pytest.fixture
def fresh_client() -> Client:
    return Client()
