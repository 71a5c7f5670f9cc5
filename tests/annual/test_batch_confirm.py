"""How final the annual page says its recommendations are (the quarters closed, 暂定), and the
batch confirmation of those that need no decision of their own: a confirmation page, then one
transaction, all or nothing, each person's confirmation in the history."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from kaohe.annual import services
from kaohe.annual.models import AnnualChange, AnnualGrade, AnnualResult
from kaohe.errors import NotAllowed, Refused
from kaohe.plans.models import PeriodState
from tests.annual.factories import YEAR, run_year
from tests.personas import World

pytestmark = pytest.mark.django_db
Clients = Callable[[str | None], Client]
PAGE = f"/annual/organ/{YEAR}/"
CONFIRM = f"/annual/organ/{YEAR}/confirm-all/"
# 好 every quarter: 优秀 (the one place of 6); 一般 and 较差 in most quarters: 基本称职 "in
# principle", a choice the office makes person by person; the others 较好: 称职.
GRADES = {"staff": ["好"] * 4, "colleague": ["一般", "较差", "一般", "较好"]}
NEEDS_NO_DECISION = {"P-staff", "P-chief", "P-other_chief", "P-other_staff", "P-office"}


def decided() -> dict[str, str]:
    return dict(AnnualResult.objects.exclude(grade="")
                .values_list("person__personnel_no", "grade"))


def test_an_incomplete_year_is_provisional_and_cannot_be_confirmed_at_once(
        world: World, client_for: Clients) -> None:
    periods = run_year(world, {"staff": ["好"]}, first=4)  # only the fourth quarter, open
    periods[4].state = PeriodState.OPEN
    periods[4].save()
    page = client_for("office").get(PAGE).content.decode()
    assert "本年度已结束 0/4 个季度" in page and "暂定" in page
    assert 'data-testid="confirm-all"' not in page
    confirm = client_for("office").get(CONFIRM).content.decode()
    assert "四个季度结束前建议等次均为暂定" in confirm
    with pytest.raises(Refused):
        services.results_confirm_all(organ=world.organ, year=YEAR, people=["P-staff"],
                                     by=world.users["office"])
    assert decided() == {}


def test_a_year_of_one_quarter_recommends_excellent_only_provisionally(
        world: World, client_for: Clients) -> None:
    run_year(world, {"staff": ["好"]}, first=4)  # closed, but the year's only quarter
    page = client_for("office").get(PAGE).content.decode()
    row = page[page.index('data-person="P-staff"'):]
    row = row[:row.index("</tr>")]
    assert "优秀" in row and 'data-testid="provisional"' in row
    assert "本年度已结束 1/4 个季度" in page


def test_the_office_confirms_those_needing_no_decision_in_one_step(
        world: World, client_for: Clients) -> None:
    run_year(world, GRADES)
    office = client_for("office")
    page = office.get(PAGE).content.decode()
    assert "本年度四个季度均已结束" in page and 'data-testid="provisional"' not in page
    assert "（5 人）" in page
    confirm = office.get(CONFIRM).content.decode()
    listed = set(confirm.split('name="person" value="')[1:])
    assert {item.split('"')[0] for item in listed} == NEEDS_NO_DECISION
    assert decided() == {}  # the confirmation page changes nothing
    response = office.post(CONFIRM, {"person": sorted(NEEDS_NO_DECISION)})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert decided() == {"P-staff": AnnualGrade.EXCELLENT, "P-chief": AnnualGrade.COMPETENT,
                         "P-other_chief": AnnualGrade.COMPETENT,
                         "P-other_staff": AnnualGrade.COMPETENT,
                         "P-office": AnnualGrade.COMPETENT}
    changes = AnnualChange.objects.filter(action="confirm", by=world.users["office"])
    assert {c.result.person.personnel_no for c in changes} == NEEDS_NO_DECISION
    assert all(c.previous["grade"] == "" and c.values["grade"] for c in changes)
    assert "已确认 5 人的年度等次" in office.get(PAGE).content.decode()
    # The colleague still waits for the office's own decision.
    assert not AnnualResult.objects.filter(person=world.people["colleague"]).exclude(
        grade="").exists()
    assert 'data-testid="confirm-all"' not in office.get(PAGE).content.decode()


def test_all_or_nothing_when_the_list_has_changed(world: World, client_for: Clients) -> None:
    run_year(world, GRADES)
    office = client_for("office")
    seen = sorted(NEEDS_NO_DECISION)
    services.result_decide(organ=world.organ, year=YEAR, person=world.people["chief"],
                           grade=AnnualGrade.COMPETENT, by=world.users["office"])
    response = office.post(CONFIRM, {"person": seen}, follow=True)
    assert "可批量确认的人员已有变化" in response.content.decode()
    assert decided() == {"P-chief": AnnualGrade.COMPETENT}
    # Someone who needs a decision cannot be slipped into the list.
    response = office.post(CONFIRM, {"person": [*seen, "P-colleague"]}, follow=True)
    assert decided() == {"P-chief": AnnualGrade.COMPETENT}


def test_an_excellent_place_taken_by_an_override_keeps_the_recommendation_waiting(
        world: World) -> None:
    run_year(world, GRADES | {"office": ["好", "好", "好", "较好"]})
    services.result_decide(organ=world.organ, year=YEAR, person=world.people["office"],
                           grade=AnnualGrade.EXCELLENT, reason="领导班子研究",
                           by=world.users["office"])
    people = ["P-chief", "P-other_chief", "P-other_staff"]  # not P-staff: beyond the ratio
    services.results_confirm_all(organ=world.organ, year=YEAR, people=people,
                                 by=world.users["office"])
    assert set(decided()) == {"P-office", *people}


def test_only_the_office_confirms(world: World, client_for: Clients) -> None:
    run_year(world, GRADES)
    assert client_for("principal").get(CONFIRM).status_code == 403
    assert client_for("principal").post(
        CONFIRM, {"person": sorted(NEEDS_NO_DECISION)}).status_code == 403
    assert client_for("chief").get(CONFIRM).status_code == 404
    with pytest.raises(NotAllowed):
        services.results_confirm_all(organ=world.organ, year=YEAR,
                                     people=sorted(NEEDS_NO_DECISION),
                                     by=world.users["principal"])
    assert decided() == {}
