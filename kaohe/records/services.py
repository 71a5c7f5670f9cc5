"""Changes to the record book: add, change, remove an entry while its quarter is open."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org.models import Person
from kaohe.plans.models import Period, PeriodState
from kaohe.records.models import Entry, EntryKind

RULE = "§七(二)"


def _check(person: Person, by: User, day: datetime.date, kind: str, text: str) -> None:
    if person.user_id != by.pk:
        raise NotAllowed(_("只能填写本人的记实手册。"), rule=RULE)
    if day > timezone.localdate():
        raise Invalid(_("不能记录未来的日期。"), rule=RULE)
    if day.year < limits.YEAR_MIN:
        raise Invalid(_("日期须在 %(first)d 年以后。") % {"first": limits.YEAR_MIN}, rule=RULE)
    if kind not in EntryKind.values:
        raise Invalid(_("请选择记实类别。"), rule=RULE)
    if not limits.text(text, limits.RECORD_ENTRY, label=_("内容"), rule=RULE):
        raise Invalid(_("请填写记实内容。"), rule=RULE)
    closed = Period.objects.filter(assessments__person=person, state=PeriodState.CLOSED,
                                   year=day.year, quarter=(day.month - 1) // 3 + 1)
    if closed.exists():
        raise Refused(_("%(day)s 所在季度已结束，记实不能再修改。") % {"day": day}, rule=RULE,
                      code="period_closed")


@transaction.atomic
def entry_add(*, person: Person, by: User, day: datetime.date, kind: str, text: str) -> Entry:
    _check(person, by, day, kind, text)
    return Entry.objects.create(person=person, day=day, kind=kind, text=text.strip())


@transaction.atomic
def entry_update(*, entry: Entry, by: User, day: datetime.date, kind: str, text: str) -> Entry:
    _check(entry.person, by, entry.day, entry.kind, entry.text)  # the old quarter is open
    _check(entry.person, by, day, kind, text)
    entry.day, entry.kind, entry.text = day, kind, text.strip()
    entry.save()
    return entry


@transaction.atomic
def entry_delete(*, entry: Entry, by: User) -> None:
    _check(entry.person, by, entry.day, entry.kind, entry.text)
    entry.delete()
