"""The organisation's state changes: one function per change, each in one transaction.

Where people work — their assignment history, which decides the organ that assesses them
(decision 0003) — and who holds the organ's assessment roles: its principal, the leaders in
charge of its sections, the office and the discipline liaison, the committee. The import
(kaohe/org/importer) calls them for every such change a file brings, as an office page would.
A refusal raises kaohe.errors and leaves nothing half-written; the audit log records every
save through its signals.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from kaohe.errors import Invalid
from kaohe.org.models import (
    Assignment,
    AssignmentKind,
    Category,
    CommitteeMember,
    Organ,
    OrganDuty,
    Person,
    Section,
)

RULE_WHERE = "§十(三)"  # transfers, secondments: who assesses whom
RULE_ROLES = "§七(三)"  # the principal, leaders in charge, office and liaison
# The assignments that are a person's post in their own organ; a secondment or training runs
# beside it.
HOLDS_A_POST = (AssignmentKind.POST.value, AssignmentKind.TRANSFER.value)
DAY = datetime.timedelta(days=1)


@dataclass
class Changes:
    """The rows a change saved, for a caller that reports them (the import counts them)."""

    created: list[Model] = field(default_factory=list)
    updated: list[Model] = field(default_factory=list)
    deleted: list[Model] = field(default_factory=list)


def _lock(person: Person) -> None:
    """Re-read the person under a lock, so that two changes of where they work at once see
    each other."""
    person.refresh_from_db(from_queryset=Person.objects.select_for_update())


def _check_section(organ: Organ, section: Section | None) -> None:
    if section is not None and section.organ_id != organ.pk:
        raise Invalid(_("机关“%(organ)s”没有代码为“%(code)s”的科室") % {
            "organ": organ.name, "code": section.code}, rule=RULE_WHERE)


def _check_end(start: datetime.date, end: datetime.date | None) -> None:
    if end is not None and end < start:
        raise Invalid(_("结束日期 %(end)s 早于开始日期 %(start)s") % {"end": end, "start": start},
                      rule=RULE_WHERE)


# --- assignments --------------------------------------------------------------------------------


@transaction.atomic
def assignment_open(*, person: Person, organ: Organ, kind: str, start: datetime.date,
                    section: Section | None = None, end: datetime.date | None = None,
                    note: str = "") -> Assignment:
    """From `start`, `organ` assesses the person (§十(三), decision 0003): their post or a
    transfer there, a secondment to it, or training it arranged; until `end` if known."""
    _check_section(organ, section)
    _check_end(start, end)
    return Assignment.objects.create(person=person, organ=organ, section=section, kind=kind,
                                     start=start, end=end, note=note)


@transaction.atomic
def assignment_close(*, assignment: Assignment, end: datetime.date) -> Assignment:
    """The assignment's last day is `end`; not before its first. A secondment's home post
    resumes the next day."""
    _check_end(assignment.start, end)
    assignment.end = end
    assignment.save(update_fields=["end"])
    _resume_home_post(assignment)
    return assignment


@transaction.atomic
def assignment_amend(*, assignment: Assignment, section: Section | None,
                     end: datetime.date | None, note: str) -> Assignment:
    """A secondment or training recorded again: its section, end (extended, shortened, open)
    and note. Person, kind, organ and start identify it and stay; a secondment's home post
    resumes the day after the new end."""
    _check_section(assignment.organ, section)
    _check_end(assignment.start, end)
    assignment.section, assignment.end, assignment.note = section, end, note
    assignment.save(update_fields=["section", "end", "note"])
    _resume_home_post(assignment)
    return assignment


# --- secondments: the home post suspended while they run -----------------------------------------


@transaction.atomic
def secondment_open(*, person: Person, organ: Organ, kind: str, start: datetime.date,
                    section: Section | None = None, end: datetime.date | None = None,
                    note: str = "") -> Assignment:
    """援派/挂职 from `start` (§十(三)): the receiving organ assesses the person while it runs,
    so the home post is suspended — it ends the day before — and resumes, in the same
    section, the day after `end` (at once if known, else when the secondment is closed).
    Training and special work (`kind` training) run beside the post without suspending it."""
    _lock(person)
    if kind == AssignmentKind.SECONDMENT and organ.pk == person.organ_id:
        raise Invalid(_("援派/挂职的接收机关不能是本机关"), rule=RULE_WHERE)
    arrangement = assignment_open(person=person, organ=organ, kind=kind, start=start,
                                  section=section, end=end, note=note)
    if kind != AssignmentKind.SECONDMENT:
        return arrangement
    for post in _home_posts(person).filter(start__lte=start).exclude(end__lt=start):
        if post.start == start:
            raise Invalid(_("援派/挂职开始日期 %(date)s 须晚于其本单位任职的开始日期") % {
                "date": start}, rule=RULE_WHERE)
        resumed_end, post.end = post.end, start - DAY
        post.save(update_fields=["end"])
        if end is not None and (resumed_end is None or resumed_end > end):
            Assignment.objects.create(person=person, organ=post.organ, section=post.section,
                                      kind=AssignmentKind.POST, start=end + DAY,
                                      end=resumed_end, resumes_after=arrangement)
    return arrangement


def _home_posts(person: Person) -> QuerySet[Assignment]:
    return Assignment.objects.filter(person=person, organ=person.organ, kind__in=HOLDS_A_POST)


def _resume_home_post(secondment: Assignment) -> None:
    """Keep the home post's resumption on the day after the secondment's end: moved with it,
    withdrawn while the end is open, added when the end becomes known. Nothing to do for a
    post that was not suspended (the person left the organ, or never held a post there)."""
    if secondment.kind != AssignmentKind.SECONDMENT:
        return
    resumed = Assignment.objects.filter(resumes_after=secondment).first()
    if secondment.end is None:
        if resumed is not None:
            resumed.delete()
        return
    if resumed is not None:
        _check_end(secondment.end + DAY, resumed.end)
        resumed.start = secondment.end + DAY
        resumed.save(update_fields=["start"])
        return
    person = secondment.person
    suspended = _home_posts(person).filter(end=secondment.start - DAY).last()
    if suspended is not None and not _home_posts(person).filter(start__gt=secondment.start):
        Assignment.objects.create(person=person, organ=suspended.organ,
                                  section=suspended.section, kind=AssignmentKind.POST,
                                  start=secondment.end + DAY, resumes_after=secondment)


# --- where a person works -----------------------------------------------------------------------


@transaction.atomic
def person_move_section(*, person: Person, section: Section | None,
                        on: datetime.date) -> Changes:
    """A move to another section of the person's organ on `on` (None: out of any section).
    Their open post ends the day before and a post in the new section starts on `on`; a move
    dated on the day the post began corrects its section instead. A move dated before it began
    is refused (assignment_close)."""
    _lock(person)
    _check_section(person.organ, section)
    changes = Changes(updated=[person])
    corrected = False
    for post in Assignment.objects.filter(person=person, end__isnull=True, kind__in=HOLDS_A_POST):
        if post.start == on:
            post.section = section
            post.save(update_fields=["section"])
            changes.updated.append(post)
            corrected = True
        else:
            changes.updated.append(assignment_close(assignment=post, end=on - DAY))
    if not corrected:
        changes.created.append(assignment_open(person=person, organ=person.organ, section=section,
                                               kind=AssignmentKind.POST.value, start=on))
    person.section = section
    person.save(update_fields=["section"])
    return changes


@transaction.atomic
def person_transfer(*, person: Person, organ: Organ, section: Section | None,
                    on: datetime.date) -> Changes:
    """调任/转任 (§十(三)): from `on` the person belongs to `organ`, which assesses them. Every
    open assignment ends the day before — so each must have begun before `on` — a transfer
    assignment starts on `on`, and their roles in the organ they leave end: principal, sections
    overseen, office and liaison duties, committee seat."""
    _lock(person)
    _check_section(organ, section)
    # A home post that was to resume after a secondment never will.
    Assignment.objects.filter(person=person, resumes_after__isnull=False, start__gte=on).delete()
    still_open = list(Assignment.objects.filter(person=person, end__isnull=True))
    for assignment in still_open:
        if assignment.start >= on:
            raise Invalid(_("调入日期 %(date)s 须晚于其当前任职的开始日期 %(start)s") % {
                "date": on, "start": assignment.start}, rule=RULE_WHERE)
    changes = Changes(updated=[person])
    changes.updated += [assignment_close(assignment=assignment, end=on - DAY)
                        for assignment in still_open]
    changes.created.append(assignment_open(person=person, organ=organ, section=section,
                                           kind=AssignmentKind.TRANSFER.value, start=on))
    left = person.organ
    person.organ, person.section = organ, section
    person.save(update_fields=["organ", "section"])
    _end_roles(person, left, changes)
    return changes


def _end_roles(person: Person, organ: Organ, changes: Changes) -> None:
    """Someone who leaves an organ keeps no role in it."""
    if organ.principal_id == person.pk:
        changes.updated.append(organ_set_principal(organ=organ, person=None))
    for section in Section.objects.filter(organ=organ, leader_in_charge=person):
        changes.updated.append(section_set_leader(section=section, person=None))
    for duty in OrganDuty.objects.filter(organ=organ, person=person):
        duty_remove(duty=duty)
        changes.deleted.append(duty)
    for seat in CommitteeMember.objects.filter(organ=organ, person=person):
        committee_unseat(seat=seat)
        changes.deleted.append(seat)


# --- the organ's assessment roles ---------------------------------------------------------------


def check_principal(person: Person | None) -> None:
    """Refuse a principal who is not a leadership member (§七(三)). The admin's form asks here
    too, so that no way of naming the principal skips the check."""
    if person is not None and person.category != Category.LEADERSHIP:
        raise Invalid(_("主要负责人必须是领导成员（leadership）"), rule=RULE_ROLES)


def check_leader(section: Section, person: Person | None) -> None:
    """Refuse a leader in charge who is not a leadership member of the section's organ
    (§七(三)); as check_principal, for every way of naming one."""
    if person is not None and person.category != Category.LEADERSHIP:
        raise Invalid(_("只有领导成员（leadership）可以分管科室"), rule=RULE_ROLES)
    if person is not None and person.organ_id != section.organ_id:
        raise Invalid(_("科室“%(code)s”属于其他机关（%(organ)s），领导不能分管其他机关的科室") % {
            "code": section.code, "organ": section.organ.name}, rule=RULE_ROLES)


@transaction.atomic
def organ_set_principal(*, organ: Organ, person: Person | None) -> Organ:
    """The organ's principal (主要负责人), who approves the section chiefs' grades (§七(三)):
    a leadership member. None: nobody."""
    check_principal(person)
    organ.principal = person
    organ.save(update_fields=["principal"])
    return organ


@transaction.atomic
def section_set_leader(*, section: Section, person: Person | None) -> Section:
    """The section's leader in charge (分管领导), who reviews its chief and approves its staff's
    grades (§七(三)): a leadership member of the section's organ. None: nobody."""
    check_leader(section, person)
    section.leader_in_charge = person
    section.save(update_fields=["leader_in_charge"])
    return section


@transaction.atomic
def duty_add(*, organ: Organ, person: Person, duty: str) -> OrganDuty:
    """The person takes on one of the organ's assessment duties (§七(三)): the office, who run
    the assessment, or the discipline liaison."""
    return OrganDuty.objects.create(organ=organ, person=person, duty=duty)


@transaction.atomic
def duty_remove(*, duty: OrganDuty) -> None:
    duty.delete()


@transaction.atomic
def committee_seat(*, organ: Organ, person: Person, position: str) -> CommitteeMember:
    """The person sits on the organ's assessment committee (§一) as `position`; a member
    already seated changes position."""
    seat, _created = CommitteeMember.objects.update_or_create(
        organ=organ, person=person, defaults={"position": position})
    return seat


@transaction.atomic
def committee_unseat(*, seat: CommitteeMember) -> None:
    seat.delete()
