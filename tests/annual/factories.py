"""A year of quarters for the personas, made directly (the quarterly workflow has its own
tests): closed quarters with the grades a test needs."""

from __future__ import annotations

from decimal import Decimal

from kaohe.assessments.models import Assessment, State
from kaohe.plans.models import Period, PeriodState
from kaohe.plans.services import plan_for
from tests.personas import World

YEAR = 2024
ASSESSED: list[str] = [
    "staff", "colleague", "chief", "other_chief", "other_staff", "office"]


def run_year(world: World, grades: dict[str, list[str | None]], *, first: int = 1,
             state: str = State.ACKNOWLEDGED) -> dict[int, Period]:
    """Closed quarters of YEAR with the given grades (None: not determined); people not named
    get 较好."""
    periods = {}
    plan = plan_for(organ=world.organ, year=YEAR)
    for quarter in range(first, 5):
        period = Period.objects.create(plan=plan, organ=world.organ, year=YEAR, quarter=quarter,
                                       state=PeriodState.CLOSED)
        periods[quarter] = period
        for persona in ASSESSED:
            person = world.people[persona]
            row = grades.get(persona, ["较好"] * 4)
            grade = row[quarter - first] if quarter - first < len(row) else "较好"
            Assessment.objects.create(
                period=period, person=person, section=person.section, category=person.category,
                state=state, grade=grade or "", grade_determined=grade is not None,
                proposed_grade=grade or "", summary=f"{person.name}第{quarter}季度小结",
                proposal_comment=f"第{quarter}季度评鉴：工作认真", approval_comment="同意",
                composite_score=Decimal(90 if grade == "好" else 85))
    return periods
