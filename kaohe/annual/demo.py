"""A whole year of the demo organ: four quarters through the real services (summary, review,
approval under the 40 % cap, feedback, publication, closing), then the annual recommendations
confirmed by the office and the 公示. `kaohe demo-year` runs it and writes every form."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.annual import selectors as annual_selectors
from kaohe.annual import services as annual_services
from kaohe.annual.models import AnnualGrade
from kaohe.assessments import services
from kaohe.assessments.models import Assessment
from kaohe.assessments.services import Proposal
from kaohe.org.models import Category, Duty, Organ, Person
from kaohe.plans.models import Grade, Period
from kaohe.workdays.calendar import add_working_days

G, FG, AV, PO = Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE, Grade.POOR
SCORES: dict[str, int] = {G: 95, FG: 85, AV: 70, PO: 55}
# By position in the list of people taking part (ordered by personnel number): a year that
# shows every rule — 好 every quarter, 好 three times, a tie, 一般 in most quarters, a quarter
# on leave. Everyone else is 较好, with two more 好 each quarter, well inside the cap of 8.
PATTERN: dict[int, list[str]] = {
    0: [G, G, G, G], 1: [G, G, G, G], 2: [FG, G, G, G], 3: [G, FG, G, G], 4: [G, G, G, FG],
    5: [G, G, FG, FG], 6: [AV, AV, FG, AV], 7: [FG, AV, FG, FG], 8: [FG, "", FG, FG],
}
ON_LEAVE = 8  # sick leave for the whole second quarter: that grade is not determined


@dataclass
class DemoYear:
    organ: Organ
    year: int
    people: int
    periods: list[Period]


def grade_of(position: int, quarter: int) -> str:
    if position in PATTERN:
        return PATTERN[position][quarter - 1]
    return G if position in (9 + 2 * quarter, 10 + 2 * quarter) else FG


def _office(organ: Organ) -> User:
    person = Person.objects.filter(organ=organ, duties__duty=Duty.OFFICE).first()
    assert person is not None and person.user is not None, "the organ has no office"
    return person.user


def _reviewer(a: Assessment) -> User:
    if a.category == Category.CHIEF:
        leader = a.section.leader_in_charge
    else:
        leader = Person.objects.get(section=a.section, category=Category.CHIEF, active=True)
    assert leader is not None and leader.user is not None
    return leader.user


def _approver(a: Assessment) -> User:
    leader = a.period.organ.principal if a.category == Category.CHIEF \
        else a.section.leader_in_charge
    assert leader is not None and leader.user is not None
    return leader.user


def _run_quarter(organ: Organ, year: int, quarter: int, order: dict[int, int],
                 office: User) -> Period:
    period = services.period_open(organ=organ, year=year, quarter=quarter, by=office)
    if quarter == 2:
        person = next(p for p, i in order.items() if i == ON_LEAVE)
        services.leave_record(person=Person.objects.get(pk=person), kind="sick",
                              start=period.first_day, end=period.last_day, by=office)
    codes = [i.code for i in period.plan.indicators.all()]
    feedback_day = min(period.last_day, timezone.localdate())
    for a in period.assessments.select_related("person", "section", "period__organ"):
        owner = a.person.user
        assert owner is not None
        grade = grade_of(order[a.person_id], quarter)
        if a.grade_determined:
            services.summary_save(assessment=a, by=owner, text=(
                f"一、承担的工作任务：完成{a.section.name}第{quarter}季度分解任务。\n"
                "二、存在的不足：调研不够深入。\n三、改进措施：加强业务学习。"))
            services.summary_submit(assessment=a, by=owner)
        services.assessment_propose(assessment=a, by=_reviewer(a), proposal=Proposal(
            scores=dict.fromkeys(codes, SCORES.get(grade, 85)), grade=grade,
            comment="工作认真负责，完成了本季度任务。" if grade else "病假超过本季度工作日一半。"))
        services.assessment_approve(assessment=a, by=_approver(a), comment="同意")
        services.feedback_give(assessment=a, by=_reviewer(a), method="talk",
                               given_on=feedback_day, text="肯定成绩，指出不足，明确改进方向。")
        services.result_acknowledge(assessment=a, by=owner, opinion="无异议")
    services.period_publish(period=period, by=office)
    # A demo of the running quarter closes inside the appeal windows it has just opened.
    return services.period_close(period=period, by=office,
                                 override_reason=_("演示数据：结果已当面反馈，本人均无异议。"))


@transaction.atomic
def run_demo_year(organ: Organ, year: int) -> DemoYear:
    """Four quarters, then every recommendation confirmed and the 公示 set in December."""
    office = _office(organ)
    taking_part = Person.objects.filter(organ=organ, active=True,
                                        category__in=[Category.CHIEF, Category.STAFF])
    order = {pk: i for i, pk in enumerate(taking_part.order_by("personnel_no")
                                          .values_list("pk", flat=True))}
    periods = [_run_quarter(organ, year, quarter, order, office) for quarter in range(1, 5)]
    view = annual_selectors.overview(annual_selectors.annual_year(organ, year))
    places = view.limit - sum(1 for row in view.rows if row.rec.grade == AnnualGrade.EXCELLENT)
    for row in view.rows:
        if row.rec.tie and places > 0:  # the committee chooses among those tied at the line
            places -= 1
            annual_services.result_decide(organ=organ, year=year, person=row.person,
                                          grade=AnnualGrade.EXCELLENT, by=office,
                                          reason="并列于优秀名额线，经考核委员会研究确定。")
        else:
            annual_services.result_decide(organ=organ, year=year, person=row.person,
                                          grade=row.rec.grade, by=office)
    start = add_working_days(datetime.date(year, 12, 1), 5)
    annual_services.announcement_set(organ=organ, year=year, start=start, by=office)
    return DemoYear(organ=organ, year=year, people=len(view.rows), periods=periods)
