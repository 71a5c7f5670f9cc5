"""What every state change of an assessment does the same way: lock the row, check the move
against the transition table (kaohe.assessments.rules), check who acts, check texts, and write
the Transition row with the previous values (ARCHITECTURE.md examples 1–3, 5)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.assessments import rules, selectors
from kaohe.assessments.models import Assessment, State, Transition
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org import access
from kaohe.org.models import Organ
from kaohe.plans.models import Period


def locked(assessment: Assessment) -> Assessment:
    """Re-read the row under a lock, so that two people acting at once see each other. Only
    the row itself: locking the joined quarter would queue every change of the quarter."""
    return (Assessment.objects.select_for_update(of=("self",))
            .select_related("period", "period__plan", "person", "section")
            .get(pk=assessment.pk))


def lock_quarter(period_id: int) -> Period:
    """Lock the quarter's row: every grade decision of the quarter (approval, a change on
    appeal) queues on it, so two people racing for the last 好 place are served one after
    the other (decision 0004). Call it first, before locking the assessment."""
    return Period.objects.select_for_update().get(pk=period_id)


def check_move(assessment: Assessment, action: str) -> str:
    """The state `action` leads to, or a refusal: the quarter is closed, or the transition
    table does not allow the move from the current state."""
    if assessment.period.is_closed:
        raise Refused(_("%(period)s已结束，不能再修改；如有异议请走申诉程序。") % {
            "period": str(assessment.period)}, rule=rules.RULE_APPEAL, code="period_closed")
    if not rules.allows(action, assessment.state):
        raise Refused(
            _("当前状态为“%(state)s”，不能执行此操作。") % {
                "state": State(assessment.state).label},
            rule=rules.RULE_REVIEW, code="wrong_state")
    return rules.next_state(action, assessment.state)


def record(assessment: Assessment, *, action: str, from_state: str, by: User,
           reason: str = "", previous: dict[str, Any] | None = None,
           values: dict[str, Any] | None = None) -> None:
    Transition.objects.create(assessment=assessment, action=action, from_state=from_state,
                              to_state=assessment.state, by=by, reason=reason,
                              previous=previous or {}, values=values or {})


def snapshot(assessment: Assessment, fields: list[str]) -> dict[str, Any]:
    return {name: _jsonable(getattr(assessment, name)) for name in fields}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | datetime.date):
        return str(value)
    return value


def required(text: str, message: str, rule: str, code: str = "invalid") -> str:
    """The text, stripped; refused when empty. A code "<field>_required" lets a page show the
    refusal next to that field (kaohe.lib.actions.attempt_on)."""
    if not text or not text.strip():
        raise Invalid(message, rule=rule, code=code)
    return text.strip()


def bounded(value: str, limit: int, label: str, rule: str = rules.RULE_REVIEW) -> str:
    return limits.text(value, limit, label=label, rule=rule)


def require(allowed: bool, message: str, rule: str = rules.RULE_REVIEW) -> None:
    if not allowed:
        raise NotAllowed(message, rule=rule)


def may(action: str, assessment: Assessment, by: User) -> bool:
    """Whether `by` may `action` ("review", "approve") this assessment (§七(三))."""
    return selectors.may_act(access.actor_for(by), action, assessment)


def office_only(organ: Organ, by: User, message: str = "") -> None:
    """Quarters, their leave and their publication are run by the organ's office (§六)."""
    require(access.may_run_periods(access.actor_for(by), organ),
            message or _("只有本机关办公室可以执行此操作。"), "§六")
