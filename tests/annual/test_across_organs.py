"""The annual grade is one per person per year (§九(三), decision 2026-12): the organ of the
person's latest assessed quarter decides it, from all the year's quarters wherever they were
assessed, and counts the person once in its 优秀 base. Here "staff" is assessed by the organ
in 2024 Q1–Q2 and by the other organ in Q3–Q4 (a secondment or transfer)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from kaohe.annual import selectors, services
from kaohe.annual.models import AnnualGrade, AnnualResult, Rounding
from kaohe.assessments.models import Assessment, State
from kaohe.errors import Invalid, Refused
from kaohe.org.models import Assignment, AssignmentKind, Category, Duty, OrganDuty, Person
from kaohe.plans.models import Period, PeriodState
from kaohe.plans.services import plan_for
from tests.annual.factories import YEAR, run_year
from tests.documents.reading import read_docx
from tests.personas import World

pytestmark = pytest.mark.django_db


def other_year(world: World) -> dict[int, Period]:
    """The other organ's closed quarters of YEAR: "outsider" (its office) and three
    colleagues, 较好 every quarter; with "staff" they are five, one 优秀 place at 20 %."""
    organ, section = world.other_organ, world.outsider_section
    OrganDuty.objects.create(organ=organ, person=world.people["outsider"], duty=Duty.OFFICE)
    people = [world.people["outsider"], *Person.objects.bulk_create(
        Person(personnel_no=f"O-{i}", name=f"他局{i}", organ=organ, section=section,
               category=Category.STAFF) for i in range(3))]
    periods = {}
    for quarter in range(1, 5):
        periods[quarter] = Period.objects.create(
            plan=plan_for(organ=organ, year=YEAR), organ=organ, year=YEAR, quarter=quarter,
            state=PeriodState.CLOSED)
        Assessment.objects.bulk_create(
            Assessment(period=periods[quarter], person=person, section=section,
                       category=Category.STAFF, state=State.ACKNOWLEDGED, grade="较好")
            for person in people)
    return periods


def move(world: World, persona: str, quarters: list[int], to: dict[int, Period]) -> None:
    """The persona's assessments of these quarters made by the organ of `to` instead."""
    for quarter in quarters:
        Assessment.objects.filter(person=world.people[persona], period__organ=world.organ,
                                  period__year=YEAR, period__quarter=quarter).update(
            period=to[quarter], section=world.outsider_section)


def overview(organ_of: str, world: World) -> selectors.Overview:
    organ = world.organ if organ_of == "organ" else world.other_organ
    return selectors.overview(selectors.annual_year(organ, YEAR), with_assessments=True)


def numbers(view: selectors.Overview) -> set[str]:
    return {row.rec.key for row in view.rows}


@pytest.fixture
def seconded(world: World) -> World:
    """好 every quarter, Q3–Q4 in the other organ. In the organ, 25 % rounded to the nearest:
    two 优秀 places of six, one of the five left."""
    run_year(world, {"staff": ["好"] * 4})
    move(world, "staff", [3, 4], other_year(world))
    services.settings_update(organ=world.organ, year=YEAR, by=world.users["office"],
                             excellent_ratio=Decimal("0.25"), excellent_rounding=Rounding.NEAREST)
    return world


def test_one_row_in_the_organ_of_the_latest_quarter_with_all_four(seconded: World) -> None:
    here, there = overview("organ", seconded), overview("other", seconded)
    assert "P-staff" not in numbers(here)
    assert here.participants == 5 and here.limit == 1  # 1.25 → 1; 1.5 → 2 with staff
    assert "P-staff" not in {row.rec.key for row in here.confirmable + here.candidates}
    assert numbers(there) == {"P-staff", "P-outsider", "O-0", "O-1", "O-2"}
    assert there.participants == 5 and there.limit == 1  # 5 × 20 %: 0 without staff
    row = there.row_of(seconded.people["staff"])
    assert [q.grade if q else None for q in row.by_quarter] == ["好"] * 4
    assert row.rec.priority and row.rec.grade == AnnualGrade.EXCELLENT
    assert not row.provisional
    assert {q: a.period.organ_id for q, a in row.assessments.items()} == {
        1: seconded.organ.pk, 2: seconded.organ.pk, 3: seconded.other_organ.pk,
        4: seconded.other_organ.pk}
    assert set(there.periods) == {1, 2, 3, 4}  # the organ's own quarters


def test_only_the_deciding_organ_decides_once(seconded: World) -> None:
    staff = seconded.people["staff"]
    with pytest.raises(Refused) as refusal:
        services.result_decide(organ=seconded.organ, year=YEAR, person=staff,
                               grade=AnnualGrade.EXCELLENT, by=seconded.users["office"])
    assert (refusal.value.code, refusal.value.rule) == ("decided_elsewhere", "§九(三)")
    assert refusal.value.message == "Staff的年度考核由他局确定（本年度最后一个季度在该机关考核）。"
    services.result_decide(organ=seconded.other_organ, year=YEAR, person=staff,
                           grade=AnnualGrade.EXCELLENT, by=seconded.users["outsider"])
    assert AnnualResult.objects.filter(person=staff, annual__year=YEAR).get().annual.organ \
        == seconded.other_organ
    assert overview("other", seconded).row_of(staff).decided_grade == AnnualGrade.EXCELLENT


def test_a_refusal_to_take_part_is_recorded_by_the_deciding_organ(seconded: World) -> None:
    staff = seconded.people["staff"]
    with pytest.raises(Invalid, match="由本机关确定年度等次的人员"):
        services.refusal_record(organ=seconded.organ, year=YEAR, person=staff, refused=True,
                                note="拒不参加第四季度述职", by=seconded.users["office"])
    services.refusal_record(organ=seconded.other_organ, year=YEAR, person=staff, refused=True,
                            note="拒不参加第四季度述职", by=seconded.users["outsider"])
    assert overview("other", seconded).row_of(staff).rec.grade == AnnualGrade.INCOMPETENT
    assert not AnnualResult.objects.filter(annual__organ=seconded.organ, person=staff).exists()


def test_a_quarter_undecided_elsewhere_keeps_the_year_open(seconded: World) -> None:
    Assessment.objects.filter(person=seconded.people["staff"], period__quarter=1).update(
        state=State.PROPOSED)
    row = overview("other", seconded).row_of(seconded.people["staff"])
    assert row.rec.pending == 1 and row.provisional
    with pytest.raises(Refused) as refusal:
        services.result_decide(organ=seconded.other_organ, year=YEAR,
                               person=seconded.people["staff"], grade=AnnualGrade.COMPETENT,
                               by=seconded.users["outsider"])
    assert refusal.value.code == "unfinished"


def test_back_for_the_last_quarter_the_organ_decides(seconded: World) -> None:
    """Q3 in the other organ, back for Q4: the organ decides, with the quarter from there."""
    move(seconded, "colleague", [3], {p.quarter: p for p in Period.objects.filter(
        organ=seconded.other_organ, year=YEAR)})
    here, there = overview("organ", seconded), overview("other", seconded)
    assert "P-colleague" in numbers(here) and "P-colleague" not in numbers(there)
    assert here.row_of(seconded.people["colleague"]).rec.taking_part == 4
    assert here.participants == 5


@pytest.mark.parametrize("reader", ["staff", "outsider"])  # the person, the deciding office
def test_the_annual_form_shows_the_four_quarters(seconded: World, reader: str,
                                                 client_for: Callable[[str | None], Client]
                                                 ) -> None:
    Assignment.objects.create(person=seconded.people["staff"], organ=seconded.other_organ,
                              section=seconded.outsider_section,
                              kind=AssignmentKind.SECONDMENT, start=datetime.date(2024, 7, 1))
    response = client_for(reader).get(f"/documents/annual/P-staff/{YEAR}.docx")
    form = read_docx(response.content)
    assert form.cells["平时考核情况"] == "好4次，较好0次，一般0次，较差0次"
    assert form.cells["个人总结"].splitlines() == [
        f"第{q}季度：Staff第{n}季度小结" for q, n in zip("一二三四", range(1, 5), strict=True)]
    assert form.cells["主管领导评语和考核等次建议"] == "考核等次建议：优秀"
