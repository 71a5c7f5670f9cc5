"""The statistics dashboards in Chromium, as the office, a section chief and the organization
department of the demo organ: the numbers shown are checked against the database, a chief sees
no one from another section, the pages fit a phone.

Set KAOHE_SCREENSHOTS=docs/screenshots to retake the dashboards' screenshots.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kaohe.accounts.models import User
from kaohe.assessments.models import DECIDED, Assessment, State
from kaohe.assessments.services import period_open
from kaohe.org.demo import DEMO_PASSWORD, load_demo
from kaohe.org.models import Organ, Person
from kaohe.plans.models import Grade, Period, PeriodState

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OFFICE, CHIEF, DEPARTMENT = "zhaowj", "zhenghf", "zzb"
# A pattern of grades and states that leaves a quarter half done, 好 under the cap.
GRADES = [Grade.GOOD, Grade.FAIRLY_GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE, Grade.FAIRLY_GOOD]
STATES = [State.ACKNOWLEDGED, State.FEEDBACK, State.APPROVED, State.PROPOSED, State.SUBMITTED]


def grade_quarter(period: Period, shift: int) -> None:
    for i, a in enumerate(period.assessments.order_by("person__personnel_no")):
        a.state = STATES[(i + shift) % len(STATES)] if shift else State.ACKNOWLEDGED
        a.proposed_grade = GRADES[(i + shift) % len(GRADES)]
        a.grade = a.proposed_grade if a.state in DECIDED else ""
        a.composite_score = Decimal(70 + (i * 7) % 30)
        a.save()


@pytest.fixture
def organ() -> Organ:
    load_demo()
    organ = Organ.objects.get(code="qc-sthjj")
    office = User.objects.get(username=OFFICE)
    q2 = period_open(organ=organ, year=2025, quarter=2, by=office)
    grade_quarter(q2, 0)
    Period.objects.filter(pk=q2.pk).update(state=PeriodState.CLOSED)
    grade_quarter(period_open(organ=organ, year=2025, quarter=3, by=office), 1)
    return organ


def log_in(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def cells(page: Any, table: str) -> list[list[str]]:
    rows = page.locator(f"table[data-table={table}] tbody tr")
    return [[c.strip() for c in rows.nth(i).locator("td").all_text_contents()]
            for i in range(rows.count())]


def shoot(page: Any, name: str) -> None:
    target = os.environ.get("KAOHE_SCREENSHOTS")
    if target:
        page.screenshot(path=str(Path(target) / name), full_page=True)


def fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_office_results_match_the_database(page: Any, organ: Organ) -> None:
    page.set_viewport_size({"width": 1200, "height": 900})
    log_in(page, OFFICE)
    page.goto(f"/reports/organs/{organ.code}/results/?year=2025")
    q3 = Assessment.objects.filter(period__organ=organ, period__quarter=3, state__in=DECIDED)
    good = q3.filter(grade=Grade.GOOD).count()
    row = next(r for r in cells(page, "quarters") if r[0] == "2025 年第三季度")
    assert row[1:5] == [str(q3.filter(grade=g).count()) for g in Grade]
    bar = page.locator('svg[data-chart=quarters] '
                       'rect[data-label="2025 年第三季度"][data-series="好"]')
    assert bar.get_attribute("data-value") == str(good)
    participants = Assessment.objects.filter(period__organ=organ, period__quarter=3).count()
    cap = next(r for r in cells(page, "cap") if r[0] == "2025 年第三季度")
    assert cap[1:4] == [str(participants), str(int(participants * 0.4)), str(good)]
    shoot(page, "reports-results-office.png")
    with page.expect_download() as download:
        page.locator("a[data-export=sections]").click()
    assert download.value.suggested_filename == f"{organ.code}-results-sections.xlsx"


def test_chief_sees_only_his_section(page: Any, organ: Organ) -> None:
    chief = Person.objects.get(user__username=CHIEF)
    mine = Assessment.objects.filter(period__organ=organ, period__quarter=3,
                                     section=chief.section)
    log_in(page, CHIEF)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"/reports/organs/{organ.code}/progress/")
    assert page.get_by_test_id("total").inner_text() == str(mine.count())
    finished = mine.filter(state__in=[State.FEEDBACK, State.ACKNOWLEDGED]).count()
    assert page.get_by_test_id("finished").inner_text() == str(finished)
    shoot(page, "reports-progress-chief.png")
    page.goto(f"/reports/organs/{organ.code}/results/?year=2025&quarter=3")
    assert [r[0] for r in cells(page, "sections")] == [chief.section.name]
    shown = {r[1] for r in cells(page, "people")}
    assert shown == set(mine.values_list("person__name", flat=True))
    others = Person.objects.filter(organ=organ).exclude(section=chief.section).exclude(
        section=None).values_list("name", flat=True)
    text = page.locator("main").text_content()
    assert not [name for name in others if name in text]


def test_department_sees_the_organ_and_drills_down(page: Any, organ: Organ) -> None:
    log_in(page, DEPARTMENT)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto("/reports/department/?year=2025&quarter=3")
    assert page.get_by_test_id("organs").inner_text() == "1"
    row = cells(page, "organs")[0]
    participants = Assessment.objects.filter(period__organ=organ, period__quarter=3).count()
    assert row[0] == organ.name and row[2] == str(participants)
    page.locator("#panel-organs summary").click()  # the table is one click away
    shoot(page, "reports-department.png")
    page.locator(f"table[data-table=organs] a:has-text('{organ.name}')").click()
    page.wait_for_url(f"**/reports/organs/{organ.code}/results/")
    assert page.locator("table[data-table=people]").count() == 0  # aggregates only


def test_dashboards_fit_a_phone(page: Any, organ: Organ) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, OFFICE)
    for path in [f"/reports/organs/{organ.code}/results/", f"/reports/organs/{organ.code}/"
                 "progress/", f"/reports/organs/{organ.code}/quota/"]:
        page.goto(path)
        assert fits_the_screen(page), path
    page.goto(f"/reports/organs/{organ.code}/results/")
    shoot(page, "reports-results-phone.png")
