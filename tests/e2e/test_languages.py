"""In Chromium: a missing page answers with the site's own 404 page, in Chinese, with the way
home; the language switch turns it, and the pages after it, into English; the favicon loads."""

from __future__ import annotations

from typing import Any

import pytest

from kaohe.org.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_404_page_is_the_sites_in_either_language(page: Any) -> None:
    load_demo()
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert page.title() == "页面不存在 · 考核"
    assert page.locator("main h1").inner_text().startswith("页面不存在")
    border = page.evaluate("getComputedStyle(document.querySelector('.topbar')).borderBottomStyle")
    assert border == "solid"  # the site's stylesheet, not Django's bare page

    with page.expect_navigation():
        page.locator("button[name=language][value=en]").click()
    assert page.title() == "Page not found · Kaohe"
    assert page.locator(".brand").inner_text() == "Kaohe"

    with page.expect_navigation():
        page.get_by_role("link", name="Back to the home page").click()
    page.fill("#id_username", "zhenghf")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.title() == "Home · Kaohe"


def test_the_favicon_is_served(page: Any) -> None:
    page.goto("/login/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(href).status == 200
    assert page.request.get("/favicon.ico").status == 200  # followed to the icon
