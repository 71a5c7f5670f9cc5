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

The Actor and the scopes, conditions (`Q`) over field paths of the rows they restrict, are
written in kaohe/org/scopes.py, which imports no model, so that the models apply them through
`Model.objects.restrict(actor, action)` (kaohe/org/querysets.py) without an import cycle; they
are part of this module's answers and are imported from here by everything but the models.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from kaohe.org.scopes import (  # the scopes are this module's answers too
    ANONYMOUS as ANONYMOUS,
)
from kaohe.org.scopes import (
    Actor as Actor,
)
from kaohe.org.scopes import (
    Role as Role,
)
from kaohe.org.scopes import (
    appeal_scope as appeal_scope,
)
from kaohe.org.scopes import (
    appeals_handled as appeals_handled,
)
from kaohe.org.scopes import (
    approvable as approvable,
)
from kaohe.org.scopes import (
    approves_anyone as approves_anyone,
)
from kaohe.org.scopes import (
    assessment_scope as assessment_scope,
)
from kaohe.org.scopes import (
    job_scope as job_scope,
)
from kaohe.org.scopes import (
    liaison_person_id as liaison_person_id,
)
from kaohe.org.scopes import (
    organ_scope as organ_scope,
)
from kaohe.org.scopes import (
    own_assessments as own_assessments,
)
from kaohe.org.scopes import (
    people_scope as people_scope,
)
from kaohe.org.scopes import (
    placement_scope as placement_scope,
)
from kaohe.org.scopes import (
    reviewable as reviewable,
)
from kaohe.org.scopes import (
    reviews_anyone as reviews_anyone,
)
from kaohe.org.scopes import (
    section_people as section_people,
)
from kaohe.org.scopes import (
    section_scope as section_scope,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kaohe.accounts.models import User

M = TypeVar("M", bound=Model)


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
    # Unordered: one row needs no sorting, and a model's ordering may join tables to sort.
    found = queryset.order_by().first()
    if found is None:
        raise Http404
    return found


# --- what an actor may do ---------------------------------------------------------------------

def may_manage_organ(actor: Actor, organ: Organ) -> bool:
    """Change the organ's structure and settings: its office, or the system administrator."""
    return actor.is_system_admin or organ.id in actor.office_organ_ids


def may_import(actor: Actor) -> bool:
    """Who reaches the import page: an organ's office, or the system administrator."""
    return actor.is_system_admin or bool(actor.office_organ_ids)


def may_import_organ(actor: Actor, code: str, personnel_nos: list[str]) -> bool:
    """Import a file of the organ `code` from the browser: whoever may manage that organ; a
    new organ only the system administrator. A file that moves in people of another organ
    (a transfer) also needs the right to manage that organ, so that one organ's office cannot
    take another's people. (The `import-org` command, run on the server, asks no one.)"""
    if actor.is_system_admin:
        return True
    organ = Organ.objects.filter(code=code).first()
    if organ is None or not may_manage_organ(actor, organ):
        return False
    others = (Person.objects.filter(personnel_no__in=personnel_nos).exclude(organ=organ)
              .values_list("organ_id", flat=True))
    return all(organ_id in actor.office_organ_ids for organ_id in others)


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

def may_run_periods(actor: Actor, organ: Organ) -> bool:
    """Open, publish and close quarters, record leave: the organ's office."""
    return organ.id in actor.office_organ_ids


def follows_others(actor: Actor) -> bool:
    """Whether the quarter's review and approval screens concern the actor: chiefs, leaders
    in charge, the principal, the office and the organization department. A staff member's
    quarter is their own assessment only."""
    return bool(actor.section_ids or actor.whole_organ_ids or actor.department_organ_ids)


def may_assign_tasks(actor: Actor, person: Person) -> bool:
    """§七(一): the office decomposes tasks to everyone, a chief to their own section."""
    return person.organ_id in actor.office_organ_ids or (
        actor.chief_of is not None and person.section_id == actor.chief_of
    )


# --- appeals (§十(二)) ---------------------------------------------------------------------------

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


def may_see_quota_plan(actor: Actor, organ: Organ) -> bool:
    """The split of the 好 places by section, with names: whoever sees the whole organ's
    people in the reports (the office, which fixes it, and the principal)."""
    return organ.id in actor.whole_organ_ids


def may_plan_quota(actor: Actor, organ: Organ) -> bool:
    """The office splits the organ's 好 places among sections (§八(一), RULES.md decision)."""
    return organ.id in actor.office_organ_ids


def may_see_bonus(actor: Actor, organ: Organ) -> bool:
    """The quarter's bonus split, with names and amounts: the office, which records it, and
    the principal."""
    return organ.id in actor.whole_organ_ids


def may_split_bonus(actor: Actor, organ: Organ) -> bool:
    """The office sets the coefficients and records the split (§九(二))."""
    return organ.id in actor.office_organ_ids


def may_run_ballots(actor: Actor, organ: Organ) -> bool:
    """The office organises the 民主测评 (§七(三)): opens, adjusts, ends, enters paper ballots."""
    return organ.id in actor.office_organ_ids


def may_see_ballots(actor: Actor, organ: Organ) -> bool:
    """The list of ballots with who has voted and everyone's results: the office and the
    principal. Reviewers see their people's results beside the review form."""
    return organ.id in actor.whole_organ_ids


def may_remind(actor: Actor, organ: Organ) -> bool:
    """The 催办 of the progress page: the office and the principal for the whole organ, a
    leader in charge for the sections they oversee (their report scope)."""
    return organ.id in actor.whole_organ_ids or (
        bool(actor.overseen_ids) and organ.id == actor.member_organ_id)


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


# --- service recipients' opinions (§七(三), decision 0030) -------------------------------------

def may_see_recipient_links(actor: Actor, organ: Organ) -> bool:
    """The organ's links for the public, with their counts: the office and the principal."""
    return organ.id in actor.whole_organ_ids


def may_manage_recipient_links(actor: Actor, organ: Organ) -> bool:
    """The office creates and stops the links (and prints their QR codes)."""
    return organ.id in actor.office_organ_ids


def recipient_opinions_scope(actor: Actor) -> Q:
    """The Assessment rows whose person's service recipients' opinions the actor may read: who
    reviews or approves them, the office and the principal (§七(三)). Never one's own: the
    public's comments are the reviewer's to weigh, and anonymous."""
    scope = reviewable(actor) | approvable(actor) | Q(period__organ_id__in=actor.whole_organ_ids)
    return scope & ~Q(person_id=actor.person.pk) if actor.person else Q(pk__in=[])
