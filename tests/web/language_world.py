"""The current quarter of the demo organ, half-way: opened, every summary submitted, the
staff of one section proposed by their chief, and the reminders sent (the to-do texts)."""

from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone

from kaohe.annual.demo import _office, _reviewer
from kaohe.assessments import services
from kaohe.assessments.services import Proposal
from kaohe.org.models import Category, Organ
from kaohe.plans.models import Grade


def open_current_quarter(organ: Organ) -> None:
    today = timezone.localdate()
    period = services.period_open(organ=organ, year=today.year, quarter=(today.month + 2) // 3,
                                  by=_office(organ))
    codes = [i.code for i in period.plan.indicators.all()]
    assessments = list(period.assessments.select_related("person__user", "section")
                       .order_by("section__code", "person__personnel_no"))
    first_section = assessments[0].section_id
    for a in assessments:
        owner = a.person.user
        assert owner is not None
        services.summary_save(assessment=a, by=owner, text="本季度完成了分解任务。")
        services.summary_submit(assessment=a, by=owner)
        if a.section_id == first_section and a.category == Category.STAFF:
            services.assessment_propose(assessment=a, by=_reviewer(a), proposal=Proposal(
                scores=dict.fromkeys(codes, 85), grade=Grade.FAIRLY_GOOD, comment="较好。"))
    call_command("send_reminders", "--now", stdout=open("/dev/null", "w"))  # noqa: SIM115
