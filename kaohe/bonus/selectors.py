"""Reads of the bonus split: the organ's table, and a quarter's sheet, computed from the grades
as they stand (a what-if), beside the split recorded. Access is checked by the callers through
kaohe.org.access; every read here is a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kaohe.assessments.models import DECIDED, Assessment
from kaohe.bonus import rules
from kaohe.bonus.models import BonusShare, BonusSplit, BonusTable
from kaohe.org.models import Organ
from kaohe.plans.models import Grade, Period

GRADES_BEST_FIRST = [grade.value for grade in Grade]


@dataclass(frozen=True)
class Line:
    assessment: Assessment
    grade: str  # rules.UNDETERMINED for a grade not determined
    coefficient: Decimal
    amount: Decimal
    recorded: BonusShare | None  # this person's share in the split in force

    @property
    def changed(self) -> bool:
        """The grade differs from the one the split in force was recorded with."""
        return self.recorded is not None and self.recorded.grade != self.grade


@dataclass(frozen=True)
class Sheet:
    period: Period
    table: BonusTable
    mode: str
    amount: Decimal | None
    lines: list[Line]
    remainder: Decimal
    undecided: int  # people whose grade is not approved yet: no split can be recorded
    in_force: BonusSplit | None
    history: list[BonusSplit]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def stale(self) -> bool:
        """Grades changed (an appeal) or people came or went since the split in force."""
        recorded = len(self.in_force.shares.all()) if self.in_force else 0
        return self.in_force is not None and (
            any(line.changed or line.recorded is None for line in self.lines)
            or recorded != len(self.lines))


def table_for(organ: Organ, year: int) -> BonusTable:
    """The organ's table for the year, or the default one (not saved) until the office sets it."""
    return (BonusTable.objects.filter(organ=organ, year=year).first()
            or BonusTable(organ=organ, year=year))


def grade_key(assessment: Assessment) -> str:
    return assessment.grade if assessment.grade_determined else rules.UNDETERMINED


def participants(period: Period) -> list[Assessment]:
    return list(Assessment.objects.filter(period=period)
                .select_related("person", "section")
                .order_by("section__code", "person__personnel_no"))


def splits(period: Period) -> list[BonusSplit]:
    """Every recording, the one in force first, with its shares."""
    return list(BonusSplit.objects.filter(period=period).select_related("recorded_by")
                .prefetch_related("shares"))


def sheet(period: Period, mode: str | None = None, amount: Decimal | None = None) -> Sheet:
    """The split the grades as they stand give for `mode` and `amount` (by default those of the
    split in force), each line beside the share recorded."""
    history = splits(period)
    in_force = history[0] if history else None
    if mode is None and in_force is not None:
        mode, amount = in_force.mode, in_force.amount
    mode = mode or rules.POOL
    table = table_for(period.organ, period.year)
    people = participants(period)
    grades = [grade_key(a) if a.state in DECIDED else rules.UNDETERMINED for a in people]
    coefficients = [table.by_grade()[grade] for grade in grades]
    amounts, remainder = (rules.split(mode, amount, coefficients) if amount is not None
                          else ([Decimal("0.00")] * len(people), Decimal("0.00")))
    recorded = {share.person_id: share for share in in_force.shares.all()} if in_force else {}
    lines = [Line(a, grade, c, money, recorded.get(a.person_id))
             for a, grade, c, money in zip(people, grades, coefficients, amounts, strict=True)]
    return Sheet(period, table, mode, amount, lines, remainder,
                 sum(a.state not in DECIDED for a in people), in_force, history)
