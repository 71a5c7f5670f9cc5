"""民主测评 over the API (§七(三), decision 0031): a voter's open ballots, sheet and vote; the
office's ballots, their results once voting has ended, paper ballots and the early end."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from kaohe.api.assessments import Id
from kaohe.ballots import rules, selectors, services
from kaohe.ballots.models import Ballot, Pairing
from kaohe.errors import NotAllowed, Refused
from kaohe.org import access
from kaohe.org.http import ActorRequest
from kaohe.org.models import Organ, Person

router = Router(tags=["ballots"])


class BallotOut(Schema):
    id: int
    title: str
    year: int
    quarter: int | None  # None: the year's
    scale: str  # "grades" (好/较好/一般/较差) or "score" (0–100)
    questions: list[str]
    min_votes: int
    opens_on: datetime.date
    closes_on: datetime.date
    results_visible: bool

    @classmethod
    def of(cls, ballot: Ballot) -> BallotOut:
        return cls(id=ballot.pk, title=ballot.title, year=ballot.year, quarter=ballot.quarter,
                   scale=ballot.scale, questions=ballot.questions, min_votes=ballot.min_votes,
                   opens_on=ballot.opens_on, closes_on=ballot.closes_on,
                   results_visible=ballot.results_visible(timezone.localdate()))


class CandidateOut(Schema):
    person: str
    name: str
    section: str
    voter_class: str


class SheetOut(Schema):
    ballot: BallotOut
    candidates: list[CandidateOut]


class VoteIn(Schema):
    answers: dict[str, list[str]]  # personnel number → an answer per question


class PaperIn(VoteIn):
    voter_class: str  # "colleagues", "chiefs", "leaders"


class BallotIn(Schema):
    title: str
    year: int
    quarter: int | None = None
    opens_on: datetime.date
    closes_on: datetime.date
    scale: str = rules.GRADES
    questions: list[str] = []
    min_votes: int = rules.DEFAULT_MIN_VOTES


class ClassOut(Schema):
    voter_class: str
    weight: Decimal
    votes: int
    score: Decimal | None  # None when fewer votes than the minimum
    distribution: dict[str, int]


class ResultOut(Schema):
    person: str
    name: str
    classes: list[ClassOut]
    weighted: Decimal | None


def _by_number(ballot: Ballot, answers: dict[str, list[str]]) -> dict[int, list[str]]:
    people = dict(Person.objects.filter(organ_id=ballot.organ_id, personnel_no__in=answers)
                  .values_list("personnel_no", "pk"))
    return {people.get(number, 0): given for number, given in answers.items()}


@router.get("/ballots", response=list[BallotOut])
def my_ballots(request: ActorRequest) -> list[BallotOut]:
    """The open ballots in which the signed-in person still has to vote."""
    return [BallotOut.of(b) for b in selectors.to_vote(request.actor.person,
                                                       timezone.localdate())]


def _sheet(request: ActorRequest, ballot_id: int) -> tuple[Ballot, list[Pairing]]:
    ballot = get_object_or_404(Ballot, pk=ballot_id)
    person = request.actor.person
    pairings = selectors.sheet(ballot, person) if person else []
    if not pairings:
        raise Http404  # not a voter of this ballot
    return ballot, pairings


@router.get("/ballots/{ballot_id}/sheet", response=SheetOut)
def sheet(request: ActorRequest, ballot_id: Id) -> SheetOut:
    ballot, pairings = _sheet(request, ballot_id)
    return SheetOut(ballot=BallotOut.of(ballot), candidates=[CandidateOut(
        person=p.candidate.personnel_no, name=p.candidate.name,
        section=p.candidate.section.code if p.candidate.section else "",
        voter_class=p.voter_class.key) for p in pairings])


@router.post("/ballots/{ballot_id}/votes", response={204: None})
def vote(request: ActorRequest, ballot_id: Id, body: VoteIn) -> Status[None]:
    """The voter's answers for everyone on their sheet, once (409 `already_voted`). Nothing of
    who voted what is kept."""
    ballot, _pairings = _sheet(request, ballot_id)
    services.ballot_vote(ballot=ballot, by=request.user,
                         answers=_by_number(ballot, body.answers))
    return Status(204, None)


def _organ(request: ActorRequest, code: str) -> Organ:
    organ = access.get_organ(request.actor, code)
    if not access.may_see_ballots(request.actor, organ):
        raise NotAllowed(_("只有办公室和主要负责人可以查看民主测评。"), rule=rules.RULE)
    return organ


def _office_ballot(request: ActorRequest, ballot_id: int) -> Ballot:
    ballot = get_object_or_404(Ballot.objects.select_related("organ"), pk=ballot_id)
    _organ(request, ballot.organ.code)
    return ballot


@router.get("/organs/{code}/ballots", response=list[BallotOut])
def organ_ballots(request: ActorRequest, code: str) -> list[BallotOut]:
    return [BallotOut.of(b) for b in selectors.of_organ(_organ(request, code))]


@router.post("/organs/{code}/ballots", response={201: BallotOut})
def ballot_open(request: ActorRequest, code: str, body: BallotIn) -> Status[BallotOut]:
    """The office opens a ballot with the default classes and who votes for whom."""
    ballot = services.ballot_open(organ=_organ(request, code), by=request.user,
                                  setup=services.Setup(**body.dict()))
    return Status(201, BallotOut.of(ballot))


@router.get("/ballots/{ballot_id}/results", response=list[ResultOut])
def results(request: ActorRequest, ballot_id: Id) -> list[ResultOut]:
    """Everyone's result, per class of voters and weighted (409 `not_ended` while voting)."""
    ballot = _office_ballot(request, ballot_id)
    if not ballot.results_visible(timezone.localdate()):
        raise Refused(_("投票结束后才能查看测评结果。"), rule=rules.RULE, code="not_ended")
    found = selectors.results(ballot)
    people = Person.objects.filter(pk__in=found).order_by("personnel_no")
    return [ResultOut(person=p.personnel_no, name=p.name, weighted=found[p.pk].weighted,
                      classes=[ClassOut(voter_class=c.voter_class.key, weight=c.voter_class.weight,
                                        votes=c.votes, score=c.score,
                                        distribution=c.distribution)
                               for c in found[p.pk].classes]) for p in people]


@router.post("/ballots/{ballot_id}/paper", response={204: None})
def paper(request: ActorRequest, ballot_id: Id, body: PaperIn) -> Status[None]:
    """The office enters one paper ballot of a class of voters, without its voter."""
    ballot = _office_ballot(request, ballot_id)
    services.paper_ballot_enter(ballot=ballot, by=request.user, class_key=body.voter_class,
                                answers=_by_number(ballot, body.answers))
    return Status(204, None)


@router.post("/ballots/{ballot_id}/close", response=BallotOut)
def close(request: ActorRequest, ballot_id: Id) -> BallotOut:
    """The office ends voting before the closing date."""
    return BallotOut.of(services.ballot_close(ballot=_office_ballot(request, ballot_id),
                                              by=request.user))
