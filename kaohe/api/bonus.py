"""The bonus split over the API (§九(二)): an organ's coefficients for a year, and a quarter's
split as the grades stand, beside the split recorded; the office records it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from ninja.responses import Status

from kaohe import limits
from kaohe.api.assessments import Id
from kaohe.assessments import selectors as assessment_selectors
from kaohe.bonus import rules, selectors, services
from kaohe.bonus.models import BonusTable
from kaohe.errors import NotAllowed
from kaohe.org import access
from kaohe.org.http import ActorRequest
from kaohe.org.models import Organ
from kaohe.plans.models import Period

router = Router(tags=["bonus"])
Coefficient = Annotated[Decimal, Field(ge=0, le=rules.MAX_COEFFICIENT, decimal_places=2)]
Year = Annotated[int, Path(ge=limits.YEAR_MIN, le=limits.YEAR_MAX)]
Amount = Annotated[Decimal, Field(gt=0, le=rules.MAX_AMOUNT, decimal_places=2)]


class TableSchema(Schema):
    good: Coefficient
    fairly_good: Coefficient
    average: Coefficient
    poor: Coefficient
    undetermined: Coefficient  # a grade not determined (§十(三))

    @classmethod
    def of(cls, table: BonusTable) -> TableSchema:
        return cls(**{name: getattr(table, name) for name in services.COEFFICIENTS})


class SplitIn(Schema):
    mode: Literal["pool", "base"]  # a pool shared by coefficient, or a base times each
    amount: Amount
    reason: str = ""  # required when the quarter's split is recorded again


class RecordedOut(Schema):
    id: int
    mode: str
    amount: Decimal
    total: Decimal
    remainder: Decimal
    reason: str
    recorded_by: str
    recorded_at: datetime.datetime


class ShareOut(Schema):
    person: str
    name: str
    section: str
    grade: str | None  # None: not determined, or not yet approved
    coefficient: Decimal
    amount: Decimal
    recorded: Decimal | None  # the amount in the split in force


class BonusOut(Schema):
    period: int
    mode: str
    amount: Decimal | None
    total: Decimal
    remainder: Decimal  # the fen a pool's rounding left, not given to anyone
    undecided: int  # grades still to approve: no split can be recorded before
    stale: bool  # grades or people changed since the split in force was recorded
    coefficients: TableSchema
    in_force: RecordedOut | None
    shares: list[ShareOut]

    @classmethod
    def of(cls, sheet: selectors.Sheet) -> BonusOut:
        split = sheet.in_force
        return cls(
            period=sheet.period.pk, mode=sheet.mode, amount=sheet.amount, total=sheet.total,
            remainder=sheet.remainder, undecided=sheet.undecided, stale=sheet.stale,
            coefficients=TableSchema.of(sheet.table),
            in_force=None if split is None else RecordedOut(
                id=split.pk, mode=split.mode, amount=split.amount, total=split.total,
                remainder=split.remainder, reason=split.reason,
                recorded_by=split.recorded_by.username, recorded_at=split.recorded_at),
            shares=[ShareOut(
                person=line.assessment.person.personnel_no, name=line.assessment.person.name,
                section=line.assessment.section.code, grade=line.grade or None,
                coefficient=line.coefficient, amount=line.amount,
                recorded=line.recorded.amount if line.recorded else None)
                for line in sheet.lines])


def _check_sees(request: ActorRequest, organ: Organ) -> None:
    if not access.may_see_bonus(request.actor, organ):
        raise NotAllowed(_("只有办公室和主要负责人可以查看奖金分配。"), rule=rules.RULE)


def _period(request: ActorRequest, period_id: int) -> Period:
    period = assessment_selectors.period_detail(request.actor, period_id)
    _check_sees(request, period.organ)
    return period


@router.get("/periods/{period_id}/bonus", response=BonusOut)
def bonus(request: ActorRequest, period_id: Id, mode: Literal["pool", "base"] | None = None,
          amount: Amount | None = None) -> BonusOut:
    """The quarter's split as the grades stand: for `mode` and `amount` if given (a what-if),
    else for those of the split in force, each share beside the one recorded."""
    return BonusOut.of(selectors.sheet(_period(request, period_id), mode, amount))


@router.post("/periods/{period_id}/bonus", response={201: BonusOut})
def bonus_record(request: ActorRequest, period_id: Id, body: SplitIn) -> Status[BonusOut]:
    """The office records the split (409 `grades_pending` while a grade is not approved,
    `period_closed` once the quarter is closed; a second recording needs a reason)."""
    period = _period(request, period_id)
    services.bonus_split_record(period=period, by=request.user, mode=body.mode,
                                amount=body.amount, reason=body.reason)
    return Status(201, BonusOut.of(selectors.sheet(period)))


def _organ(request: ActorRequest, code: str) -> Organ:
    organ = access.get_organ(request.actor, code)
    _check_sees(request, organ)
    return organ


@router.get("/organs/{code}/bonus-coefficients/{year}", response=TableSchema)
def coefficients(request: ActorRequest, code: str, year: Year) -> TableSchema:
    """The organ's coefficient of each grade for the year (the defaults until set)."""
    return TableSchema.of(selectors.table_for(_organ(request, code), year))


@router.put("/organs/{code}/bonus-coefficients/{year}", response=TableSchema)
def coefficients_save(request: ActorRequest, code: str, year: Year,
                      body: TableSchema) -> TableSchema:
    """The office sets them: 好 above 较好, no grade above a better one, each 0–5."""
    table = services.bonus_table_save(organ=_organ(request, code), year=year, by=request.user,
                                      coefficients=body.dict())
    return TableSchema.of(table)
