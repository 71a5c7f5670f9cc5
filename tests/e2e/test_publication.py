"""The published 好 list and the quarter's closing in Chromium (§八(一), §十(二), decision 0014).

The demo organ's 2025 Q3 is set up told and acknowledged directly (the whole workflow through
the pages is tests/e2e/test_quarter.py): three people graded 好, results fed back on Monday
29 September 2025, and "today" the last day to appeal, 13 October. Through the pages: the
office publishes after a confirmation page that says how many names; one of the three
appeals online and the office changes the grade to 较好; the published page then shows the
list as published, the dated correction and the current list; closing is refused with the
reason on the page, and the office closes early only with a written reason."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from kaohe.appeals import selectors as appeal_selectors
from kaohe.appeals.models import Appeal
from kaohe.assessments import selectors as assessment_selectors
from kaohe.assessments import services
from kaohe.assessments.models import Assessment, ClosingOverride, State
from kaohe.org.demo import load_demo
from kaohe.org.models import Organ
from kaohe.plans.models import Grade, Period
from tests.e2e.test_quarter import OFFICE, Users, messages, submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FEEDBACK_DAY = datetime.date(2025, 9, 29)
LAST_DAY_TO_APPEAL = datetime.date(2025, 10, 13)


@pytest.fixture
def users(page: Any) -> Users:
    return Users(page)


@pytest.fixture
def told_quarter(monkeypatch: pytest.MonkeyPatch) -> tuple[Period, list[Assessment]]:
    """2025 Q3 of the demo organ, every result told and acknowledged; three graded 好."""
    load_demo()
    organ = Organ.objects.get(code="qc-sthjj")
    office = organ.duties.get(person__user__username=OFFICE).person.user
    period = services.period_open(organ=organ, year=2025, quarter=3, by=office)
    period.assessments.update(state=State.ACKNOWLEDGED, grade=Grade.FAIRLY_GOOD,
                              proposed_grade=Grade.FAIRLY_GOOD, feedback_given_on=FEEDBACK_DAY)
    good = list(period.assessments.exclude(person__user__username=OFFICE)
                .select_related("person__user").order_by("person__personnel_no")[:3])
    period.assessments.filter(pk__in=[a.pk for a in good]).update(grade=Grade.GOOD)
    # The live server runs in this process: both apps take the same "today".
    monkeypatch.setattr(appeal_selectors, "today", lambda: LAST_DAY_TO_APPEAL)
    monkeypatch.setattr(assessment_selectors, "today", lambda: LAST_DAY_TO_APPEAL)
    return period, good


def test_publish_confirmed_corrected_on_appeal_and_closing_refused_in_the_window(
        users: Users, told_quarter: tuple[Period, list[Assessment]]) -> None:
    period, good = told_quarter
    names = sorted(a.person.name for a in good)
    appellant = good[0]

    # The office publishes after the confirmation page says how many names it will make public.
    page = users(OFFICE, "/periods/")
    page.get_by_role("link", name="公布“好”等次名单…").click()
    confirm = page.locator("[data-testid=confirm]")
    assert "将在本机关内公布 3 名“好”等次人员" in confirm.inner_text()
    assert "公布后不能撤回" in confirm.inner_text()
    assert sorted(confirm.locator("tbody tr td:nth-child(2)").all_inner_texts()) == names
    submit(page, page.get_by_role("button", name="确认公布"))
    assert "已在机关内公布“好”等次人员名单" in messages(page)
    assert "共 3 人" in page.locator("[data-testid=published-on]").inner_text()
    assert page.get_by_role("button", name="打印名单").is_visible()

    # One of the three appeals online on the last day; the office changes the grade.
    page = users(appellant.person.user.username, f"/assessments/{appellant.pk}/")
    page.fill("form[action$='/appeal/'] textarea[name=text]", "本人承担的任务未被充分考虑")
    submit(page, page.get_by_role("button", name="提出申诉"))
    appeal = Appeal.objects.get(assessment=appellant)
    page = users(OFFICE, f"/appeals/{appeal.pk}/")
    page.select_option("select[name=outcome]", "changed")
    page.select_option("select[name=grade]", "较好")
    page.fill("form[action$='/decide/'] textarea[name=reason]", "经考核委员会复核，改为较好")
    submit(page, page.get_by_role("button", name="记录处理结果并通知本人"))

    # Everyone sees the list as published, the dated correction and the current list.
    page = users(good[1].person.user.username, f"/periods/{period.pk}/published/")
    current = page.locator("[data-testid=good-list] tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(current) == sorted(set(names) - {appellant.person.name})
    correction = page.locator("[data-testid=correction]").inner_text()
    assert timezone.localdate().isoformat() in correction
    assert f"删除 {appellant.person.name}" in correction and "改为较好" in correction
    as_published = page.locator("[data-testid=as-published] tbody tr td:nth-child(2)")
    assert sorted(as_published.all_inner_texts()) == names

    # Closing: the link says why before it is pressed; the page lists who may still appeal.
    page = users(OFFICE, "/periods/")
    link = page.locator("[data-testid=close-link]")
    assert "暂不能结束" in link.inner_text() and "申诉未了" in link.inner_text()
    link.click()
    blocked = page.locator("[data-testid=blocked]").inner_text()
    assert "申诉期未满或申诉尚未处理" in blocked and "§十(二)" in blocked
    assert f"{good[1].person.name}：申诉期未满（至 2025-10-13）" in blocked
    page.fill("textarea[name=override_reason]", "市局要求当日报送结果，申诉权利不受影响")
    submit(page, page.get_by_role("button", name="说明理由后提前结束本季度"))
    assert "本季度考核已结束" in messages(page)
    override = ClosingOverride.objects.get(period=period)
    assert override.reason == "市局要求当日报送结果，申诉权利不受影响"
