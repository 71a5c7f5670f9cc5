"""The TOTP second factor: enrolment with a QR code, the step after the password, the
per-organ policy and the technical administrators. Codes are computed from the shown key."""

from __future__ import annotations

import base64
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaohe.accounts.models import SecondFactorPolicy
from tests.accounts.conftest import sign_in
from tests.personas import World


def code(key: bytes, steps_ahead: int = 0) -> str:
    return f"{totp(key, drift=steps_ahead):06d}"


def enrol(client: Client) -> bytes:
    """Reads the key from the enrolment page as a person would, and confirms it."""
    page = client.get(reverse("otp_enrol")).content.decode()
    assert "<svg" in page  # the QR code, drawn on the server
    shown = re.search(r'data-testid="otp-key">([A-Z2-7 ]+)<', page)
    assert shown is not None
    key = base64.b32decode(shown.group(1).replace(" ", ""))
    response = client.post(reverse("otp_enrol"), {"token": code(key)})
    assert response.status_code == 302, response.content.decode()
    return key


@pytest.fixture
def second_factor_for_admins(settings: object) -> None:
    settings.KAOHE_2FA_TECHNICAL_ADMINS = True  # type: ignore[attr-defined]


@pytest.fixture
def no_throttle(settings: object) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # type: ignore[attr-defined]


def test_voluntary_enrolment_then_the_code_is_asked_after_the_password(
        client: Client, world: World) -> None:
    sign_in(client, "staff")
    key = enrol(client)
    assert TOTPDevice.objects.filter(user=world.users["staff"], confirmed=True).count() == 1
    client.post(reverse("logout"))
    sign_in(client, "staff")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    assert client.get(reverse("profile")).status_code == 302
    response = client.post(reverse("otp_verify"), {"token": code(key, 1), "next": "/profile/"})
    assert response["Location"] == "/profile/"
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused_in_chinese(client: Client, world: World,
                                            no_throttle: None) -> None:
    sign_in(client, "staff")
    key = enrol(client)
    client.post(reverse("logout"))
    sign_in(client, "staff")
    wrong = f"{(int(code(key, 1)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("otp_verify"), {"token": wrong})
    assert response.status_code == 400 and "动态口令不正确" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    response = client.post(reverse("otp_verify"), {"token": "12ab"})
    assert "6 位数字" in response.content.decode()


def test_a_code_cannot_be_used_twice(client: Client, world: World, no_throttle: None) -> None:
    sign_in(client, "staff")
    key = enrol(client)
    client.post(reverse("logout"))
    sign_in(client, "staff")
    used = code(key, 1)
    assert client.post(reverse("otp_verify"), {"token": used}).status_code == 302
    other = Client()
    sign_in(other, "staff")
    assert other.post(reverse("otp_verify"), {"token": used}).status_code == 400


def test_the_password_alone_cannot_replace_the_second_factor(client: Client,
                                                             world: World) -> None:
    sign_in(client, "staff")
    enrol(client)
    client.post(reverse("logout"))
    sign_in(client, "staff")
    response = client.get(reverse("otp_enrol"))
    assert response.status_code == 302 and response["Location"] == reverse("otp_verify")
    assert client.post(reverse("otp_enrol"), {"token": "000000"}).status_code == 302
    assert TOTPDevice.objects.filter(user=world.users["staff"]).count() == 1


@pytest.mark.parametrize(("persona", "required"), [
    ("office", True), ("principal", True), ("leader", True), ("chief", False),
    ("staff", False), ("outsider", False),
])
def test_the_organ_policy_requires_office_and_leaders(client: Client, world: World,
                                                      persona: str, required: bool) -> None:
    sign_in(client, persona)
    assert client.get(reverse("home")).status_code == 200  # policy off: nothing asked
    SecondFactorPolicy.objects.create(organ=world.organ, required=True)
    response = client.get(reverse("home"))
    if required:
        assert response.status_code == 302 and response["Location"] == reverse("otp_enrol")
        enrol(client)
        assert client.get(reverse("home")).status_code == 200
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditadmin"])
def test_technical_administrators_enrol_before_anything_else(
        client: Client, world: World, persona: str, second_factor_for_admins: None) -> None:
    world.users[persona].must_change_password = True
    world.users[persona].save()
    sign_in(client, persona)
    # Enrolment comes even before the change of the initial password.
    for page in ["home", "password_change", "profile"]:
        assert client.get(reverse(page))["Location"] == reverse("otp_enrol")
    enrol(client)
    assert client.get(reverse("home"))["Location"] == reverse("password_change")


def test_technical_administrators_can_be_exempted(client: Client, world: World) -> None:
    sign_in(client, "secadmin")  # KAOHE_2FA_TECHNICAL_ADMINS off in the test settings
    assert client.get(reverse("security_overview")).status_code == 200


def test_the_security_administrator_resets_a_lost_second_factor(
        client: Client, client_for, world: World) -> None:
    SecondFactorPolicy.objects.create(organ=world.organ, required=True)
    sign_in(client, "office")
    enrol(client)
    response = client_for("secadmin").post(reverse("security_reset_second_factor"),
                                           {"username": "office"}, follow=True)
    assert "动态口令已重置" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.users["office"]).exists()
    fresh = Client()
    sign_in(fresh, "office")
    assert fresh.get(reverse("home"))["Location"] == reverse("otp_enrol")


def test_the_security_administrator_sets_the_policy(client_for, world: World) -> None:
    client = client_for("secadmin")
    client.post(reverse("security_policy"), {"organ": "organ", "required": "on"})
    assert SecondFactorPolicy.objects.get(organ=world.organ).required
    page = client.get(reverse("security_overview")).content.decode()
    assert "取消要求" in page
    client.post(reverse("security_policy"), {"organ": "organ"})
    assert not SecondFactorPolicy.objects.get(organ=world.organ).required
