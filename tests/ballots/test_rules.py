"""The 民主测评's rules (§七(三)), without a database."""

from __future__ import annotations

from decimal import Decimal

from kaohe.ballots import rules
from kaohe.ballots.rules import CHIEFS, COLLEAGUES, LEADERS, Member

D = Decimal


def test_by_default_a_section_rates_itself_its_chief_the_staff_the_leadership_the_chiefs() -> None:
    members = [Member(1, 10, "chief", True), Member(2, 10, "staff", True),
               Member(3, 10, "staff", True), Member(4, 20, "chief", True),
               Member(5, None, "leadership", False)]
    pairs = set(rules.default_pairs(members))
    assert (1, 2, CHIEFS) in pairs and (1, 3, CHIEFS) in pairs  # the chief rates the staff
    assert (2, 1, COLLEAGUES) in pairs and (2, 3, COLLEAGUES) in pairs  # staff rate everyone
    assert (5, 1, LEADERS) in pairs and (5, 4, LEADERS) in pairs  # the leadership: chiefs
    assert not any(voter == candidate for voter, candidate, _k in pairs)
    assert not any(candidate == 5 for _v, candidate, _k in pairs)  # not assessed: not rated
    assert not any(voter == 4 and candidate != 4 for voter, candidate, _k in pairs
                   if candidate in (1, 2, 3))  # no rating across sections


def test_answers_are_complete_and_on_the_scale() -> None:
    assert rules.answer_problem(rules.GRADES, ["好", "较好"], 2) == ""
    assert rules.answer_problem(rules.GRADES, ["好"], 2)  # one missing
    assert rules.answer_problem(rules.GRADES, ["好", "优"], 2)  # not a grade
    assert rules.answer_problem(rules.SCORE, ["95", "100"], 2) == ""
    assert rules.answer_problem(rules.SCORE, ["101", "90"], 2)
    assert rules.answer_problem(rules.SCORE, ["9.5", "90"], 2)


def test_a_class_result_is_the_mean_of_the_questions_means() -> None:
    # 4 votes; question one 100+100+80+60 = 340, question two 4 × 80 = 320
    assert rules.class_score(4, 340 + 320, 2) == D("82.50")
    assert rules.class_score(0, 0, 2) is None


def test_the_weighted_result_leaves_out_classes_below_the_minimum() -> None:
    # colleagues 0.4 × 80 (5 votes), chief 0.6 × 100 but one vote: hidden, left out
    assert rules.weighted([(D("0.4"), D(80), 5), (D("0.6"), D(100), 1)], 3) == D("80.00")
    assert rules.weighted([(D("0.4"), D(80), 5), (D("0.6"), D(100), 3)], 3) == D("92.00")
    assert rules.weighted([(D("0.4"), D(80), 2)], 3) is None
