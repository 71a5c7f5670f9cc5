"""The split of a quarter's 好 places among sections (§八(一), front-line staff weigh more):
the office fixes it, and from then on every approval of 好 is held to its section's share
(kaohe.assessments.services.workflow.check_good_place). Decision 0015."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.assessments import rules, selectors
from kaohe.assessments.models import SectionQuota
from kaohe.assessments.services.common import lock_quarter
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org import access
from kaohe.plans.models import Period


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


@transaction.atomic
def quota_plan_save(*, period: Period, by: User, frontline_weight: Decimal,
                    ) -> list[SectionQuota]:
    """The office fixes the split of the quarter's 好 places among sections (§八(一)). Refused
    when a section has more 好 approved than its new share; the shares never add up to more
    than the organ's limit."""
    period = _office_period(period, by)
    if not rules.frontline_weight_valid(frontline_weight):
        raise Invalid(_("基层一线加权须在 0 到 5 之间。"), rule=rules.RULE_GOOD)
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
