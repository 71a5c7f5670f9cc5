"""What the appeal pages show: the appeal page and the appeal card of an assessment page, with
their forms. Reads come from kaohe.appeals.selectors."""

from __future__ import annotations

from typing import Any

from kaohe.appeals import selectors
from kaohe.appeals.forms import AppealForm, DecisionForm, OpinionForm, PaperAppealForm
from kaohe.appeals.models import Appeal
from kaohe.assessments.models import Assessment
from kaohe.org.access import Actor


def detail_context(actor: Actor, appeal: Appeal) -> dict[str, Any]:
    handler = selectors.may_handle(actor, appeal)
    return {
        "appeal": appeal,
        "a": appeal.assessment,
        "handler": handler,
        # The opinions serve the decision; the person assessed is told the outcome and reason.
        "opinions": list(appeal.opinions.all()) if handler else [],
        "opinion_form": OpinionForm(),
        "decision_form": DecisionForm(),
    }


def card_context(actor: Actor, assessment: Assessment) -> dict[str, Any]:
    return {"card": selectors.card(actor, assessment), "a": assessment, "appeal_form": AppealForm(),
            "paper_form": PaperAppealForm()}
