"""Labels of the plan's values for templates, in the reader's language: a quarter's number and
a grade stored by its value (the API's Chinese word, e.g. 好 or 优秀)."""

from __future__ import annotations

from django import template

from kaohe.annual import labels as grades
from kaohe.plans import labels

register = template.Library()


@register.filter
def quarter_name(quarter: int) -> str:
    """3 → 第三季度 / Q3."""
    return labels.quarter_name(int(quarter))


@register.simple_tag
def quarter_label(year: int, quarter: int) -> str:
    """2026, 4 → 2026 年第四季度 / 2026 Q4."""
    return labels.quarter_label(int(year), int(quarter))


@register.filter
def grade_label(value: str) -> str:
    """好 → 好 / Good, 优秀 → 优秀 / Excellent; anything else (no grade yet) unchanged."""
    return grades.grade_label(value)
