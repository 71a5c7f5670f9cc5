"""A grade stored by its value (the API's Chinese word: 好, 较好 … for a quarter, 优秀, 称职 …
for the year) as the reader reads it: 好 / Good, 优秀 / Excellent."""

from __future__ import annotations

from kaohe.annual.models import AnnualGrade
from kaohe.plans.models import Grade

LABELS = {**dict(Grade.choices), **dict(AnnualGrade.choices)}


def grade_label(value: str) -> str:
    """The grade's label in the active language; anything else (no grade yet) unchanged."""
    label = LABELS.get(str(value))
    return str(label) if label is not None else value
