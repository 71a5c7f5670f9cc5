"""Shared set-up of the appeal tests: a result told to the person, and a movable "today"."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from kaohe.appeals import selectors
from kaohe.assessments import selectors as assessment_selectors
from kaohe.assessments.models import Assessment
from kaohe.plans.models import Grade
from tests.assessments.test_services import (
    FEEDBACK_DAY,
    approve,
    give_feedback,
    propose,
    submit,
)

SCORE = {Grade.GOOD: 95, Grade.FAIRLY_GOOD: 85, Grade.AVERAGE: 70, Grade.POOR: 50}
APPEAL = "评鉴未考虑本人牵头完成的大气污染源排查任务，请求复核等次。"


def told(assessment: Assessment, grade: str = Grade.FAIRLY_GOOD,
         on: datetime.date = FEEDBACK_DAY) -> Assessment:
    """Summary, proposal, approval and feedback (on `on`): the result the person may appeal."""
    submit(assessment)
    propose(assessment, grade, SCORE[grade])
    approve(assessment)
    return give_feedback(assessment, on)


Today = Callable[[datetime.date], None]


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Today:
    """Set the day the services take as today (online filing, decisions, the page's form)."""
    def move(day: datetime.date) -> None:
        monkeypatch.setattr(selectors, "today", lambda: day)
        # Closing a quarter measures the appeal windows against the same day.
        monkeypatch.setattr(assessment_selectors, "today", lambda: day)
    return move
