"""民主测评 in Chromium on the demo organ: a staff member finds the ballot on the home page of a
phone-size screen, rates each colleague on every question and sends it once; after voting
ends, their section chief sees the results beside the review form."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.assessments.models import Assessment
from kaohe.assessments.services import period_open, summary_save, summary_submit
from kaohe.ballots import services
from kaohe.ballots.models import Ballot, Participation
from kaohe.org.demo import load_demo
from kaohe.org.models import Organ, Person
from tests.e2e.test_quarter import OFFICE, STAFF, log_in, messages, submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CHIEF = "zhenghf"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def ballot() -> Ballot:
    load_demo()
    organ = Organ.objects.get(code="qc-sthjj")
    period_open(organ=organ, year=2025, quarter=3, by=User.objects.get(username=OFFICE))
    today = timezone.localdate()
    return services.ballot_open(organ=organ, by=User.objects.get(username=OFFICE),
                                setup=services.Setup(title="第三季度民主测评", year=2025,
                                                     quarter=3, opens_on=today, closes_on=today,
                                                     min_votes=1))


def test_a_staff_member_votes_on_a_phone(page: Any, ballot: Ballot) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, STAFF)
    submit(page, page.get_by_test_id("ballot-todo").get_by_role("link"))
    people = page.locator("fieldset.ballot-person")
    assert people.count() >= 1
    # Everything fits the screen's width: no sideways scrolling to reach an answer.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    submit(page, page.get_by_role("button", name="提交测评"))  # nothing chosen: refused
    assert Participation.objects.count() == 0
    for person in range(people.count()):
        for answer in people.nth(person).locator(".answer").all():
            answer.get_by_label("较好").check()
    submit(page, page.get_by_role("button", name="提交测评"))
    assert "感谢参加民主测评" in messages(page)
    assert page.get_by_test_id("ballot-todo").count() == 0
    assert Participation.objects.filter(voter__user__username=STAFF).count() == 1


def test_the_chief_sees_the_results_beside_the_review(page: Any, ballot: Ballot) -> None:
    staff = Person.objects.get(user__username=STAFF)
    for pairing in ballot.pairings.filter(candidate=staff).select_related("voter__user"):
        if pairing.voter.user is not None:
            sheet = services.selectors.sheet(ballot, pairing.voter)
            services.ballot_vote(ballot=ballot, by=pairing.voter.user,
                                 answers={p.candidate_id: ["好"] * 5 for p in sheet})
    services.ballot_close(ballot=ballot, by=User.objects.get(username=OFFICE))
    assessment = Assessment.objects.get(person=staff, period__quarter=3)
    summary_save(assessment=assessment, by=staff.user, text="完成本季度监测任务。")  # type: ignore[arg-type]
    summary_submit(assessment=assessment, by=staff.user)  # type: ignore[arg-type]

    log_in(page, CHIEF, f"/assessments/{assessment.pk}/")
    results = page.get_by_test_id("ballot-results")
    assert "100.00" in results.inner_text()
    assert page.get_by_role("heading", name="审核评鉴", exact=True).is_visible()
