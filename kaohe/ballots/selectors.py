"""Reads of the 民主测评: the ballots a person has to fill in, their sheet, who has voted, and
the results per person, per class of voters and weighted. Access is checked by the callers
through kaohe.org.access; the results are a fixed number of queries whatever the size."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Sum

from kaohe.ballots import rules
from kaohe.ballots.models import COUNTED, Ballot, Pairing, Participation, Tally, VoterClass
from kaohe.org.models import Organ, Person
from kaohe.plans.models import Period


def to_vote(person: Person | None, today: datetime.date) -> list[Ballot]:
    """The open ballots in which `person` rates someone and has not voted yet."""
    return list(unvoted(person, today)) if person is not None else []


def unvoted(person: Person, today: datetime.date) -> QuerySet[Ballot]:
    """to_vote as a query, each ballot once without DISTINCT: the home page counts it with
    the rest of what waits on the person, and reads the ballots only when there are any."""
    return (Ballot.objects.filter(opens_on__lte=today, closes_on__gte=today,
                                  closed_early__isnull=True,
                                  pk__in=Pairing.objects.filter(voter=person).values("ballot_id"))
            .exclude(pk__in=Participation.objects.filter(voter=person).values("ballot_id")))


def has_voted(ballot: Ballot, person: Person) -> bool:
    return Participation.objects.filter(ballot=ballot, voter=person).exists()


def sheet(ballot: Ballot, voter: Person) -> list[Pairing]:
    """Whom `voter` rates, each with the class they rate them as."""
    return list(Pairing.objects.filter(ballot=ballot, voter=voter)
                .select_related("candidate__section", "voter_class")
                .order_by("voter_class_id", "candidate__section__code", "candidate__name"))


def of_organ(organ: Organ) -> QuerySet[Ballot]:
    return Ballot.objects.filter(organ=organ)


def voters(ballot: Ballot) -> list[tuple[Person, bool]]:
    """Everyone who has someone to rate, and whether they have voted (not how)."""
    voted = Participation.objects.filter(ballot=ballot, voter=OuterRef("pk"))
    people = (Person.objects.filter(pk__in=Pairing.objects.filter(ballot=ballot)
                                    .values("voter_id"))
              .annotate(voted=Exists(voted)).select_related("section")
              .order_by("section__code", "name"))
    return [(p, p.voted) for p in people]  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ClassResult:
    voter_class: VoterClass
    votes: int
    score: Decimal | None  # out of 100
    shown: bool  # enough votes to be shown (rules.shown)
    distribution: dict[str, int]  # the grade answers, all questions together


@dataclass
class PersonResult:
    classes: list[ClassResult] = field(default_factory=list)
    weighted: Decimal | None = None


def results(ballot: Ballot, candidates: Iterable[int] | None = None) -> dict[int, PersonResult]:
    """Each candidate's result (all, or those of `candidates`), summed by the database: one row
    per person and class of voters."""
    tallies = Tally.objects.filter(ballot=ballot)
    if candidates is not None:
        tallies = tallies.filter(candidate_id__in=list(candidates))
    sums = (tallies.values("candidate_id", "voter_class_id")
            .annotate(n=Max("votes"), points_sum=Sum("points"),
                      **{name: Sum(name) for name in COUNTED.values()})
            .order_by("candidate_id", "voter_class_id"))
    classes = {c.pk: c for c in ballot.classes.all()}
    found: dict[int, PersonResult] = defaultdict(PersonResult)
    for row in sums:
        found[row["candidate_id"]].classes.append(
            _class_result(ballot, classes[row["voter_class_id"]], row))
    for result in found.values():
        result.weighted = rules.weighted(
            ((c.voter_class.weight, c.score, c.votes) for c in result.classes), ballot.min_votes)
    return dict(found)


def _class_result(ballot: Ballot, voter_class: VoterClass, row: dict[str, int]) -> ClassResult:
    votes = row["n"]
    shown = rules.shown(votes, ballot.min_votes)
    score = rules.class_score(votes, row["points_sum"], len(ballot.questions)) if shown else None
    distribution = ({grade: row[name] for grade, name in COUNTED.items()}
                    if ballot.scale == rules.GRADES and shown else {})
    return ClassResult(voter_class, votes, score, shown, distribution)


def visible_for(period: Period, today: datetime.date) -> list[Ballot]:
    """The ballots of the quarter and of its year whose results may be shown."""
    found = Ballot.objects.filter(organ_id=period.organ_id, year=period.year).filter(
        Q(quarter=period.quarter) | Q(quarter__isnull=True))
    return [b for b in found.order_by("quarter", "-id") if b.results_visible(today)]


def composite_inputs(period: Period, people: Iterable[int],
                     today: datetime.date) -> dict[int, Decimal]:
    """The weighted results that enter the composite score (when the plan gives them a
    weight): those of the quarter's ballot, once its results may be shown."""
    if not period.plan.ballot_weight:
        return {}
    ballot = next((b for b in visible_for(period, today) if b.quarter == period.quarter), None)
    if ballot is None:
        return {}
    return {pk: r.weighted for pk, r in results(ballot, people).items()
            if r.weighted is not None}
