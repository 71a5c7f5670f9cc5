"""Every dashboard, panel, export and chart issues the same number of queries for 3 or 30
rows (ARCHITECTURE.md example 7): the numbers are GROUP BYs or counted from one read of the
rows, never a query per row."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kaohe.assessments.models import Assessment, FollowUp, FollowUpKind, State
from kaohe.org.models import Category, Person
from kaohe.plans.models import Grade
from kaohe.records.models import Entry
from tests.personas import World

ORGAN_PAGES = [
    "/reports/organs/organ/progress/", "/reports/organs/organ/progress/panel/",
    "/reports/organs/organ/progress/export/", "/reports/organs/organ/progress/chart/",
    "/reports/organs/organ/results/", "/reports/organs/organ/results/?year=2025&section=a",
    "/reports/organs/organ/results/export/", "/reports/organs/organ/results/export/?table=people",
    "/reports/organs/organ/results/chart/?name=scores",
]
CASES = [(url, persona) for url in ORGAN_PAGES for persona in ["principal", "chief"]] + [
    (url, "org_department") for url in ["/reports/organs/organ/results/",
                                        "/reports/organs/organ/progress/",
                                        "/reports/department/", "/reports/department/export/",
                                        "/reports/department/chart/"]] + [
    ("/reports/organs/organ/quota/", "office"), ("/reports/people/P-staff/", "chief"),
    ("/reports/people/P-staff/export/", "chief"), ("/reports/", "chief"),
    (None, "chief"),  # the review screen with the section's allocation
]


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured)


def grow(world: World) -> None:
    """27 more people in section a, graded, scored, followed up and writing in the record
    book; and 27 more record-book entries for the person viewed."""
    period = world.periods["organ"]
    for i in range(27):
        person = Person.objects.create(personnel_no=f"X{i}", name=f"新人{i}", organ=world.organ,
                                       section=world.section_a, category=Category.STAFF,
                                       frontline=i % 2 == 0)
        a = Assessment.objects.create(
            period=period, person=person, section=world.section_a, category=Category.STAFF,
            state=State.ACKNOWLEDGED, grade=list(Grade)[i % 4], composite_score=Decimal(60 + i),
            frontline=i % 2 == 0)
        FollowUp.objects.create(assessment=a, kind=FollowUpKind.REMINDER_TALK)
        Entry.objects.create(person=world.people["staff"], day=f"2025-0{7 + i % 3}-01", text="x")


@pytest.mark.parametrize(("url", "persona"), CASES)
def test_reports_issue_a_fixed_number_of_queries(client_for: Callable[[str | None], Client],
                                                world: World, url: str | None,
                                                persona: str) -> None:
    url = url or f"/periods/{world.periods['organ'].pk}/review/"
    client = client_for(persona)
    count(client, url)  # warm caches that are not a cost of the rows
    few = count(client, url)
    grow(world)
    # The review screen shows 20 a page: only a section beyond one page is counted.
    counted = 1 if url.endswith("/review/") else 0
    assert count(client, url) == few + counted
