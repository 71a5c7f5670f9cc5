"""The appeal card of the assessment page, rendered by the appeals app itself so that the
assessment page needs only `{% appeal_card a %}`."""

from __future__ import annotations

from typing import Any

from django import template

from kaohe.appeals import pages, selectors
from kaohe.assessments.models import Assessment
from kaohe.org import access

register = template.Library()


@register.inclusion_tag("appeals/_card.html", takes_context=True)
def appeal_card(context: template.Context, assessment: Assessment) -> dict[str, Any]:
    return {**pages.card_context(context["request"].actor, assessment),
            "csrf_token": context.get("csrf_token")}


@register.simple_tag(takes_context=True)
def appeals_to_handle(context: template.Context) -> int:
    """Pending appeals the viewer handles, for the home page's to-do list."""
    actor = context["request"].actor
    if not access.may_list_appeals_to_handle(actor):
        return 0
    return selectors.pending_to_handle(actor).count()
