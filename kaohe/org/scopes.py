"""Who is acting, and the rows they may see or act on, as conditions (`Q`) over field paths.

This is the part of kaohe/org/access.py that the models' restricted querysets apply
(`Model.objects.restrict(actor, action)`, kaohe/org/querysets.py), so it imports no model:
a models module can import it at the top without importing itself back. Everything here is
also reachable as `kaohe.org.access.X`, the one place that answers who may see and do what.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q

from kaohe.accounts.models import TechnicalRole
from kaohe.org.choices import Category

if TYPE_CHECKING:
    from kaohe.accounts.models import User
    from kaohe.org.models import Person


class Role:
    STAFF = "staff"
    CHIEF = "chief"
    LEADER = "leader"
    PRINCIPAL = "principal"
    OFFICE = "office"
    LIAISON = "liaison"
    COMMITTEE = "committee"
    ORG_DEPARTMENT = "org_department"


@dataclass(frozen=True)
class Actor:
    """What one signed-in account is, derived once per request."""

    user: User | None
    person: Person | None = None
    roles: frozenset[str] = frozenset()
    technical_role: str = ""
    whole_organ_ids: frozenset[int] = frozenset()  # principal, office
    section_ids: frozenset[int] = frozenset()  # own section as chief, overseen sections
    chief_of: int | None = None  # the section this actor heads
    overseen_ids: frozenset[int] = frozenset()  # sections this actor oversees as leader
    department_organ_ids: frozenset[int] = frozenset()  # read-only, organization department
    office_organ_ids: frozenset[int] = field(default=frozenset())

    @property
    def is_system_admin(self) -> bool:
        return self.technical_role == TechnicalRole.SYSTEM

    @property
    def is_security_admin(self) -> bool:
        return self.technical_role == TechnicalRole.SECURITY

    @property
    def is_audit_admin(self) -> bool:
        return self.technical_role == TechnicalRole.AUDIT

    @property
    def member_organ_id(self) -> int | None:
        return self.person.organ_id if self.person else None

    @property
    def readable_organ_ids(self) -> frozenset[int]:
        """Organs whose structure (name, sections) this actor may look at."""
        own = {self.member_organ_id} if self.member_organ_id else set()
        return frozenset(own) | self.department_organ_ids


ANONYMOUS = Actor(user=None)


# --- organs, sections, people ----------------------------------------------------------------

def organ_scope(actor: Actor) -> Q:
    """The Organ rows whose structure this actor may look at: every organ for the system
    administrator, else the own organ and those filed with the actor's department."""
    return Q() if actor.is_system_admin else Q(id__in=actor.readable_organ_ids)


def section_scope(actor: Actor) -> Q:
    """The Section rows of the organs this actor may look at (see organ_scope)."""
    return Q() if actor.is_system_admin else Q(organ_id__in=actor.readable_organ_ids)


def people_scope(actor: Actor) -> Q:
    """The condition on Person rows this actor may see; reused by every people query."""
    if actor.is_system_admin:
        return Q()
    if actor.user is None:
        return Q(pk__in=[])
    scope = Q(organ_id__in=actor.whole_organ_ids | actor.department_organ_ids)
    scope |= Q(section_id__in=actor.section_ids)
    if actor.person:
        scope |= Q(pk=actor.person.pk)
    return scope


def section_people(actor: Actor) -> Q:
    """The people of the sections the actor heads or oversees, every one of whom people_scope
    shows them: the home page lists them without that scope's other conditions."""
    return Q(section_id__in=actor.section_ids) if actor.section_ids else Q(pk__in=[])


def placement_scope(actor: Actor, today: datetime.date) -> Q | None:
    """The Assignment rows that show their person to this actor beyond people_scope: the
    people an organ assesses without employing them (seconded in; transferred in or out
    during the year), to its principal and office while the placement runs or ended since the
    start of last year — the quarters still to assess, appeal or roll into a year — and to a
    section's chief and leader in charge while it runs. None: nothing to add."""
    if actor.is_system_admin or actor.user is None:
        return None
    organs = (Q(organ_id__in=actor.whole_organ_ids)
              & (Q(end__isnull=True) | Q(end__gte=datetime.date(today.year - 1, 1, 1))))
    sections = Q(section_id__in=actor.section_ids) & (Q(end__isnull=True) | Q(end__gte=today))
    return (organs | sections) if actor.whole_organ_ids or actor.section_ids else None


# --- assessments: who sees them, who reviews and who approves them ---------------------------

def assessment_scope(actor: Actor) -> Q:
    """The Assessment rows this actor may see by position: the own, the sections' and the
    organs' (see the module's docstring). The ones a discipline liaison was asked about are
    added by the assessments' restricted queryset (see liaison_person_id). The system
    administrator sees none: the machine's keeper is not the assessment's (三员分立)."""
    if actor.user is None or (actor.person is None and not actor.department_organ_ids):
        return Q(pk__in=[])
    scope = Q(period__organ_id__in=actor.whole_organ_ids | actor.department_organ_ids)
    scope |= Q(section_id__in=actor.section_ids)
    if actor.person:
        scope |= Q(person_id=actor.person.pk)
    return scope


def own_assessments(actor: Actor) -> Q:
    """The actor's own assessments, which assessment_scope always shows them: the to-do and
    the quarters page ask for these alone, without the whole scope's conditions."""
    if actor.user is None or actor.person is None:
        return Q(pk__in=[])
    return Q(person_id=actor.person.pk)


def liaison_person_id(actor: Actor) -> int | None:
    """The person under whom this actor answers as discipline liaison, or None. Besides what
    their position shows them, a liaison sees each assessment their opinion was asked on
    (§七(三)); the requests live in the assessments app, whose restricted queryset adds
    those rows."""
    if actor.person is None or Role.LIAISON not in actor.roles:
        return None
    return actor.person.pk


def reviewable(actor: Actor) -> Q:
    """§七(三): the section chief reviews the section's staff; the leader in charge reviews
    the chiefs of the sections they oversee."""
    scope = Q(pk__in=[])
    if actor.chief_of:
        scope |= Q(category=Category.STAFF, section_id=actor.chief_of)
    if actor.overseen_ids:
        scope |= Q(category=Category.CHIEF, section_id__in=actor.overseen_ids)
    return scope & _not_own(actor)


def reviews_anyone(actor: Actor) -> bool:
    """Whether reviewable can hold anyone: its conditions, without a query."""
    return bool(actor.chief_of or actor.overseen_ids)


def _not_own(actor: Actor) -> Q:
    """Nobody reviews or approves their own assessment, whatever else they are."""
    return ~Q(person_id=actor.person.pk) if actor.person else Q()


def approvable(actor: Actor) -> Q:
    """§七(三): the leader in charge approves staff grades; the principal approves the section
    chiefs' (the office may record the leadership team's decision instead)."""
    scope = Q(pk__in=[])
    if actor.overseen_ids:
        scope |= Q(category=Category.STAFF, section_id__in=actor.overseen_ids)
    if Role.PRINCIPAL in actor.roles or Role.OFFICE in actor.roles:
        scope |= Q(category=Category.CHIEF, period__organ_id__in=actor.whole_organ_ids)
    return scope & _not_own(actor)


def approves_anyone(actor: Actor) -> bool:
    """Whether approvable can hold anyone: its conditions, without a query."""
    return bool(actor.overseen_ids
                or (actor.whole_organ_ids and actor.roles & {Role.PRINCIPAL, Role.OFFICE}))


# --- appeals (§十(二)) ---------------------------------------------------------------------------

def appeal_scope(actor: Actor) -> Q:
    """The Appeal rows this actor may see: their own, and, for the office, every appeal on
    its organ's assessments (the office handles appeals, RULES.md vocabulary). Nobody else:
    the committee's and others' opinions reach the appeal through the office (decision 0005)."""
    if actor.person is None:
        return Q(pk__in=[])
    return (Q(assessment__person_id=actor.person.pk)
            | Q(assessment__period__organ_id__in=actor.office_organ_ids))


def appeals_handled(actor: Actor, via: str = "") -> Q:
    """What this actor may handle: register a paper appeal for, gather opinions on, decide.
    The office of the assessing organ, never on its own assessment. `via` is the path from
    the queried model to the assessment ("assessment__" for Appeal rows, "" for Assessment)."""
    scope = Q(**{f"{via}period__organ_id__in": actor.office_organ_ids})
    if actor.person:
        scope &= ~Q(**{f"{via}person_id": actor.person.pk})
    return scope


# --- background jobs (decision 0028) -----------------------------------------------------------

def job_scope(actor: Actor) -> Q:
    """A job, its progress and its file are its owner's alone: what it makes was checked
    against the owner's own scope when they asked for it, and again when it ran."""
    return Q(pk__in=[]) if actor.user is None else Q(owner_id=actor.user.pk)
