"""The annual link over the API: each person's quarters, the recommended annual grade with
the rules that produced it, the ranked 优秀 candidates and the office's decisions (§九(三)–(四))."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema

from kaohe.annual import rules, selectors, services
from kaohe.org.http import ActorRequest
from kaohe.org.models import Organ, Person

router = Router(tags=["annual"])


class QuarterOut(Schema):
    quarter: int
    grade: str | None  # None: not determined or not yet decided
    determined: bool
    decided: bool


class DecisionOut(Schema):
    grade: str
    reason: str
    override: bool
    broken_rules: list[str]


class RowOut(Schema):
    person: str
    name: str
    section: str
    quarters: list[QuarterOut]
    counts: dict[str, int]
    recommended: str
    rules: list[str]
    eligible_excellent: bool
    priority: bool
    rank: int | None
    tie: bool
    refused_to_take_part: bool
    decision: DecisionOut | None

    @classmethod
    def of(cls, row: selectors.Row) -> RowOut:
        rec, result = row.rec, row.result
        decision = None
        if result is not None and result.grade:
            decision = DecisionOut(grade=result.grade, reason=result.reason,
                                   override=result.is_override,
                                   broken_rules=list(result.broken_rules))
        return cls(
            person=row.person.personnel_no, name=row.person.name,
            section=row.person.section.code if row.person.section else "",
            quarters=[QuarterOut(quarter=q.quarter, grade=q.grade or None,
                                 determined=q.determined, decided=q.decided)
                      for q in rec.quarters.values()],
            counts=rec.counts, recommended=rec.grade, rules=[str(r) for r in rec.rules],
            eligible_excellent=rec.eligible, priority=rec.priority, rank=rec.rank, tie=rec.tie,
            refused_to_take_part=rec.refused, decision=decision)


class SettingsOut(Schema):
    excellent_ratio: Decimal
    excellent_rounding: str
    base_includes_undetermined: bool
    excellent_good_share: Decimal
    excellent_min_good: int
    lower_share: Decimal
    all_poor_incompetent: bool
    announce_working_days: int


class AnnualOut(Schema):
    organ: str
    year: int
    closed: bool
    participants: int
    excellent_limit: int
    settings: SettingsOut
    rows: list[RowOut]
    broken_rule_labels: dict[str, str]


class DecideIn(Schema):
    person: str
    grade: str
    reason: str = ""


class RefusalIn(Schema):
    person: str
    refused: bool = True  # false withdraws an earlier record
    note: str


class RefusalOut(Schema):
    person: str
    refused: bool
    note: str


@router.get("/annual/{organ}/{year}", response=AnnualOut)
def annual(request: ActorRequest, organ: str, year: int) -> AnnualOut:
    view = selectors.annual_overview(request.actor, organ, year)
    a = view.annual
    return AnnualOut(
        organ=a.organ.code, year=year, closed=a.is_closed, participants=view.participants,
        excellent_limit=view.limit,
        settings=SettingsOut(**{name: getattr(a, name) for name in services.SETTINGS}),
        rows=[RowOut.of(row) for row in view.rows],
        broken_rule_labels={code: str(label) for code, label in rules.BROKEN.items()})


def _row(request: ActorRequest, organ: str, year: int, person: str
         ) -> tuple[Organ, Person]:
    """The organ and the person of its year's row, as the actor sees them (404 otherwise)."""
    view = selectors.annual_overview(request.actor, organ, year)
    row = next((r for r in view.rows if r.rec.key == person), None)
    if row is None:
        raise Http404
    return view.annual.organ, row.person


@router.post("/annual/{organ}/{year}/decisions", response=DecisionOut)
def decide(request: ActorRequest, organ: str, year: int, body: DecideIn) -> DecisionOut:
    assessing, person = _row(request, organ, year, body.person)
    result = services.result_decide(organ=assessing, year=year, person=person,
                                    grade=body.grade, reason=body.reason,
                                    by=request.user)
    return DecisionOut(grade=result.grade, reason=result.reason, override=result.is_override,
                       broken_rules=list(result.broken_rules))


@router.post("/annual/{organ}/{year}/refusals", response=RefusalOut)
def refusal(request: ActorRequest, organ: str, year: int, body: RefusalIn) -> RefusalOut:
    """§十(一): the office records that the person refused to take part without good reason
    (the year is then 不称职), with what happened; `refused: false` withdraws it. A grade
    already decided must be decided again."""
    assessing, person = _row(request, organ, year, body.person)
    result = services.refusal_record(organ=assessing, year=year, person=person,
                                     refused=body.refused, note=body.note, by=request.user)
    return RefusalOut(person=body.person, refused=result.refused_to_take_part,
                      note=result.refusal_note)
