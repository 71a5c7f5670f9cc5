"""State changes of yearly plans: one function each."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.errors import Invalid
from kaohe.org.models import Organ, Person
from kaohe.plans.defaults import default_indicators
from kaohe.plans.models import Indicator, IndicatorGroup, Task, YearPlan


@transaction.atomic
def plan_for(*, organ: Organ, year: int) -> YearPlan:
    """The organ's plan for `year`, created with the defaults of RULES.md when missing."""
    plan, created = YearPlan.objects.get_or_create(
        organ=organ, year=year, defaults={"filed_with": organ.filed_with})
    if created:
        Indicator.objects.bulk_create(Indicator(plan=plan, **row) for row in default_indicators())
    return plan


def plan_check(plan: YearPlan) -> None:
    """Refuse a configuration the rules cannot work with, saying what is wrong (§四, §八)."""
    try:
        plan.full_clean()
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), rule="§四") from error
    totals = dict(plan.indicators.values_list("group").annotate(total=Sum("weight")))
    for group in IndicatorGroup:
        total = totals.get(group.value)
        if total is None or abs(Decimal(total) - 100) > Decimal("0.05"):
            raise Invalid(
                _("%(group)s的组内权重之和须为 100%%，现为 %(total)s%%") % {
                    "group": group.label, "total": total or 0},
                rule="§四",
            )


@transaction.atomic
def task_assign(*, person: Person, year: int, title: str, description: str = "",
                temporary: bool = False, by: User) -> Task:
    title = limits.text(title, limits.SHORT, label=_("任务"), rule="§七(一)")
    description = limits.text(description, limits.REASON, label=_("要求"), rule="§七(一)")
    if not title:
        raise Invalid(_("请填写任务内容。"), rule="§七(一)")
    if not limits.YEAR_MIN <= year <= limits.YEAR_MAX:
        raise Invalid(_("年度须在 %(first)d 到 %(last)d 之间。") % {
            "first": limits.YEAR_MIN, "last": limits.YEAR_MAX}, rule="§七(一)")
    return Task.objects.create(person=person, year=year, title=title, description=description,
                               temporary=temporary, assigned_by=by)
