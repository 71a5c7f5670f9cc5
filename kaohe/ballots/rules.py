"""民主测评, the colleagues' evaluation that §七(三) asks the review to take into account
("应当结合日常了解、群众评价以及服务对象意见等情况"). Pure functions over plain values, as
kaohe/annual/rules.py: who votes for whom by default, what a valid answer is, and how votes
become a person's result, per class of voters and weighted.

Votes are never stored one by one: each answer is added to the tally of its person, class of
voters and question, and who has voted is kept apart (decision 0031). A class's result is shown
only from `min_votes` votes on: below that, a few voters could be recognised by their answers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

RULE = "§七(三)"
GRADES, SCORE = "grades", "score"
# The grade scale's answers, best first, and the points each counts for in a result out of 100.
POINTS = {"好": 100, "较好": 80, "一般": 60, "较差": 40}
DEFAULT_QUESTIONS = (gettext_noop("德"), gettext_noop("能"), gettext_noop("勤"), gettext_noop("绩"),
                     gettext_noop("廉"))
DEFAULT_MIN_VOTES = 3
# The default classes of voters: key, name, weight (decision 0031).
COLLEAGUES, CHIEFS, LEADERS = "colleagues", "chiefs", "leaders"
# The names are stored translated into the office's language when the ballot is made.
DEFAULT_CLASSES = ((COLLEAGUES, gettext_noop("同事"), Decimal("0.40")),
                   (CHIEFS, gettext_noop("科室负责人"), Decimal("0.60")),
                   (LEADERS, gettext_noop("领导班子成员"), Decimal("0.60")))
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Member:
    """Someone of the organ, as the default pairing needs them."""

    key: int
    section: int | None
    category: str  # kaohe.org.choices.Category
    assessed: bool


def default_pairs(members: Iterable[Member]) -> list[tuple[int, int, str]]:
    """(voter, candidate, class) by default: everyone in a section rates the section's other
    assessed people as a colleague, except its chief, who rates its staff as their chief; the
    leadership rates the chiefs."""
    people = list(members)
    candidates = [m for m in people if m.assessed]
    pairs = []
    for voter in people:
        for candidate in candidates:
            if voter.key == candidate.key:
                continue
            if voter.category == "leadership" and candidate.category == "chief":
                pairs.append((voter.key, candidate.key, LEADERS))
            elif voter.section is not None and voter.section == candidate.section:
                chief_of = voter.category == "chief" and candidate.category == "staff"
                pairs.append((voter.key, candidate.key, CHIEFS if chief_of else COLLEAGUES))
    return pairs


def answer_problem(scale: str, answers: Sequence[str], questions: int) -> str:
    """Why one person's answers cannot be counted, or ""."""
    if len(answers) != questions or any(a in (None, "") for a in answers):
        return _("请对每位被测评人的每一项都作出评价（%(rule)s）。") % {"rule": RULE}
    if scale == GRADES and any(a not in POINTS for a in answers):
        return _("评价只能是好、较好、一般、较差之一。")
    if scale == SCORE and any(not (str(a).isdigit() and 0 <= int(a) <= 100) for a in answers):
        return _("评分须为 0 到 100 的整数。")
    return ""


def points(scale: str, answer: str) -> int:
    return POINTS[answer] if scale == GRADES else int(answer)


def class_score(votes: int, points: int, questions: int) -> Decimal | None:
    """A class's result out of 100: the mean of the questions' mean points (every vote answers
    every question, so it is the points over votes × questions); None without votes."""
    if not votes or not questions:
        return None
    return (Decimal(points) / (votes * questions)).quantize(HUNDREDTH, ROUND_HALF_UP)


def shown(votes: int, min_votes: int) -> bool:
    return votes >= min_votes


def weighted(results: Iterable[tuple[Decimal, Decimal | None, int]],
             min_votes: int) -> Decimal | None:
    """The weighted result over the classes shown, (weight, score, votes) each; the weights of
    the classes hidden or without votes are left out, so that what is shown adds up. None when
    no class is shown."""
    counted = [(w, s) for w, s, n in results if s is not None and shown(n, min_votes) and w > 0]
    weights = sum((w for w, _s in counted), Decimal(0))
    if not weights:
        return None
    return (sum((w * s for w, s in counted), Decimal(0)) / weights).quantize(HUNDREDTH,
                                                                             ROUND_HALF_UP)
