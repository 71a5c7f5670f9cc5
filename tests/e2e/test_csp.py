"""The content security policy breaks nothing: the pages, htmx's live 好 counter, the admin
and the API's Swagger page run in Chromium without one violation reported."""

from __future__ import annotations

from typing import Any

import pytest

from kaohe.accounts.models import User
from kaohe.assessments import services
from kaohe.org.demo import load_demo
from kaohe.org.models import Organ
from tests.e2e.test_login import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs before any page script, outside the page's policy (Playwright injects it).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""


def _violations(page: Any, console: list[str]) -> list[str]:
    reported: list[str] = page.evaluate("window.__violations")
    return reported + [line for line in console if "Content Security Policy" in line]


def test_no_page_reports_a_policy_violation(page: Any) -> None:
    load_demo()
    office = User.objects.get(username="zhaowj")
    period = services.period_open(organ=Organ.objects.get(), year=2025, quarter=3, by=office)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)

    page.goto("/login/")
    assert _violations(page, console) == []
    log_in(page, "zhaowj")
    page.wait_for_selector("h1")
    for path in ["/", "/periods/", "/records/", "/profile/", f"/periods/{period.pk}/approval/",
                 "/organs/", "/admin/"]:
        page.goto(path)
        page.wait_for_load_state("load")
        assert _violations(page, console) == [], path

    # htmx runs: the 好 counter of the review screen is refreshed from the server.
    page.goto(f"/periods/{period.pk}/review/")
    assert page.evaluate("typeof htmx") == "object"
    with page.expect_response(lambda r: f"/periods/{period.pk}/quota/" in r.url,
                              timeout=15_000) as refreshed:
        pass
    assert refreshed.value.status == 200
    assert page.locator("[data-testid=quota]").count() >= 1
    assert _violations(page, console) == []


def test_the_api_documentation_page_works_under_its_policy(page: Any) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Kaohe API" in page.locator(".swagger-ui .info .title").inner_text()
    assert _violations(page, console) == []
