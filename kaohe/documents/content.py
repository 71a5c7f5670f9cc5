"""What each official form says, built once from the data and rendered twice: as .docx for
Word/WPS (kaohe/documents/docx.py) and as printable HTML. Labels follow the paper forms:
公务员平时考核登记表, 公务员年度考核登记表 and the 记实手册."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kaohe.annual.labels import grade_label
from kaohe.annual.models import AnnualGrade, QuarterAttendance
from kaohe.annual.selectors import Overview, Row
from kaohe.assessments.models import DECIDED, Assessment, Leave, LeaveKind, Transition
from kaohe.assessments.selectors import leave_working_days
from kaohe.org.models import Person
from kaohe.plans import labels
from kaohe.plans.models import Period
from kaohe.records.models import Entry
from kaohe.workdays.calendar import CalendarNotCovered


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class Block:
    """A row of the form: a label on the left, text on the right, and where the paper form
    has one, a signature line with its date."""

    label: str
    text: str
    sign: str = ""
    date: str = ""
    height: float = 0  # at least this many cm on paper, for handwriting

    @property
    def height_class(self) -> str:
        """The printable page's CSS class for the height (the security policy forbids inline
        style attributes): "h-35" for 3.5 cm; kaohe/static/kaohe/forms.css defines each one used."""
        return f"h-{round(self.height * 10)}" if self.height else ""


@dataclass
class OfficialForm:
    title: str
    caption: str
    filename: str  # without extension
    header: list[list[Field]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    table_columns: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)

    def values(self) -> dict[str, str]:
        """label → value of every header field and block."""
        found = {f.label: f.value for row in self.header for f in row}
        found.update({b.label: b.text for b in self.blocks})
        return found


def _day(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return blank_date()
    if isinstance(value, datetime.datetime):
        value = value.date()
    return _("%(y)d 年 %(m)d 月 %(d)d 日") % {"y": value.year, "m": value.month, "d": value.day}


def blank_date() -> str:
    """A date left blank on the paper form, written by hand."""
    return _("    年    月    日")


def _post(person: Person) -> str:
    return pgettext("并列项的分隔", "、").join(part for part in (person.title, person.rank) if part)


def quarter_name(period: Period) -> str:
    return labels.quarter_label(period.year, period.quarter)


# --- 公务员平时考核登记表 ----------------------------------------------------------------------

def leave_days(person: Person, period: Period, leaves: list[Leave]) -> dict[str, int | None]:
    """Working days of sick and personal leave in the quarter (None: calendar not entered)."""
    days: dict[str, int | None] = {}
    for kind in LeaveKind.values:
        try:
            days[kind] = leave_working_days([lv for lv in leaves if lv.kind == kind],
                                            period.first_day, period.last_day)
        except CalendarNotCovered:
            days[kind] = None
    return days


def _attendance_text(days: dict[str, int | None], attendance: QuarterAttendance | None) -> str:
    def n(value: int | None) -> str:
        return "—" if value is None else str(value)
    return _("旷工 %(absent)s 天；病假 %(sick)s 天，事假 %(personal)s 天；迟到早退 %(late)s 次") % {
        "absent": attendance.absent_days if attendance else 0, "sick": n(days["sick"]),
        "personal": n(days["personal"]), "late": attendance.late_times if attendance else 0}


def _when(transitions: list[Transition], *actions: str) -> datetime.datetime | None:
    found = [t.at for t in transitions if t.action in actions]
    return found[-1] if found else None


def quarterly_form(assessment: Assessment, *, leaves: list[Leave] | None = None,
                   attendance: QuarterAttendance | None = None,
                   transitions: list[Transition] | None = None) -> OfficialForm:
    a, person, period = assessment, assessment.person, assessment.period
    leaves = list(Leave.objects.filter(person=person)) if leaves is None else leaves
    history = list(a.transitions.all()) if transitions is None else transitions
    decided = a.state in DECIDED
    proposed = grade_label(a.proposed_grade) if a.grade_determined else _("不确定等次")
    grade = (grade_label(a.grade) if a.grade_determined else _("不确定等次")) if decided else ""
    rewards = [text for text in (a.direct_reward, attendance.rewards if attendance else "")
               if text]
    discipline = attendance.discipline if attendance else ""
    notes = []
    if not a.grade_determined:
        notes.append(_("病假、事假累计超过本季度工作日的一半，参加平时考核，不确定等次（§十(三)）。"))
    if a.direct:
        notes.append(_("直接确定等次：%(reason)s") % {"reason": a.direct_reason})
    if a.team_decision:
        notes.append(a.team_decision)
    return OfficialForm(
        title=_("公务员平时考核登记表"),
        caption=_("（%(quarter)s）") % {"quarter": quarter_name(period)},
        filename=_("平时考核登记表-%(name)s-%(year)d年第%(q)d季度") % {
            "name": person.name, "year": period.year, "q": period.quarter},
        header=[
            [Field(_("姓名"), person.name), Field(_("科室"), a.section.name)],
            [Field(_("职务职级"), _post(person)), Field(_("考核季度"), quarter_name(period))],
            [Field(_("从事工作"), person.work)],
        ],
        blocks=[
            Block(_("个人小结"), a.summary, _("本人签名"), _day(_when(history, "submit")),
                  height=7),
            Block(_("考勤情况"), _attendance_text(leave_days(person, period, leaves),
                                                 attendance)),
            Block(_("奖惩情况"), "；".join([*rewards, discipline] if discipline else rewards)
                  or _("无")),
            Block(_("主管领导评鉴意见及拟定等次"),
                  "\n".join(t for t in (a.proposal_comment,
                                        _("拟定等次：%(grade)s") % {"grade": proposed}
                                        if a.proposed_grade or not a.grade_determined else "")
                            if t),
                  _("主管领导签名"), _day(_when(history, "propose", "propose_undetermined")),
                  height=3.5),
            Block(_("机关审定意见"),
                  "\n".join(t for t in (a.approval_comment,
                                        _("审定等次：%(grade)s") % {"grade": grade}
                                        if grade else "") if t),
                  _("审定人签名（盖章）"), _day(_when(history, "approve")), height=3),
            Block(_("备注"), "\n".join(notes)),
        ],
    )


# --- 公务员年度考核登记表 ----------------------------------------------------------------------

def annual_summary_draft(row: Row) -> str:
    """Until the person writes the year's summary: the four quarterly summaries, in order."""
    return "\n".join(_("%(quarter)s：%(text)s") % {"quarter": labels.quarter_name(q),
                                                   "text": a.summary}
                     for q, a in sorted(row.assessments.items()) if a.summary.strip())


def annual_form(row: Row, view: Overview) -> OfficialForm:
    person, result, rec, year = row.person, row.result, row.rec, view.annual.year
    grade = result.grade if result and result.grade else ""
    notes = []
    if result and result.is_override:
        notes.append(_("建议等次为%(rec)s，确定为%(grade)s：%(reason)s") % {
            "rec": grade_label(result.recommended), "grade": grade_label(result.grade),
            "reason": result.reason})
    if grade == AnnualGrade.UNDETERMINED:
        notes.append(_("全年没有确定等次的季度，不确定等次（§十(三)）。"))
    return OfficialForm(
        title=_("公务员年度考核登记表"),
        caption=_("（%(year)d 年度）") % {"year": year},
        filename=_("年度考核登记表-%(name)s-%(year)d年度") % {"name": person.name, "year": year},
        header=[
            [Field(_("姓名"), person.name), Field(_("性别"), person.get_sex_display()),
             Field(_("出生年月"), person.birth_month.replace("-", ".") if person.birth_month
                   else "")],
            [Field(_("政治面貌"), person.political_status),
             Field(_("任现职时间"), person.in_post_since.strftime("%Y.%m")
                   if person.in_post_since else "")],
            [Field(_("单位及职务职级"), pgettext("单位与职务的分隔", "　").join(
                part for part in (person.organ.name, person.section.name if person.section
                                  else "", _post(person)) if part))],
            [Field(_("从事或分管工作"), person.work)],
        ],
        blocks=[
            Block(_("个人总结"), (result.summary if result and result.summary
                                  else annual_summary_draft(row)), _("本人签名"), blank_date(),
                  height=8),
            Block(_("参加培训情况"), result.training if result else ""),
            Block(_("平时考核情况"), rec.line()),
            Block(_("主管领导评语和考核等次建议"),
                  "\n".join(t for t in (result.leader_comment if result else "",
                                        _("考核等次建议：%(grade)s") % {
                                            "grade": grade_label(rec.grade)}) if t),
                  _("主管领导签名"), blank_date(), height=3.5),
            Block(_("机关负责人或考核委员会意见"),
                  "\n".join(t for t in (result.committee_opinion if result else "",
                                        _("考核等次：%(grade)s") % {"grade": grade_label(grade)}
                                        if grade else "") if t),
                  _("负责人签名（盖章）"), _day(result.decided_at if result else None),
                  height=3.5),
            Block(_("本人意见"), result.own_opinion if result else "", _("本人签名"), blank_date(),
                  height=2.5),
            Block(_("备注"), "\n".join(notes)),
        ],
    )


# --- 记实手册 -------------------------------------------------------------------------------

def year_entries(year: int) -> QuerySet[Entry]:
    return Entry.objects.filter(day__year=year).order_by("day", "id")


def record_book(person: Person, year: int,
                entries: Iterable[Entry] | None = None) -> OfficialForm:
    """`entries`: the person's entries of the year in order, when read already for a batch."""
    if entries is None:
        entries = year_entries(year).filter(person=person)
    return OfficialForm(
        title=_("公务员平时考核记实手册"),
        caption=_("（%(year)d 年度）") % {"year": year},
        filename=_("记实手册-%(name)s-%(year)d年度") % {"name": person.name, "year": year},
        header=[
            [Field(_("姓名"), person.name),
             Field(_("科室"), person.section.name if person.section else "")],
            [Field(_("职务职级"), _post(person))],
        ],
        table_columns=[_("季度"), _("日期"), _("类别"), _("内容")],
        table_rows=[[str(labels.NUMERALS[(e.day.month + 2) // 3]), e.day.isoformat(),
                     str(e.get_kind_display()), e.text] for e in entries],
    )
