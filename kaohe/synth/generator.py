"""A synthetic province for load tests and benchmarks: organs filed with one organization
department, their sections and people, leave, secondments, front-line posts, yearly plans and
quarters, and assessments in every state.

Everything is written with bulk inserts in one transaction (no signals, hence no per-row audit
events: this is test data, not anyone's decision) and is decided by one seeded random
generator, so that the same arguments give the same province on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from kaohe.accounts.models import User
from kaohe.assessments.models import (
    Assessment,
    FeedbackMethod,
    FollowUp,
    FollowUpKind,
    Leave,
    LeaveKind,
    State,
)
from kaohe.assessments.selectors import leave_working_days
from kaohe.org.models import (
    Assignment,
    AssignmentKind,
    Category,
    CommitteeMember,
    CommitteePosition,
    Duty,
    Organ,
    OrganDuty,
    OrgDepartment,
    Person,
    Section,
)
from kaohe.plans.defaults import default_indicators
from kaohe.plans.models import Grade, Indicator, Period, PeriodState, YearPlan
from kaohe.workdays.calendar import working_days

PREFIX = "SYN"
DEPARTMENT_CODE = f"{PREFIX}-ZZB"
MIN_ORGAN = 8  # a principal, a deputy and two sections of three
BATCH = 5000
SECONDED_SHARE = 0.01
LEAVE_SHARE = 0.04
FRONTLINE_SHARE = 0.15
# The open quarter (the last one generated) has assessments in every state, in these shares.
OPEN_STATES = [(State.DRAFT, 15), (State.SUBMITTED, 15), (State.RETURNED, 5),
               (State.PROPOSED, 20), (State.SENT_BACK, 5), (State.APPROVED, 15),
               (State.FEEDBACK, 10), (State.ACKNOWLEDGED, 15)]
GRADED = {State.PROPOSED, State.SENT_BACK, State.APPROVED, State.FEEDBACK, State.ACKNOWLEDGED}
DECIDED = {State.APPROVED, State.FEEDBACK, State.ACKNOWLEDGED}

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
            "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺")
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国文斌宇浩凯鹏飞晨琳雪梅海峰志红玉春雨"
PLACES = ["青川市", "临江市", "云岭市", "石桥县", "东湖区", "北山县", "南溪县", "西岭区", "清河县",
          "白沙县", "金城区", "望海市"]
BUREAUS = ["生态环境局", "财政局", "教育局", "民政局", "司法局", "人力资源和社会保障局",
           "自然资源局",
           "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局",
           "卫生健康委员会", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局",
           "发展和改革委员会"]
SECTIONS = ["办公室", "政策法规科", "综合规划科", "财务科", "人事科", "监督检查科", "信息化科",
            "宣传教育科", "行政审批科", "执法监督科", "安全生产科", "项目管理科", "调查统计科",
            "科技标准科", "信访科", "督查科"]
RANKS = ["一级科员", "四级主任科员", "三级主任科员", "二级主任科员", "一级主任科员"]
SUMMARY = ["本季度认真完成了分解的各项任务，", "按时报送各类材料，", "参与专项检查三次，",
           "牵头起草制度文件一件，", "办理群众来信来访，", "配合完成年度预算编制，",
           "坚持学习，遵守纪律，", "工作中仍有不足，下季度将加强统筹。"]

T = TypeVar("T", bound=models.Model)
ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Shape:
    organs: int
    people: int
    years: int = 1
    seed: int = 1
    last_year: int = 2025
    password: str = ""  # every account's password; empty: no account can log in by password
    prefix: str = PREFIX  # of organ codes, personnel numbers and the department's code
    quarters: bool = True  # False: people only, no plans, quarters or assessments
    section_size: int = 9  # people a section, its chief included (the last ones may differ)

    @property
    def department_code(self) -> str:
        return f"{self.prefix}-ZZB"

    def check(self) -> None:
        if self.organs < 1 or self.years < 1:
            raise ValueError("--organs and --years must be at least 1")
        if self.people < MIN_ORGAN * self.organs:
            raise ValueError(f"--people must be at least {MIN_ORGAN} × --organs")
        if self.section_size < 2:
            raise ValueError("a section has at least its chief and one member")


@dataclass
class _OrganPlan:
    organ: Organ
    sections: list[Section] = field(default_factory=list)
    leaders: list[Person] = field(default_factory=list)
    assessed: list[Person] = field(default_factory=list)
    office_user_id: int = 0


def generate(shape: Shape, progress: ProgressFn | None = None) -> dict[str, int]:
    """Create the province; returns the number of rows of each kind."""
    shape.check()
    with transaction.atomic():
        return _Builder(shape, progress or (lambda label, done, total: None)).run()


def exists(prefix: str = PREFIX) -> bool:
    return OrgDepartment.objects.filter(code=f"{prefix}-ZZB").exists()


class _Builder:
    def __init__(self, shape: Shape, progress: ProgressFn) -> None:
        self.shape = shape
        # Reproducible test data, not secrets: a seeded generator is what is wanted.
        self.rng = random.Random(shape.seed)  # noqa: S311
        self.progress = progress
        self.counts: dict[str, int] = {}
        self.years = list(range(shape.last_year - shape.years + 1, shape.last_year + 1))
        self.quarters = [(year, q) for year in self.years for q in (1, 2, 3, 4)]
        self.organs: list[_OrganPlan] = []
        # (person id, year, quarter) → the section of the organ receiving the secondment
        self.seconded: dict[tuple[int, int, int], Section] = {}
        self.undetermined: set[tuple[int, int, int]] = set()

    def run(self) -> dict[str, int]:
        self._organs()
        self._people()
        self._bodies()
        self._assignments()
        self._leave()
        if self.shape.quarters:
            self._plans_and_quarters()
        return self.counts

    # --- structure ---------------------------------------------------------------------------

    def _organs(self) -> None:
        shape, rng = self.shape, self.rng
        department = OrgDepartment.objects.create(code=shape.department_code,
                                                  name=f"模拟省委组织部（{shape.prefix}）")
        official = User.objects.create(username=shape.department_code.lower(),
                                       password=self._password())
        department.members.add(official)
        width = max(4, len(str(shape.organs)))
        organs = _bulk(Organ, (
            Organ(code=f"{shape.prefix}{i:0{width}d}", filed_with=department,
                  name=f"{PLACES[i % len(PLACES)]}{BUREAUS[(i // len(PLACES)) % len(BUREAUS)]}")
            for i in range(1, shape.organs + 1)), self._tick("organs", shape.organs))
        self.organs = [_OrganPlan(organ) for organ in organs]
        self.sizes = _sizes(shape.people, shape.organs, rng)
        sections: list[Section] = []
        for plan, size in zip(self.organs, self.sizes, strict=True):
            count = max(2, round((size - _leaders(size) - _workers(size)) / shape.section_size))
            plan.sections = [
                Section(organ=plan.organ, code=f"S{n:02d}", name=SECTIONS[n % len(SECTIONS)]
                        if n < len(SECTIONS) else f"{SECTIONS[n % len(SECTIONS)]}{n}",
                        frontline=n > 0 and rng.random() < FRONTLINE_SHARE)
                for n in range(count)]
            sections += plan.sections
        _bulk(Section, sections, self._tick("sections", len(sections)))
        self.counts.update(organs=len(organs), sections=len(sections))

    def _people(self) -> None:
        people: list[Person] = []
        users: list[User] = []
        password = self._password()
        for plan, size in zip(self.organs, self.sizes, strict=True):
            for n, (section, category, title) in enumerate(self._posts(plan, size), start=1):
                number = f"{plan.organ.code}-{n:04d}"
                users.append(User(username=number.lower(), password=password))
                people.append(Person(
                    personnel_no=number, name=self._name(), organ=plan.organ, section=section,
                    category=category, title=title, rank=self.rng.choice(RANKS),
                    frontline=bool(section and section.frontline)))
        _bulk(User, users, self._tick("accounts", len(users)))
        for person, user in zip(people, users, strict=True):
            person.user = user
        _bulk(Person, people, self._tick("people", len(people)))
        by_organ: dict[int, list[Person]] = {}
        for person in people:
            by_organ.setdefault(person.organ_id, []).append(person)
        for plan in self.organs:
            mine = by_organ[plan.organ.pk]
            plan.leaders = [p for p in mine if p.category == Category.LEADERSHIP]
            plan.assessed = [p for p in mine if p.category in (Category.CHIEF, Category.STAFF)]
            plan.organ.principal = plan.leaders[0]
            for n, section in enumerate(plan.sections):
                section.leader_in_charge = plan.leaders[1 + n % (len(plan.leaders) - 1)]
        Organ.objects.bulk_update([p.organ for p in self.organs], ["principal"], batch_size=1000)
        Section.objects.bulk_update([s for p in self.organs for s in p.sections],
                                    ["leader_in_charge"], batch_size=1000)
        self.people = people
        self.counts.update(people=len(people), accounts=len(users) + 1)

    def _posts(self, plan: _OrganPlan, size: int) -> Iterator[tuple[Section | None, str, str]]:
        leaders, workers = _leaders(size), _workers(size)
        yield None, Category.LEADERSHIP, "局长"
        for _ in range(leaders - 1):
            yield None, Category.LEADERSHIP, "副局长"
        for _ in range(workers):
            yield plan.sections[0], Category.WORKER, "驾驶员"
        rest, count = size - leaders - workers, len(plan.sections)
        for n, section in enumerate(plan.sections):
            yield section, Category.CHIEF, "主任" if n == 0 else "科长"
            for _ in range(rest // count + (n < rest % count) - 1):
                yield section, Category.STAFF, "科员"

    def _bodies(self) -> None:
        """The office, the discipline liaison and the assessment committee of each organ."""
        duties: list[OrganDuty] = []
        seats: list[CommitteeMember] = []
        for plan in self.organs:
            office_chief = plan.assessed[0]  # chief of section S00, the office
            liaison = plan.assessed[-1]
            plan.office_user_id = office_chief.user_id or 0
            duties += [OrganDuty(organ=plan.organ, person=office_chief, duty=Duty.OFFICE),
                       OrganDuty(organ=plan.organ, person=liaison, duty=Duty.LIAISON)]
            seats += [CommitteeMember(organ=plan.organ, person=plan.leaders[0],
                                      position=CommitteePosition.DIRECTOR),
                      CommitteeMember(organ=plan.organ, person=plan.leaders[1],
                                      position=CommitteePosition.DEPUTY),
                      CommitteeMember(organ=plan.organ, person=office_chief,
                                      position=CommitteePosition.MEMBER),
                      CommitteeMember(organ=plan.organ, person=liaison,
                                      position=CommitteePosition.REPRESENTATIVE)]
        _bulk(OrganDuty, duties)
        _bulk(CommitteeMember, seats)

    def _assignments(self) -> None:
        """Everyone's post since before the first year; 1 % of the staff seconded to another
        organ for one whole quarter, which that organ then assesses (decision 0003)."""
        since = datetime.date(self.years[0] - 3, 1, 1)
        rows = [Assignment(person=p, organ_id=p.organ_id, section_id=p.section_id, start=since)
                for p in self.people]
        if len(self.organs) > 1:
            for plan in self.organs:
                for person in plan.assessed:
                    if person.category != Category.STAFF or self.rng.random() >= SECONDED_SHARE:
                        continue
                    host = self.rng.choice([o for o in self.rng.sample(self.organs, 2)
                                            if o is not plan])
                    section = self.rng.choice(host.sections[1:])
                    year, quarter = self.rng.choice(self.quarters)
                    first, last = _quarter_days(year, quarter)
                    rows.append(Assignment(person=person, organ=host.organ, section=section,
                                           kind=AssignmentKind.SECONDMENT, start=first, end=last,
                                           note="援派"))
                    self.seconded[(person.pk, year, quarter)] = section
        _bulk(Assignment, rows, self._tick("assignments", len(rows)))
        self.counts["assignments"] = len(rows)

    def _leave(self) -> None:
        """4 % of the people take leave each year; one in four for most of a quarter, which
        leaves their grade undetermined (§十(三))."""
        rows: list[Leave] = []
        for plan in self.organs:
            for person in plan.assessed:
                for year in self.years:
                    if self.rng.random() >= LEAVE_SHARE:
                        continue
                    quarter = self.rng.randint(1, 4)
                    first, last = _quarter_days(year, quarter)
                    long = self.rng.random() < 0.25
                    start = first + datetime.timedelta(days=self.rng.randint(0, 10))
                    days = self.rng.randint(55, 75) if long else self.rng.randint(2, 12)
                    end = min(start + datetime.timedelta(days=days), last)
                    leave = Leave(person=person, start=start, end=end, recorded_by_id=(
                        plan.office_user_id), kind=self.rng.choice(LeaveKind.values))
                    rows.append(leave)
                    if leave_working_days([leave], first, last) * 2 > working_days(first, last):
                        self.undetermined.add((person.pk, year, quarter))
        _bulk(Leave, rows)
        self.counts["leave"] = len(rows)

    # --- plans, quarters and assessments -------------------------------------------------------

    def _plans_and_quarters(self) -> None:
        plans = _bulk(YearPlan, (YearPlan(organ=p.organ, year=year, filed_with_id=(
            p.organ.filed_with_id), filed_on=datetime.date(year, 1, 20))
            for p in self.organs for year in self.years))
        indicators = default_indicators()
        _bulk(Indicator, (Indicator(plan=plan, **row) for plan in plans for row in indicators))
        self.codes = [str(row["code"]) for row in indicators]
        open_quarter = self.quarters[-1]
        plan_of = {(plan.organ_id, plan.year): plan for plan in plans}
        periods = _bulk(Period, (
            Period(plan=plan_of[(p.organ.pk, year)], organ=p.organ, year=year, quarter=quarter,
                   state=PeriodState.OPEN if (year, quarter) == open_quarter
                   else PeriodState.CLOSED,
                   published_at=None if (year, quarter) == open_quarter
                   else _noon(_quarter_days(year, quarter)[1] + datetime.timedelta(days=8)),
                   closed_at=None if (year, quarter) == open_quarter
                   else _noon(_quarter_days(year, quarter)[1] + datetime.timedelta(days=20)))
            for p in self.organs for year, quarter in self.quarters))
        period_of = {(period.organ_id, period.year, period.quarter): period for period in periods}
        self.counts.update(plans=len(plans), periods=len(periods))
        guests = self._guests()
        total = sum(len(p.assessed) for p in self.organs) * len(self.quarters)
        tick = self._tick("assessments", total)
        written, follow_ups = 0, 0
        batch: list[Assessment] = []
        for plan in self.organs:
            for year, quarter in self.quarters:
                key = (plan.organ.pk, year, quarter)
                batch += self._quarter(period_of[key], plan, guests.get(key, []),
                                       (year, quarter) == open_quarter)
                if len(batch) >= BATCH:
                    follow_ups += self._write(batch)
                    written += len(batch)
                    batch = []
                    tick(written)
        follow_ups += self._write(batch)
        tick(written + len(batch))
        self.counts.update(assessments=written + len(batch), follow_ups=follow_ups)

    def _guests(self) -> dict[tuple[int, int, int], list[tuple[Person, Section]]]:
        by_id = {p.pk: p for p in self.people}
        guests: dict[tuple[int, int, int], list[tuple[Person, Section]]] = {}
        for (person_id, year, quarter), section in self.seconded.items():
            guests.setdefault((section.organ_id, year, quarter), []).append(
                (by_id[person_id], section))
        return guests

    def _quarter(self, period: Period, plan: _OrganPlan,
                 guests: list[tuple[Person, Section]], is_open: bool) -> list[Assessment]:
        year, quarter = period.year, period.quarter
        taking_part = [(p, p.section) for p in plan.assessed
                       if (p.pk, year, quarter) not in self.seconded] + guests
        rows = [Assessment(period=period, person=person, section=section,
                           category=person.category, frontline=person.frontline,
                           grade_determined=(person.pk, year, quarter) not in self.undetermined)
                for person, section in taking_part]
        self._grade(rows, period, is_open)
        return rows

    def _grade(self, rows: list[Assessment], period: Period, is_open: bool) -> None:
        """Scores from a bell curve; 好 for the best scores suggested 好, within the 40 % cap."""
        places = math.floor(Decimal(len(rows)) * Decimal("0.4"))
        rng = self.rng
        for row in rows:
            row.state = _weighted(rng, OPEN_STATES) if is_open else State.ACKNOWLEDGED
            if row.state != State.DRAFT:
                row.summary = "".join(rng.sample(SUMMARY, 5))
            if row.state not in GRADED:
                continue
            if not row.grade_determined:
                row.proposal_comment = "病、事假累计超过本季度工作日一半，不确定等次。"
                continue
            # About a third suggested 好, a few 一般 and the rare 较差.
            raw = rng.uniform(50, 59) if rng.random() < 0.004 else rng.gauss(88, 4.5)
            score = Decimal(str(min(raw, 99.5))).quantize(Decimal("0.01"))
            row.scores = dict.fromkeys(self.codes, str(score))
            row.composite_score = score
            row.suggested_grade = _band(score)
            row.proposal_comment = "工作积极主动，完成任务较好。"
        graded = sorted((r for r in rows if r.composite_score is not None),
                        key=lambda r: r.composite_score or 0, reverse=True)
        for row in graded:
            grade = row.suggested_grade
            if grade == Grade.GOOD:
                if places > 0:
                    places -= 1
                else:
                    grade = Grade.FAIRLY_GOOD
                    row.proposal_reason = "“好”等次名额有限，按得分排序。"
            row.proposed_grade = grade
            if row.state in DECIDED:
                row.grade = grade
                row.approval_comment = "同意。"
            if row.state in (State.FEEDBACK, State.ACKNOWLEDGED):
                row.feedback_method = FeedbackMethod.TALK
                row.feedback_given_on = period.last_day + datetime.timedelta(days=10)
                row.feedback_text = "肯定成绩，指出不足，明确改进方向。"

    def _write(self, rows: list[Assessment]) -> int:
        Assessment.objects.bulk_create(rows, batch_size=BATCH)
        leaders = {s.pk: s.leader_in_charge for p in self.organs for s in p.sections}
        chiefs = {r.section_id: r.person for r in rows if r.category == Category.CHIEF}
        follow_ups = [
            FollowUp(assessment=r, kind=FollowUpKind.REMINDER_TALK if r.grade == Grade.AVERAGE
                     else FollowUpKind.CRITICISM,
                     assigned_to=leaders[r.section_id] if r.category == Category.CHIEF
                     else chiefs.get(r.section_id))
            for r in rows if r.grade in (Grade.AVERAGE, Grade.POOR)]
        FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
        return len(follow_ups)

    # --- small helpers -----------------------------------------------------------------------

    def _password(self) -> str:
        if not hasattr(self, "_hash"):
            # Hashed once for every account: hashing is deliberately slow.
            self._hash = make_password(self.shape.password or None)
        return self._hash

    def _name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def _tick(self, label: str, total: int) -> Callable[[int], None]:
        self.progress(label, 0, total)
        return lambda done: self.progress(label, done, total)


def _bulk(model: type[T], rows: Iterable[T], tick: Callable[[int], None] | None = None) -> list[T]:
    """bulk_create in batches, reporting progress; the rows come back with their keys."""
    rows = list(rows)
    for start in range(0, len(rows), BATCH):
        model._default_manager.bulk_create(rows[start:start + BATCH])
        if tick:
            tick(min(start + BATCH, len(rows)))
    return rows


def _sizes(people: int, organs: int, rng: random.Random) -> list[int]:
    """Organ sizes between 0.4 and 1.6 times the mean, adding up to `people` exactly."""
    weights = [rng.uniform(0.4, 1.6) for _ in range(organs)]
    scale = people / sum(weights)
    sizes = [max(MIN_ORGAN, int(w * scale)) for w in weights]
    diff, i = people - sum(sizes), 0
    while diff:
        j = i % organs
        if diff > 0:
            sizes[j], diff = sizes[j] + 1, diff - 1
        elif sizes[j] > MIN_ORGAN:
            sizes[j], diff = sizes[j] - 1, diff + 1
        i += 1
    return sizes


def _leaders(size: int) -> int:
    return 1 + max(1, min(4, size // 40))


def _workers(size: int) -> int:
    return 1 if size >= 30 else 0


def _quarter_days(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    period = Period(year=year, quarter=quarter)
    return period.first_day, period.last_day


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def _band(score: Decimal) -> str:
    if score >= 90:
        return Grade.GOOD
    if score >= 80:
        return Grade.FAIRLY_GOOD
    return Grade.AVERAGE if score >= 60 else Grade.POOR


def _weighted(rng: random.Random, choices: list[tuple[Any, int]]) -> Any:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]
