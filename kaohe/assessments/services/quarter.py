"""Opening, publishing and closing a quarter (§五, §六, §七, §八(一)): the office's part."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.assessments import rules, selectors
from kaohe.assessments.models import (
    Assessment,
    ClosingOverride,
    Publication,
)
from kaohe.assessments.services.common import lock_quarter, office_only
from kaohe.assessments.services.leave import undetermined_refresh
from kaohe.audit import chain as audit
from kaohe.bulk import insert_many
from kaohe.errors import Invalid, Refused
from kaohe.org.models import ASSESSED_CATEGORIES, Assignment, Organ, Person, assessing_organ_of
from kaohe.plans.models import Period, PeriodState
from kaohe.plans.services import plan_check, plan_for


@transaction.atomic
def period_open(*, organ: Organ, year: int, quarter: int, by: User) -> Period:
    """Open a quarter and create, in one bulk insert, an assessment for everyone the organ
    assesses in it (RULES.md "Who is assessed", decision 0003). Opening again adds only
    those missing."""
    office_only(organ, by, _("只有本机关办公室可以开启考核季度。"))
    if quarter not in (1, 2, 3, 4):
        raise Invalid(_("季度须为 1–4。"), rule="§五")
    if not limits.YEAR_MIN <= year <= limits.YEAR_MAX:
        raise Invalid(_("年度须在 %(first)d 到 %(last)d 之间。") % {
            "first": limits.YEAR_MIN, "last": limits.YEAR_MAX}, rule="§五")
    plan = plan_for(organ=organ, year=year)
    plan_check(plan)
    if quarter < plan.first_quarter:
        raise Invalid(_("本年度平时考核从第 %(first)d 季度开始。") % {"first": plan.first_quarter},
                      rule="§五")
    period, _created = Period.objects.get_or_create(
        organ=organ, year=year, quarter=quarter, defaults={"plan": plan})
    if period.is_closed:
        raise Refused(_("%(period)s已结束。") % {"period": str(period)}, rule="§五")
    created = insert_many(Assessment, NEW_FIELDS, _new_assessments(period))
    # A bulk insert sends no signals: the audit log gets one event for the whole batch.
    audit.record("period.open", obj=period, new={"assessments_created": created}, user=by)
    undetermined_refresh(period=period)
    return period


NEW_FIELDS = ["period_id", "person_id", "section_id", "category", "frontline"]


def _new_assessments(period: Period) -> list[tuple[int, int, int, str, bool]]:
    """(period, person, section, category, frontline) of everyone the organ assesses in the
    quarter and who has no assessment yet. Plain values, not model instances: an organ may
    have tens of thousands of people."""
    first, last = period.first_day, period.last_day
    during = Q(start__lte=last) & (Q(end__isnull=True) | Q(end__gte=first))
    people = (Person.objects.filter(active=True, category__in=ASSESSED_CATEGORIES,
                                    pk__in=Assignment.objects.filter(during, organ=period.organ)
                                    .values("person_id"))
              .exclude(pk__in=period.assessments.values("person_id")).order_by())
    spans: dict[int, list[tuple[int, int | None, str, datetime.date, datetime.date | None]]] = {}
    for person_id, *span in (Assignment.objects.filter(during, person__in=people).order_by()
                             .values_list("person_id", "organ_id", "section_id", "kind", "start",
                                          "end")):
        spans.setdefault(person_id, []).append(tuple(span))  # type: ignore[arg-type]
    created, movers = [], set()
    for pk, organ_id, own_section, category, frontline in people.values_list(
            "pk", "organ_id", "section_id", "category", "frontline"):
        mine = spans.get(pk, [])
        # Most people have one assignment in the quarter, which decides alone; instances
        # (for decision 0003's rule) only for the others.
        assignments = [Assignment(organ_id=organ, section_id=section, kind=kind, start=start,
                                  end=end)
                       for organ, section, kind, start, end in mine
                       ] if len(mine) > 1 or organ_id != period.organ_id else []
        assessing = mine[0][0] if len(mine) == 1 else assessing_organ_of(assignments, first, last)
        if assessing != period.organ_id:
            continue  # e.g. seconded out on the quarter's last day
        section_id = section_during(organ_id, own_section, assignments, period)
        if section_id is not None:
            created.append((period.pk, pk, section_id, category, frontline))
            if assignments:
                movers.add(pk)
    return _not_assessed_elsewhere(period, created, movers)


def _not_assessed_elsewhere(period: Period, created: list[tuple[int, int, int, str, bool]],
                            movers: set[int]) -> list[tuple[int, int, int, str, bool]]:
    """One assessment a person a quarter, whichever organ opened it first. Only someone who
    moved, or belongs to another organ, can have one elsewhere: asked about them alone, so
    that a province of offices opening in turn does not search each other's quarters."""
    taken = set(Assessment.objects.filter(
        period__year=period.year, period__quarter=period.quarter,
        person_id__in=movers).values_list("person_id", flat=True))
    return [row for row in created if row[1] not in taken]


def section_during(home_organ_id: int, own_section_id: int | None,
                    assignments: list[Assignment], period: Period) -> int | None:
    """The section the person works in for this organ: their own, or the receiving organ's
    section of a secondment."""
    if home_organ_id == period.organ_id:
        return own_section_id
    placements = [a for a in assignments
                  if a.organ_id == period.organ_id and a.section_id
                  and a.days_within(period.first_day, period.last_day)]
    return max(placements, key=lambda a: a.start).section_id if placements else None



@transaction.atomic
def period_publish(*, period: Period, by: User) -> Period:
    """Persons graded 好 are made public inside the organ (§八(一)). The list is kept as
    published, with who and when; it is published once, and a later change on appeal is a
    dated correction (`publication_correct`), never a new list (decision 0014)."""
    period = lock_quarter(period.pk)
    office_only(period.organ, by)
    if period.published_at is not None:
        raise Refused(_("本季度“好”等次人员名单已于 %(day)s 公布；此后因申诉发生的变动以更正"
                        "记录公布。") % {"day": timezone.localtime(period.published_at)
                                        .date().isoformat()},
                      rule=rules.RULE_GOOD, code="already_published")
    pending = selectors.not_yet_decided(period)
    if pending:
        raise Refused(_("还有 %(count)d 人的等次未审定，不能公布。") % {"count": pending},
                      rule=rules.RULE_GOOD, code="unfinished")
    now = timezone.now()
    names = selectors.good_entries(period)
    Publication.objects.create(period=period, published_at=now, published_by=by, names=names)
    period.published_at = now
    period.save(update_fields=["published_at"])
    audit.record("period.publish", obj=period, new={"names": len(names)}, user=by)
    return period


@transaction.atomic
def period_close(*, period: Period, by: User, override_reason: str = "") -> Period:
    """Nothing in the quarter changes afterwards, except by an appeal (decision 0005). Refused
    while results are untold or the 好 list unpublished; refused while anyone may still
    appeal or an appeal is undecided (§十(二)), unless the office writes why it closes now,
    which is kept and audited (decision 0014)."""
    period = lock_quarter(period.pk)
    office_only(period.organ, by)
    problems, still_open = selectors.closing_items(period)
    if problems:
        raise Refused(_("还有未完成的工作，不能结束本季度：%(items)s") % {
            "items": "；".join(problems)}, rule="§七", code="unfinished")
    reason = limits.text((override_reason or "").strip(), limits.REASON,
                         label=str(_("提前结束的理由")), rule=rules.RULE_APPEAL)
    if still_open and not reason:
        raise Refused(_("申诉期未满或申诉尚未处理，不能结束本季度：%(items)s。"
                        "确需提前结束的，须写明理由。") % {"items": "；".join(still_open)},
                      rule=rules.RULE_APPEAL, code="appeals_open")
    now = timezone.now()
    if still_open:
        ClosingOverride.objects.create(period=period, at=now, by=by, reason=reason,
                                       still_open=still_open)
        audit.record("period.close_override", obj=period, reason=reason, user=by,
                     new={"still_open": still_open})
    period.state = PeriodState.CLOSED
    period.closed_at = now
    period.save(update_fields=["state", "closed_at"])
    return period
