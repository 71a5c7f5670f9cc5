"""A technical administrator's first sign-in in Chromium: the second factor is set up before
anything else, with the key read off the page, then the initial password is changed."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django_otp.oath import totp

from kaohe.accounts import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_security_administrator_enrols_then_changes_the_initial_password(
        page: Any, settings: Any) -> None:
    settings.KAOHE_2FA_TECHNICAL_ADMINS = True
    services.technical_admin_create(username="anquan", role="security",
                                    password="Initial-pass-2025")
    page.goto("/")
    page.fill("#id_username", "anquan")
    page.fill("#id_password", "Initial-pass-2025")
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=otp-qr] svg")
    assert "须使用动态口令" in page.content()
    key = base64.b32decode(page.locator("[data-testid=otp-key]").inner_text().replace(" ", ""))
    page.fill("#id_token", f"{totp(key):06d}")
    page.click("main button[type=submit]")
    page.wait_for_selector("#id_new_password1")
    assert "这是初始密码" in page.content()
    page.fill("#id_old_password", "Initial-pass-2025")
    page.fill("#id_new_password1", "Own-choice-2026")
    page.fill("#id_new_password2", "Own-choice-2026")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=密码已修改")
    page.click("nav >> text=安全管理")
    page.wait_for_selector("[data-testid=locked]")
    assert "当前没有被锁定的账号或地址" in page.content()
