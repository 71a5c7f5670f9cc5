"""Which forms a user may have, and the data for many forms at once in a fixed number of
queries (a batch for a section or the whole organ). Restricted through kaohe.org.access."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.http import Http404

from kaohe.annual import selectors as annual_selectors
from kaohe.annual.models import QuarterAttendance
from kaohe.assessments import selectors as assessment_selectors
from kaohe.assessments.models import Assessment, Leave, Transition
from kaohe.documents import content
from kaohe.documents.content import OfficialForm
from kaohe.org import access
from kaohe.org.access import Actor
from kaohe.org.models import Organ, Person, Section
from kaohe.plans.models import Period
from kaohe.records.models import Entry


def person_for_forms(actor: Actor, personnel_no: str) -> Person:
    person = access.get_person(actor, personnel_no)
    if not access.may_see_forms_of(actor, person):
        raise Http404
    return person


def quarterly_form(actor: Actor, pk: int) -> OfficialForm:
    assessment = assessment_selectors.assessment_detail(actor, pk)
    attendance = QuarterAttendance.objects.filter(person=assessment.person,
                                                  period=assessment.period).first()
    return content.quarterly_form(assessment, attendance=attendance)


def annual_form(actor: Actor, personnel_no: str, year: int) -> OfficialForm:
    """The person's year as the organ deciding it has it (that of their latest quarter,
    §九(三)), with the quarters assessed elsewhere."""
    person = person_for_forms(actor, personnel_no)
    organ = annual_selectors.deciding_organ(person, year)
    view = annual_selectors.overview(annual_selectors.annual_year(organ, year),
                                     people=[person.pk], with_assessments=True)
    if not view.rows:
        raise Http404
    return content.annual_form(view.rows[0], view)


def record_book(actor: Actor, personnel_no: str, year: int) -> OfficialForm:
    return content.record_book(person_for_forms(actor, personnel_no), year)


def office_period(actor: Actor, period_id: int) -> Period:
    period = assessment_selectors.period_detail(actor, period_id)
    if not access.may_see_annual(actor, period.organ):
        raise Http404
    return period


def batch_scope(actor: Actor, organ_code: str, section_code: str = "") -> tuple[Organ,
                                                                               Section | None]:
    """The whole organ for its office, principal and organization department; one section for
    its chief and its leader in charge too."""
    organ = access.get_organ(actor, organ_code)
    if not section_code:
        if not access.may_see_annual(actor, organ):
            raise Http404
        return organ, None
    section = access.get_section(actor, organ_code, section_code)
    if not (access.may_see_annual(actor, organ) or section.pk in actor.section_ids):
        raise Http404
    return organ, section


@dataclass
class Document:
    person: Person
    path: str  # the person's folder in a zip
    form: OfficialForm


def safe_name(name: str) -> str:
    """A name usable as one folder of a zip on every system."""
    return "".join("_" if c in '/\\:*?"<>|' else c for c in name).strip() or "_"


def batch(organ: Organ, year: int, section: Section | None) -> Iterator[Document]:
    """Every form of the year for the people of the organ (or of one section): the annual
    form, each quarter's form and the record book, one folder per person."""
    view = annual_selectors.overview(annual_selectors.annual_year(organ, year),
                                     with_assessments=True)
    rows = [row for row in view.rows
            if section is None or row.person.section_id == section.pk]
    people = [row.person.pk for row in rows]
    assessments = [a for row in rows for a in row.assessments.values()]
    leaves: dict[int, list[Leave]] = {}
    for leave in Leave.objects.filter(person_id__in=people):
        leaves.setdefault(leave.person_id, []).append(leave)
    attendance = {(r.person_id, r.period_id): r for r in QuarterAttendance.objects.filter(
        person_id__in=people, period__year=year)}  # with the quarters assessed elsewhere
    history: dict[int, list[Transition]] = {}
    for transition in Transition.objects.filter(assessment__in=assessments).order_by("at", "id"):
        history.setdefault(transition.assessment_id, []).append(transition)
    entries: dict[int, list[Entry]] = {}
    for entry in content.year_entries(year).filter(person_id__in=people):
        entries.setdefault(entry.person_id, []).append(entry)
    for row in rows:
        person = row.person
        folder = (f"{safe_name(person.section.name if person.section else '')}/"
                  f"{safe_name(f'{person.name}-{person.personnel_no}')}")
        yield Document(person, folder, content.annual_form(row, view))
        for a in row.assessments.values():
            yield Document(person, folder, _quarterly(a, leaves, attendance, history))
        yield Document(person, folder,
                       content.record_book(person, year, entries.get(person.pk, [])))


def _quarterly(a: Assessment, leaves: dict[int, list[Leave]],
               attendance: dict[tuple[int, int], QuarterAttendance],
               history: dict[int, list[Transition]]) -> OfficialForm:
    return content.quarterly_form(a, leaves=leaves.get(a.person_id, []),
                                  attendance=attendance.get((a.person_id, a.period_id)),
                                  transitions=history.get(a.pk, []))
