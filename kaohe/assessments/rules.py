"""The rules of one quarter's assessment (§四, §七–§十): which state allows which action, the
composite score and the grade it suggests, the 好 cap and the split of its places, the appeal
window, the follow-ups a grade calls for, and the leave that leaves a grade undetermined.

Pure functions over plain values, as kaohe/annual/rules.py: no database, so that every rule is
tested directly. Services, selectors, pages, the API and templates ask here; none of them
re-derives a rule."""

from __future__ import annotations

import datetime
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TypeVar

from django.utils.translation import gettext as _

from kaohe.assessments.models import DECIDED, FollowUpKind, State
from kaohe.plans.models import Grade, IndicatorGroup, Rounding

RULE_CAP = "§八(一) 好等次 ≤ 40%"
RULE_SHARE = "§八(一) 科室名额分配（向基层一线倾斜）"  # the office's split of the places
RULE_GOOD = "§八(一)"  # the 好 grade: its cap, the split of its places, its publication
RULE_BANDS = "§八(二)"
RULE_SCORES = "§四"
RULE_DIRECT = "§九(一)"
RULE_FOLLOW_UP = "§九(二)"
RULE_LEAVE = "§十(三)"
RULE_APPEAL = "§十(二)"
RULE_REVIEW = "§七(三)"
RULE_FEEDBACK = "§七(四)"

# --- the workflow (§七) -------------------------------------------------------------------------

# action → (states it may start from, state it leads to; "" keeps the state)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "save_summary": ((State.DRAFT, State.RETURNED), ""),
    "submit": ((State.DRAFT, State.RETURNED), State.SUBMITTED),
    "return": ((State.SUBMITTED,), State.RETURNED),
    "propose": ((State.SUBMITTED, State.SENT_BACK, State.PROPOSED), State.PROPOSED),
    # Someone away for most of the quarter may have no summary to submit (§十(三)).
    "propose_undetermined": ((State.DRAFT, State.RETURNED, State.SUBMITTED, State.SENT_BACK,
                              State.PROPOSED), State.PROPOSED),
    "send_back": ((State.PROPOSED,), State.SENT_BACK),
    "approve": ((State.PROPOSED,), State.APPROVED),
    "feedback": ((State.APPROVED,), State.FEEDBACK),
    "acknowledge": ((State.FEEDBACK,), State.ACKNOWLEDGED),
}


def allows(action: str, state: str) -> bool:
    return state in TRANSITIONS[action][0]


def states_allowing(action: str) -> tuple[str, ...]:
    return TRANSITIONS[action][0]


def next_state(action: str, state: str) -> str:
    """The state `action` leads to from `state` (which the table must allow)."""
    return TRANSITIONS[action][1] or state


def propose_action(determined: bool) -> str:
    return "propose" if determined else "propose_undetermined"


def available(state: str, *, determined: bool, own: bool = False, reviewer: bool = False,
              approver: bool = False) -> frozenset[str]:
    """The forms a page offers on an assessment in `state` to the person assessed (`own`),
    their reviewer and their approver (§七(二)–(四)): what the table allows them, no more."""
    acts: set[str] = set()
    if own:
        acts |= {"summary"} if allows("submit", state) else set()
        acts |= {"acknowledge"} if allows("acknowledge", state) else set()
    if reviewer:
        acts |= {"propose", "liaison"} if allows(propose_action(determined), state) else set()
        acts |= {"return"} if allows("return", state) else set()
        acts |= {"feedback"} if allows("feedback", state) else set()
    if approver:
        acts |= {"approve", "send_back"} if allows("approve", state) else set()
    return frozenset(acts)


def awaiting_summary(state: str) -> bool:
    """The person has not submitted their summary yet (§七(二))."""
    return allows("submit", state)


# --- the composite score and the grade it suggests (§四, §八(二)) --------------------------------

@dataclass(frozen=True)
class Weighted:
    """One indicator of the year's plan: its group (common or individual) and weight."""

    code: str
    group: str
    weight: Decimal


def composite(indicators: Sequence[Weighted], scores: dict[str, Decimal], *,
              common_weight: int, individual_weight: int, ballot: Decimal | None = None,
              ballot_weight: int = 0) -> Decimal:
    """0.3 × weighted mean of the common indicators + 0.7 × weighted mean of the individual
    ones (§四, RULES.md), to the hundredth. Where the plan gives the colleagues' evaluation a
    weight (§七(三), decision 0031), the person's result in the quarter's ballot takes that
    share of the score; without a result shown, the indicators make the whole score."""
    total = Decimal(0)
    for group, share in [(IndicatorGroup.COMMON, common_weight),
                         (IndicatorGroup.INDIVIDUAL, individual_weight)]:
        mine = [i for i in indicators if i.group == group]
        weights = sum((i.weight for i in mine), Decimal(0))
        mean = sum((scores[i.code] * i.weight for i in mine), Decimal(0)) / weights
        total += mean * Decimal(share) / 100
    if ballot is not None and ballot_weight:
        total = (total * (100 - ballot_weight) + ballot * ballot_weight) / 100
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def suggested_grade(score: Decimal, *, good: Decimal, fairly_good: Decimal,
                    average: Decimal) -> str:
    """§八(二): the plan's score bands suggest a grade; the reviewer may differ, with a reason."""
    if score >= good:
        return Grade.GOOD
    if score >= fairly_good:
        return Grade.FAIRLY_GOOD
    if score >= average:
        return Grade.AVERAGE
    return Grade.POOR


def score_problem(code: str, value: Decimal) -> str:
    """Why a score cannot be taken (§四: 0 to 100, at most two decimals), or ""."""
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        return _("“%(code)s”的得分须在 0 到 100 之间。") % {"code": code}
    if int(value.as_tuple().exponent) < -2:
        return _("“%(code)s”的得分最多保留两位小数。") % {"code": code}
    return ""


def suggestion(score: Decimal, *, determined: bool, good: Decimal, fairly_good: Decimal,
               average: Decimal) -> str:
    """The grade the score suggests, or "" for someone whose grade is not determined: no
    grade, so no suggestion either (§十(三))."""
    if not determined:
        return ""
    return suggested_grade(score, good=good, fairly_good=fairly_good, average=average)


def reason_needed(proposed: str, suggested: str, *, direct: bool) -> bool:
    """A proposal other than the score's suggestion needs a written reason (§八(二)); a direct
    determination has its own reason (§九(一))."""
    return not direct and proposed != suggested


def team_decision_needed(*, chief: bool, by_principal: bool) -> bool:
    """A section chief's grade is decided by the principal; anyone else approving it (the
    office registering it) records the leadership team's collective decision (§七(三))."""
    return chief and not by_principal


PROPOSALS = ("propose", "propose_undetermined")


def approves_own_proposal(proposed_by: int | None, approver: int, *, chief: bool) -> str:
    """Why `approver` may not approve (§七(三)): review and approval are two levels, so whoever
    proposed the grade does not also decide it, whatever roles they hold; or "". A principal
    who also oversees a section reviews its chief; the chief's grade is then the leadership
    team's decision, which the office records."""
    if proposed_by != approver:
        return ""
    refusal = _("您提出了此人的等次建议，不能再审定：审核与审定须由不同的人进行。")
    if chief:
        refusal += _("科室正职的等次可由办公室登记领导班子集体研究的决定。")
    return refusal


# --- the 好 cap (§八(一)) ------------------------------------------------------------------------

def good_limit(base: int, ratio: Decimal, rounding: str) -> int:
    """好 ≤ ratio × those taking part: 21 × 0.4 = 8.4 → 8 when rounding down."""
    exact = Decimal(base) * ratio
    if rounding == Rounding.NEAREST:
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return math.floor(exact)


def cap_base(participants: int, determined: int, *, includes_undetermined: bool) -> int:
    """Who the ratio is taken of: everyone taking part, or only those with a grade."""
    return participants if includes_undetermined else determined


def places_used(good: int, direct_good: int, *, direct_good_counts: bool) -> int:
    """好 grades that take a place: a 好 determined directly (§九(一)) takes none unless the
    plan says so."""
    return good if direct_good_counts else good - direct_good


def takes_place(final: str, *, direct: bool, proposed: str, direct_good_counts: bool) -> bool:
    """Whether deciding `final` takes one of the quarter's 好 places."""
    directly_good = direct and proposed == Grade.GOOD
    return final == Grade.GOOD and (not directly_good or direct_good_counts)


@dataclass(frozen=True)
class Quota:
    """The quarter's 好 places: those taking part, the ratio, the limit, those already taken."""

    participants: int
    ratio: Decimal
    limit: int
    used: int
    asked: int = 0  # proposed 好 and not yet approved: they will ask for a place

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    @property
    def over(self) -> bool:
        return self.used > self.limit

    @property
    def percent(self) -> str:
        """The organ's ratio as people read it: 0.400 → "40"."""
        return format((self.ratio * 100).normalize(), "f")


def ratio_below_approved(ratio: Decimal, rounding: str,
                         quarters: Sequence[tuple[str, Quota]]) -> str:
    """Why a plan in force may not take the 好 ratio `ratio`, or "" (§八(一)): a quarter's
    limit may not fall below the 好 already approved in it (the plan itself keeps the ratio
    within 40 %). `quarters`: (label, places now) of each quarter opened under the plan."""
    for label, quota in quarters:
        limit = good_limit(quota.participants, ratio, rounding)
        if quota.used > limit:
            return _("%(quarter)s已审定“好” %(used)d 名，按新比例最多 %(limit)d 名：比例不能低于"
                     "已审定的人数。") % {"quarter": label, "used": quota.used, "limit": limit}
    return ""


def no_place_left(quota: Quota) -> str:
    """Why one more 好 cannot be approved (§八(一)), or "" while a place is left."""
    if quota.used + 1 <= quota.limit:
        return ""
    return _("“好”等次名额已满：本季度参加考核 %(participants)d 人，按 %(ratio)s%% 最多 "
             "%(limit)d 名，已审定 %(used)d 名。") % {
        "participants": quota.participants, "ratio": quota.percent,
        "limit": quota.limit, "used": quota.used}


K = TypeVar("K", bound=Hashable)


def no_places_for(quota: Quota, asked: int) -> str:
    """Why `asked` more 好 cannot be approved together (§八(一)), or "": a batch takes its
    places all at once or not at all."""
    if asked <= 1:
        return no_place_left(quota) if asked == 1 else ""
    if quota.used + asked <= quota.limit:
        return ""
    return _("本次拟同意 %(asked)d 人为“好”，但本季度“好”等次名额仅剩 %(remaining)d 个（最多 "
             "%(limit)d 名，已审定 %(used)d 名），未作任何审定。") % {
        "asked": asked, "remaining": quota.remaining, "limit": quota.limit, "used": quota.used}


# --- the split of the places among sections (§八(一), front-line tilt) ---------------------------

@dataclass(frozen=True)
class Share:
    """One section's share of the quarter's 好 places, as the office fixed it, and the places
    its approved 好 already take. A share covers the section's staff and its chief."""

    section: str
    places: int
    used: int

    @property
    def remaining(self) -> int:
        return max(self.places - self.used, 0)


def beyond_share(share: Share, asked: int = 1) -> str:
    """Why `asked` more 好 of this section cannot be approved under the fixed split, or ""."""
    if share.used + asked <= share.places:
        return ""
    return _("超出本科室名额：按办公室确定的本季度名额分配，%(section)s“好”等次名额 %(places)d 个，"
             "已审定 %(used)d 个，仅剩 %(remaining)d 个，本次需要 %(asked)d 个。") % {
        "section": share.section, "places": share.places, "used": share.used,
        "remaining": share.remaining, "asked": asked}


def split_problem(shares: dict[K, int], used: dict[K, int], names: dict[K, str],
                  limit: int) -> str:
    """Why a split cannot be fixed, or "": the shares never add up to more than the organ's
    limit, and no share is fixed below the 好 its section already has approved."""
    if sum(shares.values()) > limit:
        return _("各科室名额合计 %(total)d 个，超过本季度“好”等次名额 %(limit)d 个。") % {
            "total": sum(shares.values()), "limit": limit}
    short = [key for key, taken in used.items() if taken > shares.get(key, 0)]
    if short:
        return _("%(sections)s已审定的“好”多于新的名额，不能这样分配。") % {
            "sections": "、".join(f"{names[key]}（{used[key]} > {shares.get(key, 0)}）"
                                  for key in short)}
    return ""


MAX_FRONTLINE_WEIGHT = Decimal(5)
DEFAULT_FRONTLINE_WEIGHT = Decimal("0.50")  # what the office's page proposes first


def split_places(limit: int, groups: Sequence[tuple[K, int, int]], frontline_weight: Decimal,
                 ) -> dict[K, int]:
    """Split `limit` places among groups (key, headcount, front-line headcount) in proportion
    to headcount + weight × front-line headcount, by the largest remainder (Hamilton) method:
    §八(一) leans the places towards front-line and hardship posts.

    The places add up to min(limit, total headcount), never more; no group gets more places
    than people. Ties on the remainder go to the larger front-line share, then the key."""
    weight = Fraction(str(frontline_weight))
    places: dict[K, int] = {key: 0 for key, _n, _f in groups}
    open_ = {key: (n, front) for key, n, front in groups if n > 0}
    remaining = min(limit, sum(n for n, _f in open_.values()))
    while remaining > 0 and open_:
        weights = {key: n + weight * front for key, (n, front) in open_.items()}
        total = sum(weights.values())
        exact = {key: remaining * w / total for key, w in weights.items()}
        given = {key: int(value) for key, value in exact.items()}
        order = sorted(open_, key=lambda k: (-(exact[k] - given[k]),
                                             -Fraction(open_[k][1], open_[k][0]), str(k)))
        for key in order[:remaining - sum(given.values())]:
            given[key] += 1
        full = [key for key in open_ if places[key] + given[key] > open_[key][0]]
        if not full:
            for key, n in given.items():
                places[key] += n
            break
        for key in full:  # a section cannot use more places than it has people
            remaining -= open_[key][0] - places[key]
            places[key] = open_.pop(key)[0]
    return places


def frontline_weight_valid(weight: Decimal) -> bool:
    return Decimal(0) <= weight <= MAX_FRONTLINE_WEIGHT


# --- after the grade: appeal window and follow-ups (§九(二), §十(二)) -----------------------------

APPEAL_WORKING_DAYS = 5  # from the day the result is fed back, on the official calendar

FOLLOW_UP_FOR = {Grade.AVERAGE.value: FollowUpKind.REMINDER_TALK,
                 Grade.POOR.value: FollowUpKind.CRITICISM}
# For 较差, when needed, an admonition or a change of post as well.
FURTHER_FOR_POOR = (FollowUpKind.ADMONITION, FollowUpKind.POST_CHANGE)


def follow_up_for(grade: str) -> str | None:
    """The follow-up §九(二) asks for a grade: a reminder talk for 一般, criticism for 较差."""
    return FOLLOW_UP_FOR.get(grade)


def further_allowed(grade: str, kind: str) -> bool:
    return grade == Grade.POOR and kind in FURTHER_FOR_POOR


# --- leave (§十(三)) -----------------------------------------------------------------------------

Span = tuple[datetime.date, datetime.date]


def merged_spans(spans: Iterable[Span], first: datetime.date, last: datetime.date) -> list[Span]:
    """The days of `spans` within first..last, overlapping and touching spans joined, so that
    no day is counted twice."""
    inside = sorted((max(start, first), min(end, last)) for start, end in spans
                    if start <= last and end >= first)
    merged: list[list[datetime.date]] = []
    for start, end in inside:
        if merged and start <= merged[-1][1] + datetime.timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def grade_determined(leave_days: int, quarter_days: int) -> bool:
    """Sick and personal leave over half the quarter's working days: the person takes part,
    but no grade is determined (§十(三))."""
    return leave_days * 2 <= quarter_days


# --- the published 好 list (§八(一), decision 0014) ----------------------------------------------

Entry = dict[str, object]


def corrected_list(published: list[Entry], corrections: list[tuple[list[Entry], list[Entry]]]
                   ) -> list[Entry]:
    """The list as published with each (added, removed) correction applied in order, ordered
    by section and personnel number like the published list."""
    current = {entry["assessment"]: entry for entry in published}
    for added, removed in corrections:
        for entry in removed:
            current.pop(entry["assessment"], None)
        for entry in added:
            current[entry["assessment"]] = entry
    return sorted(current.values(),
                  key=lambda e: (str(e.get("section_code", "")), str(e["personnel_no"])))


def list_change(previous_grade: str, new_grade: str) -> str:
    """How a change of grade after publication changes the 好 list: "added", "removed" or
    "" (not to or from 好)."""
    if previous_grade != Grade.GOOD and new_grade == Grade.GOOD:
        return "added"
    if previous_grade == Grade.GOOD and new_grade != Grade.GOOD:
        return "removed"
    return ""


def leave_may_change(states: Iterable[str]) -> bool:
    """A leave record changes without a written reason until a grade it bears on is
    approved: the assessments of the quarters it touches, in `states`, all still undecided.
    Afterwards the change needs a reason, and re-decides the grade (§十(三), decision 0003)."""
    return not any(state in DECIDED for state in states)


# --- whose step it is (the 催办 of the progress page) -------------------------------------------

PERSON, REVIEWER, APPROVER = "person", "reviewer", "approver"
# §七(三): the person writes and later confirms; the supervising leader reviews and gives the
# feedback; the approver approves. A confirmed assessment waits on nobody.
WAITING_ON = {"draft": PERSON, "returned": PERSON, "submitted": REVIEWER, "sent_back": REVIEWER,
              "proposed": APPROVER, "approved": REVIEWER, "feedback": PERSON}


def waiting_on(state: str) -> str:
    """Who must act next on an assessment in `state`: PERSON, REVIEWER, APPROVER or ""."""
    return WAITING_ON.get(state, "")
