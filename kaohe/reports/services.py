"""Changes in the reports app: saving the split of 好 places among sections."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org import access
from kaohe.plans.models import Period
from kaohe.reports.models import SectionQuota

K = TypeVar("K", bound=Hashable)
MAX_WEIGHT = Decimal(5)


def allocate(limit: int, groups: Sequence[tuple[K, int, int]], frontline_weight: Decimal,
             ) -> dict[K, int]:
    """Split `limit` places among groups (key, headcount, front-line headcount) in proportion
    to headcount + weight × front-line headcount, by the largest remainder (Hamilton) method.

    The places add up to min(limit, total headcount), never more; no group gets more places
    than people. Ties on the remainder go to the larger front-line share, then the key."""
    weight = Fraction(str(frontline_weight))
    places: dict[K, int] = {key: 0 for key, _n, _f in groups}
    open_ = {key: (n, front) for key, n, front in groups if n > 0}
    remaining = min(limit, sum(n for n, _f in open_.values()))
    while remaining > 0 and open_:
        weights = {key: n + weight * front for key, (n, front) in open_.items()}
        total = sum(weights.values())
        exact = {key: remaining * w / total for key, w in weights.items()}
        given = {key: int(value) for key, value in exact.items()}
        order = sorted(open_, key=lambda k: (-(exact[k] - given[k]),
                                             -Fraction(open_[k][1], open_[k][0]), str(k)))
        for key in order[:remaining - sum(given.values())]:
            given[key] += 1
        full = [key for key in open_ if places[key] + given[key] > open_[key][0]]
        if not full:
            for key, n in given.items():
                places[key] += n
            break
        for key in full:  # a section cannot use more places than it has people
            remaining -= open_[key][0] - places[key]
            places[key] = open_.pop(key)[0]
    return places


@transaction.atomic
def quota_plan_save(*, period: Period, by: User, frontline_weight: Decimal) -> list[SectionQuota]:
    """The office saves the split of the quarter's 好 places among sections (§八(一))."""
    period = Period.objects.select_for_update().select_related("organ").get(pk=period.pk)
    if not access.may_plan_quota(access.actor_for(by), period.organ):
        raise NotAllowed(_("只有本机关办公室可以分配“好”等次名额。"), rule="§八(一)")
    if period.is_closed:
        raise Refused(_("本季度已结束，不能再分配名额。"), rule="§八(一)")
    if not Decimal(0) <= frontline_weight <= MAX_WEIGHT:
        raise Invalid(_("基层一线加权须在 0 到 5 之间。"), rule="§八(一)")
    from kaohe.reports.selectors import quota_plan

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
