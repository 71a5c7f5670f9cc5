"""Every state change of the annual link: one function each, in one transaction, refused with
the rule when not allowed; the history of each decision is kept with the previous values."""

from __future__ import annotations

import datetime
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.annual import rules, selectors
from kaohe.annual.models import AnnualChange, AnnualGrade, AnnualResult, AnnualYear
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org import access
from kaohe.org.models import Organ, Person
from kaohe.workdays.calendar import add_working_days, is_workday

RULE = "§九(三)"
SETTINGS = ["excellent_ratio", "excellent_rounding", "base_includes_undetermined",
            "excellent_good_share", "excellent_min_good", "lower_share",
            "all_poor_incompetent", "announce_working_days"]


def office_only(organ: Organ, by: User) -> None:
    if not access.may_run_annual(access.actor_for(by), organ):
        raise NotAllowed(_("只有本机关办公室可以执行此操作。"), rule="§六")


def open_year(organ: Organ, year: int) -> AnnualYear:
    """The year's row, created on first change and locked: one decision at a time."""
    AnnualYear.objects.get_or_create(organ=organ, year=year)
    annual = AnnualYear.objects.select_for_update().select_related("organ").get(
        organ=organ, year=year)
    if annual.is_closed:
        raise Refused(_("%(year)d 年度已归档，只能通过登记更正修改。") % {"year": year},
                      rule="§九(四)", code="year_closed")
    return annual


def required_reason(text: str, message: str, rule: str = RULE) -> str:
    """A reason or note as written, without surrounding blanks: refused when empty, too long
    (limits.REASON) or holding a NUL character."""
    text = limits.text(text or "", limits.REASON, label=_("理由"), rule=rule)
    if not text:
        raise Invalid(message, rule=rule)
    return text


@transaction.atomic
def settings_update(*, organ: Organ, year: int, by: User, **values: Any) -> AnnualYear:
    """Change the thresholds of the year (each is a setting, §九(三)–(四))."""
    office_only(organ, by)
    annual = open_year(organ, year)
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise Invalid(_("未知的设置：%(names)s") % {"names": "、".join(sorted(unknown))}, rule=RULE)
    for name, value in values.items():
        setattr(annual, name, value)
    try:
        annual.full_clean()
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), rule=RULE) from error
    annual.save()
    return annual


def _result(annual: AnnualYear, person: Person) -> AnnualResult:
    result, _created = AnnualResult.objects.select_for_update().get_or_create(
        annual=annual, person=person)
    return result


def _snapshot(result: AnnualResult) -> dict[str, Any]:
    return {"grade": result.grade, "recommended": result.recommended, "reason": result.reason,
            "broken_rules": list(result.broken_rules),
            "refused_to_take_part": result.refused_to_take_part}


@transaction.atomic
def result_decide(*, organ: Organ, year: int, person: Person, grade: str, by: User,
                  reason: str = "") -> AnnualResult:
    """Confirm the recommendation, or override it. A different grade needs a written reason.
    A grade that breaks a rule the plan states as a must (优秀 only from those with relatively
    many 好 and no 一般 or 较差, and within the ratio, §九(三); 不称职 for refusing to take
    part, §十(一)) is refused, citing the clause; one that departs from a rule stated
    "原则上" is allowed only with that reason and stays flagged."""
    office_only(organ, by)
    annual = open_year(organ, year)
    if grade not in AnnualGrade.values:
        raise Invalid(_("年度等次须为优秀、称职、基本称职、不称职或不确定等次。"), rule=RULE)
    view = selectors.overview(annual)
    row = next((r for r in view.rows if r.person_id == person.pk), None)
    if row is None:
        _not_here(organ, year, person)
    if row.rec.pending:
        raise Refused(_("%(name)s还有 %(n)d 个季度未审定，不能确定年度等次。") % {
            "name": person.name, "n": row.rec.pending}, rule=RULE, code="unfinished")
    taken = sum(1 for r in view.rows
                if r.decided_grade == AnnualGrade.EXCELLENT and r.person_id != person.pk)
    broken = rules.broken_rules(row.rec, grade, excellent_taken=taken, limit=view.limit)
    must = rules.must_broken(broken)
    if must:
        raise Refused(_("%(name)s不能确定为“%(grade)s”：%(rule)s") % {
            "name": person.name, "grade": AnnualGrade(grade).label, "rule": rules.BROKEN[must]},
            rule=rules.MUST[must], code=must)
    if grade != row.rec.grade or broken:
        reason = required_reason(reason, _("与建议等次不同或不符合规则时，须写明理由。"))
    else:
        reason = limits.text(reason or "", limits.REASON, label=_("理由"), rule=RULE)
    result = _result(annual, person)
    previous = _snapshot(result)
    result.recommended = row.rec.grade
    result.grade = grade
    result.reason = reason
    result.broken_rules = broken
    result.decided_by = by
    result.decided_at = timezone.now()
    result.save()
    AnnualChange.objects.create(result=result, action="override" if result.is_override
                                else "confirm", by=by, reason=result.reason,
                                previous=previous, values=_snapshot(result))
    return result


def _not_here(organ: Organ, year: int, person: Person) -> NoReturn:
    """Refuse a decision on someone without a row in the organ's year: another organ decides
    it, that of their latest quarter (§九(三)), or they were not assessed here at all."""
    elsewhere = selectors.organ_of_latest_quarter(person, year)
    if elsewhere is not None and elsewhere.pk != organ.pk:
        raise Refused(_("%(name)s的年度考核由%(organ)s确定（本年度最后一个季度在该机关考核）。") % {
            "name": person.name, "organ": elsewhere.name}, rule=RULE, code="decided_elsewhere")
    raise Invalid(_("%(name)s本年度没有参加本机关的平时考核。") % {"name": person.name}, rule=RULE)


@transaction.atomic
def results_confirm_all(*, organ: Organ, year: int, people: list[str],
                        by: User) -> list[AnnualResult]:
    """Confirm, in one step, the recommendations that need no decision of their own
    (kaohe.annual.rules.needs_decision). `people` are the personnel numbers the office saw on
    the confirmation page: if the list has changed since (a quarter reopened, another
    decision taken), nothing is confirmed and the office looks again. Each person's change is
    kept as for a single confirmation."""
    office_only(organ, by)
    annual = open_year(organ, year)
    view = selectors.overview(annual)
    confirmable = {row.rec.key: row for row in view.confirmable}
    if not confirmable:
        raise Refused(_("没有可以批量确认的建议等次。"), rule=RULE, code="nothing_to_confirm")
    if sorted(people) != sorted(confirmable):
        raise Refused(_("可批量确认的人员已有变化，请重新核对后再确认。"), rule=RULE,
                      code="confirmable_changed")
    confirmed = []
    for row in confirmable.values():
        result = _result(annual, row.person)
        previous = _snapshot(result)
        result.recommended = result.grade = row.rec.grade
        result.reason = ""
        result.broken_rules = []
        result.decided_by = by
        result.decided_at = timezone.now()
        result.save()
        AnnualChange.objects.create(result=result, action="confirm", by=by,
                                    reason=str(_("批量确认建议等次")), previous=previous,
                                    values=_snapshot(result))
        confirmed.append(result)
    return confirmed


@transaction.atomic
def refusal_record(*, organ: Organ, year: int, person: Person, refused: bool, note: str,
                   by: User) -> AnnualResult:
    """§十(一): refusing to take part without good reason makes the year 不称职. The office
    records it (or withdraws it) with what happened; a decided grade must be decided again."""
    office_only(organ, by)
    annual = open_year(organ, year)
    if selectors.deciding_organ(person, year).pk != organ.pk:  # one year, one organ (§九(三))
        raise Invalid(_("只能登记由本机关确定年度等次的人员。"), rule="§十(一)")
    note = required_reason(note, _("请写明不参加考核的情况。"), "§十(一)")
    result = _result(annual, person)
    previous = _snapshot(result)
    result.refused_to_take_part = refused
    result.refusal_note = note
    result.grade = ""
    result.broken_rules = []
    result.save()
    AnnualChange.objects.create(result=result, action="refusal", by=by, reason=note,
                                previous=previous, values=_snapshot(result))
    return result


@transaction.atomic
def announcement_set(*, organ: Organ, year: int, start: datetime.date,
                     by: User) -> AnnualYear:
    """The 公示 of the proposed 优秀: from `start` for the set number of working days."""
    office_only(organ, by)
    annual = open_year(organ, year)
    if not is_workday(start):
        raise Invalid(_("公示开始日期须为工作日。"), rule=RULE)
    annual.announce_start = start
    days = annual.announce_working_days
    annual.announce_end = start if days == 1 else add_working_days(start, days - 1)
    annual.save(update_fields=["announce_start", "announce_end"])
    return annual
