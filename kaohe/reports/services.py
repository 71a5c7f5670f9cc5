"""Changes in the reports app: saving the split of 好 places among sections."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.assessments import rules
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org import access
from kaohe.plans.models import Period
from kaohe.reports.models import SectionQuota
from kaohe.reports.selectors import quota_plan


@transaction.atomic
def quota_plan_save(*, period: Period, by: User, frontline_weight: Decimal) -> list[SectionQuota]:
    """The office saves the split of the quarter's 好 places among sections (§八(一))."""
    period = Period.objects.select_for_update().select_related("organ").get(pk=period.pk)
    if not access.may_plan_quota(access.actor_for(by), period.organ):
        raise NotAllowed(_("只有本机关办公室可以分配“好”等次名额。"), rule=rules.RULE_GOOD)
    if period.is_closed:
        raise Refused(_("本季度已结束，不能再分配名额。"), rule=rules.RULE_GOOD)
    if not rules.frontline_weight_valid(frontline_weight):
        raise Invalid(_("基层一线加权须在 0 到 5 之间。"), rule=rules.RULE_GOOD)
    _limit, lines = quota_plan(period, frontline_weight)
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
