"""Rate limits of the API: per user for tokens, per address without a valid token; the 429
answer has the API's error body and says when to try again."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from kaohe.accounts.models import ApiToken
from tests.personas import World


def _bearer(world: World, persona: str) -> dict[str, str]:
    _token, raw = ApiToken.issue(world.users[persona], "rate")
    return {"Authorization": f"Bearer {raw}"}


@override_settings(API_RATE_USER="3/m")
def test_a_user_gets_429_after_the_limit_whatever_token(client: Client, world: World) -> None:
    first, second = _bearer(world, "staff"), _bearer(world, "staff")
    assert [client.get("/api/v1/me", headers=h).status_code
            for h in (first, second, first)] == [200, 200, 200]
    response = client.get("/api/v1/me", headers=second)
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "too_many_requests"
    assert set(error) == {"code", "message", "rule"}
    assert int(response["Retry-After"]) >= 1
    # Another user is counted separately.
    assert client.get("/api/v1/me", headers=_bearer(world, "chief")).status_code == 200


@override_settings(API_RATE_ANONYMOUS="2/m", API_RATE_USER="100/m")
def test_guessing_tokens_is_limited_per_address(client: Client, world: World,
                                                caplog: pytest.LogCaptureFixture) -> None:
    wrong = {"Authorization": "Bearer kh_guess"}
    statuses = [client.get("/api/v1/me", headers=wrong).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert "rate limit reached: GET /api/v1/me from 127.0.0.1" in caplog.text
    assert client.get("/api/v1/me").status_code == 429  # no token at all: same address
    assert client.get("/api/v1/me", REMOTE_ADDR="10.0.0.9").status_code == 401
    # A valid token is not held back by its address's failures.
    assert client.get("/api/v1/me", headers=_bearer(world, "staff")).status_code == 200


@override_settings(API_RATE_ANONYMOUS="1/m")
def test_a_forged_forwarded_for_does_not_reset_the_count(client: Client, world: World) -> None:
    assert client.get("/api/v1/me").status_code == 401
    forged = {"X-Forwarded-For": "203.0.113.7"}
    assert client.get("/api/v1/me", headers=forged).status_code == 429


def test_the_document_lists_the_429_answer(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for item in document["paths"].values():
        for operation in item.values():
            assert {"400", "401", "404", "429"} <= set(operation["responses"])
