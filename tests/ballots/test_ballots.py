"""A 民主测评 from opening to results (§七(三), decision 0031): votes are counted into
tallies and never stored with their voter; a voter votes once; a class with too few votes is
not shown; the result enters the composite score where the plan says so."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaohe.assessments.models import Assessment
from kaohe.audit.models import AuditEvent
from kaohe.ballots import selectors, services
from kaohe.ballots.models import Ballot, Participation, Tally
from kaohe.errors import NotAllowed, Refused
from kaohe.org.models import Category, Person
from tests.personas import World

TODAY = timezone.localdate()


def open_ballot(world: World, **changes: object) -> Ballot:
    setup = services.Setup(title="2025年第三季度民主测评", year=2025, quarter=3,
                           opens_on=TODAY, closes_on=TODAY + datetime.timedelta(days=5),
                           questions=["德", "能"], min_votes=2)
    return services.ballot_open(organ=world.organ, by=world.users["office"],
                                setup=dataclasses.replace(setup, **changes))  # type: ignore[arg-type]


def vote(world: World, ballot: Ballot, persona: str, answer: str = "好") -> None:
    sheet = selectors.sheet(ballot, world.people[persona])
    services.ballot_vote(ballot=ballot, by=world.users[persona],
                         answers={p.candidate_id: [answer, answer] for p in sheet})


def close(ballot: Ballot) -> None:
    Ballot.objects.filter(pk=ballot.pk).update(closed_early=timezone.now())
    ballot.refresh_from_db()


def test_a_ballot_from_opening_to_results(world: World) -> None:
    ballot = open_ballot(world)
    staff = world.people["staff"]
    assert {p.candidate for p in selectors.sheet(ballot, world.people["colleague"])} == {
        staff, world.people["chief"]}
    vote(world, ballot, "colleague", "较好")
    vote(world, ballot, "chief", "好")
    assert selectors.results(ballot) == {} or not ballot.results_visible(TODAY)

    close(ballot)
    result = selectors.results(ballot)[staff.pk]
    by_class = {c.voter_class.key: c for c in result.classes}
    # One colleague (80) and the chief (100): each class has one vote, fewer than 2.
    assert by_class["colleagues"].votes == 1 and not by_class["colleagues"].shown
    assert by_class["colleagues"].score is None and result.weighted is None


def test_results_hidden_below_the_minimum_and_weighted_above(world: World) -> None:
    extra = [Person.objects.create(personnel_no=f"A{i}", name=f"甲{i}", organ=world.organ,
                                   section=world.section_a, category=Category.STAFF)
             for i in range(2)]
    ballot = open_ballot(world)
    for person in extra:
        person.user = world.users["staff"].__class__.objects.create_user(
            username=person.personnel_no, password="x")
        person.save()
    answers = {"colleague": "较好", "chief": "好"}
    for persona, answer in answers.items():
        vote(world, ballot, persona, answer)
    for person in extra:
        sheet = selectors.sheet(ballot, person)
        services.ballot_vote(ballot=ballot, by=person.user,  # type: ignore[arg-type]
                             answers={p.candidate_id: ["一般", "一般"] for p in sheet})
    close(ballot)

    result = selectors.results(ballot)[world.people["staff"].pk]
    by_class = {c.voter_class.key: c for c in result.classes}
    # colleagues: 较好 (80) and two 一般 (60) → 66.67, shown; the chief alone: hidden
    assert by_class["colleagues"].votes == 3 and by_class["colleagues"].score == Decimal("66.67")
    assert by_class["colleagues"].distribution == {"好": 0, "较好": 2, "一般": 4, "较差": 0}
    assert not by_class["chiefs"].shown and result.weighted == Decimal("66.67")


def test_no_row_links_a_vote_to_its_voter(world: World) -> None:
    ballot = open_ballot(world)
    events = AuditEvent.objects.count()
    vote(world, ballot, "colleague", "较差")
    assert AuditEvent.objects.count() == events  # a vote writes nothing to the audit trail

    # What is kept of the voter: that they voted, nothing of what or when.
    participation = Participation.objects.get(ballot=ballot)
    assert {f.name for f in Participation._meta.concrete_fields} == {"id", "ballot", "voter"}
    assert participation.voter == world.people["colleague"]
    # What is kept of the vote: sums per person, class and question, without a voter or time.
    assert {f.name for f in Tally._meta.concrete_fields}.isdisjoint(
        {"voter", "user", "created_at", "at", "updated_at"})
    assert Tally.objects.filter(ballot=ballot, poor=1).count() == 4  # 2 people × 2 questions
    # No other table of a ballot names a voter but who rates whom, set before voting.
    tables = {m._meta.db_table for m in apps.get_models()}
    with connection.cursor() as cursor:
        for table in tables - {"ballots_participation"}:
            columns = [c.name for c in connection.introspection.get_table_description(
                cursor, table)]
            if "ballot_id" in columns:
                assert "voter_id" not in columns or table == "ballots_pairing", table


def test_a_voter_votes_once(world: World) -> None:
    ballot = open_ballot(world)
    vote(world, ballot, "colleague")
    with pytest.raises(Refused) as refused:
        vote(world, ballot, "colleague")
    assert refused.value.code == "already_voted"
    assert Tally.objects.filter(ballot=ballot, good=1).count() == 4  # counted once


def test_voting_outside_the_dates_or_by_someone_not_listed_is_refused(world: World) -> None:
    ballot = open_ballot(world, opens_on=TODAY + datetime.timedelta(days=1),
                         closes_on=TODAY + datetime.timedelta(days=2))
    with pytest.raises(Refused):
        vote(world, ballot, "colleague")
    started = open_ballot(world)
    with pytest.raises(NotAllowed):
        services.ballot_vote(ballot=started, by=world.users["outsider"], answers={})
    assert not Participation.objects.exists()


def test_only_the_office_opens_a_ballot(world: World) -> None:
    with pytest.raises(NotAllowed):
        services.ballot_open(organ=world.organ, by=world.users["principal"], setup=services.Setup(
            title="x", year=2025, quarter=3, opens_on=TODAY, closes_on=TODAY))


def test_the_result_enters_the_composite_score_where_the_plan_says(world: World) -> None:
    plan = world.periods["organ"].plan
    plan.ballot_weight = 20
    plan.save()
    ballot = open_ballot(world, min_votes=1)
    vote(world, ballot, "colleague", "一般")  # 60
    vote(world, ballot, "chief", "一般")
    close(ballot)
    period = world.periods["organ"]
    period.refresh_from_db()
    staff = world.people["staff"]
    assert selectors.composite_inputs(period, [staff.pk], TODAY) == {staff.pk: Decimal("60.00")}
    from kaohe.assessments.services.workflow import ballot_score, composite

    assessment = Assessment.objects.get(pk=world.assessments["staff"].pk)
    scores = {i.code: Decimal(90) for i in plan.indicators.all()}
    # 90 from the indicators, 60 from the colleagues: 0.8 × 90 + 0.2 × 60
    assert composite(plan, scores, ballot_score(assessment)) == Decimal("84.00")


def test_paper_ballots_add_to_the_tallies_without_a_voter(world: World) -> None:
    ballot = open_ballot(world)
    staff = world.people["staff"]
    services.paper_ballot_enter(ballot=ballot, by=world.users["office"], class_key="colleagues",
                                answers={staff.pk: ["好", "较好"]})
    ballot.refresh_from_db()
    assert ballot.paper_ballots == 1 and not Participation.objects.exists()
    assert Tally.objects.get(ballot=ballot, candidate=staff, voter_class__key="colleagues",
                             question=1).fairly_good == 1


# --- pages --------------------------------------------------------------------------------------

def test_the_voter_finds_the_ballot_on_the_home_page_and_votes(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    ballot = open_ballot(world)
    client = client_for("colleague")
    home = client.get(reverse("home")).content.decode()
    assert reverse("ballot_vote", args=[ballot.pk]) in home

    sheet = selectors.sheet(ballot, world.people["colleague"])
    incomplete = client.post(reverse("ballot_vote", args=[ballot.pk]), {})
    assert incomplete.status_code == 422 and not Participation.objects.exists()
    answers = {f"c{p.candidate_id}_q{q}": "好" for p in sheet for q in range(2)}
    done = client.post(reverse("ballot_vote", args=[ballot.pk]), answers, follow=True)
    assert "感谢参加民主测评" in done.content.decode()
    assert reverse("ballot_vote", args=[ballot.pk]) not in client.get(
        reverse("home")).content.decode()
    again = client.get(reverse("ballot_vote", args=[ballot.pk])).content.decode()
    assert "您已参加本次测评" in again


def test_only_voters_open_a_sheet(world: World, client_for: Callable[[str | None], Client]) -> None:
    ballot = open_ballot(world)
    assert client_for("outsider").get(
        reverse("ballot_vote", args=[ballot.pk])).status_code == 404


def test_the_reviewer_sees_the_results_beside_the_review(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    ballot = open_ballot(world, min_votes=1)
    vote(world, ballot, "colleague", "较好")
    vote(world, ballot, "chief", "好")
    page = reverse("assessment_detail", args=[world.assessments["staff"].pk])
    assert 'data-testid="ballot-results"' not in client_for("chief").get(page).content.decode()
    close(ballot)
    text = client_for("chief").get(page).content.decode()
    assert 'data-testid="ballot-results"' in text and "92.00" in text  # 0.4×80 + 0.6×100
    # The person assessed does not see who of their colleagues thought what, even in sum.
    assert 'data-testid="ballot-results"' not in client_for("staff").get(page).content.decode()


@pytest.mark.parametrize(("persona", "status"), [("office", 200), ("principal", 200),
                                                  ("chief", 403), ("outsider", 404)])
def test_who_sees_the_office_pages(world: World, client_for: Callable[[str | None], Client],
                                   persona: str, status: int) -> None:
    ballot = open_ballot(world)
    client = client_for(persona)
    assert client.get(reverse("ballot_list", args=["organ"])).status_code == status
    assert client.get(reverse("ballot_detail", args=[ballot.pk])).status_code == status
