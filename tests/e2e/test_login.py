"""A demo user logs in in Chromium and sees their own home page."""

from __future__ import annotations

from typing import Any

import pytest

from kaohe.org.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, username: str) -> None:
    page.goto("/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")


def test_section_chief_sees_their_section(page: Any) -> None:
    load_demo()
    log_in(page, "zhenghf")
    page.wait_for_selector("[data-testid=my-section]")
    assert page.locator("h1").inner_text() == "郑海峰"
    assert "科室正职" in page.locator("[data-testid=roles]").inner_text()
    section = page.locator("[data-testid=my-section]").inner_text()
    assert "大气环境与应对气候变化科" in section
    assert "冯雪" in section and "褚浩" in section
    assert "秦雨" not in page.content()  # staff of another section
    # The stylesheet is served (locally): the top bar has its red rule.
    border = page.evaluate("getComputedStyle(document.querySelector('.topbar')).borderBottomStyle")
    assert border == "solid"


def test_wrong_password_is_refused_in_chinese(page: Any) -> None:
    load_demo()
    page.goto("/")
    page.fill("#id_username", "zhenghf")
    page.fill("#id_password", "wrong-password")
    page.click("main button[type=submit]")
    assert "请输入一个正确的" in page.content()
