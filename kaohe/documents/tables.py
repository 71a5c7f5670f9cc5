"""The office's tables as .xlsx, always through kaohe.spreadsheets (text never a formula,
rows streamed): the quarter's results and the year's results."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from kaohe.annual.selectors import Overview
from kaohe.assessments.models import DECIDED, State
from kaohe.org.models import Category
from kaohe.plans import labels
from kaohe.plans.models import Grade, Period
from kaohe.spreadsheets import workbook

# The quarter's table read as plain values: building each assessment and its person, and
# decrypting the texts the table does not show, was most of its time.
QUARTER_COLUMNS = ("person__personnel_no", "person__name", "section__name", "person__title",
                   "category", "composite_score", "proposed_grade", "state", "grade",
                   "grade_determined")


def quarter_results(period: Period, target: str | IO[bytes]) -> None:
    rows = (period.assessments.order_by("section__code", "-category", "person__personnel_no")
            .values_list(*QUARTER_COLUMNS))

    def lines() -> Iterator[list[Any]]:
        for number, (personnel_no, name, section, title, category, score, proposed, state,
                     grade, determined) in enumerate(rows, start=1):
            yield [number, personnel_no, name, section, title, Category(category).label, score,
                   proposed, _grade(state, grade, determined), State(state).label]

    totals = {g: period.assessments.filter(state__in=DECIDED, grade=g,
                                           grade_determined=True).count() for g in Grade.values}
    undetermined = period.assessments.filter(grade_determined=False).count()
    workbook([
        (_("季度考核结果"), [_("序号"), _("人员编号"), _("姓名"), _("科室"), _("职务"),
                           _("人员类别"), _("综合得分"), _("拟定等次"), _("审定等次"),
                           _("状态")], lines()),
        (_("汇总"), [_("等次"), _("人数")],
         [*([g, n] for g, n in totals.items()), [_("不确定等次"), undetermined]]),
    ], target)


def _grade(state: str, grade: str, determined: bool) -> str:
    if state not in DECIDED:
        return ""
    return grade if determined else _("不确定等次")


def annual_results(view: Overview, target: str | IO[bytes]) -> None:
    def lines() -> Iterator[list[Any]]:
        for number, row in enumerate(view.rows, start=1):
            quarters = [_quarter(row.rec.quarters.get(q)) for q in view.quarters]
            result = row.result
            yield [number, row.person.personnel_no, row.person.name,
                   row.person.section.name if row.person.section else "", *quarters,
                   *(row.rec.counts[g] for g in Grade.values), row.rec.grade,
                   "；".join(map(str, row.rec.rules)), row.decided_grade,
                   _("是") if result and result.is_override else "",
                   "；".join(row.broken), result.reason if result else ""]

    header = [_("序号"), _("人员编号"), _("姓名"), _("科室"),
              *(labels.quarter_name(q) for q in view.quarters),
              *(_("%(grade)s次数") % {"grade": label} for _g, label in Grade.choices),
              _("建议等次"), _("依据"), _("确定等次"), _("改变建议"), _("不符合的规则"),
              _("理由")]
    workbook([(_("年度考核结果"), header, lines())], target)


def _quarter(quarter: Any) -> str:
    if quarter is None:
        return "—"
    if not quarter.decided:
        return _("未审定")
    return quarter.grade or _("不确定等次")
