"""A grade stored by its value (the API's Chinese word: 好, 较好 … for a quarter, 优秀, 称职 …
for the year) as the reader reads it: 好 / Good, 优秀 / Excellent."""

from __future__ import annotations

from functools import cache

from django.utils.translation import get_language

from kaohe.annual.models import AnnualGrade
from kaohe.plans.models import Grade

LABELS = {**dict(Grade.choices), **dict(AnnualGrade.choices)}


def grade_label(value: str) -> str:
    """The grade's label in the active language; anything else (no grade yet) unchanged."""
    return _translated(get_language()).get(str(value), value)


@cache
def _translated(language: str | None) -> dict[str, str]:
    """Every label in one language, translated once: a page shows hundreds of grades."""
    return {value: str(label) for value, label in LABELS.items()}
