"""Reads for pages and the API, already restricted through kaohe.org.access."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kaohe.org.access import Actor
from kaohe.org.models import (
    ASSESSED_CATEGORIES,
    CommitteeMember,
    CommitteePosition,
    Duty,
    Organ,
    OrganDuty,
    Person,
    Section,
)

SENIORITY = list(CommitteePosition.values)


def organs_for(actor: Actor, *related: str) -> QuerySet[Organ]:
    """The organs the actor sees with their headcounts, and the `related` rows the caller
    shows with them (the principal, the organization department)."""
    return Organ.objects.restrict(actor).select_related(*related).annotate(
        headcount=Count("people", filter=Q(people__active=True), distinct=True),
        assessed=Count("people", distinct=True, filter=Q(
            people__active=True, people__category__in=ASSESSED_CATEGORIES)),
    )


def sections_of(actor: Actor, organ: Organ) -> QuerySet[Section]:
    """The organ's sections with their headcounts (the structure every member may see)."""
    return _with_headcount(organ.sections.all())


def own_sections(actor: Actor) -> list[Section]:
    """The sections an actor is responsible for (as chief or leader in charge), each with its
    people (`visible`), all of whom the actor sees and the section's card counts. The people
    and their sections in one query; a section with nobody in another."""
    ids = actor.section_ids
    if not ids:
        return []
    sections: dict[int, Section] = {}
    people: dict[int, list[Person]] = {}
    for person in (Person.objects.restrict(actor, "of_own_sections").filter(active=True)
                   .select_related("section__organ")
                   .order_by("category", "personnel_no")):
        assert person.section is not None  # filtered above
        sections.setdefault(person.section.pk, person.section)
        people.setdefault(person.section.pk, []).append(person)
    if missing := ids - sections.keys():
        sections.update(Section.objects.select_related("organ").order_by().in_bulk(missing))
    for pk, section in sections.items():
        section.visible = people.get(pk, [])  # type: ignore[attr-defined]
    return sorted(sections.values(), key=lambda section: (section.organ.code, section.code))


def _with_headcount(sections: QuerySet[Section]) -> QuerySet[Section]:
    return (
        sections.select_related("organ", "leader_in_charge")
        .annotate(headcount=Count("people", filter=Q(people__active=True)))
        .order_by("organ__code", "code")
    )


def people_of_section(actor: Actor, section: Section) -> QuerySet[Person]:
    return (
        Person.objects.restrict(actor).filter(section=section, active=True)
        .select_related("user").order_by("category", "personnel_no")
    )


def people_list(actor: Actor, organ_code: str | None = None,
                section_code: str | None = None) -> QuerySet[Person]:
    people = Person.objects.restrict(actor).select_related("organ", "section")
    if organ_code:
        people = people.filter(organ__code=organ_code)
    if section_code:
        people = people.filter(section__code=section_code)
    return people.order_by("organ__code", "section__code", "category", "personnel_no")


def organ_bodies(organ: Organ) -> dict[str, list]:
    """The committee, the office and the discipline liaison: public inside the organ (§一)."""
    duties = OrganDuty.objects.filter(organ=organ).select_related("person")
    return {
        "committee": sorted(
            CommitteeMember.objects.filter(organ=organ).select_related("person"),
            key=lambda seat: SENIORITY.index(seat.position),
        ),
        "office": [d.person for d in duties if d.duty == Duty.OFFICE],
        "liaison": [d.person for d in duties if d.duty == Duty.LIAISON],
    }


SEARCH_RESULTS = 30  # enough to pick from; a longer list asks for a more precise query


def people_search(actor: Actor, query: str) -> QuerySet[Person]:
    """People the actor may see whose name or personnel number contains `query`; an empty
    query finds no one. Unsliced, so that callers narrow it further before taking
    SEARCH_RESULTS."""
    query = query.strip()
    if not query:
        return Person.objects.none()
    return (Person.objects.restrict(actor).select_related("organ", "section")
            .filter(Q(name__icontains=query) | Q(personnel_no__icontains=query))
            .order_by("-active", "name", "personnel_no"))
