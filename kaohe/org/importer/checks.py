"""The rules across rows and against the database: a file is checked whole before anything is
written, and every problem is collected, in the order of the file."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.org.importer.read import SHEET_ORDER, Problem, Source
from kaohe.org.importer.schema import AssignmentRow, PersonRow, Plan, read_plan
from kaohe.org.models import Assignment, AssignmentKind, Category, Organ, Person, Section
from kaohe.org.services import HOLDS_A_POST

R = TypeVar("R")

IN_A_SECTION = (Category.CHIEF.value, Category.STAFF.value)


@dataclass
class Context:
    """What the database already holds of the file's organ, people and accounts."""

    organ: Organ | None
    sections: dict[str, Section]  # the organ's sections
    people: dict[str, Person]  # people of the file who exist, in any organ
    users: dict[str, User]  # accounts of the file that exist
    owners: dict[int, Person]  # user pk → the person the account belongs to
    department_users: set[int]  # user pks of organization-department members
    open_assignments: dict[int, list[Assignment]]  # person pk → assignments without an end
    organs: dict[str, Organ]  # other organs named by assignments
    other_sections: dict[tuple[str, str], Section]  # (organ code, code) → their sections
    foreign_sections: dict[str, Section]  # oversees codes that are another organ's sections
    absent_chiefs: dict[str, Person]  # section code → active chief not in the file

    def known_sections(self, plan: Plan) -> set[str]:
        return plan.section_codes() | set(self.sections)


def load_context(plan: Plan) -> Context:
    organ = Organ.objects.filter(code=plan.code).first() if plan.code else None
    sections = {s.code: s for s in organ.sections.all()} if organ else {}
    ids = [row.id for row in plan.people if row.id]
    people = {p.personnel_no: p for p in
              Person.objects.filter(personnel_no__in=ids).select_related("organ", "section")}
    users = {u.username: u for u in
             User.objects.filter(username__in=[r.username for r in plan.people if r.username])}
    organs, other_sections = _assignment_organs(plan)
    return Context(
        organ=organ,
        sections=sections,
        people=people,
        users=users,
        owners={p.user_id: p for p in Person.objects.filter(user__in=list(users.values()))
                if p.user_id is not None},
        department_users=set(User.objects.filter(pk__in=[u.pk for u in users.values()],
                                                 org_departments__isnull=False)
                             .values_list("pk", flat=True)),
        open_assignments=_open_assignments(people.values()),
        organs=organs,
        other_sections=other_sections,
        foreign_sections=_foreign_sections(plan, organ, sections),
        absent_chiefs=_absent_chiefs(organ, ids),
    )


def _open_assignments(people: Iterable[Person]) -> dict[int, list[Assignment]]:
    found: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in Assignment.objects.filter(person__in=list(people), end__isnull=True):
        found[assignment.person_id].append(assignment)
    return found


def _assignment_organs(
    plan: Plan,
) -> tuple[dict[str, Organ], dict[tuple[str, str], Section]]:
    """The other organs that assignments name, and their sections."""
    codes = {a.organ for row in plan.people for a in row.assignments if a.organ} - {plan.code}
    organs = {organ.code: organ for organ in Organ.objects.filter(code__in=codes)}
    sections = Section.objects.filter(organ__in=list(organs.values())).select_related("organ")
    return organs, {(s.organ.code, s.code): s for s in sections}


def _foreign_sections(
    plan: Plan, organ: Organ | None, sections: Mapping[str, Section]
) -> dict[str, Section]:
    codes = {code for row in plan.people for code in row.oversees}
    codes -= plan.section_codes() | set(sections)
    found = Section.objects.filter(code__in=codes).select_related("organ")
    if organ:
        found = found.exclude(organ=organ)
    return {section.code: section for section in found}


def _absent_chiefs(organ: Organ | None, ids: list[str]) -> dict[str, Person]:
    if organ is None:
        return {}
    chiefs = (Person.objects.filter(organ=organ, category=Category.CHIEF, active=True,
                                    section__isnull=False)
              .exclude(personnel_no__in=ids).select_related("section"))
    return {chief.section.code: chief for chief in chiefs if chief.section}


# --- checks ----------------------------------------------------------------------------------


def check(source: Source, today: datetime.date) -> tuple[Plan, Context, list[Problem]]:
    """The file's rows, what the database holds of them, and every problem, in file order."""
    problems = list(source.problems)
    plan = read_plan(source, problems)
    context = load_context(plan)
    for rule in (_check_duplicates, _check_sections_of_people, _check_oversees,
                 _check_principal, _check_chiefs, _check_references, _check_accounts,
                 _check_assignments):
        rule(plan, context, problems)
    _check_history(plan, context, today, problems)
    problems.sort(key=_problem_order)
    return plan, context, problems


def _problem_order(problem: Problem) -> tuple[int, int, list[tuple[int, str]]]:
    """In the order of the file: sheet, row, then nested item (assignments[2] before [10])."""
    sheet = problem.where.sheet
    position = SHEET_ORDER.index(sheet) if sheet in SHEET_ORDER else 0
    nested = [(int(part), "") if part.isdigit() else (0, part)
              for part in re.split(r"(\d+)", problem.where.prefix)]
    return position, problem.where.row or 0, nested


def _repeats(rows: Iterable[R], key: Callable[[R], object]) -> Iterator[tuple[R, R]]:
    """Each row whose key an earlier row already has, with that earlier row."""
    seen: dict[object, R] = {}
    for row in rows:
        value = key(row)
        if not value:
            continue
        if value in seen:
            yield row, seen[value]
        else:
            seen[value] = row


def _check_duplicates(plan: Plan, context: Context, problems: list[Problem]) -> None:
    for section, first_section in _repeats(plan.sections, lambda row: row.code):
        message = _("科室代码“%(code)s”重复，与 %(other)s相同")
        problems.append(Problem(section.where, "code", message % {
            "code": section.code, "other": first_section.where}))
    for person, first_person in _repeats(plan.people, lambda row: row.id):
        message = _("人员编号“%(id)s”重复，与 %(other)s相同")
        problems.append(Problem(person.where, "id", message % {
            "id": person.id, "other": first_person.where}))
    for person, first_person in _repeats(plan.people, lambda row: row.username):
        message = _("账号“%(username)s”重复，%(other)s已使用")
        problems.append(Problem(person.where, "username", message % {
            "username": person.username, "other": first_person.where}))
    for refs in (plan.office, plan.liaison, plan.committee):
        for ref, first_ref in _repeats(refs, lambda ref: ref.person):
            message = _("“%(id)s”重复列出，与 %(other)s相同")
            problems.append(Problem(ref.where, "person", message % {
                "id": ref.person, "other": first_ref.where}))
    for person in plan.people:
        repeated = _repeats(person.assignments, lambda a: (a.kind, a.organ, a.start)
                            if a.kind and a.organ and a.start else None)
        for assignment, first_assignment in repeated:
            message = _("与 %(other)s重复：同一人员、类型、机关和开始日期只能有一条")
            problems.append(Problem(assignment.where, "start", message % {
                "other": first_assignment.where}))


def _check_sections_of_people(plan: Plan, context: Context, problems: list[Problem]) -> None:
    known = context.known_sections(plan)
    for row in plan.people:
        if row.section and row.section not in known:
            problems.append(Problem(row.where, "section", _("未知科室“%(code)s”") % {
                "code": row.section}))
        if row.category in IN_A_SECTION and not row.section:
            problems.append(Problem(row.where, "section",
                                    _("科室正职（chief）和科室工作人员（staff）必须填写所在科室")))


def _check_oversees(plan: Plan, context: Context, problems: list[Problem]) -> None:
    known = context.known_sections(plan)
    overseer: dict[str, PersonRow] = {}
    for row in plan.people:
        if row.oversees and row.category and row.category != Category.LEADERSHIP:
            problems.append(Problem(row.where, "oversees",
                                    _("只有领导成员（leadership）可以分管科室")))
        for code in row.oversees:
            message = _oversee_problem(code, known, context, overseer)
            if message:
                problems.append(Problem(row.where, "oversees", message))
            else:
                overseer[code] = row


def _oversee_problem(
    code: str, known: set[str], context: Context, overseer: Mapping[str, PersonRow]
) -> str:
    if code in context.foreign_sections:
        return _("科室“%(code)s”属于其他机关（%(organ)s），领导不能分管其他机关的科室") % {
            "code": code, "organ": context.foreign_sections[code].organ.name}
    if code not in known:
        return _("未知科室“%(code)s”") % {"code": code}
    if code in overseer:
        first = overseer[code]
        return _("科室“%(code)s”已由 %(other)s的%(name)s分管；一个科室只能有一位分管领导") % {
            "code": code, "other": first.where, "name": first.name}
    return ""


def _check_principal(plan: Plan, context: Context, problems: list[Problem]) -> None:
    principals = [row for row in plan.people if row.principal]
    for row in principals[1:]:
        problems.append(Problem(row.where, "principal", _("主要负责人只能有一位，%(other)s已标记")
                                % {"other": principals[0].where}))
    for row in principals:
        if row.category and row.category != Category.LEADERSHIP:
            problems.append(Problem(row.where, "principal",
                                    _("主要负责人必须是领导成员（leadership）")))


def _check_chiefs(plan: Plan, context: Context, problems: list[Problem]) -> None:
    chiefs = [row for row in plan.people
              if row.category == Category.CHIEF and row.active and row.section]
    for row, first in _repeats(chiefs, lambda row: row.section):
        message = _("科室“%(code)s”已有在职科室正职（%(other)s的%(name)s）；"
                    "一个科室只能有一位在职正职")
        problems.append(Problem(row.where, "category", message % {
            "code": row.section, "other": first.where, "name": first.name}))
    for row in chiefs:
        absent = context.absent_chiefs.get(row.section)
        if absent:
            message = _("科室“%(code)s”已有在职科室正职%(name)s（编号 %(id)s，不在本文件中）；"
                        "如其已离任，请把其列入文件并标记 active 为 false 或改变人员类别")
            problems.append(Problem(row.where, "category", message % {
                "code": row.section, "name": absent.name, "id": absent.personnel_no}))


def _check_references(plan: Plan, context: Context, problems: list[Problem]) -> None:
    ids = {row.id for row in plan.people if row.id}
    for ref in [*plan.office, *plan.liaison, *plan.committee]:
        if ref.person and ref.person not in ids:
            problems.append(Problem(ref.where, "person", _("人员编号“%(id)s”不在本文件的 people 中")
                                    % {"id": ref.person}))


def _check_accounts(plan: Plan, context: Context, problems: list[Problem]) -> None:
    for row in plan.people:
        user = context.users.get(row.username) if row.username else None
        if user is not None:
            message = _account_taken(user, row, context)
            if message:
                problems.append(Problem(row.where, "username", message))
        elif row.username and row.password:
            _check_password(row, problems)


def _account_taken(user: User, row: PersonRow, context: Context) -> str:
    values = {"username": user.username}
    owner = context.owners.get(user.pk)
    if owner is not None and owner.personnel_no != row.id:
        return _("账号“%(username)s”已属于另一人员：%(name)s（编号 %(id)s）") % {
            **values, "name": owner.name, "id": owner.personnel_no}
    if user.technical_role:
        return _("账号“%(username)s”是技术管理员账号，不能用作人员账号") % values
    if user.is_superuser:
        return _("账号“%(username)s”是超级管理员账号，不能用作人员账号") % values
    if user.pk in context.department_users:
        return _("账号“%(username)s”属于组织部门工作人员，不能用作人员账号") % values
    return ""


def _check_password(row: PersonRow, problems: list[Problem]) -> None:
    try:
        validate_password(row.password, User(username=row.username, first_name=row.name))
    except ValidationError as error:
        problems.append(Problem(row.where, "password", _("初始密码不符合要求：%(reason)s") % {
            "reason": " ".join(error.messages)}))


def _check_assignments(plan: Plan, context: Context, problems: list[Problem]) -> None:
    known = context.known_sections(plan)
    for person in plan.people:
        for row in person.assignments:
            problem = _assignment_problem(row, plan, known, context)
            if problem:
                problems.append(Problem(row.where, *problem))


def _assignment_problem(
    row: AssignmentRow, plan: Plan, known: set[str], context: Context
) -> tuple[str, str] | None:
    if not row.organ:
        return None
    if row.organ == plan.code:
        if row.kind == AssignmentKind.SECONDMENT:
            return "organ", _("援派/挂职（secondment）的接收机关不能是本机关")
        if row.section and row.section not in known:
            return "section", _("未知科室“%(code)s”") % {"code": row.section}
        return None
    if row.organ not in context.organs:
        return "organ", _("机关代码“%(code)s”在数据库中不存在；请先导入该机关") % {
            "code": row.organ}
    if row.section and (row.organ, row.section) not in context.other_sections:
        return "section", _("机关“%(organ)s”没有代码为“%(code)s”的科室") % {
            "organ": context.organs[row.organ].name, "code": row.section}
    return None


def _check_history(
    plan: Plan, context: Context, today: datetime.date, problems: list[Problem]
) -> None:
    """A transfer or a section change closes open assignments the day before the new one
    starts, so the new start must come after theirs."""
    if not plan.code:
        return
    for row in plan.people:
        person = context.people.get(row.id)
        if person is None:
            continue
        if context.organ is None or person.organ_id != context.organ.pk:
            problems.extend(_transfer_problems(row, person, context))
        elif (person.section.code if person.section else "") != row.section:
            problems.extend(_move_problems(row, person, context, today))


def _transfer_problems(row: PersonRow, person: Person, context: Context) -> list[Problem]:
    if row.transferred_on is None:
        message = _("人员编号“%(id)s”已属于机关“%(organ)s”；如为调入本机关，请填写调入日期 "
                    "transferred_on") % {"id": row.id, "organ": person.organ.name}
        return [Problem(row.where, "id", message)]
    return [
        Problem(row.where, "transferred_on",
                _("调入日期 %(date)s 须晚于其当前任职的开始日期 %(start)s") % {
                    "date": row.transferred_on, "start": assignment.start})
        for assignment in context.open_assignments.get(person.pk, [])
        if assignment.start >= row.transferred_on
    ]


def _move_problems(
    row: PersonRow, person: Person, context: Context, today: datetime.date
) -> list[Problem]:
    start = row.since or today
    return [
        Problem(row.where, "since",
                _("科室有变动：到新科室的日期 %(date)s 须不早于当前任职的开始日期 %(start)s"
                  "（since 填到新科室的日期）") % {"date": start, "start": assignment.start})
        for assignment in context.open_assignments.get(person.pk, [])
        if assignment.kind in HOLDS_A_POST and assignment.start > start
    ]

