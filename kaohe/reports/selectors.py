"""Statistics and analysis (§六 统计汇总, §八(一), §九(五)) over the assessments an actor's report
scope covers (kaohe.org.access.report_scope): across organs every number is a GROUP BY in the
database; one organ's results are counted from one read of its rows (see _facts).

A dashboard is a Board: panels of one chart and the table behind it. Pages, xlsx exports and
chart downloads are all built from the same Board, so what is exported is what is shown.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple
from urllib.parse import quote

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from kaohe.appeals.models import AppealState
from kaohe.assessments import rules
from kaohe.assessments import selectors as assessment_selectors
from kaohe.assessments.models import (
    DECIDED,
    FINISHED,
    UNDER_REVIEW,
    WRITING,
    Assessment,
    FollowUp,
    FollowUpKind,
    State,
)
from kaohe.org import access
from kaohe.org.access import Actor, ReportScope
from kaohe.org.models import Category, Organ, Person, Section
from kaohe.plans.labels import quarter_label
from kaohe.plans.models import Grade, Period, PeriodState
from kaohe.records.models import Entry
from kaohe.reports.charts import Series, bars, lines
from kaohe.reports.layout import (
    GRADE_COLORS,
    Board,
    Link,
    Panel,
    RowsOf,
    Table,
    grade_series,
    percent,
    share,
)

ORGANS_SHOWN = 100  # organs listed on the page, those with problems first
PEOPLE_SHOWN = 50  # assessments listed on the results page; the export has them all
SCORE_BUCKETS = [(90, "≥90"), (80, "80–89"), (70, "70–79"), (60, "60–69"), (0, "<60")]


# --- filters ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """The filters of §六's statistics: year, quarter, section, category, front-line."""

    year: int | None = None
    quarter: int | None = None
    section: str = ""
    category: str = ""
    frontline: bool | None = None

    def q(self) -> Q:
        found = self.period_q()
        if self.section:
            found &= Q(section__code=self.section)
        if self.category:
            found &= Q(category=self.category)
        if self.frontline is not None:
            found &= Q(frontline=self.frontline)
        return found

    def period_q(self, prefix: str = "period__") -> Q:
        found = Q()
        if self.year:
            found &= Q(**{f"{prefix}year": self.year})
        if self.quarter:
            found &= Q(**{f"{prefix}quarter": self.quarter})
        return found

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


def _grade_key(row: dict[str, Any]) -> str:
    return row["grade"] if row["grade_determined"] else ""


def _limit(plan_values: dict[str, Any], participants: int, determined: int) -> int:
    base = rules.cap_base(participants, determined, includes_undetermined=plan_values[
        "period__plan__base_includes_undetermined"])
    return rules.good_limit(base, plan_values["period__plan__good_ratio"],
                            plan_values["period__plan__good_rounding"])


def organ_and_scope(actor: Actor, code: str) -> tuple[Organ, ReportScope]:
    organ = access.get_organ(actor, code)
    return organ, access.get_report_scope(actor, organ)


def sections_in(scope: ReportScope) -> list[Section]:
    return list(Section.objects.filter(scope.sections()).order_by("code"))


# --- 1. progress of the current quarter --------------------------------------------------------

def stages() -> list[tuple[str, Sequence[str]]]:
    return [(_("待提交小结"), WRITING), (_("待审核评鉴"), UNDER_REVIEW),
            (_("待审定"), (State.PROPOSED,)), (_("待反馈"), (State.APPROVED,)),
            (_("待确认"), (State.FEEDBACK,)), (_("已确认"), (State.ACKNOWLEDGED,))]


def organ_periods(organ: Organ) -> list[Period]:
    """The organ's quarters with their plans, the latest first."""
    return list(Period.objects.filter(organ=organ).select_related("plan")
                .order_by("-year", "-quarter"))


def current_period(organ: Organ, period_id: int | None = None,
                   periods: list[Period] | None = None) -> Period | None:
    """The quarter asked for, else the latest open one, else the latest closed one; from
    `periods` (organ_periods) when already read."""
    periods = organ_periods(organ) if periods is None else periods
    if period_id is not None:
        return next((p for p in periods if p.pk == period_id), None)
    return next((p for p in periods if p.state == PeriodState.OPEN),
                periods[0] if periods else None)


def progress_board(scope: ReportScope, period: Period | None, today: datetime.date) -> Board:
    board = Board(extra={"period": period})
    if period is None:
        return board
    sections = sections_in(scope)
    counts: dict[tuple[int, str], int] = {
        (row["section_id"], row["state"]): row["n"] for row in
        Assessment.objects.filter(scope.assessments(), period=period)
        .values("section_id", "state").annotate(n=Count("id")).order_by()}
    named = [(label, states) for label, states in stages()]
    rows, bars_by_stage = [], [[0] * len(sections) for _stage in named]
    progress = []
    for i, section in enumerate(sections):
        per_stage = [sum(counts.get((section.pk, s), 0) for s in states) for _l, states in named]
        for j, n in enumerate(per_stage):
            bars_by_stage[j][i] = n
        total = sum(per_stage)
        finished = sum(counts.get((section.pk, s), 0) for s in FINISHED)
        if total:
            progress.append((section, finished, total))
        rows.append([section.name, *per_stage, total, percent(finished, total)])
    totals = [sum(column) for column in bars_by_stage]
    finished_all = sum(n for (_sid, state), n in counts.items() if state in FINISHED)
    rows.append([_("合计"), *totals, sum(totals), percent(finished_all, sum(totals))])
    chart = bars("progress", _("各科室考核进度"), [s.name for s in sections],
                 [Series(label, values) for (label, _s), values in zip(named, bars_by_stage,
                                                                       strict=True)])
    board.panels.append(Panel("progress", Table(
        _("各科室考核进度"), [_("科室"), *[label for label, _s in named], _("合计"),
                         _("完成率")], rows), chart))
    overdue = period.state == PeriodState.OPEN and today > period.last_day
    board.extra.update(progress=progress, finished=finished_all, total=sum(totals),
                       overdue=overdue, quota=assessment_selectors.quota(period))
    if scope.people:
        late = (Assessment.objects.filter(scope.assessments(), period=period)
                .exclude(state__in=FINISHED).order_by("section__code", "person__personnel_no")
                .values_list("pk", "person__name", "section__name", "state")) if overdue else []
        board.panels.append(Panel("overdue", Table(
            _("逾期未完成"), [_("姓名"), _("科室"), _("状态")],
            [[Link(name, reverse("assessment_detail", args=[pk])), section,
              str(State(state).label)]
             for pk, name, section, state in late]),
            note=_("季度结束（%(day)s）后尚未完成反馈的考核。") % {"day": period.last_day}))
    return board


# --- 2. results --------------------------------------------------------------------------------

def results_board(scope: ReportScope, filters: Filters,
                  sections: list[Section] | None = None) -> Board:
    """Every results panel; `sections` are the scope's (sections_in), when already read."""
    base = Assessment.objects.filter(scope.assessments(), filters.q())
    sections = sections_in(scope) if sections is None else sections
    facts = _facts(base)
    by_quarter = _by_quarter_rows(facts)
    totals = _totals(facts)
    board = Board()
    board.panels += [_by_quarter(by_quarter), _trend(by_quarter), _by_year(by_quarter),
                     _cap_usage(scope, filters), _by_section(sections, facts),
                     _scores(sections, facts), _frontline(totals), _special(totals),
                     _follow_ups(base), _appeals(facts)]
    if scope.people:
        board.panels.append(_people(facts))
    return board


class Fact(NamedTuple):
    """One assessment in an organ's results, as plain values."""

    year: int
    quarter: int
    name: str
    number: str
    section_id: int
    section: str
    category: str
    frontline: bool
    score: Decimal | None
    grade: str
    determined: bool
    state: str
    direct: bool
    proposed: str
    appeal: str | None  # its appeal's state, if appealed


# The columns of a Fact, named as the queries name them (the grouped rows keep those names).
FACT_COLUMNS = dict(zip(Fact._fields, (
    "period__year", "period__quarter", "person__name", "person__personnel_no", "section_id",
    "section__name", "category", "frontline", "composite_score", "grade", "grade_determined",
    "state", "direct", "proposed_grade", "appeal__state"), strict=True))


def _facts(base: QuerySet[Assessment]) -> list[Fact]:
    """The organ's assessments in the scope, read once: its people table lists them all (in
    the export), and the grade, section, score, front-line and appeal panels count the same
    rows, which one GROUP BY each had read again."""
    return [Fact(*row) for row in
            base.order_by("period__year", "period__quarter", "section__code",
                          "person__personnel_no").values_list(*FACT_COLUMNS.values())]


def _decided(base: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return base.filter(state__in=DECIDED)


def _distribution(rows: list[dict[str, Any]], keys: list[Any], key_of: Any,
                  ) -> dict[str, list[int]]:
    """grade → counts along `keys`, from rows already grouped."""
    found = {grade: [0] * len(keys) for grade, _l, _c in grade_series()}
    index = {key: i for i, key in enumerate(keys)}
    for row in rows:
        found[_grade_key(row)][index[key_of(row)]] += row["n"]
    return found


def _grade_panel(key: str, title: str, first: str, labels: list[str],
                 counts: dict[str, list[int]]) -> Panel:
    series = grade_series()
    chart = bars(key, title, labels, [Series(label, counts[g], color)
                                      for g, label, color in series])
    rows = [[label, *[counts[g][i] for g, _l, _c in series],
             sum(counts[g][i] for g, _l, _c in series),
             percent(counts[Grade.GOOD][i], sum(counts[g][i] for g, _l, _c in series))]
            for i, label in enumerate(labels)]
    return Panel(key, Table(title, [first, *[label for _g, label, _c in series], _("合计"),
                                    _("“好”占比")], rows), chart)


def _grouped(facts: list[Fact], *fields: str) -> list[dict[str, Any]]:
    """The decided grades counted by `fields`, as a GROUP BY of their columns returns them."""
    counted = Counter(tuple(getattr(fact, name) for name in fields)
                      for fact in facts if fact.state in DECIDED)
    return [{**{FACT_COLUMNS[name]: value for name, value in zip(fields, key, strict=True)},
             "n": n} for key, n in counted.items()]


def _by_quarter_rows(facts: list[Fact]) -> list[dict[str, Any]]:
    """The decided grades counted per quarter: the quarters', the trend's and the years'
    panels all read these rows."""
    return _grouped(facts, "year", "quarter", "grade", "determined")


def _by_quarter(rows: list[dict[str, Any]]) -> Panel:
    keys = sorted({(r["period__year"], r["period__quarter"]) for r in rows})
    counts = _distribution(rows, keys, lambda r: (r["period__year"], r["period__quarter"]))
    return _grade_panel("quarters", _("各季度等次分布"), _("季度"),
                        [quarter_label(*k) for k in keys], counts)


def _by_year(rows: list[dict[str, Any]]) -> Panel:
    keys = sorted({r["period__year"] for r in rows})
    counts = _distribution(rows, keys, lambda r: r["period__year"])
    return _grade_panel("years", _("各年度等次分布"), _("年度"), [str(k) for k in keys],
                        counts)


def _trend(rows: list[dict[str, Any]]) -> Panel:
    """Each grade's share of the quarter's determined grades, quarter after quarter."""
    rows = [r for r in rows if r["grade_determined"]]
    keys = sorted({(r["period__year"], r["period__quarter"]) for r in rows})
    index = {k: i for i, k in enumerate(keys)}
    counts = {g.value: [0] * len(keys) for g in Grade}
    for r in rows:
        counts[r["grade"]][index[(r["period__year"], r["period__quarter"])]] += r["n"]
    totals = [sum(counts[g][i] for g in counts) for i in range(len(keys))]
    labels = [quarter_label(*k) for k in keys]
    shares = {g: [share(n, totals[i]) for i, n in enumerate(values)]
              for g, values in counts.items()}
    chart = lines("trend", _("等次占比趋势"), labels,
                  [Series(str(Grade(g).label), shares[g], GRADE_COLORS[Grade(g)])
                   for g in counts])
    return Panel("trend", Table(_("等次占比趋势"), [_("季度"), *[str(Grade(g).label)
                                                           for g in counts]],
                                [[label, *[f"{shares[g][i] * 100:.1f}%" for g in counts]]
                                 for i, label in enumerate(labels)]), chart)


# A quarter and the settings of its plan that its cap follows from.
CAP_PLAN = ("period__year", "period__quarter", "period__plan__good_ratio",
            "period__plan__good_rounding", "period__plan__base_includes_undetermined",
            "period__plan__direct_good_counts")


def _cap_usage(scope: ReportScope, filters: Filters) -> Panel:
    """§八(一): 好 used against the organ's cap, per quarter. The cap is the organ's, so it is
    counted over the whole organ whatever the actor's sections (the same counter the review
    screen shows every chief), from the assessments grouped as the counter groups them."""
    by_quarter = assessment_selectors.place_counts_by(
        Assessment.objects.filter(period__organ_id=scope.organ_id).filter(filters.period_q()),
        *CAP_PLAN)
    table_rows: list[list[Any]] = []
    used, limits = [], []
    for key, counts in sorted(by_quarter.items()):  # by year and quarter, each with its plan
        plan = dict(zip(CAP_PLAN, key, strict=True))
        limit = _limit(plan, counts["participants"], counts["determined"])
        taken = rules.places_used(counts["good"], counts["direct_good"],
                                  direct_good_counts=plan["period__plan__direct_good_counts"])
        used.append(taken)
        limits.append(limit)
        table_rows.append([quarter_label(plan["period__year"], plan["period__quarter"]),
                           counts["participants"], limit, taken, max(limit - taken, 0),
                           percent(taken, counts["participants"])])
    labels = [str(row[0]) for row in table_rows]
    chart = bars("cap", _("“好”等次名额使用"), labels,
                 [Series(_("名额上限"), limits, "#cfd8dc"),
                  Series(_("已用"), used, GRADE_COLORS[Grade.GOOD])], stacked=False)
    return Panel("cap", Table(_("“好”等次名额使用"), [
        _("季度"), _("参加考核人数"), _("名额上限"), _("已用"), _("剩余"), _("“好”占比")],
        table_rows), chart, note=_("§八(一)：“好”等次不超过参加考核人数的 40%（按本机关设置）。"))


def _by_section(sections: list[Section], facts: list[Fact]) -> Panel:
    rows = _grouped(facts, "section_id", "grade", "determined")
    counts = _distribution(rows, [s.pk for s in sections], lambda r: r["section_id"])
    return _grade_panel("sections", _("各科室等次分布"), _("科室"), [s.name for s in sections],
                        counts)


def _scores(sections: list[Section], facts: list[Fact]) -> Panel:
    """Composite scores in bands of ten, per section."""
    counts = Counter((fact.section_id, _band(fact.score)) for fact in facts
                     if fact.score is not None)
    labels = [label for _low, label in reversed(SCORE_BUCKETS)]
    lows = [low for low, _l in reversed(SCORE_BUCKETS)]
    chart = bars("scores", _("综合得分分布"), labels,
                 [Series(s.name, [counts.get((s.pk, low), 0) for low in lows])
                  for s in sections])
    return Panel("scores", Table(_("综合得分分布"), [_("科室"), *labels], [
        [s.name, *[counts.get((s.pk, low), 0) for low in lows]] for s in sections]), chart)


def _band(score: Decimal) -> int:
    """The lower end of the score's band: 90 for 90 and above … 0 below 60."""
    return next((low for low, _label in SCORE_BUCKETS if score >= low), 0)


def _totals(facts: list[Fact]) -> dict[str, int]:
    """The counts of the front-line and the special panels."""
    good = [fact for fact in facts if fact.state in DECIDED and fact.grade == Grade.GOOD]
    return {
        "people": len(facts), "front": sum(fact.frontline for fact in facts),
        "good": len(good), "front_good": sum(fact.frontline for fact in good),
        "direct_good": sum(fact.direct and fact.proposed == Grade.GOOD for fact in facts),
        "direct_poor": sum(fact.direct and fact.proposed == Grade.POOR for fact in facts),
        "undetermined": sum(not fact.determined for fact in facts)}


def _frontline(totals: dict[str, int]) -> Panel:
    """§八(一): the 好 places should lean towards front-line and hardship posts."""
    headcount = share(totals["front"], totals["people"])
    of_good = share(totals["front_good"], totals["good"])
    chart = bars("frontline", _("基层一线人员占比"), [_("参加考核人数"), _("“好”等次")],
                 [Series(_("基层一线"), [headcount, of_good], "#1565c0")], percent=True)
    return Panel("frontline", Table(_("基层一线人员占比"), [_("项目"), _("合计"), _("基层一线"),
                                                    _("占比")], [
        [_("参加考核人数"), totals["people"], totals["front"], percent(totals["front"],
                                                                 totals["people"])],
        [_("“好”等次"), totals["good"], totals["front_good"], percent(totals["front_good"],
                                                                  totals["good"])],
    ]), chart, note=_("“好”等次中基层一线人员的占比不低于其人数占比，即体现了向基层一线倾斜。"))


def _special(totals: dict[str, int]) -> Panel:
    """Direct determinations (§九(一)) and grades not determined because of leave (§十(三))."""
    labels = [_("直接确定为“好”"), _("直接确定为“较差”"), _("不确定等次")]
    values = [totals["direct_good"], totals["direct_poor"], totals["undetermined"]]
    chart = bars("special", _("直接确定与不确定等次"), labels,
                 [Series(_("人次"), values, "#6a1b9a")])
    return Panel("special", Table(_("直接确定与不确定等次"), [_("项目"), _("人次")],
                                  [[label, n] for label, n in zip(labels, values, strict=True)]),
                 chart)


def _follow_ups(base: QuerySet[Assessment]) -> Panel:
    """§九(二): reminder talks, criticism, admonitions, changes of post — open and done."""
    rows = {r["kind"]: r for r in FollowUp.objects.filter(assessment__in=base.values("pk"))
            .values("kind").annotate(open=Count("id", filter=Q(done_on__isnull=True)),
                                     done=Count("id", filter=Q(done_on__isnull=False)))
            .order_by()}
    kinds = list(FollowUpKind)
    opened = [rows.get(k.value, {}).get("open", 0) for k in kinds]
    done = [rows.get(k.value, {}).get("done", 0) for k in kinds]
    labels = [str(k.label) for k in kinds]
    chart = bars("follow_ups", _("结果运用措施"), labels,
                 [Series(_("已完成"), done, "#2e7d32"), Series(_("未完成"), opened, "#ef6c00")])
    return Panel("follow_ups", Table(_("结果运用措施"), [_("措施"), _("未完成"), _("已完成")], [
        [label, o, d] for label, o, d in zip(labels, opened, done, strict=True)]), chart)


def _appeals(facts: list[Fact]) -> Panel:
    """(outcome, number of appeals) for the assessments shown, every outcome listed (§十(二))."""
    counted = Counter(fact.appeal for fact in facts if fact.appeal)
    counts = [(str(state.label), counted.get(state.value, 0)) for state in AppealState]
    chart = bars("appeals", _("申诉及处理结果"), [label for label, _n in counts],
                 [Series(_("件数"), [n for _label, n in counts], "#455a64")])
    return Panel("appeals", Table(_("申诉及处理结果"), [_("结果"), _("件数")],
                                  [list(pair) for pair in counts]), chart)


def _people(facts: list[Fact]) -> Panel:
    """Every assessment in the scope (an organ's year is thousands): the page shows the first
    PEOPLE_SHOWN, the export all of them."""
    # The labels and the quarters' names translated once, not once a row.
    categories, grades, states = ({value: str(label) for value, label in choices.choices}
                                  for choices in (Category, Grade, State))
    named = cache(quarter_label)
    undetermined, yes = _("不确定等次"), _("是")
    # Each person's report, its address reversed once rather than once a row.
    person_url = reverse("reports_person", args=["-"]).removesuffix("-/")

    def row(f: Fact) -> list[Any]:
        return [named(f.year, f.quarter), Link(f.name, f"{person_url}{quote(f.number)}/"),
                f.section, categories[f.category], yes if f.frontline else "", f.score,
                grades.get(f.grade, f.grade) if f.determined else undetermined, states[f.state]]

    return Panel("people", Table(_("人员考核结果"), [
        _("季度"), _("姓名"), _("科室"), _("人员类别"), _("基层一线"), _("综合得分"), _("等次"),
        _("状态")], RowsOf(facts, row)), shown=PEOPLE_SHOWN)


# --- 3. a person over the quarters -------------------------------------------------------------

def person_for_report(actor: Actor, personnel_no: str) -> Person:
    person = access.get_person(actor, personnel_no)
    if not access.may_see_person_report(actor, person):
        raise Http404
    return person


def person_board(actor: Actor, person: Person) -> Board:
    mine = Assessment.objects.restrict(actor, "view").filter(person=person)
    found = list(mine.select_related("period", "section").order_by("period__year",
                                                                    "period__quarter"))
    entries = {(r["y"], r["q"]): r["n"] for r in Entry.objects.filter(person=person)
               .annotate(y=ExtractYear("day"), q=ExtractQuarter("day"))
               .values("y", "q").annotate(n=Count("id")).order_by()}
    keys = sorted({(a.period.year, a.period.quarter) for a in found} | set(entries))
    by_key = {(a.period.year, a.period.quarter): a for a in found}
    rows = []
    for key in keys:
        a = by_key.get(key)
        grade = ("" if a is None or a.state not in DECIDED else
                 a.get_grade_display() if a.grade_determined else _("不确定等次"))
        rows.append([quarter_label(*key), a.section.name if a else "",
                     a.composite_score if a else None, grade,
                     a.get_state_display() if a else "", entries.get(key, 0)])
    activity = bars("activity", _("每季度记实条数"), [quarter_label(*k) for k in keys],
                    [Series(_("记实条数"), [entries.get(k, 0) for k in keys], "#1565c0")])
    board = Board(extra={"person": person})
    board.panels.append(Panel("quarters", Table(_("各季度考核结果"), [
        _("季度"), _("科室"), _("综合得分"), _("等次"), _("状态"), _("记实条数")], rows),
        activity))
    years = list(_decided(mine).values("period__year", "grade", "grade_determined")
                 .annotate(n=Count("id")).order_by())
    keys_y = sorted({r["period__year"] for r in years})
    board.panels.append(_grade_panel("years", _("各年度等次次数"), _("年度"),
                                     [str(y) for y in keys_y],
                                     _distribution(years, keys_y, lambda r: r["period__year"])))
    return board


# --- 4. the organization department: every organ filed with it --------------------------------

def department_periods(actor: Actor, filters: Filters) -> tuple[QuerySet[Period], int, int]:
    """The quarter compared (the filter's, else the latest any organ opened) and its periods."""
    organs = access.department_organs(actor)
    year, quarter = filters.year, filters.quarter
    if not (year and quarter):
        latest = (Period.objects.filter(organ__in=organs).filter(filters.period_q(""))
                  .order_by("-year", "-quarter").values_list("year", "quarter").first())
        year, quarter = latest or (year or datetime.date.today().year, quarter or 1)
    return (Period.objects.filter(organ__in=organs, year=year, quarter=quarter), year, quarter)


def department_board(actor: Actor, filters: Filters, today: datetime.date) -> Board:
    organs = access.department_organs(actor)
    periods, year, quarter = department_periods(actor, filters)
    good = Q(state__in=DECIDED, grade=Grade.GOOD)
    stats = {r["period_id"]: r for r in
             Assessment.objects.filter(period__in=periods.values("pk")).values("period_id")
             .annotate(participants=Count("id"),
                       determined=Count("id", filter=Q(grade_determined=True)),
                       finished=Count("id", filter=Q(state__in=FINISHED)),
                       good=Count("id", filter=good),
                       direct_good=Count("id", filter=good & Q(direct=True,
                                                                proposed_grade=Grade.GOOD)))
             .order_by()}
    by_organ = {p["organ_id"]: p for p in periods.values(
        "id", "organ_id", "state", "plan__good_ratio",
        "plan__good_rounding", "plan__base_includes_undetermined", "plan__direct_good_counts")}
    last_day = Period(year=year, quarter=quarter).last_day
    rows, flags = [], {"late": 0, "over": 0, "missing": 0}
    good_shares: list[float] = []
    progress_shares: list[float] = []
    for organ in organs.order_by("code").values("id", "code", "name"):
        period = by_organ.get(organ["id"])
        s = stats.get(period["id"]) if period else None
        link = Link(organ["name"], reverse("reports_results", args=[organ["code"]]))
        if period is None or s is None:
            flags["missing"] += 1
            rows.append([link, _("未开展"), 0, "", 0, "", "", _("未开展")])
            continue
        plan = {f"period__{k}": v for k, v in period.items() if k.startswith("plan__")}
        limit = _limit(plan, s["participants"], s["determined"])
        used = s["good"] - (0 if period["plan__direct_good_counts"] else s["direct_good"])
        late = (period["state"] == PeriodState.OPEN and today > last_day
                and s["finished"] < s["participants"])
        over = used > limit
        flags["late"] += late
        flags["over"] += over
        good_shares.append(share(used, s["participants"]))
        progress_shares.append(share(s["finished"], s["participants"]))
        status = [_("逾期未完成")] * late + [_("超出名额")] * over
        rows.append([link, PeriodState(period["state"]).label, s["participants"],
                     percent(s["finished"], s["participants"]), used, limit,
                     percent(used, s["participants"]), "、".join(status) or _("正常")])
    rows.sort(key=lambda r: (r[-1] == _("正常"), str(r[0])))  # problems first
    board = Board(extra={"year": year, "quarter": quarter, "organs": len(rows), **flags})
    board.panels.append(_department_distribution(periods))
    board.panels.append(_organ_histogram("good_share", _("各机关“好”等次占比分布"),
                                         good_shares, [0, .1, .2, .3, .4]))
    board.panels.append(_organ_histogram("progress", _("各机关考核完成率分布"),
                                         progress_shares, [0, .25, .5, .75, 1]))
    board.panels.append(Panel("organs", Table(_("各机关情况"), [
        _("机关"), _("季度状态"), _("参加考核人数"), _("完成率"), _("“好”等次"), _("名额上限"),
        _("“好”占比"), _("提示")], rows), shown=ORGANS_SHOWN))
    return board


def _department_distribution(periods: QuerySet[Period]) -> Panel:
    rows = list(Assessment.objects.filter(period__in=periods.values("pk"), state__in=DECIDED)
                .values("grade", "grade_determined").annotate(n=Count("id")).order_by())
    counts = _distribution(rows, [0], lambda r: 0)
    return _grade_panel("distribution", _("等次分布（全部机关）"), _("范围"), [_("全部机关")],
                        counts)


def _organ_histogram(key: str, title: str, values: list[float], edges: list[float]) -> Panel:
    """How many organs fall in each band: a count of organs already aggregated above."""
    labels = [f"≥{edge * 100:.0f}%" for edge in edges]
    counts = [0] * len(edges)
    for value in values:
        counts[max(i for i, edge in enumerate(edges) if value >= edge - 1e-9)] += 1
    chart = bars(key, title, labels, [Series(_("机关数"), counts, "#1565c0")])
    return Panel(key, Table(title, [_("区间"), _("机关数")],
                            [[label, n] for label, n in zip(labels, counts, strict=True)]), chart)


