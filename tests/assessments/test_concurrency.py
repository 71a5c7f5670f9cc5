"""Two approvers racing for the last 好 place (§八(一)) must end with exactly one winner.

Each approver works in their own thread and database connection, and both start at the same
moment (tests.races)."""

from __future__ import annotations

import datetime

import pytest

from kaohe.accounts.models import User
from kaohe.assessments import selectors, services
from kaohe.assessments.models import Assessment, State
from kaohe.assessments.services import Proposal
from kaohe.errors import Refused
from kaohe.org import access
from kaohe.plans.models import Grade
from tests.personas import World
from tests.races import postgres_only, race

INDICATORS = ["political", "ethics", "style", "integrity", "attendance",
              "quantity", "quality", "efficiency", "results", "ability"]
ROUNDS = 12  # one round without the lock is lost about one time in three


def propose_good(assessment: Assessment, reviewer: User) -> None:
    owner = assessment.person.user
    services.summary_save(assessment=assessment, by=owner, text="本季度工作小结")
    services.summary_submit(assessment=assessment, by=owner)
    services.assessment_propose(assessment=assessment, by=reviewer,
                                proposal=Proposal(scores=dict.fromkeys(INDICATORS, 95),
                                                  grade=Grade.GOOD))


def approve_together(contenders: list[tuple[Assessment, User]]) -> dict[int, object]:
    """Approve each assessment at the same moment; by assessment id, the approved assessment
    or the exception raised."""
    results = race([lambda a=assessment, by=by: services.assessment_approve(assessment=a, by=by)
                    for assessment, by in contenders])
    return {assessment.pk: result
            for (assessment, _by), result in zip(contenders, results, strict=True)}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_approvers_racing_for_the_last_good_place_leave_exactly_one_winner(
        world: World) -> None:
    period = world.periods["organ"]
    a, users = world.assessments, world.users
    # Six take part: 6 × 40 % = 2.4 → 2 places. Colleague takes the first.
    propose_good(a["colleague"], users["chief"])
    services.assessment_approve(assessment=a["colleague"], by=users["leader"])
    quota = selectors.quota(period)
    assert (quota.participants, quota.limit, quota.used) == (6, 2, 1)

    # The last place: staff of section A (approved by `leader`) against staff of section B
    # (approved by `other_leader`), two different people approving two different rows.
    propose_good(a["staff"], users["chief"])
    propose_good(a["other_staff"], users["other_chief"])
    contenders = [(a["staff"], users["leader"]), (a["other_staff"], users["other_leader"])]
    for _assessment, approver in contenders:
        access.actor_for(approver)  # worked out once, so that both threads start level

    for round_no in range(ROUNDS):
        outcome = approve_together(contenders)
        winners = [pk for pk, result in outcome.items() if isinstance(result, Assessment)]
        losers = [result for result in outcome.values() if not isinstance(result, Assessment)]
        assert len(winners) == 1, (round_no, outcome)
        assert len(losers) == 1 and isinstance(losers[0], Refused), (round_no, outcome)
        assert losers[0].code == "good_quota_exceeded", (round_no, losers[0].message)
        assert selectors.quota(period).used == selectors.quota(period).limit == 2, round_no
        states = dict(Assessment.objects.filter(pk__in=outcome).values_list("pk", "state"))
        assert sorted(states.values()) == [State.APPROVED, State.PROPOSED], round_no

        # Both back to proposed 好 for the next round.
        Assessment.objects.filter(pk__in=outcome).update(state=State.PROPOSED, grade="",
                                                         approval_comment="",
                                                         approval_reason="")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_leave_correction_racing_an_approval_never_leaves_a_grade_on_an_undetermined_quarter(
        world: World) -> None:
    """§十(三): the correction makes the leave over half the quarter. Whichever goes first, the
    other sees it: either the grade is approved and the correction then withdraws it in a
    recorded step (decision 0003), or the leave is corrected and the approval finds the grade
    undetermined (it approves no grade). Never a grade on record with leave over half."""
    staff, users = world.assessments["staff"], world.users
    owner = staff.person.user
    services.summary_save(assessment=staff, by=owner, text="本季度工作小结")
    services.summary_submit(assessment=staff, by=owner)
    services.assessment_propose(assessment=staff, by=users["chief"], proposal=Proposal(
        scores=dict.fromkeys(INDICATORS, 85), grade=Grade.FAIRLY_GOOD))
    leave = services.leave_record(person=staff.person, kind="sick",
                                  start=datetime.date(2025, 7, 1),
                                  end=datetime.date(2025, 7, 31), by=users["office"])
    approved, corrected = race([
        lambda: services.assessment_approve(assessment=staff, by=users["leader"]),
        lambda: services.leave_correct(leave=leave, kind="sick",
                                       start=datetime.date(2025, 7, 1),
                                       end=datetime.date(2025, 8, 31), reason="病假延长",
                                       by=users["office"])])
    row = Assessment.objects.get(pk=staff.pk)
    leave.refresh_from_db()
    assert not isinstance(approved, Exception), approved
    assert row.state == State.APPROVED
    assert not isinstance(corrected, Exception), corrected
    assert (row.grade, row.grade_determined) == ("", False)
    assert leave.end == datetime.date(2025, 8, 31)
    regrade = row.transitions.filter(action="leave_regrade").first()
    if regrade is not None:  # the approval went first: its 较好 withdrawn, with the reason
        assert (regrade.previous["grade"], regrade.reason) == (Grade.FAIRLY_GOOD, "病假延长")
