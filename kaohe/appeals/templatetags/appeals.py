"""The appeal card of the assessment page, rendered by the appeals app itself so that the
assessment page needs only `{% appeal_card a %}`."""

from __future__ import annotations

from typing import Any

from django import template

from kaohe.appeals import pages
from kaohe.assessments.models import Assessment

register = template.Library()


@register.inclusion_tag("appeals/_card.html", takes_context=True)
def appeal_card(context: template.Context, assessment: Assessment) -> dict[str, Any]:
    return {**pages.card_context(context["request"].actor, assessment),
            "csrf_token": context.get("csrf_token")}
