"""民主测评 for an organ of 2,000 people with 40,000 votes (issue: tallied in under a second on
PostgreSQL).

The votes are summed into tallies as they are cast (decision 0031), so tallying is reading
the tallies and working out each person's result per class of voters and weighted:
`kaohe.ballots.selectors.results` over the whole ballot, as the office's results page and the
API read it. The tallies of the 40,000 votes are written directly (20 votes a person: 16
colleagues and the chief, 5 questions); a few votes are then cast through the service
itself, to give the cost of one vote. Baseline in the same run: one plain SUM … GROUP BY over
the same tallies, the floor of reading them at all.
"""

from __future__ import annotations

import datetime
import random

from django.db.models import Sum

from bench.cases.pages import grown
from bench.core import GROWTH, Context, Measure, best_of, case, timed
from kaohe.accounts.models import User
from kaohe.ballots import selectors, services
from kaohe.ballots.models import Ballot, Pairing, Participation, Tally
from kaohe.org.models import ASSESSED_CATEGORIES, Person

CASE = "ballots"
VOTES_A_PERSON = {"colleagues": 16, "chiefs": 4}
CAST = 20  # votes cast through the service, each for a voter's whole section


@case(CASE)
def ballots(ctx: Context) -> list[Measure]:
    organ, office, _chief, _section = grown(GROWTH[1])
    by = User.objects.get(username=office)
    Ballot.objects.filter(organ=organ).delete()
    today = datetime.date.today()
    ballot = services.ballot_open(organ=organ, by=by, setup=services.Setup(
        title="bench", year=ctx.year, quarter=4, opens_on=today, closes_on=today))
    people = list(Person.objects.filter(organ=organ, category__in=ASSESSED_CATEGORIES)
                  .values_list("pk", flat=True))
    votes = fill_tallies(ballot, people)

    seconds, cast = timed(lambda: cast_votes(ballot))
    ballot.closed_early = ballot.created_at
    ballot.save(update_fields=["closed_early"])
    tally, found = best_of(ctx.sizes.repeats, lambda: selectors.results(ballot))
    floor, _sums = best_of(ctx.sizes.repeats, lambda: list(
        Tally.objects.filter(ballot=ballot).values("candidate_id", "voter_class_id")
        .annotate(votes=Sum("votes"), points=Sum("points")).order_by()))
    return [
        Measure(CASE, f"tally a ballot: {len(found):,} people, {votes:,} votes", tally * 1000,
                "ms", comparison=f"{tally / floor:.1f}× one SUM … GROUP BY of the tallies "
                f"({floor * 1000:.0f} ms)", target="< 1 s", met=ctx.target(tally < 1)),
        Measure(CASE, "cast one vote through the service", seconds / max(cast, 1) * 1000, "ms",
                detail=f"{cast} voters, each rating their section"),
    ]


def fill_tallies(ballot: Ballot, people: list[int]) -> int:
    """The tallies of 20 votes a person, answers drawn at random (seeded); how many votes."""
    draw = random.Random(2025)
    classes = {c.key: c for c in ballot.classes.all()}
    rows = []
    for person in people:
        for key, votes in VOTES_A_PERSON.items():
            for question in range(len(ballot.questions)):
                answers = draw.choices(["好", "较好", "一般", "较差"], [4, 5, 2, 1], k=votes)
                rows.append(Tally(
                    ballot=ballot, candidate_id=person, voter_class=classes[key],
                    question=question, votes=votes,
                    points=sum({"好": 100, "较好": 80, "一般": 60, "较差": 40}[a] for a in answers),
                    good=answers.count("好"), fairly_good=answers.count("较好"),
                    average=answers.count("一般"), poor=answers.count("较差")))
    Tally.objects.filter(ballot=ballot).delete()
    Tally.objects.bulk_create(rows, batch_size=5000)
    # The service adds to existing tallies only: those of the pairings cast below come back.
    services._sync_tallies(ballot)
    return Tally.objects.filter(ballot=ballot, question=0).aggregate(n=Sum("votes"))["n"]


def cast_votes(ballot: Ballot) -> int:
    voters = (Pairing.objects.filter(ballot=ballot, voter__user__isnull=False)
              .values_list("voter_id", flat=True).distinct()[:CAST])
    cast = 0
    for voter in Person.objects.filter(pk__in=list(voters)).select_related("user"):
        sheet = selectors.sheet(ballot, voter)
        services.ballot_vote(ballot=ballot, by=voter.user,  # type: ignore[arg-type]
                             answers={p.candidate_id: ["较好"] * len(ballot.questions)
                                      for p in sheet})
        cast += 1
    Participation.objects.filter(ballot=ballot).delete()
    return cast
