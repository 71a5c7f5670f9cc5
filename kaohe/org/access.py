"""Who may see and do what. The one place that answers it; views, API and reports all ask here.

Scopes follow from the organisation data (RULES.md, vocabulary), never from a second list:
- a staff member sees themself;
- a section chief sees their section;
- a leader in charge sees the sections they oversee;
- the principal and the office see their whole organ (the office may also manage it);
- organization-department staff see the organs filed with them, read-only;
- the system administrator sees every organ's structure (never grades, which later selectors
  check with `may_see_grades`); the security and audit administrators see no organ data.
Anything outside a scope is answered with 404, so that its existence is not revealed.

A scope is a condition (`Q`) over field paths of the rows it restricts; the models apply it
through `Model.objects.restrict(actor, action)` (kaohe/org/querysets.py). This module imports
no model of the apps that build on org (assessments, appeals, …): their querysets ask here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from kaohe.accounts.models import SecondFactorPolicy, TechnicalRole
from kaohe.org.models import (
    Category,
    CommitteeMember,
    Duty,
    Organ,
    OrganDuty,
    OrgDepartment,
    Person,
    Section,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kaohe.accounts.models import User

M = TypeVar("M", bound=Model)


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


def actor_for(user: User | AnonymousUser | None) -> Actor:
    """The actor behind an account, computed once and kept on the user object."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached: Actor | None = getattr(user, "_kaohe_actor", None)
    if cached is None:
        cached = _build_actor(user)
        setattr(user, "_kaohe_actor", cached)  # noqa: B010 (a per-request cache on the user)
    return cached


# One query for the person and the facts their roles follow from. Every request asks: the
# annotated queryset is built once here and only filtered per request (a third of its cost).
# A plain QuerySet rather than Person.objects, whose restricted queryset the type checker
# does not carry the annotations through.
_mine = OuterRef("pk")
PERSON_WITH_ROLE_FACTS = QuerySet(Person).select_related("organ", "section").annotate(
    oversees=Exists(Section.objects.filter(leader_in_charge=_mine)),
    is_office=Exists(OrganDuty.objects.filter(person=_mine, duty=Duty.OFFICE)),
    is_liaison=Exists(OrganDuty.objects.filter(person=_mine, duty=Duty.LIAISON)),
    on_committee=Exists(CommitteeMember.objects.filter(person=_mine)))


def _build_actor(user: User) -> Actor:
    if user.technical_role:
        # 三员分立: a technical administrator holds no organ role, even if an account of theirs
        # were linked to a person or an organization department by mistake.
        return Actor(user=user, technical_role=user.technical_role)
    department_organs = frozenset(
        Organ.objects.filter(filed_with__in=OrgDepartment.objects.filter(members=user))
        .values_list("id", flat=True)
    )
    roles = {Role.ORG_DEPARTMENT} if department_organs else set()
    person = PERSON_WITH_ROLE_FACTS.filter(user=user, active=True).first()
    if person is None:
        return Actor(user=user, roles=frozenset(roles), technical_role=user.technical_role,
                     department_organ_ids=department_organs)

    overseen = (frozenset(person.overseen_sections.values_list("id", flat=True))
                if person.oversees else frozenset())
    sections = set(overseen)
    if sections:
        roles.add(Role.LEADER)
    if person.category == Category.CHIEF and person.section_id:
        roles.add(Role.CHIEF)
        sections.add(person.section_id)
    elif person.category == Category.STAFF:
        roles.add(Role.STAFF)
    roles |= {Role.OFFICE} if person.is_office else set()
    roles |= {Role.LIAISON} if person.is_liaison else set()
    if person.on_committee:
        roles.add(Role.COMMITTEE)
    if person.organ.principal_id == person.id:
        roles.add(Role.PRINCIPAL)
    whole = frozenset({person.organ_id}) if roles & {Role.PRINCIPAL, Role.OFFICE} else frozenset()
    return Actor(
        user=user,
        person=person,
        roles=frozenset(roles),
        technical_role=user.technical_role,
        whole_organ_ids=whole,
        section_ids=frozenset(sections),
        chief_of=person.section_id if Role.CHIEF in roles else None,
        overseen_ids=overseen,
        department_organ_ids=department_organs,
        office_organ_ids=frozenset({person.organ_id}) if Role.OFFICE in roles else frozenset(),
    )


# --- what an actor may see -------------------------------------------------------------------

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


# --- fetching one object, 404 when out of scope -----------------------------------------------

def get_organ(actor: Actor, code: str) -> Organ:
    return one_or_404(Organ.objects.restrict(actor).filter(code=code))


def get_section(actor: Actor, organ_code: str, code: str) -> Section:
    return one_or_404(Section.objects.restrict(actor).select_related("organ", "leader_in_charge")
                      .filter(organ__code=organ_code, code=code))


def get_person(actor: Actor, personnel_no: str) -> Person:
    return one_or_404(Person.objects.restrict(actor).select_related("organ", "section")
                      .filter(personnel_no=personnel_no))


def one_or_404(queryset: QuerySet[M]) -> M:
    found = queryset.first()
    if found is None:
        raise Http404
    return found


# --- what an actor may do ---------------------------------------------------------------------

def may_manage_organ(actor: Actor, organ: Organ) -> bool:
    """Change the organ's structure and settings: its office, or the system administrator."""
    return actor.is_system_admin or organ.id in actor.office_organ_ids


def may_read_audit(actor: Actor) -> bool:
    """Only the audit administrator reads the audit log (三员分立); nobody changes it."""
    return actor.technical_role == TechnicalRole.AUDIT


# Organ roles that need a second factor when their organ's policy asks for it.
SECOND_FACTOR_ROLES = frozenset({Role.OFFICE, Role.PRINCIPAL, Role.LEADER})


def second_factor_required(actor: Actor) -> bool:
    """Always for the three technical administrators (unless KAOHE_2FA_TECHNICAL_ADMINS is
    off); for the office, the principal and leaders in charge (and any leadership member) when
    their organ's policy says so."""
    if actor.technical_role:
        return bool(settings.KAOHE_2FA_TECHNICAL_ADMINS)
    if actor.person is None:
        return False
    leading = (bool(actor.roles & SECOND_FACTOR_ROLES)
               or actor.person.category == Category.LEADERSHIP)
    return leading and SecondFactorPolicy.objects.filter(
        organ_id=actor.person.organ_id, required=True).exists()


def may_see_grades(actor: Actor) -> bool:
    """The system administrator runs the machine, not the assessment (三员分立)."""
    return actor.person is not None or Role.ORG_DEPARTMENT in actor.roles


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


def may_run_periods(actor: Actor, organ: Organ) -> bool:
    """Open, publish and close quarters, record leave: the organ's office."""
    return organ.id in actor.office_organ_ids


def may_assign_tasks(actor: Actor, person: Person) -> bool:
    """§七(一): the office decomposes tasks to everyone, a chief to their own section."""
    return person.organ_id in actor.office_organ_ids or (
        actor.chief_of is not None and person.section_id == actor.chief_of
    )


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


def may_list_appeals_to_handle(actor: Actor) -> bool:
    """Whether the appeals page shows the organ's appeals (the office) or only one's own."""
    return bool(actor.office_organ_ids)
# --- the annual link (§九(三)–(四)) and the official documents --------------------------------

def may_see_annual(actor: Actor, organ: Organ) -> bool:
    """The year's recommendations of the whole organ: its office and principal, and the
    organization department it files with (read-only)."""
    return organ.id in actor.whole_organ_ids or organ.id in actor.department_organ_ids


def may_run_annual(actor: Actor, organ: Organ) -> bool:
    """Confirm or override recommendations, settings, 公示, closing and archive: the office."""
    return organ.id in actor.office_organ_ids


def may_see_forms_of(actor: Actor, person: Person) -> bool:
    """A person's official forms carry grades: whoever sees the person and may see grades
    (the person, their chief and leader in charge, the principal, the office, the
    organization department); never the system administrator (三员分立)."""
    return may_see_grades(actor) and Person.objects.restrict(actor).filter(pk=person.pk).exists()
# --- statistics and analysis (kaohe/reports) -------------------------------------------------

@dataclass(frozen=True)
class ReportScope:
    """What an actor's dashboards, tables and exports of one organ cover.

    `section_ids` None means the whole organ; `people` False means aggregates only: the
    organization department looks at organs from outside and gets counts, never names
    (decision 0011), although it may open single assessments."""

    organ_id: int
    section_ids: frozenset[int] | None
    people: bool

    def assessments(self) -> Q:
        """The condition on Assessment rows the dashboards aggregate."""
        scope = Q(period__organ_id=self.organ_id)
        if self.section_ids is not None:
            scope &= Q(section_id__in=self.section_ids)
        return scope

    def sections(self) -> Q:
        scope = Q(organ_id=self.organ_id)
        if self.section_ids is not None:
            scope &= Q(id__in=self.section_ids)
        return scope

    @property
    def whole_organ(self) -> bool:
        return self.section_ids is None


def report_scope(actor: Actor, organ: Organ) -> ReportScope | None:
    """§六 统计汇总: the principal and the office see the whole organ, a leader in charge the
    sections they oversee, a chief their section; the organization department sees the organs
    filed with it, aggregates only. Staff members and the technical administrators: none."""
    if organ.id in actor.whole_organ_ids:
        return ReportScope(organ.id, None, people=True)
    if actor.section_ids and organ.id == actor.member_organ_id:
        return ReportScope(organ.id, actor.section_ids, people=True)
    if organ.id in actor.department_organ_ids:
        return ReportScope(organ.id, None, people=False)
    return None


def get_report_scope(actor: Actor, organ: Organ) -> ReportScope:
    scope = report_scope(actor, organ)
    if scope is None:
        raise Http404
    return scope


def may_plan_quota(actor: Actor, organ: Organ) -> bool:
    """The office splits the organ's 好 places among sections (§八(一), RULES.md decision)."""
    return organ.id in actor.office_organ_ids


def may_see_person_report(actor: Actor, person: Person) -> bool:
    """A person's grades over the quarters: the person, and whoever sees the person's
    section in the reports (the organization department sees aggregates only)."""
    if actor.person is not None and actor.person.pk == person.pk:
        return True
    if person.organ_id in actor.whole_organ_ids:
        return True
    return person.section_id is not None and person.section_id in actor.section_ids


def department_organs(actor: Actor) -> QuerySet[Organ]:
    """The organs filed with the actor's organization department, as a subquery-able set."""
    if not actor.department_organ_ids or actor.user is None:
        return Organ.objects.none()
    return Organ.objects.filter(filed_with__members=actor.user)
