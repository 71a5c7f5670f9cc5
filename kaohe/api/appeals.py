"""Appeals over the API (§十(二)): file one on an assessment, list and read the appeals the
user may see (their own; the office: its organ's), record an opinion, decide."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Router, Schema, Status

from kaohe.api.assessments import GradeValue, PersonInSection
from kaohe.appeals import selectors, services
from kaohe.appeals.models import Appeal
from kaohe.assessments import selectors as assessment_selectors
from kaohe.org.http import ActorRequest

router = Router(tags=["appeals"])


class OpinionOut(Schema):
    given_by: str
    text: str
    recorded_at: datetime.datetime


class AppealOut(Schema):
    id: int
    assessment: int
    period: int
    person: PersonInSection
    channel: str
    text: str
    filed_on: datetime.date
    deadline: datetime.date
    state: str
    grade: str | None  # the assessment's grade now
    previous_grade: str | None
    new_grade: str | None
    reason: str
    by_committee: bool
    decided_on: datetime.date | None
    opinions: list[OpinionOut] | None  # only for those who handle it, and only in detail

    @classmethod
    def of(cls, appeal: Appeal, opinions: list[OpinionOut] | None = None) -> AppealOut:
        a = appeal.assessment
        return cls(
            id=appeal.pk, assessment=a.pk, period=a.period_id,
            person=PersonInSection(id=a.person.personnel_no, name=a.person.name,
                             section=a.section.code),
            channel=appeal.channel, text=appeal.text, filed_on=appeal.filed_on,
            deadline=appeal.deadline, state=appeal.state, grade=a.grade or None,
            previous_grade=appeal.previous_grade or None, new_grade=appeal.new_grade or None,
            reason=appeal.reason, by_committee=appeal.by_committee,
            decided_on=appeal.decided_on, opinions=opinions)


class AppealIn(Schema):
    text: str
    received_on: datetime.date | None = None  # a paper appeal registered by the office


class OpinionIn(Schema):
    given_by: str
    text: str


class DecideIn(Schema):
    outcome: Literal["kept", "changed"]
    grade: GradeValue | None = None
    reason: str
    by_committee: bool = False


def _detail(request: ActorRequest, appeal_id: int) -> AppealOut:
    actor = request.actor
    appeal = selectors.appeal_detail(actor, appeal_id)
    opinions = ([OpinionOut(given_by=o.given_by, text=o.text, recorded_at=o.recorded_at)
                 for o in appeal.opinions.all()]
                if selectors.may_handle(actor, appeal) else None)
    return AppealOut.of(appeal, opinions)


@router.post("/assessments/{assessment_id}/appeals", response={201: AppealOut})
def appeal_file(request: ActorRequest, assessment_id: int,
                payload: AppealIn) -> Status[AppealOut]:
    assessment = assessment_selectors.assessment_detail(request.actor, assessment_id)
    appeal = services.appeal_file(assessment=assessment, by=request.user, text=payload.text,
                                  received_on=payload.received_on)
    return Status(201, _detail(request, appeal.pk))


@router.get("/appeals", response=list[AppealOut])
def appeal_list(request: ActorRequest) -> list[AppealOut]:
    return [AppealOut.of(appeal) for appeal in selectors.appeal_list(request.actor)]


@router.get("/appeals/{appeal_id}", response=AppealOut)
def appeal_detail(request: ActorRequest, appeal_id: int) -> AppealOut:
    return _detail(request, appeal_id)


@router.post("/appeals/{appeal_id}/opinions", response={201: AppealOut})
def opinion_add(request: ActorRequest, appeal_id: int,
                payload: OpinionIn) -> Status[AppealOut]:
    appeal = selectors.appeal_detail(request.actor, appeal_id)
    services.opinion_add(appeal=appeal, by=request.user, given_by=payload.given_by,
                         text=payload.text)
    return Status(201, _detail(request, appeal_id))


@router.post("/appeals/{appeal_id}/decide", response=AppealOut)
def appeal_decide(request: ActorRequest, appeal_id: int, payload: DecideIn) -> AppealOut:
    appeal = selectors.appeal_detail(request.actor, appeal_id)
    services.appeal_decide(appeal=appeal, by=request.user, outcome=payload.outcome,
                           grade=payload.grade or "", reason=payload.reason,
                           by_committee=payload.by_committee)
    return _detail(request, appeal_id)
