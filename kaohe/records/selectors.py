from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kaohe.org.models import Person
from kaohe.plans.models import Period, Task
from kaohe.records.models import Entry

# One person's rows, ordered by their own columns: the models' orderings begin with the person,
# which sorts by organ, section and number, joining three tables to sort by a constant.


def entries_of(person: Person, period: Period) -> QuerySet[Entry]:
    return (Entry.objects.filter(person=person, day__gte=period.first_day,
                                 day__lte=period.last_day).order_by("day", "id"))


def tasks_of(person: Person, year: int) -> QuerySet[Task]:
    return Task.objects.filter(person=person, year=year).order_by("temporary", "id")


def summary_draft(person: Person, period: Period) -> str:
    """A first draft of the personal summary from the year's tasks and the quarter's record
    book, so that writing it is quick (§六 力求简便快捷); the person edits it before sending."""
    lines = [_("一、承担的工作任务")]
    lines += [f"- {task.title}" for task in tasks_of(person, period.year)] or ["- "]
    lines.append(_("二、本季度工作记实"))
    lines += [f"- {e.day:%m-%d} {e.get_kind_display()}：{e.text}"
              for e in entries_of(person, period)] or ["- "]
    lines += [_("三、政治思想和遵规守纪情况"), "- ", _("四、不足和改进措施"), "- "]
    return "\n".join(lines)
