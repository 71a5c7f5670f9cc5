"""Every change to the bonus split (§九(二)): the office sets the organ's coefficients for a
year, and records a quarter's split, which is kept with each person's share and frozen with
the quarter. A refusal leaves nothing written."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.assessments.services.common import lock_quarter
from kaohe.bonus import rules, selectors
from kaohe.bonus.models import BonusShare, BonusSplit, BonusTable
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org import access
from kaohe.org.models import Organ
from kaohe.plans.models import Period

COEFFICIENTS = ("good", "fairly_good", "average", "poor", "undetermined")


def _check_office(by: User, organ: Organ) -> None:
    if not access.may_split_bonus(access.actor_for(by), organ):
        raise NotAllowed(_("只有本机关办公室可以确定奖金分配。"), rule=rules.RULE)


@transaction.atomic
def bonus_table_save(*, organ: Organ, year: int, by: User,
                     coefficients: dict[str, Decimal]) -> BonusTable:
    """The organ's coefficients for the year. Splits already recorded keep the coefficients
    they were recorded with."""
    _check_office(by, organ)
    table = selectors.table_for(organ, year)
    for name in COEFFICIENTS:
        setattr(table, name, coefficients[name])
    problem = rules.table_problem(table.by_grade(), selectors.GRADES_BEST_FIRST)
    if problem:
        raise Invalid(problem, rule=rules.RULE)
    table.saved_by = by
    table.save()
    return table


@transaction.atomic
def bonus_split_record(*, period: Period, by: User, mode: str, amount: Decimal,
                       reason: str = "") -> BonusSplit:
    """Records the quarter's split as the grades stand. The quarter is locked as an approval
    locks it, so that no grade changes while the split is written. Recording again (after an
    appeal changed a grade, say) needs a reason; the earlier recording is kept."""
    period = lock_quarter(period.pk)
    _check_office(by, period.organ)
    if period.is_closed:
        raise Refused(_("本季度已结束，奖金分配随之冻结，不能再修改。"), rule=rules.RULE,
                      code="period_closed")
    if mode not in (rules.POOL, rules.BASE):
        raise Invalid(_("请选择分配方式。"), rule=rules.RULE)
    if problem := rules.amount_problem(amount):
        raise Invalid(problem, rule=rules.RULE)
    sheet = selectors.sheet(period, mode, amount)
    if sheet.undecided:
        raise Refused(_("本季度还有 %(n)d 人的等次未审定，审定后才能确定奖金分配。") % {
            "n": sheet.undecided}, rule=rules.RULE, code="grades_pending")
    reason = limits.text(reason, limits.REASON, label=_("理由"), rule=rules.RULE).strip()
    if sheet.in_force is not None and not reason:
        raise Invalid(_("已确定过本季度的奖金分配，重新确定须说明理由。"), rule=rules.RULE,
                      code="reason_required")
    split = BonusSplit.objects.create(
        period=period, mode=mode, amount=amount, total=sheet.total, remainder=sheet.remainder,
        table={grade or "undetermined": str(value)
               for grade, value in sheet.table.by_grade().items()},
        reason=reason, recorded_by=by)
    BonusShare.objects.bulk_create(
        BonusShare(split=split, person=line.assessment.person, section=line.assessment.section,
                   grade=line.grade, coefficient=line.coefficient, amount=line.amount)
        for line in sheet.lines)
    return split
