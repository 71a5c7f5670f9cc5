"""Password complexity, expiry through the forced-change middleware, no reuse of recent ones."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.org.demo import DEMO_PASSWORD
from tests.accounts.conftest import sign_in
from tests.personas import PASSWORD, World


@pytest.mark.parametrize("password", ["alllowercase1", "ALLUPPERCASE1", "lowerUPPERonly",
                                      "lower-symbols-only"])
def test_two_kinds_of_characters_are_not_enough(db: None, password: str) -> None:
    with pytest.raises(ValidationError) as refusal:
        validate_password(password)
    assert "至少 3 类" in " ".join(refusal.value.messages)


@pytest.mark.parametrize("password", ["Lower-upper", "lowerUPPER12", "lower-123-x!", DEMO_PASSWORD])
def test_three_kinds_are(db: None, password: str) -> None:
    validate_password(password)


def test_a_new_password_is_dated_so_demo_and_test_users_are_not_expired(world: World) -> None:
    user = User.objects.create_user("fresh", password=DEMO_PASSWORD)
    assert user.password_changed_at is not None
    assert timezone.now() - user.password_changed_at < datetime.timedelta(minutes=1)


def expire(user: User, days: int = 91) -> None:
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=days))


def test_an_expired_password_must_be_changed_first(client: Client, world: World) -> None:
    expire(world.users["staff"])
    sign_in(client, "staff")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert "密码已超过有效期" in client.get(reverse("password_change")).content.decode()
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Brand-new-2026",
        "new_password2": "Brand-new-2026"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_expiry_follows_the_setting(client: Client, world: World, settings: object) -> None:
    expire(world.users["staff"], days=40)
    sign_in(client, "staff")
    assert client.get(reverse("home")).status_code == 200
    settings.KAOHE_PASSWORD_MAX_AGE_DAYS = 30  # type: ignore[attr-defined]
    assert client.get(reverse("home")).status_code == 302
    settings.KAOHE_PASSWORD_MAX_AGE_DAYS = 0  # type: ignore[attr-defined]
    assert client.get(reverse("home")).status_code == 200


def test_the_last_passwords_cannot_be_chosen_again(client: Client, world: World) -> None:
    client.force_login(world.users["staff"])
    current = PASSWORD
    for new in ["Second-pass-2026", "Third-pass-2026"]:
        response = client.post(reverse("password_change"), {
            "old_password": current, "new_password1": new, "new_password2": new})
        assert response.status_code == 302, response.content.decode()
        current = new
    for old in [PASSWORD, "Second-pass-2026", "Third-pass-2026"]:
        response = client.post(reverse("password_change"), {
            "old_password": current, "new_password1": old, "new_password2": old})
        assert response.status_code == 200
        assert "不能使用最近 5 次用过的密码" in response.content.decode()


def test_the_history_remembers_only_n(world: World, settings: object) -> None:
    user = world.users["staff"]
    for n in range(6):
        user.set_password(f"Rotating-pass-{n}")
        user.save()
    validate_password(PASSWORD, user)  # six passwords ago: allowed again
    with pytest.raises(ValidationError):
        validate_password("Rotating-pass-1", user)


def test_a_hasher_upgrade_is_not_a_new_password(world: World, settings: object) -> None:
    user = world.users["staff"]
    expire(user, days=10)
    user.refresh_from_db()
    dated = user.password_changed_at
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert user.check_password(PASSWORD)
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_")  # re-hashed ...
    assert user.password_changed_at == dated  # ... but not re-dated


@pytest.mark.parametrize("older", ["argon2", "pbkdf2_sha256"])
def test_passwords_are_stored_with_pbkdf2_sm3_and_older_hashes_upgraded_at_sign_in(
        client: Client, world: World, settings: object, older: str) -> None:
    """The installation's hashers (the tests otherwise use a fast one): a new password is
    stored with PBKDF2-SM3 at the documented work factor (国密 on, decision 0025); an account
    still holding an Argon2id (decision 0021) or a PBKDF2-SHA256 hash signs in with it and
    leaves with a PBKDF2-SM3 hash."""
    from django.contrib.auth.hashers import make_password

    import kaohe.settings

    settings.PASSWORD_HASHERS = kaohe.settings.PASSWORD_HASHERS  # type: ignore[attr-defined]
    assert make_password(PASSWORD).startswith("pbkdf2_sm3$100000$")
    assert make_password(PASSWORD, hasher="argon2").startswith(
        "argon2$argon2id$v=19$m=19456,t=2,p=1$")  # with 国密 off (tests/security/test_guomi.py)
    user = world.users["staff"]
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher=older))
    assert sign_in(client, user.username).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sm3$100000$")


def test_the_security_administrator_forces_a_change(client_for, world: World) -> None:
    client_for("secadmin").post(reverse("security_force_password"), {"username": "chief"})
    client = client_for("chief")
    assert client.get(reverse("home"))["Location"] == reverse("password_change")
