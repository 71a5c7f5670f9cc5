"""The quarterly assessment over the API (issue contract): periods, quota, assessments and
their transitions, leave and the published 好 list."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from kaohe import limits
from kaohe.assessments import rules, selectors, services
from kaohe.assessments.models import Assessment, Transition
from kaohe.errors import NotAllowed
from kaohe.org import access
from kaohe.org.http import ActorRequest
from kaohe.plans.models import Period

router = Router(tags=["assessments"])

GradeValue = Literal["好", "较好", "一般", "较差"]
StateValue = Literal["draft", "submitted", "returned", "proposed", "sent_back", "approved",
                     "feedback", "acknowledged"]
# Bounded input (decision 0007): texts within kaohe.limits, ids a database can hold.
Id = Annotated[int, Path(ge=1, le=limits.ID_MAX)]
Reason = Annotated[str, Field(max_length=limits.REASON)]
Short = Annotated[str, Field(max_length=limits.SHORT)]
Key = Annotated[str, Field(max_length=limits.KEY)]


# --- shapes -----------------------------------------------------------------------------------

class PeriodOut(Schema):
    id: int
    organ: str
    year: int
    quarter: int
    state: str
    first_day: datetime.date
    last_day: datetime.date
    published: bool
    assessments: int

    @classmethod
    def of(cls, period: Period) -> PeriodOut:
        return cls(id=period.pk, organ=period.organ.code, year=period.year,
                   quarter=period.quarter, state=period.state, first_day=period.first_day,
                   last_day=period.last_day, published=period.published_at is not None,
                   assessments=period.taking_part if hasattr(period, "taking_part")
                   else period.assessments.count())


class QuotaOut(Schema):
    participants: int
    ratio: Decimal
    limit: int
    used: int
    remaining: int


class QuotaSectionOut(Schema):
    section: str
    name: str
    headcount: int
    frontline: int
    places: int  # what the weight asked for gives
    fixed: int | None  # the share the office fixed, if it did
    used: int  # 好 approved

    @classmethod
    def of(cls, line: selectors.QuotaLine) -> QuotaSectionOut:
        return cls(section=line.section.code, name=line.section.name, headcount=line.headcount,
                   frontline=line.frontline, places=line.places, fixed=line.saved,
                   used=line.used)


class QuotaSplitOut(Schema):
    limit: int
    frontline_weight: Decimal
    fixed: bool
    sections: list[QuotaSectionOut]


class QuotaSplitIn(Schema):
    frontline_weight: Decimal


class PersonInSection(Schema):
    # Not "PersonRef": that name is taken by kaohe.api.schemas, and two schemas of one name
    # made the OpenAPI document describe people without a section wrongly.
    id: str
    name: str
    section: str


class IndicatorOut(Schema):
    code: str
    name: str
    group: str
    weight: Decimal
    score: Decimal | None


class TransitionOut(Schema):
    action: str
    from_state: str
    to_state: str
    by: str
    at: datetime.datetime
    reason: str

    @classmethod
    def of(cls, row: Transition) -> TransitionOut:
        return cls(action=row.action, from_state=row.from_state, to_state=row.to_state,
                   by=row.by.get_username(), at=row.at, reason=row.reason)


class AssessmentOut(Schema):
    id: int
    period: int
    person: PersonInSection
    category: str
    state: str
    summary: str
    grade: str | None
    grade_determined: bool
    proposed_grade: str | None
    suggested_grade: str | None
    composite_score: Decimal | None
    direct: bool
    indicators: list[IndicatorOut]
    feedback_given_on: datetime.date | None
    appeal_deadline: datetime.date | None
    history: list[TransitionOut]

    @classmethod
    def of(cls, a: Assessment, *, detail: bool = True) -> AssessmentOut:
        indicators = [
            IndicatorOut(code=i.code, name=i.name, group=i.group, weight=i.weight,
                         score=Decimal(a.scores[i.code]) if i.code in a.scores else None)
            for i in a.period.plan.indicators.all()
        ] if detail else []
        return cls(
            id=a.pk, period=a.period_id,
            person=PersonInSection(id=a.person.personnel_no, name=a.person.name,
                                   section=a.section.code),
            category=a.category, state=a.state, summary=a.summary, grade=a.grade or None,
            grade_determined=a.grade_determined, proposed_grade=a.proposed_grade or None,
            suggested_grade=a.suggested_grade or None, composite_score=a.composite_score,
            direct=a.direct, indicators=indicators, feedback_given_on=a.feedback_given_on,
            appeal_deadline=selectors.appeal_deadline(a) if detail else None,
            history=[TransitionOut.of(t) for t in a.transitions.all()] if detail else [],
        )


class PeriodIn(Schema):
    organ: Key
    year: int = Field(ge=limits.YEAR_MIN, le=limits.YEAR_MAX)
    quarter: int = Field(ge=1, le=4)


class SummaryIn(Schema):
    text: str = Field(max_length=limits.SUMMARY)


class ReasonIn(Schema):
    reason: Reason


class ProposeIn(Schema):
    # Indicator code → score from 0 to 100 (a number, or its text).
    scores: dict[Key, Decimal | str] = Field(max_length=100)
    grade: GradeValue | None = None
    comment: Reason = ""
    reason: Reason = ""
    direct: bool = False
    direct_reason: Reason = ""
    direct_reward: Short = ""
    colleagues_opinion: Reason = ""
    recipients_opinion: Reason = ""
    performance_results: Reason = ""


class ApproveIn(Schema):
    grade: GradeValue | None = None
    comment: Reason = ""
    reason: Reason = ""
    team_decision: Short = ""


class FeedbackIn(Schema):
    method: Literal["meeting", "talk", "written"]
    given_on: datetime.date
    text: str = Field(max_length=limits.FEEDBACK)


class AcknowledgeIn(Schema):
    opinion: Reason = ""


class LeaveIn(Schema):
    person: Key
    kind: Literal["sick", "personal"]
    start: datetime.date
    end: datetime.date
    reason: str = ""  # required once a grade the leave bears on is approved


class LeaveOut(Schema):
    id: int
    person: str
    kind: str
    start: datetime.date
    end: datetime.date


class PublishedOut(Schema):
    period: int
    published: bool
    good: list[PersonInSection]


# --- quarters ---------------------------------------------------------------------------------

@router.post("/periods", response={201: PeriodOut})
def period_open(request: ActorRequest, payload: PeriodIn) -> Status[PeriodOut]:
    organ = access.get_organ(request.actor, payload.organ)
    period = services.period_open(organ=organ, year=payload.year, quarter=payload.quarter,
                                  by=request.user)
    return Status(201, PeriodOut.of(period))


@router.get("/periods", response=list[PeriodOut])
def period_list(request: ActorRequest) -> list[PeriodOut]:
    periods = selectors.visible_periods_counted(request.actor).order_by("organ__code", "-year",
                                                                          "-quarter")
    return [PeriodOut.of(p) for p in periods]


@router.get("/periods/{period_id}/quota", response=QuotaOut)
def period_quota(request: ActorRequest, period_id: Id) -> QuotaOut:
    current = selectors.quota(selectors.period_detail(request.actor, period_id))
    return QuotaOut(participants=current.participants, ratio=current.ratio, limit=current.limit,
                    used=current.used, remaining=current.remaining)


def _split(period: Period, weight: Decimal) -> QuotaSplitOut:
    services.check_frontline_weight(weight)
    limit, lines = selectors.quota_plan(period, weight)
    return QuotaSplitOut(limit=limit, frontline_weight=weight,
                         fixed=any(line.saved is not None for line in lines),
                         sections=[QuotaSectionOut.of(line) for line in lines])


def _split_period(request: ActorRequest, period_id: int) -> Period:
    period = selectors.period_detail(request.actor, period_id)
    if not access.may_see_quota_plan(request.actor, period.organ):
        raise NotAllowed(_("只有办公室和主要负责人可以查看名额分配。"), rule=rules.RULE_SHARE)
    return period


@router.get("/periods/{period_id}/quota-split", response=QuotaSplitOut)
def quota_split(request: ActorRequest, period_id: Id,
                frontline_weight: Decimal = rules.DEFAULT_FRONTLINE_WEIGHT) -> QuotaSplitOut:
    """The split of the quarter's 好 places among sections that `frontline_weight` gives, beside
    the one fixed (§八(一), decision 0015)."""
    return _split(_split_period(request, period_id), frontline_weight)


@router.post("/periods/{period_id}/quota-split", response=QuotaSplitOut)
def quota_split_fix(request: ActorRequest, period_id: Id, body: QuotaSplitIn) -> QuotaSplitOut:
    """The office fixes the split; from then on every approval of 好 is held to its section's
    share (409 `split_below_approved` when a section already has more)."""
    period = _split_period(request, period_id)
    services.quota_plan_save(period=period, by=request.user,
                             frontline_weight=body.frontline_weight)
    return _split(period, body.frontline_weight)


@router.delete("/periods/{period_id}/quota-split", response={204: None})
def quota_split_lift(request: ActorRequest, period_id: Id) -> Status[None]:
    """The office lifts the split: the organ's cap alone binds again."""
    services.quota_plan_clear(period=_split_period(request, period_id), by=request.user)
    return Status(204, None)


@router.post("/periods/{period_id}/publish", response=PeriodOut)
def period_publish(request: ActorRequest, period_id: Id) -> PeriodOut:
    period = selectors.period_detail(request.actor, period_id)
    return PeriodOut.of(services.period_publish(period=period, by=request.user))


@router.post("/periods/{period_id}/close", response=PeriodOut)
def period_close(request: ActorRequest, period_id: Id, override_reason: str = "") -> PeriodOut:
    """Refused (409 `appeals_open`) while an appeal window is open or an appeal undecided,
    unless `override_reason` says why the office closes now (decision 0014)."""
    period = selectors.period_detail(request.actor, period_id)
    return PeriodOut.of(services.period_close(period=period, by=request.user,
                                              override_reason=override_reason))


@router.get("/periods/{period_id}/published", response=PublishedOut)
def period_published(request: ActorRequest, period_id: Id) -> PublishedOut:
    period = selectors.period_detail(request.actor, period_id)
    return PublishedOut(period=period.pk, published=period.published_at is not None,
                        good=[PersonInSection(id=a.person.personnel_no, name=a.person.name,
                                        section=a.section.code)
                              for a in selectors.published_good(period)])


# --- assessments --------------------------------------------------------------------------------

@router.get("/assessments", response=list[AssessmentOut])
def assessment_list(
    request: ActorRequest,
    response: HttpResponse,  # the headers of the answer (the next page's Link)
    period: Annotated[int | None, Query(ge=1, le=limits.ID_MAX)] = None,
    section: Annotated[str | None, Query(max_length=limits.KEY)] = None,
    state: Annotated[StateValue | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=limits.PAGE_MAX)] = limits.PAGE_DEFAULT,
    offset: Annotated[int, Query(ge=0, le=limits.ID_MAX)] = 0,
) -> list[AssessmentOut]:
    """In pages of `limit` rows (default 200, at most 1000) from `offset`, in a fixed order;
    when more rows follow, the `Link` header names the next page (rel="next")."""
    found = list(selectors.assessment_list(request.actor, period=period, section=section,
                                           state=state)[offset:offset + limit + 1])
    if len(found) > limit:  # one row more than asked: there is a next page, without a count
        following = request.GET.copy()
        following["offset"] = str(offset + limit)
        following["limit"] = str(limit)
        response["Link"] = f'<{request.path}?{following.urlencode()}>; rel="next"'
    return [AssessmentOut.of(a, detail=False) for a in found[:limit]]


@router.get("/assessments/{assessment_id}", response=AssessmentOut)
def assessment_detail(request: ActorRequest, assessment_id: Id) -> AssessmentOut:
    return AssessmentOut.of(selectors.assessment_detail(request.actor, assessment_id))


def _act(request: ActorRequest, assessment_id: Id, change: Any, **kwargs: Any) -> AssessmentOut:
    actor = request.actor
    assessment = selectors.assessment_detail(actor, assessment_id)
    change(assessment=assessment, by=request.user, **kwargs)
    return AssessmentOut.of(selectors.assessment_detail(actor, assessment_id))


@router.post("/assessments/{assessment_id}/summary", response=AssessmentOut)
def summary_save(request: ActorRequest, assessment_id: Id, payload: SummaryIn) -> AssessmentOut:
    return _act(request, assessment_id, services.summary_save, text=payload.text)


@router.post("/assessments/{assessment_id}/submit", response=AssessmentOut)
def summary_submit(request: ActorRequest, assessment_id: Id) -> AssessmentOut:
    return _act(request, assessment_id, services.summary_submit)


@router.post("/assessments/{assessment_id}/return", response=AssessmentOut)
def summary_return(request: ActorRequest, assessment_id: Id, payload: ReasonIn) -> AssessmentOut:
    return _act(request, assessment_id, services.summary_return, reason=payload.reason)


@router.post("/assessments/{assessment_id}/propose", response=AssessmentOut)
def assessment_propose(request: ActorRequest, assessment_id: Id,
                       payload: ProposeIn) -> AssessmentOut:
    data = payload.dict()
    data["grade"] = data["grade"] or ""
    return _act(request, assessment_id, services.assessment_propose,
                proposal=services.Proposal(**data))


@router.post("/assessments/{assessment_id}/approve", response=AssessmentOut)
def assessment_approve(request: ActorRequest, assessment_id: Id,
                       payload: ApproveIn) -> AssessmentOut:
    return _act(request, assessment_id, services.assessment_approve, **payload.dict())


@router.post("/assessments/{assessment_id}/send-back", response=AssessmentOut)
def assessment_send_back(request: ActorRequest, assessment_id: Id,
                         payload: ReasonIn) -> AssessmentOut:
    return _act(request, assessment_id, services.assessment_send_back, reason=payload.reason)


@router.post("/assessments/{assessment_id}/feedback", response=AssessmentOut)
def feedback_give(request: ActorRequest, assessment_id: Id, payload: FeedbackIn) -> AssessmentOut:
    return _act(request, assessment_id, services.feedback_give, **payload.dict())


@router.post("/assessments/{assessment_id}/acknowledge", response=AssessmentOut)
def result_acknowledge(request: ActorRequest, assessment_id: Id,
                       payload: AcknowledgeIn) -> AssessmentOut:
    return _act(request, assessment_id, services.result_acknowledge, opinion=payload.opinion)


# --- leave --------------------------------------------------------------------------------------

@router.post("/leave", response={201: LeaveOut})
def leave_record(request: ActorRequest, payload: LeaveIn) -> Status[LeaveOut]:
    person = access.get_person(request.actor, payload.person)
    leave = services.leave_record(person=person, kind=payload.kind, start=payload.start,
                                  end=payload.end, reason=payload.reason, by=request.user)
    return Status(201, LeaveOut(id=leave.pk, person=person.personnel_no, kind=leave.kind,
                                start=leave.start, end=leave.end))

