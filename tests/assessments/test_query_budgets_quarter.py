"""The quarter's lists (home to-do, review and approval screens, the API's assessment list)
issue the same number of queries for 3 or 30 assessments."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kaohe.accounts.models import ApiToken
from kaohe.assessments.models import Assessment
from kaohe.assessments.selectors import visible_periods
from kaohe.assessments.services import period_open
from kaohe.org.access import actor_for
from tests.assessments.test_open_in_bulk import hire
from tests.personas import World

PAGES = {"chief": ["/", "/periods/{period}/review/", "/api/v1/assessments",
                   "/api/v1/assessments?period={period}"],
         "leader": ["/", "/periods/{period}/approval/", "/api/v1/assessments"]}


def queries(client: Client, url: str, headers: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, headers=headers).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("persona", "page"),
                         [(persona, page) for persona, pages in PAGES.items() for page in pages])
def test_quarter_lists_cost_the_same_queries_for_3_or_30_rows(
        client_for: Callable[[str | None], Client], world: World, persona: str,
        page: str) -> None:
    period = world.periods["organ"]
    url = page.format(period=period.pk)
    client = client_for(persona)
    _token, raw = ApiToken.issue(world.users[persona], "budget")
    headers = {"Authorization": f"Bearer {raw}"} if url.startswith("/api/") else {}
    queries(client, url, headers)  # the first use of a token records its time
    before = Assessment.objects.filter(period=period, section=world.section_a).count()
    few = queries(client, url, headers)
    hire(world, 27, "Q")
    period_open(organ=world.organ, year=period.year, quarter=period.quarter,
                by=world.users["office"])
    assert Assessment.objects.filter(period=period, section=world.section_a).count() >= (
        before + 27)
    # The review screen shows 20 a page: only a section beyond one page is counted.
    counted = 1 if "/review/" in url else 0
    assert queries(client, url, headers) == few + counted


def test_the_quarters_a_person_sees_are_found_without_joining_their_assessments(
        world: World) -> None:
    """A person seconded into another organ sees the quarter assessing them there, once. The
    quarters are found by their own rows: joining every assessment to find the person's made
    one row per assessment, each counting the quarter again (quadratic in its size)."""
    staff, other = world.people["staff"], world.periods["other"]
    Assessment.objects.create(period=other, person=staff, section=world.outsider_section,
                              category=staff.category)
    visible = visible_periods(actor_for(world.users["staff"]))
    assert sorted(p.pk for p in visible) == sorted([world.periods["organ"].pk, other.pk])
    assert 'JOIN "assessments_assessment"' not in str(visible.query)
