"""The rules of a quarter on plain values, no database: the transition table and the forms it
offers, the composite score and its bands (§四, §八(二)), the 好 cap and the split of its places
(§八(一)), the follow-ups (§九(二)), and leave (§十(三))."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kaohe.assessments import rules
from kaohe.assessments.models import FollowUpKind, State
from kaohe.plans.models import Grade, IndicatorGroup, Rounding

D = Decimal


# --- the transition table --------------------------------------------------------------------

def test_every_action_leads_from_the_states_the_table_names() -> None:
    assert rules.next_state("submit", State.DRAFT) == State.SUBMITTED
    assert rules.next_state("save_summary", State.RETURNED) == State.RETURNED  # kept
    assert rules.next_state("approve", State.PROPOSED) == State.APPROVED
    assert rules.allows("propose", State.SENT_BACK)
    assert not rules.allows("approve", State.SUBMITTED)
    assert not rules.allows("acknowledge", State.APPROVED)


@pytest.mark.parametrize(("state", "determined", "reviewer_forms"), [
    (State.DRAFT, True, set()),
    (State.DRAFT, False, {"propose", "liaison"}),  # away most of the quarter: no summary due
    (State.SUBMITTED, True, {"propose", "liaison", "return"}),
    (State.PROPOSED, True, {"propose", "liaison"}),
    (State.APPROVED, True, {"feedback"}),
    (State.ACKNOWLEDGED, True, set()),
])
def test_a_reviewer_is_offered_what_the_table_allows(state: str, determined: bool,
                                                      reviewer_forms: set[str]) -> None:
    assert rules.available(state, determined=determined, reviewer=True) == reviewer_forms


def test_the_person_and_the_approver_are_offered_their_own_steps() -> None:
    assert rules.available(State.RETURNED, determined=True, own=True) == {"summary"}
    assert rules.available(State.FEEDBACK, determined=True, own=True) == {"acknowledge"}
    assert rules.available(State.PROPOSED, determined=True, approver=True) == {
        "approve", "send_back"}
    assert rules.available(State.PROPOSED, determined=True) == set()  # nobody in particular
    assert rules.awaiting_summary(State.DRAFT) and not rules.awaiting_summary(State.SUBMITTED)


# --- score and bands (§四, §八(二)) --------------------------------------------------------------

INDICATORS = [rules.Weighted("de", IndicatorGroup.COMMON, D(50)),
              rules.Weighted("neng", IndicatorGroup.COMMON, D(50)),
              rules.Weighted("task", IndicatorGroup.INDIVIDUAL, D(100))]


def test_the_composite_is_thirty_seventy_of_the_weighted_means() -> None:
    scores = {"de": D(80), "neng": D(90), "task": D(95)}
    # 0.3 × 85 + 0.7 × 95 = 25.5 + 66.5
    assert rules.composite(INDICATORS, scores, common_weight=30, individual_weight=70) == D("92.00")
    assert rules.composite(INDICATORS, {"de": D("88.335"), "neng": D(88), "task": D(88)},
                           common_weight=30, individual_weight=70) == D("88.05")


@pytest.mark.parametrize(("score", "grade"), [
    (D(90), Grade.GOOD), (D("89.99"), Grade.FAIRLY_GOOD), (D(80), Grade.FAIRLY_GOOD),
    (D(60), Grade.AVERAGE), (D("59.99"), Grade.POOR)])
def test_the_bands_suggest_a_grade(score: Decimal, grade: str) -> None:
    assert rules.suggested_grade(score, good=D(90), fairly_good=D(80), average=D(60)) == grade


def test_scores_outside_0_to_100_or_with_three_decimals_are_refused() -> None:
    assert rules.score_problem("de", D(100)) == ""
    assert "0 到 100" in rules.score_problem("de", D("100.01"))
    assert "0 到 100" in rules.score_problem("de", D("NaN"))
    assert "两位小数" in rules.score_problem("de", D("99.999"))


def test_a_reason_is_needed_only_away_from_the_suggestion_and_not_for_direct() -> None:
    assert rules.reason_needed(Grade.GOOD, Grade.FAIRLY_GOOD, direct=False)
    assert not rules.reason_needed(Grade.GOOD, Grade.GOOD, direct=False)
    assert not rules.reason_needed(Grade.GOOD, Grade.AVERAGE, direct=True)


# --- the 好 cap (§八(一)) ------------------------------------------------------------------------

def test_the_limit_rounds_as_the_plan_says() -> None:
    assert rules.good_limit(21, D("0.4"), Rounding.DOWN) == 8  # 8.4
    assert rules.good_limit(21, D("0.4"), Rounding.NEAREST) == 8
    assert rules.good_limit(24, D("0.4"), Rounding.DOWN) == 9  # 9.6
    assert rules.good_limit(24, D("0.4"), Rounding.NEAREST) == 10
    assert rules.good_limit(0, D("0.4"), Rounding.NEAREST) == 0


def test_the_base_and_the_places_follow_the_plans_settings() -> None:
    assert rules.cap_base(21, 19, includes_undetermined=True) == 21
    assert rules.cap_base(21, 19, includes_undetermined=False) == 19
    assert rules.places_used(8, 2, direct_good_counts=True) == 8
    assert rules.places_used(8, 2, direct_good_counts=False) == 6


def test_a_direct_good_takes_a_place_only_when_the_plan_says_so() -> None:
    assert rules.takes_place(Grade.GOOD, direct=False, proposed=Grade.GOOD,
                             direct_good_counts=False)
    assert not rules.takes_place(Grade.GOOD, direct=True, proposed=Grade.GOOD,
                                 direct_good_counts=False)
    assert rules.takes_place(Grade.GOOD, direct=True, proposed=Grade.GOOD,
                             direct_good_counts=True)
    assert not rules.takes_place(Grade.FAIRLY_GOOD, direct=False, proposed=Grade.GOOD,
                                 direct_good_counts=True)


def test_the_last_place_is_given_and_the_next_refused_with_the_numbers() -> None:
    quota = rules.Quota(participants=21, ratio=D("0.400"), limit=8, used=7)
    assert rules.no_place_left(quota) == "" and quota.remaining == 1 and not quota.over
    full = rules.Quota(participants=21, ratio=D("0.400"), limit=8, used=8)
    assert rules.no_place_left(full) == (
        "“好”等次名额已满：本季度参加考核 21 人，按 40% 最多 8 名，已审定 8 名。")
    assert rules.Quota(participants=21, ratio=D("0.4"), limit=8, used=9).over
    assert rules.Quota(participants=20, ratio=D("0.350"), limit=7, used=0).percent == "35"


def test_the_split_leans_to_the_front_line_and_never_exceeds_the_limit() -> None:
    groups = [("a", 10, 10), ("b", 10, 0), ("c", 1, 0)]
    places = rules.split_places(8, groups, D(1))
    assert sum(places.values()) == 8 and places["a"] > places["b"]
    assert rules.split_places(8, groups, D(0)) == {"a": 4, "b": 4, "c": 0}
    assert rules.split_places(30, groups, D(1)) == {"a": 10, "b": 10, "c": 1}  # all people
    assert rules.frontline_weight_valid(D(5)) and not rules.frontline_weight_valid(D("5.1"))


# --- follow-ups and leave (§九(二), §十(三)) ------------------------------------------------------

def test_follow_ups_by_grade() -> None:
    assert rules.follow_up_for(Grade.AVERAGE) == FollowUpKind.REMINDER_TALK
    assert rules.follow_up_for(Grade.POOR) == FollowUpKind.CRITICISM
    assert rules.follow_up_for(Grade.GOOD) is None
    assert rules.further_allowed(Grade.POOR, FollowUpKind.ADMONITION)
    assert not rules.further_allowed(Grade.AVERAGE, FollowUpKind.ADMONITION)


def test_overlapping_leave_is_counted_once_and_cut_to_the_quarter() -> None:
    d = datetime.date
    spans = [(d(2025, 6, 20), d(2025, 7, 10)), (d(2025, 7, 5), d(2025, 7, 15)),
             (d(2025, 7, 16), d(2025, 7, 20)), (d(2025, 9, 1), d(2025, 9, 2))]
    assert rules.merged_spans(spans, d(2025, 7, 1), d(2025, 9, 30)) == [
        (d(2025, 7, 1), d(2025, 7, 20)), (d(2025, 9, 1), d(2025, 9, 2))]


def test_exactly_half_the_working_days_on_leave_still_gets_a_grade() -> None:
    assert rules.grade_determined(32, 64)
    assert not rules.grade_determined(33, 64)


def test_whoever_proposed_a_grade_does_not_approve_it() -> None:
    assert rules.approves_own_proposal(7, 8, chief=False) == ""
    assert rules.approves_own_proposal(None, 8, chief=True) == ""
    assert "审核与审定须由不同的人进行" in rules.approves_own_proposal(8, 8, chief=False)
    assert "办公室登记领导班子集体研究的决定" in rules.approves_own_proposal(8, 8, chief=True)
