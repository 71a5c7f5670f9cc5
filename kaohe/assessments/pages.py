"""What the assessment pages show: the context of each page and the forms bound to it. Reads
come from kaohe.assessments.selectors, the actions a page offers from the transition table in
kaohe.assessments.rules."""

from __future__ import annotations

from typing import Any

from kaohe.assessments import rules, selectors
from kaohe.assessments.forms import (
    AcknowledgeForm,
    ApprovalForm,
    FeedbackForm,
    LeaveForm,
    OpenPeriodForm,
    ProposalForm,
    ReasonForm,
    SummaryForm,
)
from kaohe.assessments.models import Assessment, State
from kaohe.org import access
from kaohe.org.access import Actor
from kaohe.plans.models import Indicator, Period
from kaohe.records.selectors import entries_of, summary_draft, tasks_of
from kaohe.reports.selectors import section_quotas
from kaohe.workdays.calendar import CalendarNotCovered


def indicators(assessment: Assessment) -> list[Indicator]:
    return list(assessment.period.plan.indicators.all())


def actions_for(actor: Actor, assessment: Assessment) -> frozenset[str]:
    """What this actor can do now on this assessment, to show only the forms that apply."""
    if assessment.period.is_closed or actor.person is None:
        return frozenset()
    return rules.available(
        assessment.state, determined=assessment.grade_determined,
        own=assessment.person_id == actor.person.pk,
        reviewer=selectors.may_act(actor, "review", assessment),
        approver=selectors.may_act(actor, "approve", assessment))


def proposal_form(assessment: Assessment, plan_indicators: list[Indicator],
                  data: Any = None) -> ProposalForm:
    initial: dict[str, Any] = {f"score_{code}": value
                               for code, value in assessment.scores.items()}
    initial.update({name: getattr(assessment, name) for name in [
        "direct", "direct_reason", "direct_reward", "colleagues_opinion", "recipients_opinion",
        "performance_results"]})
    initial.update(grade=assessment.proposed_grade or assessment.suggested_grade,
                   comment=assessment.proposal_comment, reason=assessment.proposal_reason)
    return ProposalForm(data, indicators=plan_indicators, initial=initial,
                        prefix=f"a{assessment.pk}")


def detail_context(actor: Actor, assessment: Assessment) -> dict[str, Any]:
    actions = actions_for(actor, assessment)
    plan_indicators = indicators(assessment)
    try:
        deadline, deadline_error = selectors.appeal_deadline(assessment), ""
    except CalendarNotCovered as missing:
        deadline, deadline_error = None, str(missing)
    summary = assessment.summary or summary_draft(assessment.person, assessment.period)
    return {
        "a": assessment,
        "actions": actions,
        "scored": [(i, assessment.scores.get(i.code)) for i in plan_indicators],
        "tasks": tasks_of(assessment.person, assessment.period.year),
        "entries": entries_of(assessment.person, assessment.period),
        "summary_form": SummaryForm(initial={"text": summary}),
        "proposal_form": proposal_form(assessment, plan_indicators),
        "approval_form": ApprovalForm(initial={"grade": assessment.proposed_grade}),
        "feedback_form": FeedbackForm(),
        "acknowledge_form": AcknowledgeForm(),
        "reason_form": ReasonForm(),
        # The liaison's opinion serves the reviewers; it is not shown to the person assessed.
        "liaison": (assessment.liaison_requests.select_related("liaison")
                    if actor.person is None or assessment.person_id != actor.person.pk else []),
        "appeal_deadline": deadline,
        "appeal_deadline_error": deadline_error,
        "quota": selectors.quota(assessment.period),
    }


def review_context(actor: Actor, period: Period) -> dict[str, Any]:
    plan_indicators = list(period.plan.indicators.all())
    return {
        "period": period,
        "rows": [(a, proposal_form(a, plan_indicators),
                  rules.available(a.state, determined=a.grade_determined, reviewer=True),
                  rules.awaiting_summary(a.state))
                 for a in selectors.to_review(actor, period)],
        "indicators": plan_indicators,
        "quota": selectors.quota(period),
        "proposed_good": selectors.proposed_good(period),
        "section_quotas": section_quotas(actor, period),
    }


def approval_context(actor: Actor, period: Period) -> dict[str, Any]:
    return {"period": period, "quota": selectors.quota(period),
            "rows": [(a, rules.available(a.state, determined=a.grade_determined, approver=True))
                     for a in selectors.to_approve(actor, period)],
            "approval_form": ApprovalForm, "reason_form": ReasonForm()}


def periods_context(actor: Actor) -> dict[str, Any]:
    periods = list(selectors.visible_periods(actor).order_by("-year", "-quarter"))
    counts = selectors.state_counts(actor, periods)
    organ = actor.person.organ if actor.person else None
    may_run = organ is not None and access.may_run_periods(actor, organ)
    return {
        "periods": [(p, [(State(s).label, counts.get(p.pk, {}).get(s, 0)) for s in State.values],
                     sum(counts.get(p.pk, {}).values()),
                     selectors.unfinished(p) if may_run and not p.is_closed else [])
                    for p in periods],
        "may_run": may_run,
        "follows_others": access.follows_others(actor),
        "mine": selectors.own_by_period(actor, periods),
        "tables": {p.pk for p in periods if access.may_see_annual(actor, p.organ)},
        "open_form": OpenPeriodForm(),
        "leave_form": LeaveForm(),
    }
