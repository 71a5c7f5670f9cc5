"""Every change to a 民主测评: the office opens a ballot (default classes and who votes for
whom), adjusts it before voting starts, enters paper ballots and may end it early; a voter
votes once. A vote adds to the tallies and records that the voter has voted, apart from what
(decision 0031). A refusal leaves nothing written."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.audit.chain import record
from kaohe.ballots import rules, selectors
from kaohe.ballots.models import COUNTED, Ballot, Pairing, Participation, Tally, VoterClass
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org import access
from kaohe.org.models import ASSESSED_CATEGORIES, Organ, Person


@dataclass(frozen=True)
class Setup:
    """What the office chooses when it opens a ballot."""

    title: str
    year: int
    quarter: int | None
    opens_on: datetime.date
    closes_on: datetime.date
    scale: str = rules.GRADES
    questions: Sequence[str] = ()
    min_votes: int = rules.DEFAULT_MIN_VOTES


def _check_office(by: User, organ: Organ) -> None:
    if not access.may_run_ballots(access.actor_for(by), organ):
        raise NotAllowed(_("只有本机关办公室可以组织民主测评。"), rule=rules.RULE)


def _check_setup(setup: Setup) -> list[str]:
    questions = [q.strip() for q in setup.questions if q.strip()] or [
        _(q) for q in rules.DEFAULT_QUESTIONS]
    problem = ""
    if not setup.title.strip() or len(setup.title) > 200:
        problem = _("请填写测评名称（不超过 200 字）。")
    elif setup.scale not in (rules.GRADES, rules.SCORE):
        problem = _("请选择评价方式。")
    elif setup.closes_on < setup.opens_on:
        problem = _("截止日期不能早于开始日期。")
    elif setup.quarter not in (None, 1, 2, 3, 4) or not (
            limits.YEAR_MIN <= setup.year <= limits.YEAR_MAX):
        problem = _("请填写正确的年度和季度。")
    elif len(questions) > 10 or any(len(q) > 50 for q in questions):
        problem = _("测评项目最多 10 项，每项不超过 50 字。")
    elif not 1 <= setup.min_votes <= 50:
        problem = _("最少票数须在 1 到 50 之间。")
    if problem:
        raise Invalid(problem, rule=rules.RULE)
    return questions


@transaction.atomic
def ballot_open(*, organ: Organ, by: User, setup: Setup) -> Ballot:
    """A ballot with the default classes of voters and, by default, everyone in a section
    rating the others, the chiefs their staff, the leadership the chiefs."""
    _check_office(by, organ)
    questions = _check_setup(setup)
    ballot = Ballot.objects.create(
        organ=organ, year=setup.year, quarter=setup.quarter, title=setup.title.strip(),
        scale=setup.scale, questions=questions, min_votes=setup.min_votes,
        opens_on=setup.opens_on, closes_on=setup.closes_on, created_by=by)
    classes = {key: VoterClass.objects.create(ballot=ballot, key=key, name=_(name),
                                              weight=weight)
               for key, name, weight in rules.DEFAULT_CLASSES}
    people = Person.objects.filter(organ=organ, active=True)
    members = [rules.Member(p.pk, p.section_id, p.category, p.category in ASSESSED_CATEGORIES)
               for p in people]
    Pairing.objects.bulk_create(
        Pairing(ballot=ballot, voter_id=voter, candidate_id=candidate, voter_class=classes[key])
        for voter, candidate, key in rules.default_pairs(members))
    _sync_tallies(ballot)
    return ballot


def _sync_tallies(ballot: Ballot) -> None:
    """One tally for each candidate, class and question that has a pairing, made before any
    vote, so that voting only ever adds to existing rows (no insert can race). Pairings change
    only before voting starts, so no tally that goes holds a vote."""
    wanted = set(Pairing.objects.filter(ballot=ballot)
                 .values_list("candidate_id", "voter_class_id").distinct())
    have = set(Tally.objects.filter(ballot=ballot, question=0)
               .values_list("candidate_id", "voter_class_id"))
    for candidate, voter_class in have - wanted:
        Tally.objects.filter(ballot=ballot, candidate_id=candidate,
                             voter_class_id=voter_class).delete()
    Tally.objects.bulk_create(
        Tally(ballot=ballot, candidate_id=candidate, voter_class_id=voter_class, question=q)
        for candidate, voter_class in wanted - have for q in range(len(ballot.questions)))


def _editable(ballot: Ballot, by: User) -> Ballot:
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    _check_office(by, ballot.organ)
    if not ballot.is_editable(timezone.localdate()):
        raise Refused(_("测评已开始，测评对象、测评人和权重不能再修改。"), rule=rules.RULE,
                      code="ballot_started")
    return ballot


@transaction.atomic
def class_weights_save(*, ballot: Ballot, by: User, weights: dict[str, Decimal]) -> None:
    ballot = _editable(ballot, by)
    for voter_class in ballot.classes.all():
        weight = weights.get(voter_class.key, voter_class.weight)
        if not Decimal(0) <= weight <= Decimal(10):
            raise Invalid(_("权重须在 0 到 10 之间。"), rule=rules.RULE)
        voter_class.weight = weight
        voter_class.save(update_fields=["weight"])


@transaction.atomic
def pairing_add(*, ballot: Ballot, by: User, voter: Person, candidate: Person,
                class_key: str) -> Pairing:
    ballot = _editable(ballot, by)
    if voter.organ_id != ballot.organ_id or candidate.organ_id != ballot.organ_id:
        raise Invalid(_("测评人和被测评人须为本机关人员。"), rule=rules.RULE)
    if voter.pk == candidate.pk or candidate.category not in ASSESSED_CATEGORIES:
        raise Invalid(_("被测评人须为参加平时考核的其他人员。"), rule=rules.RULE)
    voter_class = ballot.classes.filter(key=class_key).first()
    if voter_class is None:
        raise Invalid(_("请选择测评人类别。"), rule=rules.RULE)
    pairing, _created = Pairing.objects.update_or_create(
        ballot=ballot, voter=voter, candidate=candidate, defaults={"voter_class": voter_class})
    _sync_tallies(ballot)
    return pairing


@transaction.atomic
def pairing_remove(*, ballot: Ballot, by: User, pairing_id: int) -> None:
    ballot = _editable(ballot, by)
    Pairing.objects.filter(ballot=ballot, pk=pairing_id).delete()
    _sync_tallies(ballot)


@transaction.atomic
def ballot_close(*, ballot: Ballot, by: User) -> Ballot:
    """The office ends voting before the closing date; the results may then be shown."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    _check_office(by, ballot.organ)
    if not ballot.results_visible(timezone.localdate()):
        ballot.closed_early = timezone.now()
        ballot.save(update_fields=["closed_early"])
    return ballot


def _add(ballot: Ballot, voter_class_id: int, answers: dict[int, list[str]]) -> None:
    """Adds the answers to their tallies in place (F expressions), so that concurrent votes add
    up whatever their order: one UPDATE for each question and answer given, however many
    people the sheet lists."""
    for question in range(len(ballot.questions)):
        alike: dict[str, list[int]] = defaultdict(list)
        for candidate, given in answers.items():
            alike[given[question]].append(candidate)
        for answer, candidates in alike.items():
            extra = ({COUNTED[answer]: F(COUNTED[answer]) + 1}
                     if ballot.scale == rules.GRADES else {})
            Tally.objects.filter(ballot=ballot, voter_class_id=voter_class_id, question=question,
                                 candidate_id__in=candidates).update(
                votes=F("votes") + 1, points=F("points") + rules.points(ballot.scale, answer),
                **extra)


def _check_answers(ballot: Ballot, answers: dict[int, list[str]], expected: set[int]) -> None:
    if set(answers) != expected:
        raise Invalid(_("请对名单上的每一位被测评人作出评价。"), rule=rules.RULE)
    for given in answers.values():
        if problem := rules.answer_problem(ballot.scale, given, len(ballot.questions)):
            raise Invalid(problem, rule=rules.RULE)


@transaction.atomic
def ballot_vote(*, ballot: Ballot, by: User, answers: dict[int, list[str]]) -> None:
    """The voter's answers for everyone they rate, once. Who voted is recorded apart from what:
    the tallies keep no voter, no time, and no vote of their own."""
    voter = getattr(by, "person", None)
    if voter is None or not ballot.is_open(timezone.localdate()):
        raise Refused(_("测评不在投票期内，或您不是本次测评的测评人。"), rule=rules.RULE,
                      code="not_open")
    pairings = selectors.sheet(ballot, voter)
    if not pairings:
        raise NotAllowed(_("您不是本次测评的测评人。"), rule=rules.RULE)
    _check_answers(ballot, answers, {p.candidate_id for p in pairings})
    try:
        with transaction.atomic():
            Participation.objects.create(ballot=ballot, voter=voter)
    except IntegrityError as error:
        raise Refused(_("您已参加本次测评，每人只能投一次票。"), rule=rules.RULE,
                      code="already_voted") from error
    classes: dict[int, dict[int, list[str]]] = {}
    for pairing in pairings:
        classes.setdefault(pairing.voter_class_id, {})[pairing.candidate_id] = \
            answers[pairing.candidate_id]
    for voter_class, given in classes.items():
        _add(ballot, voter_class, given)


@transaction.atomic
def paper_ballot_enter(*, ballot: Ballot, by: User, class_key: str,
                       answers: dict[int, list[str]]) -> None:
    """The office enters one paper ballot of a class of voters: the people it rates, with its
    answers. Paper ballots are anonymous, so no voter is recorded; the office collects them
    from those the list shows as not having voted."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    _check_office(by, ballot.organ)
    if ballot.results_visible(timezone.localdate()):
        raise Refused(_("测评已结束，不能再录入纸质票。"), rule=rules.RULE, code="closed")
    voter_class = ballot.classes.filter(key=class_key).first()
    rated = set(Pairing.objects.filter(ballot=ballot, voter_class=voter_class)
                .values_list("candidate_id", flat=True))
    if voter_class is None or not answers or not set(answers) <= rated:
        raise Invalid(_("纸质票上的被测评人须在该类测评人的测评名单上。"), rule=rules.RULE)
    _check_answers(ballot, answers, set(answers))
    _add(ballot, voter_class.pk, answers)
    Ballot.objects.filter(pk=ballot.pk).update(paper_ballots=F("paper_ballots") + 1)
    record("ballot.paper", obj=ballot, new={"class": class_key, "people": len(answers)})
