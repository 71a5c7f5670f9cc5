"""The 好 places (§八(一)): the split of a quarter's places among sections (front-line staff
weigh more), which the office fixes and every approval of 好 is then held to
(kaohe.assessments.services.workflow.check_good_place, decision 0015); and the ratio of a plan
in force, which changes only by a recorded amendment that respects the places approved."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.assessments import rules, selectors
from kaohe.assessments.models import SectionQuota
from kaohe.assessments.services.common import bounded, lock_quarter, required
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org import access
from kaohe.plans.labels import quarter_label
from kaohe.plans.models import Period, PlanAmendment, YearPlan
from kaohe.plans.services import plan_check


def _office_period(period: Period, by: User) -> Period:
    """The quarter locked as an approval locks it, so that a split and an approval never
    cross: the split is checked against the 好 approved when it is fixed."""
    period = lock_quarter(period.pk)
    if not access.may_plan_quota(access.actor_for(by), period.organ):
        raise NotAllowed(_("只有本机关办公室可以分配“好”等次名额。"), rule=rules.RULE_GOOD)
    if period.is_closed:
        raise Refused(_("本季度已结束，不能再分配名额。"), rule=rules.RULE_GOOD,
                      code="period_closed")
    return period


def check_frontline_weight(weight: Decimal) -> None:
    """Refuse a front-line weight outside 0–5, for the split fixed and for a what-if alike."""
    if not rules.frontline_weight_valid(weight):
        raise Invalid(_("基层一线加权须在 0 到 5 之间。"), rule=rules.RULE_GOOD)


@transaction.atomic
def quota_plan_save(*, period: Period, by: User, frontline_weight: Decimal,
                    ) -> list[SectionQuota]:
    """The office fixes the split of the quarter's 好 places among sections (§八(一)). Refused
    when a section has more 好 approved than its new share; the shares never add up to more
    than the organ's limit."""
    period = _office_period(period, by)
    check_frontline_weight(frontline_weight)
    limit, lines = selectors.quota_plan(period, frontline_weight)
    refusal = rules.split_problem(
        {line.section.pk: line.places for line in lines},
        {section: n for section, n in selectors.places_by_section(period).items() if n},
        {line.section.pk: line.section.name for line in lines}, limit)
    if refusal:
        raise Refused(refusal, rule=rules.RULE_SHARE, code="split_below_approved")
    kept = []
    for line in lines:
        quota, _created = SectionQuota.objects.update_or_create(
            period=period, section=line.section,
            defaults={"headcount": line.headcount, "frontline_headcount": line.frontline,
                      "frontline_weight": frontline_weight, "places": line.places,
                      "saved_by": by})
        kept.append(quota)
    for stale in period.section_quotas.exclude(pk__in=[q.pk for q in kept]):
        stale.delete()  # one by one, so that each removal is in the audit trail
    return kept


@transaction.atomic
def quota_plan_clear(*, period: Period, by: User) -> None:
    """The office lifts the split: the organ-wide cap alone binds again (§八(一))."""
    period = _office_period(period, by)
    for quota in period.section_quotas.all():
        quota.delete()  # one by one, so that each removal is in the audit trail


def ratio_refusal(plan: YearPlan, ratio: Decimal) -> str:
    """Why the plan may not take the 好 ratio `ratio` now, or "": each of its quarters keeps
    room for the 好 already approved (§八(一))."""
    quarters = [(quarter_label(p.year, p.quarter), selectors.quota(p))
                for p in plan.periods.order_by("quarter")]
    return rules.ratio_below_approved(ratio, plan.good_rounding, quarters)


@transaction.atomic
def plan_amend_ratio(*, plan: YearPlan, ratio: Decimal, reason: str, by: User) -> PlanAmendment:
    """The office changes the 好 ratio of a plan in force, with a reason; the amendment records
    the previous value. Every quarter of the plan is locked as an approval locks it, so that no
    approval slips in between the check and the change."""
    if not access.may_plan_quota(access.actor_for(by), plan.organ):
        raise NotAllowed(_("只有本机关办公室可以修改考核方案。"), rule=rules.RULE_CAP)
    for period_id in plan.periods.order_by("pk").values_list("pk", flat=True):
        lock_quarter(period_id)
    plan = YearPlan.objects.select_for_update().get(pk=plan.pk)
    reason = required(bounded(reason, limits.REASON, _("修改理由")),
                      _("修改已执行方案的“好”等次比例须说明理由。"), rules.RULE_CAP,
                      "reason_required")
    refusal = ratio_refusal(plan, ratio)
    if refusal:
        raise Refused(refusal, rule=rules.RULE_CAP, code="ratio_below_approved")
    previous, plan.good_ratio = plan.good_ratio, ratio
    plan_check(plan)  # within 40 %
    plan.save(update_fields=["good_ratio"])
    return PlanAmendment.objects.create(plan=plan, field="good_ratio", previous=str(previous),
                                        value=str(ratio), reason=reason, by=by)
