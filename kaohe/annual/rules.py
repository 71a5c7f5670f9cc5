"""The rules that turn a person's quarters into a recommended annual grade (§九(三)–(四),
§十(一)). Pure functions over plain data: no database, so that every rule and every setting is
tested directly. The thresholds come from the organ's AnnualYear settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from itertools import groupby
from typing import Any, NamedTuple, Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from kaohe.annual.models import AnnualGrade
from kaohe.plans.models import Grade

RULE_EXCELLENT = "§九(三)"
RULE_LOWER = "§九(四)"
RULE_REFUSAL = "§十(一)"
RULE_UNDETERMINED = "§十(三)"
LOWER = (Grade.AVERAGE, Grade.POOR)
GRADES = tuple(Grade.values)  # the enum builds Grade.values anew on every read

# Codes of the rules a decided grade can break, kept on the result and shown in reports.
BROKEN = {
    "not_eligible": gettext_lazy("不符合优秀条件：“好”次数较多且没有“一般”“较差”（§九(三)）"),
    "over_ratio": gettext_lazy("超过优秀比例（§九(三)）"),
    "lower_majority": gettext_lazy(
        "“一般”“较差”超过半数的季度，原则上应为基本称职或不称职（§九(四)）"),
    "refused": gettext_lazy("无正当理由不参加考核，应为不称职（§十(一)）"),
    "has_grades": gettext_lazy("有确定等次的季度，不属于不确定等次（§十(三)）"),
}
# The rules the plan states as musts (应当…产生, 确定为): a grade breaking one is refused, with
# its clause. The others say "原则上": the office may depart from them with a written reason,
# and the result stays flagged.
MUST = {"not_eligible": RULE_EXCELLENT, "over_ratio": RULE_EXCELLENT, "refused": RULE_REFUSAL}


class Reason:
    """One line of why a grade is recommended, translated and filled in only when shown: an
    organ's overview holds a few for each of its people, and a page shows a few dozen rows."""

    __slots__ = ("message", "values")

    def __init__(self, message: str, values: dict[str, Any] | None = None) -> None:
        self.message, self.values = message, values

    def __str__(self) -> str:
        text = _(self.message)
        return text % self.values if self.values is not None else text

    def __contains__(self, part: str) -> bool:
        return part in str(self)

    def __repr__(self) -> str:
        return f"Reason({str(self)!r})"


class Thresholds(Protocol):
    """What the rules read from AnnualYear (a protocol, so tests may pass plain objects)."""

    excellent_good_share: Decimal
    excellent_min_good: int
    lower_share: Decimal
    all_poor_incompetent: bool
    base_includes_undetermined: bool

    def excellent_limit(self, participants: int) -> int: ...


class Quarter(NamedTuple):
    """One quarter of one person: `grade` is empty while undecided or when not determined.
    A tuple: an organ's year builds one for each of its assessments."""

    quarter: int
    grade: str = ""
    determined: bool = True
    decided: bool = True
    score: Decimal | None = None


@dataclass
class Recommendation:
    key: str  # the person's personnel number
    quarters: dict[int, Quarter]
    refused: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    undetermined: int = 0
    pending: int = 0
    eligible: bool = False
    priority: bool = False
    lower: bool = False
    all_poor: bool = False
    rank: int | None = None
    tie: bool = False
    grade: str = ""
    rules: list[Reason] = field(default_factory=list)

    @property
    def taking_part(self) -> int:
        return len(self.quarters)

    @property
    def graded(self) -> int:
        return sum(self.counts.values())

    @property
    def average_score(self) -> Decimal:
        scores = [q.score for q in self.quarters.values() if q.score is not None and q.grade]
        return sum(scores, Decimal(0)) / len(scores) if scores else Decimal(0)

    def ranking_key(self) -> tuple[bool, int, Decimal]:
        """Priority (好 every quarter) first, then more 好, then the average composite score."""
        return (self.priority, self.counts[Grade.GOOD], self.average_score)

    def line(self) -> str:
        """平时考核情况：好x次，较好x次，一般x次，较差x次 — the line of the annual form."""
        return _("好%(good)d次，较好%(fair)d次，一般%(average)d次，较差%(poor)d次") % {
            "good": self.counts[Grade.GOOD], "fair": self.counts[Grade.FAIRLY_GOOD],
            "average": self.counts[Grade.AVERAGE], "poor": self.counts[Grade.POOR]}


def evaluate(key: str, quarters: list[Quarter], settings: Thresholds, *,
             refused: bool = False) -> Recommendation:
    """Everything that follows from one person's own quarters (not yet the ratio)."""
    rec = Recommendation(key=key, quarters={q.quarter: q for q in quarters}, refused=refused)
    counts = rec.counts = dict.fromkeys(GRADES, 0)
    for q in quarters:  # one pass: an organ's year evaluates thousands of people
        if q.grade:
            counts[q.grade] += 1
        if not q.decided:
            rec.pending += 1
        elif not q.determined:
            rec.undetermined += 1
    lower = sum(counts[g] for g in LOWER)
    good, graded, taking_part = counts[Grade.GOOD], sum(counts.values()), len(rec.quarters)
    rec.all_poor = (settings.all_poor_incompetent and taking_part > 0
                    and counts[Grade.POOR] == taking_part)
    rec.lower = lower > settings.lower_share * taking_part
    rec.eligible = (not refused and lower == 0 and good > 0 and good >= settings.excellent_min_good
                    and good >= settings.excellent_good_share * graded)
    rec.priority = rec.eligible and good == taking_part
    if rec.pending:
        rec.rules.append(Reason(gettext_noop("有 %(n)d 个季度尚未审定，建议等次可能变化"),
                                {"n": rec.pending}))
    if refused:
        rec.grade = AnnualGrade.INCOMPETENT
        rec.rules.append(Reason(gettext_noop("无正当理由不参加考核 → 不称职（§十(一)）")))
    elif graded == 0:
        rec.grade = AnnualGrade.UNDETERMINED
        rec.rules.append(Reason(gettext_noop("全年没有确定等次的季度 → 不确定等次（§十(三)）")))
    elif rec.all_poor:
        rec.grade = AnnualGrade.INCOMPETENT
        rec.rules.append(Reason(gettext_noop("每个季度均为“较差” → 可直接确定为不称职（§九(四)）")))
    elif rec.lower:
        rec.grade = AnnualGrade.BASIC
        rec.rules.append(Reason(gettext_noop(
            "“一般”“较差”共 %(lower)d 次，超过参加的 %(quarters)d 个季度的 %(share)s → "
            "原则上基本称职或不称职（§九(四)）"), {
                "lower": lower, "quarters": taking_part,
                "share": _percent(settings.lower_share)}))
    else:
        rec.grade = AnnualGrade.COMPETENT
        rec.rules.append(_excellent_reason(rec, settings, good, lower))
    return rec


def _excellent_reason(rec: Recommendation, settings: Thresholds, good: int,
                      lower: int) -> Reason:
    if rec.priority:
        return Reason(gettext_noop("每个季度均为“好” → 优先评为优秀（§九(三)）"))
    if rec.eligible:
        return Reason(gettext_noop(
            "“好” %(good)d 次，达到确定等次季度的 %(share)s，且无“一般”“较差” → "
            "可评为优秀（§九(三)）"),
            {"good": good, "share": _percent(settings.excellent_good_share)})
    if lower:
        return Reason(gettext_noop("有“一般”或“较差” → 不能评为优秀（§九(三)）"))
    return Reason(gettext_noop(
        "“好” %(good)d 次，未达到确定等次季度的 %(share)s（至少 %(min)d 次） → "
        "不能评为优秀（§九(三)）"),
        {"good": good, "share": _percent(settings.excellent_good_share),
         "min": settings.excellent_min_good})


@cache  # one organ's settings, asked for each of its people
def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}%"


def participants(recs: list[Recommendation], settings: Thresholds) -> int:
    """The base of the 优秀 ratio: those taking part in the year (§九(三))."""
    return sum(1 for r in recs if settings.base_includes_undetermined or r.graded > 0)


def rank(recs: list[Recommendation], settings: Thresholds) -> int:
    """Rank the eligible candidates and recommend 优秀 within the ratio. A group tied at the
    line gets no automatic place: the committee decides among them. Returns the limit.
    One pass: each ranking key is computed once, and a tie group is a run of equal keys."""
    limit = settings.excellent_limit(participants(recs, settings))
    keyed = sorted(((r.ranking_key(), r) for r in recs
                    if r.eligible and r.grade == AnnualGrade.COMPETENT),
                   key=lambda pair: pair[1].key)
    keyed.sort(key=lambda pair: pair[0], reverse=True)  # stable: ties by number
    position = 0
    for _key, pairs in groupby(keyed, key=lambda pair: pair[0]):
        group = [r for _same, r in pairs]
        _place(group, position, limit)
        position += len(group)
    return limit


def _place(group: list[Recommendation], position: int, limit: int) -> None:
    """One group of equal keys starting after `position` others: within the ratio, tied at
    the line (the committee decides, §九(三)), or beyond it."""
    for r in group:
        r.rank = position + 1
        if position + len(group) <= limit:
            r.grade = AnnualGrade.EXCELLENT
            r.rules.append(Reason(gettext_noop("排名第 %(rank)d，在优秀名额 %(limit)d 名之内"), {
                "rank": r.rank, "limit": limit}))
        elif position < limit:
            r.tie = True
            r.rules.append(Reason(gettext_noop(
                "与另外 %(others)d 人并列第 %(rank)d，只剩 %(left)d 个优秀名额 → "
                "由考核委员会研究确定"), {
                    "others": len(group) - 1, "rank": r.rank, "left": limit - position}))
        else:
            r.rules.append(Reason(gettext_noop("排名第 %(rank)d，超出优秀名额 %(limit)d 名"), {
                "rank": r.rank, "limit": limit}))


def broken_rules(rec: Recommendation, grade: str, *, excellent_taken: int,
                 limit: int) -> list[str]:
    """The rules a decided grade breaks (codes of BROKEN); `excellent_taken` counts the other
    people already decided 优秀."""
    broken = []
    if grade == AnnualGrade.EXCELLENT:
        if not rec.eligible:
            broken.append("not_eligible")
        if excellent_taken + 1 > limit:
            broken.append("over_ratio")
    if grade in (AnnualGrade.EXCELLENT, AnnualGrade.COMPETENT) and (rec.lower or rec.all_poor):
        broken.append("lower_majority")
    if rec.refused and grade != AnnualGrade.INCOMPETENT:
        broken.append("refused")
    if grade == AnnualGrade.UNDETERMINED and rec.graded > 0:
        broken.append("has_grades")
    return broken


def must_broken(broken: list[str]) -> str:
    """The first rule of `broken` that the plan states as a must, or "": the grade is then
    refused (MUST)."""
    return next((code for code in broken if code in MUST), "")


# --- how final a recommendation is, and which need the office's own decision ----------------

QUARTERS_IN_YEAR = 4


def year_complete(closed_quarters: int) -> bool:
    """The annual grade follows from the year's four quarters (§九(三)–(四)): until all four
    are closed, every recommendation may still change."""
    return closed_quarters >= QUARTERS_IN_YEAR


def provisional(rec: Recommendation, closed_quarters: int) -> bool:
    """暂定: the year is not complete, or one of the person's quarters is still undecided."""
    return rec.pending > 0 or not year_complete(closed_quarters)


def needs_decision(rec: Recommendation, closed_quarters: int) -> bool:
    """Whether the office must look at this person itself rather than confirm the
    recommendation with the others in one step: a provisional recommendation (nothing is
    fixed before the year is complete), a tie at the 优秀 line (the committee decides,
    §九(三)), and "原则上基本称职或不称职" (a choice between two grades, §九(四))."""
    return provisional(rec, closed_quarters) or rec.tie or (rec.lower and not rec.all_poor)


def batch_confirmable(undecided: list[Recommendation], *, excellent_taken: int, limit: int,
                      closed_quarters: int) -> list[Recommendation]:
    """The undecided recommendations the office may confirm all at once: those needing no
    decision of their own whose confirmation breaks no rule (an 优秀 decided earlier against
    the recommendation may have taken a place: then the 优秀 ones beyond the ratio wait)."""
    chosen = []
    for rec in undecided:
        if needs_decision(rec, closed_quarters) or broken_rules(
                rec, rec.grade, excellent_taken=excellent_taken, limit=limit):
            continue
        excellent_taken += rec.grade == AnnualGrade.EXCELLENT
        chosen.append(rec)
    return chosen
