"""What the assessment pages show: the context of each page and the forms bound to it. Reads
come from kaohe.assessments.selectors, the actions a page offers from the transition table in
kaohe.assessments.rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from kaohe.assessments import rules, selectors
from kaohe.assessments.forms import (
    AcknowledgeForm,
    ApprovalForm,
    FeedbackForm,
    LeaveForm,
    OpenPeriodForm,
    ProposalForm,
    QuestionForm,
    ReasonForm,
    SummaryForm,
)
from kaohe.assessments.models import Assessment, State
from kaohe.assessments.services import Proposal
from kaohe.org import access
from kaohe.org.access import Actor
from kaohe.org.models import Category
from kaohe.plans.models import Grade, Indicator, Period, YearPlan
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
    # No grade is offered for someone whose grade is not determined (§十(三)).
    suggested = assessment.suggested_grade if assessment.grade_determined else ""
    initial.update(grade=assessment.proposed_grade or suggested,
                   comment=assessment.proposal_comment, reason=assessment.proposal_reason)
    return ProposalForm(data, indicators=plan_indicators, initial=initial,
                        prefix=f"a{assessment.pk}")


def proposal_of(form: ProposalForm) -> Proposal:
    """The service's proposal from a valid form."""
    data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("score_")}
    return Proposal(scores=form.scores(), **data)


@dataclass(frozen=True)
class Preview:
    """What the scores typed so far give (§四, §八(二)): the composite score and the grade it
    suggests once every score is there, and whether the grade chosen needs a reason."""

    determined: bool = True
    composite: Decimal | None = None
    suggested: str = ""
    reason_needed: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def suggested_label(self) -> str:
        return str(Grade(self.suggested).label) if self.suggested else ""


def preview(assessment: Assessment, form: ProposalForm, plan: YearPlan) -> Preview:
    """The preview of a proposal form as typed (bound) or as saved (unbound). Computed by the
    same rules as the proposal itself; a score that cannot be taken is named, never raised."""
    if not assessment.grade_determined:
        return Preview(determined=False)
    scores, problems = {}, []
    for indicator, bound in zip(form.indicators, form.score_fields(), strict=True):
        raw = bound.value()
        if raw in (None, ""):
            continue
        try:
            scores[indicator.code] = bound.field.clean(raw)
        except ValidationError as error:
            problems.append(f"{bound.label}：{'；'.join(error.messages)}")
    if problems or len(scores) < len(form.indicators):
        return Preview(problems=problems)
    score = rules.composite([rules.Weighted(i.code, i.group, i.weight) for i in form.indicators],
                            scores, common_weight=plan.common_weight,
                            individual_weight=plan.individual_weight)
    suggested = rules.suggestion(score, determined=True, good=plan.band_good,
                                 fairly_good=plan.band_fairly_good, average=plan.band_average)
    grade = form["grade"].value() or ""
    needed = bool(grade) and rules.reason_needed(grade, suggested,
                                                 direct=bool(form["direct"].value()))
    return Preview(composite=score, suggested=suggested, reason_needed=needed)


def with_preview(assessment: Assessment, form: ProposalForm, plan: YearPlan) -> ProposalForm:
    """The form with its preview, and its reason field marked required when it is."""
    form.preview = preview(assessment, form, plan)  # type: ignore[attr-defined]
    if form.preview.reason_needed:  # type: ignore[attr-defined]
        # aria-required, not required: the browser would block the form before the server
        # could say which rule asks for the reason.
        form.fields["reason"].widget.attrs["aria-required"] = "true"
    return form


def approval_form(actor: Actor, assessment: Assessment, data: Any = None,
                  prefix: str | None = None) -> ApprovalForm:
    """The approval form; the team's decision only for whoever must record it (the office
    registering a chief's grade), not for the leader approving."""
    form = ApprovalForm(data, initial={"grade": assessment.proposed_grade}, prefix=prefix)
    if not rules.team_decision_needed(chief=assessment.category == Category.CHIEF,
                                      by_principal=access.Role.PRINCIPAL in actor.roles):
        del form.fields["team_decision"]
    return form


def feedback_form(assessment: Assessment, data: Any = None) -> FeedbackForm:
    # Same field names on every row of a screen (one view takes them), ids of its own.
    return FeedbackForm(data, auto_id=f"f{assessment.pk}-%s")


def detail_context(actor: Actor, assessment: Assessment,
                   **kept: forms.Form) -> dict[str, Any]:
    actions = actions_for(actor, assessment)
    plan_indicators = indicators(assessment)
    try:
        deadline, deadline_error = selectors.appeal_deadline(assessment), ""
    except CalendarNotCovered as missing:
        deadline, deadline_error = None, str(missing)
    summary = assessment.summary or summary_draft(assessment.person, assessment.period)
    proposal = kept.pop("proposal_form", None)
    if not isinstance(proposal, ProposalForm):
        proposal = proposal_form(assessment, plan_indicators)
    return {
        "a": assessment,
        "actions": actions,
        "scored": [(i, assessment.scores.get(i.code)) for i in plan_indicators],
        "tasks": tasks_of(assessment.person, assessment.period.year),
        "entries": entries_of(assessment.person, assessment.period),
        "summary_form": SummaryForm(initial={"text": summary}),
        "proposal_form": with_preview(assessment, proposal, assessment.period.plan),
        "approval_form": approval_form(actor, assessment),
        "feedback_form": FeedbackForm(),
        "acknowledge_form": AcknowledgeForm(),
        "reason_form": ReasonForm(),
        "send_back_form": ReasonForm(auto_id="send-back-%s"),
        "question_form": QuestionForm(auto_id="%s"),
        # The liaison's opinion serves the reviewers; it is not shown to the person assessed.
        "liaison": (assessment.liaison_requests.select_related("liaison")
                    if actor.person is None or assessment.person_id != actor.person.pk else []),
        "appeal_deadline": deadline,
        "appeal_deadline_error": deadline_error,
        "quota": selectors.quota(assessment.period),
        **kept,  # a form refused or invalid, shown again as typed
    }


@dataclass(frozen=True)
class Kept:
    """A form refused or invalid on one row of a screen: that row shows it as typed."""

    pk: int
    form: forms.Form


def _kept(kept: Kept | None, a: Assessment, kind: type[forms.Form]) -> Any:
    return kept.form if kept and kept.pk == a.pk and isinstance(kept.form, kind) else None


def review_context(actor: Actor, period: Period, kept: Kept | None = None) -> dict[str, Any]:
    plan_indicators = list(period.plan.indicators.all())
    return {
        "period": period,
        "rows": [(
            a, with_preview(a, _kept(kept, a, ProposalForm)
                            or proposal_form(a, plan_indicators), period.plan),
            rules.available(a.state, determined=a.grade_determined, reviewer=True),
            rules.awaiting_summary(a.state),
            _kept(kept, a, FeedbackForm) or feedback_form(a))
            for a in selectors.to_review(actor, period)],
        "indicators": plan_indicators,
        "quota": selectors.quota(period),
        "proposed_good": selectors.proposed_good(period),
        "section_quotas": section_quotas(actor, period),
    }


def approval_context(actor: Actor, period: Period, kept: Kept | None = None
                     ) -> dict[str, Any]:
    return {"period": period, "quota": selectors.quota(period),
            "rows": [(a, rules.available(a.state, determined=a.grade_determined, approver=True),
                      _kept(kept, a, ApprovalForm)
                      or approval_form(actor, a, prefix=f"a{a.pk}"))
                     for a in selectors.to_approve(actor, period)]}


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
        "open_form": OpenPeriodForm(),
        "leave_form": LeaveForm(),
    }
