"""The assessment services, one transition at a time, as the people using them would check them:
leave counted on the Chinese calendar (§十(三)), grades not determined, years the calendar does
not cover, direct determination (§九(一)), who takes part (secondments, §二), the return and
send-back loops, who may act (§七(三)), closing a quarter, and the 好 cap with the plan's
settings (§八(一)). Written for SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.assessments import selectors, services
from kaohe.assessments.models import Assessment, Leave, State, Transition
from kaohe.assessments.services import Proposal
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org.models import Assignment, AssignmentKind, Category, Duty, OrganDuty, Person
from kaohe.plans.models import Grade, Period
from kaohe.workdays.calendar import CalendarNotCovered, package_covers, working_days
from kaohe.workdays.models import CalendarYear
from tests.personas import PASSWORD, World

pytestmark = pytest.mark.django_db

d = datetime.date
INDICATORS = ["political", "ethics", "style", "integrity", "attendance",
              "quantity", "quality", "efficiency", "results", "ability"]
SUMMARY = "本季度完成分解任务 12 项，按时报送材料；不足：调研不够深入；改进：加强业务学习。"
FEEDBACK_DAY = d(2025, 9, 29)  # a Monday; the appeal example of RULES.md §十(二)
DIRECT_REASON = "防汛抢险中连续奋战七昼夜，转移群众 300 余人"
LONG_AGO = d(2020, 1, 1)
FIRST_UNCOVERED = next(year for year in itertools.count(2025) if not package_covers(year))


# --- walking an assessment through its states ------------------------------------------------

def scores(value: Any) -> dict[str, Any]:
    """Every indicator scored alike: the composite score is then `value` itself."""
    return dict.fromkeys(INDICATORS, value)


def fresh(assessment: Assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


def reviewer(assessment: Assessment) -> User:
    """§七(三): the section chief reviews staff; the leader in charge reviews the chief."""
    if assessment.category == Category.CHIEF:
        return assessment.section.leader_in_charge.user  # type: ignore[union-attr]
    chief = Person.objects.get(section_id=assessment.section_id, category=Category.CHIEF,
                               active=True)
    return chief.user  # type: ignore[return-value]


def approver(assessment: Assessment) -> User:
    """§七(三): the leader in charge approves staff; the principal approves the chief."""
    if assessment.category == Category.CHIEF:
        return assessment.period.organ.principal.user  # type: ignore[union-attr]
    return assessment.section.leader_in_charge.user  # type: ignore[union-attr]


def submit(assessment: Assessment, text: str = SUMMARY) -> Assessment:
    owner = assessment.person.user
    services.summary_save(assessment=assessment, by=owner, text=text)
    return services.summary_submit(assessment=assessment, by=owner)


def propose(assessment: Assessment, grade: str, score: Any, *, by: User | None = None,
            **extra: Any) -> Assessment:
    return services.assessment_propose(
        assessment=assessment, by=by or reviewer(assessment),
        proposal=Proposal(scores=scores(score), grade=grade, **extra))


def approve(assessment: Assessment, *, by: User | None = None, **extra: Any) -> Assessment:
    return services.assessment_approve(assessment=assessment, by=by or approver(assessment),
                                       **extra)


def give_feedback(assessment: Assessment, given_on: datetime.date = FEEDBACK_DAY) -> Assessment:
    return services.feedback_give(assessment=assessment, by=reviewer(assessment), method="talk",
                                  given_on=given_on, text="肯定成绩，指出不足，明确改进方向")


def acknowledge(assessment: Assessment) -> Assessment:
    return services.result_acknowledge(assessment=assessment, by=assessment.person.user,
                                       opinion="无异议")


def finish(assessment: Assessment, grade: str = Grade.FAIRLY_GOOD, score: int = 85) -> None:
    submit(assessment)
    propose(assessment, grade, score)
    approve(assessment)
    give_feedback(assessment)
    acknowledge(assessment)


def refused_unchanged(assessment: Assessment, attempt: Callable[[], object],
                      error: type[Refused] = Invalid) -> Refused:
    """Run a refused attempt and check that it left the row and its history as they were."""
    row = Assessment.objects.filter(pk=assessment.pk).values().get()
    history = Transition.objects.filter(assessment=assessment).count()
    with pytest.raises(error) as refusal:
        attempt()
    assert Assessment.objects.filter(pk=assessment.pk).values().get() == row
    assert Transition.objects.filter(assessment=assessment).count() == history
    return refusal.value


def record_leave(world: World, persona: str, kind: str, start: datetime.date,
                 end: datetime.date) -> Leave:
    return services.leave_record(person=world.people[persona], kind=kind, start=start, end=end,
                                 by=world.users["office"])


def open_quarter(world: World, year: int = 2025, quarter: int = 4) -> Period:
    return services.period_open(organ=world.organ, year=year, quarter=quarter,
                                by=world.users["office"])


def of(period: Period, world: World, persona: str) -> Assessment:
    return period.assessments.get(person=world.people[persona])


# --- 1. leave over half the quarter, in working days (§十(三)) --------------------------------

def test_leave_over_half_of_the_quarter_is_counted_in_working_days(world: World) -> None:
    # 2025 Q4 by hand (National Day: 1–8 Oct off, Saturday 11 Oct worked):
    #   October: 23 weekdays − the holiday's weekdays 1, 2, 3, 6, 7, 8 Oct + Sat 11 Oct = 18;
    #   November: 20; December: 23  →  61 working days, so "over half" means 31 or more.
    #   Counting Monday–Friday only would give 23 + 20 + 23 = 66 (half: 33);
    #   counting calendar days, 92 (half: 46).

    # Colleague, recorded before the quarter opens: sick 3–28 Nov (four full weeks, 20 working
    # days) and personal 1–15 Dec (1–5, 8–12, 15 Dec: 11)  →  31 of 61: not determined.
    # Only 26 + 15 = 41 calendar days (≤ 46) and 31 weekdays of 66 (≤ 33): both naive counts
    # would keep the grade.
    record_leave(world, "colleague", "sick", d(2025, 11, 3), d(2025, 11, 28))
    record_leave(world, "colleague", "personal", d(2025, 12, 1), d(2025, 12, 15))
    q4 = open_quarter(world)
    assert working_days(q4.first_day, q4.last_day) == 61
    assert of(q4, world, "colleague").grade_determined is False

    # Staff, recorded while the quarter is open: sick 1–31 Oct (18 working days) and personal
    # 25 Oct – 18 Nov, which overlaps it on 25–31 Oct. Counted once, 1 Oct – 18 Nov is
    # 18 + (3–7, 10–14, 17–18 Nov: 12) = 30 of 61: exactly half or less, the grade stands.
    # Yet it is 49 calendar days (> 46), 35 weekdays (> 33) if the holiday were ignored, and
    # 35 working days if the overlap (27–31 Oct) were counted twice: each mistake flips it.
    record_leave(world, "staff", "sick", d(2025, 10, 1), d(2025, 10, 31))
    record_leave(world, "staff", "personal", d(2025, 10, 25), d(2025, 11, 18))
    assert of(q4, world, "staff").grade_determined is True
    record_leave(world, "staff", "personal", d(2025, 10, 9), d(2025, 10, 17))  # inside: no change
    assert of(q4, world, "staff").grade_determined is True

    # One more day, Wednesday 19 Nov: 31 of 61, over half.
    record_leave(world, "staff", "sick", d(2025, 11, 19), d(2025, 11, 19))
    assert of(q4, world, "staff").grade_determined is False

    # Nobody else is touched, and Q3 does not see Q4's leave.
    assert of(q4, world, "chief").grade_determined is True
    assert fresh(world.assessments["staff"]).grade_determined is True
    assert fresh(world.assessments["colleague"]).grade_determined is True


# --- 2. a grade not determined (§十(三)) -------------------------------------------------------

def test_a_grade_not_determined_is_neither_proposed_nor_approved_yet_counts_in_the_base(
        world: World) -> None:
    period = world.periods["organ"]
    staff = world.assessments["staff"]
    # Q3 2025 has 67 working days; 1 Jul – 31 Aug holds 23 + 21 = 44 of them: over half.
    record_leave(world, "staff", "sick", d(2025, 7, 1), d(2025, 8, 31))
    assert fresh(staff).grade_determined is False

    refusal = refused_unchanged(staff, lambda: propose(staff, Grade.GOOD, 95), Refused)
    assert refusal.code == "grade_not_determined"
    assert "§十(三)" in refusal.rule

    # Away most of the quarter, no summary: proposing without a grade works from the draft.
    proposed = propose(staff, "", 90)
    assert (proposed.state, proposed.proposed_grade) == (State.PROPOSED, "")

    refusal = refused_unchanged(staff, lambda: approve(staff, grade=Grade.GOOD, reason="表现好"),
                                Refused)
    assert refusal.code == "grade_not_determined"
    approved = approve(staff)
    assert (approved.state, approved.grade) == (State.APPROVED, "")

    quota = selectors.quota(period)
    assert quota.participants == 6 == period.assessments.count()
    assert (quota.limit, quota.used) == (2, 0)  # 6 × 40 % = 2.4 → 2


# --- 3. a year the calendar does not cover ---------------------------------------------------

def test_opening_a_quarter_with_leave_in_an_uncovered_year_waits_for_the_calendar(
        world: World) -> None:
    year = FIRST_UNCOVERED
    # No quarter of that year is open: the leave is only stored, nothing needs counting yet.
    record_leave(world, "staff", "sick", d(year, 1, 1), d(year, 3, 31))
    with pytest.raises(CalendarNotCovered) as missing:
        open_quarter(world, year, 1)
    assert str(year) in str(missing.value)
    assert not Period.objects.filter(organ=world.organ, year=year).exists()

    CalendarYear.objects.create(year=year, complete=True)
    period = open_quarter(world, year, 1)
    assert period.assessments.count() == 6
    assert of(period, world, "staff").grade_determined is False
    assert of(period, world, "colleague").grade_determined is True


def test_recording_leave_in_an_open_uncovered_quarter_waits_for_the_calendar(
        world: World) -> None:
    year = FIRST_UNCOVERED
    period = open_quarter(world, year, 1)  # nobody on leave yet: nothing to count
    with pytest.raises(CalendarNotCovered) as missing:
        record_leave(world, "staff", "sick", d(year, 1, 1), d(year, 3, 31))
    assert str(year) in str(missing.value)
    assert not Leave.objects.filter(person=world.people["staff"]).exists()

    CalendarYear.objects.create(year=year, complete=True)
    record_leave(world, "staff", "sick", d(year, 1, 1), d(year, 3, 31))
    assert of(period, world, "staff").grade_determined is False


def test_leave_in_a_covered_year_is_recorded_while_an_uncovered_quarter_is_open(
        world: World) -> None:
    # January of the first uncovered year: its Q1 is open, and the office records a December
    # sick leave of the previous (covered) year, which needs no day of the uncovered year.
    year = FIRST_UNCOVERED
    previous_q4 = open_quarter(world, year - 1, 4)
    open_quarter(world, year, 1)
    record_leave(world, "staff", "sick", d(year - 1, 10, 1), d(year - 1, 12, 31))
    assert of(previous_q4, world, "staff").grade_determined is False


# --- 4. direct determination and reasons (§九(一), §八(二)), scores (§四) ----------------------

def test_direct_determination_needs_a_reason_and_a_good_one_a_reward(world: World) -> None:
    staff = world.assessments["staff"]
    submit(staff)
    attempts = {
        "direct 好 without a reason": dict(direct=True, direct_reward="嘉奖"),
        "direct 好 with a blank reason": dict(direct=True, direct_reason="  ",
                                           direct_reward="嘉奖"),
        "direct 好 without a reward": dict(direct=True, direct_reason=DIRECT_REASON),
    }
    for label, extra in attempts.items():
        refusal = refused_unchanged(
            staff, lambda extra=extra: propose(staff, Grade.GOOD, 85, **extra))
        assert refusal.rule == "§九(一)", label
    refusal = refused_unchanged(staff, lambda: propose(
        staff, Grade.FAIRLY_GOOD, 85, direct=True, direct_reason=DIRECT_REASON,
        direct_reward="嘉奖"))
    assert refusal.rule == "§九(一)"

    poor = propose(staff, Grade.POOR, 85, direct=True, direct_reason="关键时刻拒不服从组织安排")
    poor = fresh(poor)
    assert (poor.state, poor.direct, poor.proposed_grade, poor.suggested_grade) == (
        State.PROPOSED, True, Grade.POOR, Grade.FAIRLY_GOOD)
    assert (poor.direct_reason, poor.direct_reward) == ("关键时刻拒不服从组织安排", "")


def test_a_grade_away_from_the_score_band_needs_a_reason(world: World) -> None:
    staff = world.assessments["staff"]
    submit(staff)
    # All scores 70: composite 70.00, the bands suggest 一般.
    refusal = refused_unchanged(staff, lambda: propose(staff, Grade.GOOD, 70))
    assert "一般" in refusal.message
    proposed = fresh(propose(staff, Grade.GOOD, 70, reason="承担急难险重任务，分数未能体现"))
    assert (proposed.proposed_grade, proposed.suggested_grade) == (Grade.GOOD, Grade.AVERAGE)
    assert proposed.composite_score == Decimal("70.00")
    assert proposed.proposal_reason == "承担急难险重任务，分数未能体现"


@pytest.mark.parametrize(("label", "raw"), [
    ("above 100", scores(101)),
    ("below 0", scores(-1)),
    ("one just above 100", {**scores(90), "results": "100.01"}),
    ("one missing", {code: 90 for code in INDICATORS if code != "attendance"}),
    ("one blank", {**scores(90), "ability": ""}),
    ("an unknown indicator", {**scores(90), "charisma": 90}),
])
def test_scores_out_of_range_or_not_matching_the_indicators_are_refused(
        world: World, label: str, raw: dict[str, Any]) -> None:
    staff = world.assessments["staff"]
    submit(staff)
    by = world.users["chief"]
    refused_unchanged(staff, lambda: services.assessment_propose(
        assessment=staff, by=by, proposal=Proposal(scores=raw, grade=Grade.GOOD)))
    # Nor does a refusal disturb an earlier proposal.
    propose(staff, Grade.FAIRLY_GOOD, 85)
    refused_unchanged(staff, lambda: services.assessment_propose(
        assessment=staff, by=by, proposal=Proposal(scores=raw, grade=Grade.GOOD)))
    assert fresh(staff).scores == {code: "85" for code in INDICATORS}


@pytest.mark.parametrize("value", ["九十", "NaN"])
def test_a_score_that_is_not_a_number_is_refused_as_invalid(world: World, value: str) -> None:
    staff = world.assessments["staff"]
    submit(staff)
    refusal = refused_unchanged(staff, lambda: propose(staff, Grade.GOOD, value))
    assert refusal.rule == "§四"


# --- 5. who takes part (§二, decision 0003) ---------------------------------------------------

def _person(world: World, key: str, organ: Any, section: Any, category: str,
            start: datetime.date = LONG_AGO) -> Person:
    user = User.objects.create_user(username=key, password=PASSWORD)
    person = Person.objects.create(personnel_no=f"P-{key}", name=key.title(), user=user,
                                   organ=organ, section=section, category=category)
    Assignment.objects.create(person=person, organ=organ, section=section, start=start)
    return person


def test_who_takes_part_follows_secondments_and_categories(world: World) -> None:
    # Outsider (home: the other organ) is seconded into section A from 10 Oct: 83 of Q4's
    # 92 days. Colleague is seconded out to the other organ for the same span.
    for persona, organ, section in [("outsider", world.organ, world.section_a),
                                    ("colleague", world.other_organ, world.outsider_section)]:
        person = world.people[persona]
        person.assignments.update(end=d(2025, 10, 9))
        Assignment.objects.create(person=person, organ=organ, section=section,
                                  kind=AssignmentKind.SECONDMENT, start=d(2025, 10, 10),
                                  end=d(2026, 4, 9))
    _person(world, "driver", world.organ, world.section_a, Category.WORKER)  # 工勤人员
    other_office = _person(world, "other_office", world.other_organ, world.outsider_section,
                           Category.STAFF)
    OrganDuty.objects.create(organ=world.other_organ, person=other_office, duty=Duty.OFFICE)

    q4 = open_quarter(world)
    taking_part = {a.person.personnel_no: a.section_id for a in q4.assessments.all()}
    assert set(taking_part) == {"P-staff", "P-chief", "P-other_chief", "P-other_staff",
                                "P-office", "P-outsider"}
    assert taking_part["P-outsider"] == world.section_a.pk
    # The receiving section's chief reviews the seconded person.
    seconded = of(q4, world, "outsider")
    submit(seconded)
    assert propose(seconded, Grade.FAIRLY_GOOD, 85, by=world.users["chief"]).state == \
        State.PROPOSED

    other_q4 = services.period_open(organ=world.other_organ, year=2025, quarter=4,
                                    by=other_office.user)  # type: ignore[arg-type]
    assert {a.person.personnel_no for a in other_q4.assessments.all()} == {
        "P-colleague", "P-other_office"}
    assert of(other_q4, world, "colleague").section_id == world.outsider_section.pk

    # Opening again adds nobody twice; a newcomer is added once.
    again = open_quarter(world)
    assert again.pk == q4.pk
    assert Assessment.objects.filter(period__organ=world.organ, period__year=2025,
                                     period__quarter=4).count() == 6
    _person(world, "newcomer", world.organ, world.section_b, Category.STAFF,
            start=d(2025, 11, 1))
    open_quarter(world)
    open_quarter(world)
    assert q4.assessments.count() == 7
    assert q4.assessments.filter(person__personnel_no="P-newcomer").count() == 1
    assert Period.objects.filter(organ=world.organ, year=2025, quarter=4).count() == 1


# --- 6. the return and send-back loops (§七(三)) ----------------------------------------------

def test_return_and_send_back_loops_are_recorded_step_by_step(world: World) -> None:
    staff = world.assessments["staff"]
    chief, leader = world.users["chief"], world.users["leader"]
    submit(staff, "初稿")
    refused_unchanged(staff, lambda: services.summary_return(assessment=staff, by=chief,
                                                             reason="  "))
    services.summary_return(assessment=staff, by=chief, reason="请补充具体工作量")
    assert fresh(staff).state == State.RETURNED
    submit(staff, "修改稿：完成分解任务 12 项")

    propose(staff, Grade.GOOD, 95)
    refused_unchanged(staff, lambda: services.assessment_send_back(assessment=staff, by=leader,
                                                                   reason=""))
    services.assessment_send_back(assessment=staff, by=leader, reason="请结合群众评价重新评鉴")
    assert fresh(staff).state == State.SENT_BACK
    propose(staff, Grade.FAIRLY_GOOD, 85, colleagues_opinion="同事评价较好")
    done = fresh(approve(staff))
    assert (done.state, done.grade, done.summary) == (
        State.APPROVED, Grade.FAIRLY_GOOD, "修改稿：完成分解任务 12 项")

    steps = [(t.action, t.from_state, t.to_state, t.by.username, t.reason)
             for t in Transition.objects.filter(assessment=staff).select_related("by")]
    assert steps == [
        ("save_summary", "draft", "draft", "staff", ""),
        ("submit", "draft", "submitted", "staff", ""),
        ("return", "submitted", "returned", "chief", "请补充具体工作量"),
        ("save_summary", "returned", "returned", "staff", ""),
        ("submit", "returned", "submitted", "staff", ""),
        ("propose", "submitted", "proposed", "chief", ""),
        ("send_back", "proposed", "sent_back", "leader", "请结合群众评价重新评鉴"),
        ("propose", "sent_back", "proposed", "chief", ""),
        ("approve", "proposed", "approved", "leader", ""),
    ]
    saves = Transition.objects.filter(assessment=staff, action="save_summary")
    assert saves[1].previous == {"summary": "初稿"}
    first, second = Transition.objects.filter(assessment=staff, action="propose")
    assert first.values["proposed_grade"] == Grade.GOOD
    assert second.previous["proposed_grade"] == Grade.GOOD
    assert second.previous["scores"] == {code: "95" for code in INDICATORS}
    assert Decimal(second.previous["composite_score"]) == Decimal(95)
    assert second.previous["colleagues_opinion"] == ""
    assert second.values["proposed_grade"] == Grade.FAIRLY_GOOD
    assert second.values["colleagues_opinion"] == "同事评价较好"


# --- 7. who may act (§七(三)) -------------------------------------------------------------------

def test_only_the_supervising_leader_reviews_and_only_the_approver_approves(
        world: World) -> None:
    users = world.users
    staff = world.assessments["staff"]
    chief = world.assessments["chief"]
    other_chief = world.assessments["other_chief"]
    submit(staff)
    submit(chief)

    for persona in ("staff", "colleague"):  # staff propose for nobody, themselves included
        refusal = refused_unchanged(
            staff, lambda p=persona: propose(staff, Grade.GOOD, 95, by=users[p]), NotAllowed)
        assert refusal.status == 403
    # The leader of section B reviews nothing in section A.
    refused_unchanged(staff, lambda: services.summary_return(
        assessment=staff, by=users["other_leader"], reason="请补充"), NotAllowed)
    refused_unchanged(chief, lambda: propose(chief, Grade.GOOD, 95, by=users["other_leader"]),
                      NotAllowed)

    propose(staff, Grade.FAIRLY_GOOD, 85)  # by the chief
    refusal = refused_unchanged(staff, lambda: approve(staff, by=users["chief"]), NotAllowed)
    assert refusal.status == 403
    refused_unchanged(staff, lambda: approve(staff, by=users["other_leader"]), NotAllowed)
    assert approve(staff, by=users["leader"]).state == State.APPROVED

    propose(chief, Grade.FAIRLY_GOOD, 85, by=users["leader"])
    refused_unchanged(chief, lambda: approve(chief, by=users["leader"]), NotAllowed)
    approved = approve(chief, by=users["principal"])
    assert (approved.state, approved.team_decision) == (State.APPROVED, "")

    submit(other_chief)
    propose(other_chief, Grade.FAIRLY_GOOD, 85, by=users["other_leader"])
    refusal = refused_unchanged(other_chief, lambda: approve(other_chief, by=users["office"]))
    assert "领导班子" in refusal.message
    decision = "2025 年 9 月 26 日局党组会议研究决定"
    recorded = approve(other_chief, by=users["office"], team_decision=decision)
    assert (recorded.state, recorded.grade, fresh(recorded).team_decision) == (
        State.APPROVED, Grade.FAIRLY_GOOD, decision)
    last = Transition.objects.filter(assessment=other_chief).last()
    assert last is not None and last.by == users["office"]
    assert last.values["team_decision"] == decision


def test_moves_out_of_order_are_refused_as_wrong_state(world: World) -> None:
    colleague = world.assessments["colleague"]
    owner = world.users["colleague"]
    refusal = refused_unchanged(colleague, lambda: approve(colleague), Refused)
    assert (refusal.code, refusal.status) == ("wrong_state", 409)
    submit(colleague)
    refusal = refused_unchanged(
        colleague, lambda: services.summary_submit(assessment=colleague, by=owner), Refused)
    assert refusal.code == "wrong_state"
    refusal = refused_unchanged(colleague, lambda: approve(colleague), Refused)
    assert refusal.code == "wrong_state"
    refusal = refused_unchanged(colleague, lambda: give_feedback(colleague), Refused)
    assert refusal.code == "wrong_state"


# --- 8. closing the quarter (§七, §十(二)) ------------------------------------------------------

def test_a_quarter_closes_only_when_finished_and_is_frozen_afterwards(world: World) -> None:
    # The office member is assessed too: give the office section a chief to review them and
    # the leader of section A to approve them.
    _person(world, "office_chief", world.organ, world.office_section, Category.CHIEF)
    world.office_section.leader_in_charge = world.people["leader"]
    world.office_section.save()
    period = world.periods["organ"]
    office = world.users["office"]
    a = world.assessments

    for persona in ("staff", "chief", "other_staff", "office"):
        finish(a[persona])
    # Colleague's grade is only proposed; other chief's is approved but nobody told them yet.
    submit(a["colleague"])
    propose(a["colleague"], Grade.FAIRLY_GOOD, 85)
    submit(a["other_chief"])
    propose(a["other_chief"], Grade.GOOD, 95)
    approve(a["other_chief"])

    with pytest.raises(Refused) as refusal:
        services.period_close(period=period, by=office)
    assert refusal.value.code == "unfinished"
    message = refusal.value.message
    assert "Colleague" in message and "Other Chief" in message
    assert message.count("Chief") == 1 and "Staff" not in message and "Office" not in message
    assert "尚未公布" in message
    assert Period.objects.get(pk=period.pk).state == "open"

    approve(a["colleague"])
    give_feedback(a["colleague"])
    give_feedback(a["other_chief"])
    with pytest.raises(Refused) as refusal:  # finished, but the 好 list is not published
        services.period_close(period=period, by=office)
    assert refusal.value.code == "unfinished" and "尚未公布" in refusal.value.message
    services.period_publish(period=period, by=office)
    closed = services.period_close(period=period, by=office)
    assert closed.state == "closed" and closed.closed_at is not None

    staff = a["staff"]
    attempts: dict[str, Callable[[], object]] = {
        "summary_save": lambda: services.summary_save(assessment=staff, by=world.users["staff"],
                                                      text="补充"),
        "propose": lambda: propose(staff, Grade.GOOD, 95),
        "approve": lambda: approve(staff, grade=Grade.GOOD, reason="补评"),
        "feedback": lambda: give_feedback(staff),
        "acknowledge": lambda: acknowledge(staff),
        "send_back": lambda: services.assessment_send_back(
            assessment=staff, by=world.users["leader"], reason="重评"),
    }
    for action, attempt in attempts.items():
        stopped = refused_unchanged(staff, attempt, Refused)
        assert stopped.code == "period_closed", action
    # Acknowledged before: frozen in its final state.
    assert fresh(staff).state == State.ACKNOWLEDGED


# --- 9. the 好 cap with the plan's settings (§八(一)) -------------------------------------------

@pytest.fixture
def five(world: World) -> Period:
    """2025 Q3 with five taking part (the office member is not assessed this quarter)."""
    world.assessments.pop("office").delete()
    period = world.periods["organ"]
    for persona in world.assessments:
        if world.people[persona].organ_id == world.organ.id:
            submit(world.assessments[persona])
    return period


def test_the_third_good_of_five_is_refused_with_the_numbers_and_the_rule(
        world: World, five: Period) -> None:
    quota = selectors.quota(five)
    assert (quota.participants, quota.limit, quota.used) == (5, 2, 0)  # 5 × 0.4 = 2
    a = world.assessments
    for persona in ("staff", "other_staff", "colleague"):
        propose(a[persona], Grade.GOOD, 95)
    approve(a["staff"])
    approve(a["other_staff"])

    refusal = refused_unchanged(a["colleague"], lambda: approve(a["colleague"]), Refused)
    assert refusal.code == "good_quota_exceeded"
    assert refusal.rule.startswith("§八(一)")
    assert "5 人" in refusal.message and "最多 2 名" in refusal.message
    assert selectors.quota(five).used == 2

    lowered = approve(a["colleague"], grade=Grade.FAIRLY_GOOD, reason="名额所限")
    assert (lowered.grade, lowered.approval_reason) == (Grade.FAIRLY_GOOD, "名额所限")
    assert selectors.quota(five).used == 2


def test_the_refusal_states_the_ratio_as_a_percentage(world: World, five: Period) -> None:
    a = world.assessments
    for persona in ("staff", "other_staff", "colleague"):
        propose(a[persona], Grade.GOOD, 95)
    approve(a["staff"])
    approve(a["other_staff"])
    with pytest.raises(Refused) as refusal:
        approve(a["colleague"])
    assert "40%" in refusal.value.message, refusal.value.message


@pytest.mark.parametrize("counts", [True, False])
def test_a_direct_good_counts_against_the_cap_as_the_plan_says(
        world: World, five: Period, counts: bool) -> None:
    five.plan.direct_good_counts = counts
    five.plan.save()
    a = world.assessments
    direct = propose(a["other_staff"], Grade.GOOD, 95, direct=True,
                     direct_reason=DIRECT_REASON, direct_reward="记嘉奖一次")
    approve(direct)
    for persona in ("staff", "colleague"):
        propose(a[persona], Grade.GOOD, 95)
    approve(a["staff"])

    if counts:
        refusal = refused_unchanged(a["colleague"], lambda: approve(a["colleague"]), Refused)
        assert refusal.code == "good_quota_exceeded"
        assert selectors.quota(five).used == 2
    else:
        assert approve(a["colleague"]).grade == Grade.GOOD
        assert selectors.quota(five).used == 2
        assert five.assessments.filter(grade=Grade.GOOD).count() == 3


def test_an_approver_turning_a_direct_poor_into_good_uses_a_place(
        world: World, five: Period) -> None:
    # Directly determined 好 are outside the cap here; a 好 the approver gives instead of a
    # directly determined 较差 was not directly determined, and must fit under the cap.
    five.plan.direct_good_counts = False
    five.plan.save()
    a = world.assessments
    for persona in ("staff", "other_staff"):
        propose(a[persona], Grade.GOOD, 95)
        approve(a[persona])
    propose(a["colleague"], Grade.POOR, 95, direct=True, direct_reason="关键时刻拒不服从组织安排")
    refusal = refused_unchanged(a["colleague"], lambda: approve(
        a["colleague"], grade=Grade.GOOD, reason="经核实，拒不服从一事不属实"), Refused)
    assert refusal.code == "good_quota_exceeded"
    assert selectors.quota(five).used == 2


@pytest.mark.parametrize(("rounding", "ratio", "limit"), [
    ("down", "0.500", 2),  # 2.5 → 2
    ("nearest", "0.500", 3),  # 2.5 → 3: half up, not to even
    ("nearest", "0.300", 2),  # 1.5 → 2
    ("nearest", "0.450", 2),  # 2.25 → 2
])
def test_the_limit_follows_the_plans_rounding(world: World, five: Period, rounding: str,
                                              ratio: str, limit: int) -> None:
    five.plan.good_rounding = rounding
    five.plan.good_ratio = Decimal(ratio)
    five.plan.save()
    assert selectors.quota(five).limit == limit
    order = ["staff", "colleague", "other_staff", "chief"][:limit + 1]
    for persona in order:
        propose(world.assessments[persona], Grade.GOOD, 95)
    for persona in order[:limit]:
        approve(world.assessments[persona])
    last = world.assessments[order[limit]]
    refusal = refused_unchanged(last, lambda: approve(last), Refused)
    assert refusal.code == "good_quota_exceeded"


def test_feedback_is_not_dated_in_the_future_and_opens_five_working_days_to_appeal(
        world: World) -> None:
    staff = world.assessments["staff"]
    submit(staff)
    propose(staff, Grade.FAIRLY_GOOD, 85)
    approve(staff)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    refused_unchanged(staff, lambda: give_feedback(staff, tomorrow))
    assert selectors.appeal_deadline(fresh(staff)) is None

    give_feedback(staff, FEEDBACK_DAY)
    told = fresh(staff)
    assert (told.state, told.feedback_given_on) == (State.FEEDBACK, FEEDBACK_DAY)
    # 30 Sep, 9 Oct, 10 Oct, Saturday 11 Oct (调休), Monday 13 Oct.
    assert selectors.appeal_deadline(told) == d(2025, 10, 13)
