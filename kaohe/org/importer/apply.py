"""Applying a checked file: upserts by stable keys that save only what changed, so that importing
the same file twice changes nothing the second time. The organisation's changes — where people
work and who holds the assessment roles — go through kaohe/org/services.py."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from django.contrib.auth.hashers import make_password
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.accounts.models import User
from kaohe.org import services
from kaohe.org.importer.checks import Context
from kaohe.org.importer.schema import EXTRA_KINDS, PersonRow, Plan
from kaohe.org.models import (
    Assignment,
    AssignmentKind,
    Category,
    CommitteeMember,
    Duty,
    Organ,
    OrganDuty,
    OrgDepartment,
    Person,
    Section,
)

M = TypeVar("M", bound=Model)

# Without 0/O, 1/l/I: initial passwords are read off paper and typed in by hand.
UNAMBIGUOUS_CHARACTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 12

# Each model the import writes: its kind in the result, and the fields that identify a row, so
# that a row counts once however many of its instances are noted, even after its deletion.
KINDS: dict[type[Model], tuple[str, Promise, tuple[str, ...]]] = {
    OrgDepartment: ("org_department", gettext_lazy("组织部门"), ("code",)),
    Organ: ("organ", gettext_lazy("机关"), ("code",)),
    Section: ("section", gettext_lazy("科室"), ("organ_id", "code")),
    Person: ("person", gettext_lazy("人员"), ("personnel_no",)),
    User: ("account", gettext_lazy("账号"), ("username",)),
    Assignment: ("assignment", gettext_lazy("任职经历"),
                 ("person_id", "kind", "organ_id", "start")),
    OrganDuty: ("duty", gettext_lazy("考核职责"), ("organ_id", "person_id", "duty")),
    CommitteeMember: ("committee", gettext_lazy("考核委员会成员"), ("organ_id", "person_id")),
}
KIND_LABELS = {kind: label for kind, label, _identity in KINDS.values()}

Outcome = Literal["created", "updated", "unchanged", "deleted"]
OUTCOME_RANK: dict[Outcome, int] = {"unchanged": 0, "updated": 1, "created": 2, "deleted": 2}
SAVED: tuple[Outcome, ...] = ("created", "updated", "deleted")  # as services.Changes lists them


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass(frozen=True)
class NewAccount:
    username: str
    person_id: str
    name: str
    password: str  # empty in a dry run: no account was created
    generated: bool


@dataclass
class ImportResult:
    organ_code: str
    organ_name: str
    counts: dict[str, Counts]
    new_accounts: list[NewAccount]
    warnings: list[str]
    absent_people: int  # people of the organ in the database but not in the file (untouched)
    dry_run: bool = False

    @property
    def changed(self) -> int:
        return sum(counts.changed for counts in self.counts.values())


class _Tally:
    """What happened to each row; a row noted twice counts once, by its biggest change."""

    def __init__(self) -> None:
        self.outcomes: dict[tuple[str, tuple[str, ...]], Outcome] = {}

    def note(self, row: Model, outcome: Outcome) -> None:
        kind, _label, fields = KINDS[type(row)]
        key = (kind, tuple(str(getattr(row, name)) for name in fields))
        previous = self.outcomes.get(key)
        if previous is None or OUTCOME_RANK[outcome] > OUTCOME_RANK[previous]:
            self.outcomes[key] = outcome

    def record(self, changes: services.Changes) -> None:
        saved = (changes.created, changes.updated, changes.deleted)
        for outcome, rows in zip(SAVED, saved, strict=True):
            for row in rows:
                self.note(row, outcome)

    def counts(self) -> dict[str, Counts]:
        counts = {kind: Counts() for kind in KIND_LABELS}
        for (kind, _key), outcome in self.outcomes.items():
            setattr(counts[kind], outcome, getattr(counts[kind], outcome) + 1)
        return counts


class Applier:
    """Writes a checked plan. Runs inside the import's transaction."""

    organ: Organ
    sections: dict[str, Section]

    def __init__(self, plan: Plan, context: Context, today: datetime.date) -> None:
        self.plan, self.context, self.today = plan, context, today
        self.tally = _Tally()
        self.new_accounts: list[NewAccount] = []
        # Hashing is deliberately slow (tens of milliseconds): an initial password that the
        # file gives to many accounts (the demo's) is hashed once. Generated ones all differ.
        self.hashes: dict[str, str] = {}

    def run(self) -> ImportResult:
        self.organ = self.upsert_organ(self.upsert_department())
        self.sections = self.upsert_sections()
        accounts = self.upsert_accounts()
        self.park_moving_chiefs()
        people = {row.id: self.upsert_person(row, accounts.get(row.username))
                  for row in self.plan.people}
        self.upsert_extra_assignments(people)
        self.set_principal_and_leaders(people)
        self.sync_duties(people)
        self.sync_committee(people)
        return ImportResult(
            organ_code=self.organ.code,
            organ_name=self.organ.name,
            counts=self.tally.counts(),
            new_accounts=self.new_accounts,
            warnings=_warnings(self.plan, self.organ, self.sections),
            absent_people=Person.objects.filter(organ=self.organ)
            .exclude(personnel_no__in=[row.id for row in self.plan.people]).count(),
        )

    def store(self, obj: M, values: Mapping[str, Any]) -> M:
        """Create `obj` if it is new; otherwise save only the fields whose value changed."""
        if obj.pk is None:
            for name, value in values.items():
                setattr(obj, name, value)
            obj.save()
            self.tally.note(obj, "created")
        elif changed := self.differing(obj, values):
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
        return obj

    def differing(self, obj: Model, wanted: Mapping[str, Any]) -> list[str]:
        """The fields of `obj` that differ from what the file wants; it counts as updated or
        unchanged."""
        names = [name for name, value in wanted.items() if getattr(obj, name) != value]
        self.tally.note(obj, "updated" if names else "unchanged")
        return names

    # organ and sections

    def upsert_department(self) -> OrgDepartment | None:
        filed_with = self.plan.filed_with
        if filed_with is None:
            return None
        department = (OrgDepartment.objects.filter(code=filed_with.code).first()
                      or OrgDepartment(code=filed_with.code))
        return self.store(department, {"name": filed_with.name})

    def upsert_organ(self, department: OrgDepartment | None) -> Organ:
        values: dict[str, Any] = {"name": self.plan.name}
        if department is not None:  # not given: the organ stays filed where it was
            values["filed_with_id"] = department.pk
        return self.store(self.context.organ or Organ(code=self.plan.code), values)

    def upsert_sections(self) -> dict[str, Section]:
        sections = dict(self.context.sections)
        for row in self.plan.sections:
            section = sections.get(row.code) or Section(organ=self.organ, code=row.code)
            sections[row.code] = self.store(section, {"name": row.name,
                                                      "frontline": row.frontline})
        return sections

    # accounts and people

    def upsert_accounts(self) -> dict[str, User]:
        accounts = {}
        for row in self.plan.people:
            if not row.username:
                continue
            user = self.context.users.get(row.username)
            if user is None:
                accounts[row.username] = self.create_account(row)
            else:  # the password is never reset: the person may have changed it
                # A departure (active: false) closes the account too.
                accounts[row.username] = self.store(user, {"first_name": row.name,
                                                           "is_active": row.active})
        return accounts

    def create_account(self, row: PersonRow) -> User:
        password = row.password or _generate_password()
        user = User(username=row.username, first_name=row.name, is_active=row.active,
                    must_change_password=row.must_change_password)
        if password not in self.hashes:
            self.hashes[password] = make_password(password)
        user.password = self.hashes[password]
        self.store(user, {})
        self.new_accounts.append(NewAccount(row.username, row.id, row.name, password,
                                            generated=not row.password))
        return user

    def park_moving_chiefs(self) -> None:
        """The database allows one active chief per section at every single save, so chiefs
        who move or step down are made inactive first; otherwise two chiefs swapping sections
        would collide halfway. Their final state is saved right after."""
        for row in self.plan.people:
            person = self.context.people.get(row.id)
            if person is None or not (person.active and person.category == Category.CHIEF):
                continue
            stays = (row.category == Category.CHIEF and row.active
                     and person.section_id == self.section_id(row.section))
            if not stays:
                person.active = False
                person.save(update_fields=["active"])

    def section_id(self, code: str) -> int | None:
        return self.sections[code].pk if code else None

    def upsert_person(self, row: PersonRow, user: User | None) -> Person:
        section = self.sections[row.section] if row.section else None
        default_frontline = section.frontline if section else False
        values: dict[str, Any] = {
            "name": row.name, "organ_id": self.organ.pk, "section_id": self.section_id(row.section),
            "category": row.category, "title": row.title, "rank": row.rank,
            "frontline": default_frontline if row.frontline is None else row.frontline,
            "active": row.active, "sex": row.sex or "", "birth_month": row.birth_month or "",
            "political_status": row.political_status, "in_post_since": row.in_post_since,
            "work": row.work,
        }
        if user is not None:
            values["user_id"] = user.pk
        person = self.context.people.get(row.id)
        if person is None:
            person = self.store(Person(personnel_no=row.id), values)
            kind = AssignmentKind.TRANSFER if row.transferred_on else AssignmentKind.POST
            self.tally.note(services.assignment_open(
                person=person, organ=self.organ, section=section, kind=kind.value,
                start=row.transferred_on or row.since or self.today), "created")
            return person
        if person.organ_id != self.organ.pk:
            assert row.transferred_on is not None  # checked: a move between organs needs it
            self.tally.record(services.person_transfer(
                person=person, organ=self.organ, section=section, on=row.transferred_on))
        elif person.section_id != values["section_id"]:
            self.tally.record(services.person_move_section(
                person=person, section=section, on=row.since or self.today))
        return self.store(person, values)

    def upsert_extra_assignments(self, people: Mapping[str, Person]) -> None:
        """Secondments and training: created (a secondment suspends the home post), or
        recorded again by person, kind, organ and start; never deleted. The same file again
        changes nothing."""
        organs = {**self.context.organs, self.organ.code: self.organ}
        sections = {**self.context.other_sections,
                    **{(self.organ.code, code): section for code, section in self.sections.items()}}
        for row in self.plan.people:
            if not row.assignments:
                continue
            person = people[row.id]
            existing = {(a.kind, a.organ_id, a.start): a
                        for a in person.assignments.filter(kind__in=EXTRA_KINDS)}
            for item in row.assignments:
                assert item.kind is not None and item.start is not None  # both are required
                organ = organs[item.organ]
                section = sections[(organ.code, item.section)] if item.section else None
                assignment = existing.get((item.kind, organ.pk, item.start))
                if assignment is None:
                    self.tally.note(services.secondment_open(
                        person=person, organ=organ, section=section, kind=item.kind,
                        start=item.start, end=item.end, note=item.note), "created")
                elif self.differing(assignment, {"section_id": section.pk if section else None,
                                                 "end": item.end, "note": item.note}):
                    services.assignment_amend(assignment=assignment, section=section,
                                              end=item.end, note=item.note)

    # roles: they match the file exactly

    def set_principal_and_leaders(self, people: Mapping[str, Person]) -> None:
        principal = next((people[row.id] for row in self.plan.people if row.principal), None)
        if self.differing(self.organ, {"principal_id": principal.pk if principal else None}):
            services.organ_set_principal(organ=self.organ, person=principal)
        leaders = {code: people[row.id] for row in self.plan.people for code in row.oversees}
        for section in self.sections.values():
            leader = leaders.get(section.code)
            if self.differing(section, {"leader_in_charge_id": leader.pk if leader else None}):
                services.section_set_leader(section=section, person=leader)

    def sync_duties(self, people: Mapping[str, Person]) -> None:
        wanted = {
            (people[ref.person], duty): None
            for refs, duty in ((self.plan.office, Duty.OFFICE.value),
                               (self.plan.liaison, Duty.LIAISON.value))
            for ref in refs
        }
        have = {(duty.person_id, duty.duty): duty
                for duty in OrganDuty.objects.filter(organ=self.organ)}
        for person, kind in wanted:
            duty = have.pop((person.pk, kind), None)
            if duty is None:
                duty = services.duty_add(organ=self.organ, person=person, duty=kind)
                self.tally.note(duty, "created")
            else:
                self.tally.note(duty, "unchanged")
        for duty in have.values():
            services.duty_remove(duty=duty)
            self.tally.note(duty, "deleted")

    def sync_committee(self, people: Mapping[str, Person]) -> None:
        have = {seat.person_id: seat for seat in CommitteeMember.objects.filter(organ=self.organ)}
        for ref in self.plan.committee:
            person, position = people[ref.person], ref.position
            assert position is not None  # checked: it is required
            seat = have.pop(person.pk, None)
            if seat is None:
                seat = services.committee_seat(organ=self.organ, person=person,
                                               position=position)
                self.tally.note(seat, "created")
            elif self.differing(seat, {"position": position}):
                services.committee_seat(organ=self.organ, person=person, position=position)
        for seat in have.values():
            services.committee_unseat(seat=seat)
            self.tally.note(seat, "deleted")


def _generate_password() -> str:
    return "".join(secrets.choice(UNAMBIGUOUS_CHARACTERS) for _ in range(PASSWORD_LENGTH))


def _warnings(plan: Plan, organ: Organ, sections: Mapping[str, Section]) -> list[str]:
    """Not errors, but the assessment cannot run well until they are fixed."""
    warnings = []
    if organ.principal_id is None:
        warnings.append(_("没有标记主要负责人（principal）：科室正职的等次无人审定"))
    if not plan.office:
        warnings.append(_("没有指定办公室人员（office）：无人组织本机关的考核"))
    for code, section in sections.items():
        if section.leader_in_charge_id is None:
            warnings.append(_("科室“%(code)s”（%(name)s）没有分管领导") % {
                "code": code, "name": section.name})
    for row in plan.people:
        if row.password and not row.username:
            warnings.append(_("%(where)s：给了初始密码但没有账号（username），密码未使用") % {
                "where": row.where})
    return warnings
