"""The error pages, as a visitor sees them with DEBUG off: the site's layout, the reader's
language (Chinese by default, English with the language cookie), a way home, and the status."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation

from kaohe.web.errors import server_error
from tests.personas import World

Sign = Callable[[str | None], Client]

pytestmark = [pytest.mark.urls("tests.web.error_urls"), pytest.mark.django_db]

PAGES = [  # path, status, Chinese heading, English heading
    ("/test-errors/400/", 400, "请求无效", "Bad request"),
    ("/test-errors/403/", 403, "无权进行此操作", "Not allowed"),
    ("/no-such-page/", 404, "页面不存在", "Page not found"),
    ("/test-errors/500/", 500, "服务器出错", "Server error"),
]


def visitor(language: str | None = None) -> Client:
    client = Client(raise_request_exception=False)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def heading(page: str) -> str:
    return page.split("<h1>", 1)[1].split("<small>", 1)[0].strip()


@override_settings(DEBUG=False)
@pytest.mark.parametrize(("path", "status", "chinese", "english"), PAGES)
def test_error_pages_read_in_the_visitors_language(path: str, status: int, chinese: str,
                                                   english: str) -> None:
    response = visitor().get(path)
    page = response.content.decode()
    assert response.status_code == status
    assert heading(page) == chinese and "返回首页" in page and 'class="topbar"' in page
    assert "<title>" + chinese + " · 考核</title>" in page

    page = visitor("en").get(path).content.decode()
    assert heading(page) == english and "Back to the home page" in page
    assert "<title>" + english + " · Kaohe</title>" in page


@override_settings(DEBUG=False)
def test_a_signed_in_user_gets_the_404_page_with_the_navigation(client_for: Sign) -> None:
    client = client_for("staff")
    response = client.get("/people/NOBODY/")
    page = response.content.decode()
    assert response.status_code == 404 and heading(page) == "页面不存在"
    assert "记实手册" in page  # the navigation of a signed-in person


@override_settings(DEBUG=False)
def test_a_refusal_raised_as_permission_denied_shows_its_reason(client_for: Sign) -> None:
    response = client_for("staff").post(reverse("period_open"), {"year": 2025, "quarter": 3})
    page = response.content.decode()
    assert response.status_code == 403 and heading(page) == "无权进行此操作"
    assert "只有本机关办公室可以开启考核季度" in page


@override_settings(DEBUG=False)
def test_a_form_posted_without_its_csrf_token_is_explained(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403 and heading(page) == "Not allowed"
    assert "form has expired" in page and "Back to the home page" in page


@pytest.mark.django_db(databases=[])
def test_the_500_page_renders_without_the_database() -> None:
    """No database access is allowed in this test: any query would fail it."""
    for language, heading_text in [("zh-hans", "服务器出错"), ("en", "Server error")]:
        with translation.override(language):
            response = server_error(RequestFactory().get("/"))
        assert response.status_code == 500
        assert heading(response.content.decode()) == heading_text


def test_favicon_is_linked_and_served(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("kaohe/favicon.ico")
    assert finders.find("kaohe/favicon.ico") and finders.find("kaohe/favicon.svg")
    assert 'rel="icon"' in client.get(reverse("login")).content.decode()
