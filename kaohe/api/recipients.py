"""Service recipients' opinions over the API (§七(三)): the office's links for front-line
people (the public leaves opinions through the page at the link's `url`, not through the
API), and the summary of a person's opinions in a quarter, for whoever reviews or approves
them."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from kaohe import limits
from kaohe.api.assessments import Id
from kaohe.errors import NotAllowed
from kaohe.org import access
from kaohe.org.http import ActorRequest
from kaohe.org.models import Organ
from kaohe.recipients import rules, selectors, services

router = Router(tags=["recipients"])


class LinkIn(Schema):
    person: Annotated[str, Field(max_length=limits.KEY)]  # personnel number, front-line post
    label: Annotated[str, Field(max_length=rules.LABEL_MAX)] = ""  # e.g. the service window
    valid_until: datetime.date  # today to a year ahead
    quota: Annotated[int, Field(ge=1, le=rules.MAX_QUOTA)] = rules.DEFAULT_QUOTA


class LinkOut(Schema):
    id: int
    person: str
    name: str
    label: str
    valid_until: datetime.date
    quota: int
    received: int  # opinions received so far
    active: bool
    closed: str  # "" while it takes opinions, else "inactive", "expired" or "quota_reached"
    url: str  # the public page, for the QR code
    created_at: datetime.datetime

    @classmethod
    def of(cls, request: ActorRequest, item: selectors.Listed) -> LinkOut:
        link = item.link
        return cls(id=link.pk, person=link.person.personnel_no, name=link.person.name,
                   label=link.label, valid_until=link.valid_until, quota=link.quota,
                   received=item.received, active=link.active, closed=item.closed,
                   url=selectors.public_url(link, request), created_at=link.created_at)


class RatingCount(Schema):
    rating: int
    count: int


class CommentOut(Schema):
    day: datetime.date  # the day only: no time is kept
    rating: int
    text: str


class SummaryOut(Schema):
    person: str
    first_day: datetime.date
    last_day: datetime.date
    count: int
    average: Decimal | None  # to 2 decimals; null without opinions
    distribution: list[RatingCount]  # 5 first
    latest: list[CommentOut]  # the latest comments, newest first

    @classmethod
    def of(cls, person: str, first_day: datetime.date, last_day: datetime.date,
           summary: selectors.Summary) -> SummaryOut:
        return cls(person=person, first_day=first_day, last_day=last_day, count=summary.count,
                   average=summary.average,
                   distribution=[RatingCount(rating=r, count=n) for r, n in summary.distribution],
                   latest=[CommentOut(day=c.day, rating=c.rating, text=c.text)
                           for c in summary.latest])


def _organ(request: ActorRequest, code: str) -> Organ:
    organ = access.get_organ(request.actor, code)
    if not access.may_see_recipient_links(request.actor, organ):
        raise NotAllowed(_("只有办公室和主要负责人可以查看服务对象意见链接。"), rule=rules.RULE)
    return organ


@router.get("/organs/{code}/recipient-links", response=list[LinkOut])
def links(request: ActorRequest, code: str) -> list[LinkOut]:
    """The organ's links, newest first, with the opinions each has received."""
    return [LinkOut.of(request, item) for item in selectors.links_of(_organ(request, code))]


@router.post("/organs/{code}/recipient-links", response={201: LinkOut})
def link_create(request: ActorRequest, code: str, body: LinkIn) -> Status[LinkOut]:
    """The office gives a front-line person a link (400 for anyone else, or a date or quota
    out of bounds)."""
    organ = _organ(request, code)
    link = services.recipient_link_create(
        organ=organ, by=request.user, person=access.get_person(request.actor, body.person),
        label=body.label, valid_until=body.valid_until, quota=body.quota)
    return Status(201, LinkOut.of(request, selectors.listed(link)))


@router.post("/organs/{code}/recipient-links/{link_id}/deactivate", response=LinkOut)
def link_deactivate(request: ActorRequest, code: str, link_id: Id) -> LinkOut:
    """The office stops a link: its page answers that it takes no more opinions."""
    link = services.recipient_link_deactivate(
        link=selectors.link_of(_organ(request, code), link_id), by=request.user)
    return LinkOut.of(request, selectors.listed(link))


@router.get("/assessments/{assessment_id}/recipient-opinions", response=SummaryOut)
def opinions(request: ActorRequest, assessment_id: Id) -> SummaryOut:
    """The service recipients' opinions on the assessment's person dated within its quarter:
    for who reviews or approves them, the office and the principal; not the person."""
    assessment, readable = selectors.assessment_for_opinions(request.actor, assessment_id)
    if not readable:
        raise NotAllowed(_("只有审核评鉴、审定的领导和办公室可以查看服务对象意见。"),
                         rule=rules.RULE)
    first, last = assessment.period.first_day, assessment.period.last_day
    return SummaryOut.of(assessment.person.personnel_no, first, last,
                         selectors.summary_for(assessment.person, first, last))
