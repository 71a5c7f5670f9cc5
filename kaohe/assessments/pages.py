"""What the assessment pages show: the context of each page and the forms bound to it. Reads
come from kaohe.assessments.selectors, the actions a page offers from the transition table in
kaohe.assessments.rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.assessments import rules, selectors
from kaohe.assessments.forms import (
    AcknowledgeForm,
    ApprovalForm,
    BatchApprovalForm,
    CloseOverrideForm,
    FeedbackForm,
    LeaveCorrectionForm,
    LeaveForm,
    OpenPeriodForm,
    ProposalForm,
    QuestionForm,
    ReasonForm,
    SummaryForm,
)
from kaohe.assessments.models import Assessment, State
from kaohe.assessments.services import Proposal
from kaohe.assessments.services.workflow import ballot_score
from kaohe.ballots import selectors as ballot_selectors
from kaohe.ballots.models import Ballot
from kaohe.ballots.selectors import PersonResult
from kaohe.lib.paging import paged
from kaohe.org import access
from kaohe.org.access import Actor
from kaohe.org.models import Category
from kaohe.plans.models import IN_PLAN, Grade, Indicator, Period, YearPlan
from kaohe.recipients import selectors as recipient_selectors
from kaohe.recipients.selectors import Summary
from kaohe.records.selectors import entries_of, summary_draft, tasks_of
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
        reviewer=access.reviews_anyone(actor) and selectors.may_act(actor, "review", assessment),
        approver=(access.approves_anyone(actor)
                  and selectors.may_act(actor, "approve", assessment)))


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


def preview(assessment: Assessment, form: ProposalForm, plan: YearPlan,
            ballot: Decimal | None = None) -> Preview:
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
                            individual_weight=plan.individual_weight, ballot=ballot,
                            ballot_weight=plan.ballot_weight)
    suggested = rules.suggestion(score, determined=True, good=plan.band_good,
                                 fairly_good=plan.band_fairly_good, average=plan.band_average)
    grade = form["grade"].value() or ""
    needed = bool(grade) and rules.reason_needed(grade, suggested,
                                                 direct=bool(form["direct"].value()))
    return Preview(composite=score, suggested=suggested, reason_needed=needed)


def with_preview(assessment: Assessment, form: ProposalForm, plan: YearPlan,
                 ballot: Decimal | None = None) -> ProposalForm:
    """The form with its preview, and its reason field marked required when it is; `ballot`
    is the person's 民主测评 result where the plan counts it."""
    form.preview = preview(assessment, form, plan, ballot)  # type: ignore[attr-defined]
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
    # The proposal and approval forms, and the 好 counter beside them, only where offered.
    proposing, approving = "propose" in actions, "approve" in actions
    plan_indicators = indicators(assessment)
    try:
        deadline, deadline_error = selectors.appeal_deadline(assessment), ""
    except CalendarNotCovered as missing:
        deadline, deadline_error = None, str(missing)
    proposal = kept.pop("proposal_form", None)
    if proposing and not isinstance(proposal, ProposalForm):
        proposal = proposal_form(assessment, plan_indicators)
    return {
        "a": assessment,
        "actions": actions,
        "scored": [(i, assessment.scores.get(i.code)) for i in plan_indicators],
        "tasks": tasks_of(assessment.person, assessment.period.year),
        "entries": entries_of(assessment.person, assessment.period),
        # Each form only under its action (views.ACTION_OF_FORM); a draft reads the records.
        "summary_form": SummaryForm(initial={"text": assessment.summary or summary_draft(
            assessment.person, assessment.period)}) if "summary" in actions else None,
        "proposal_form": with_preview(assessment, proposal, assessment.period.plan,
                                      ballot_score(assessment))
        if isinstance(proposal, ProposalForm) else None,
        # The colleagues' evaluation serves the reviewers, as the liaison's opinion does.
        "ballots": (ballot_results(assessment)
                    if actor.person is None or assessment.person_id != actor.person.pk else []),
        "recipients": recipient_summary(actor, assessment),
        "approval_form": approval_form(actor, assessment) if approving else None,
        "send_back_form": ReasonForm(auto_id="send-back-%s") if "send_back" in actions else None,
        "feedback_form": FeedbackForm() if "feedback" in actions else None,
        "acknowledge_form": AcknowledgeForm() if "acknowledge" in actions else None,
        "reason_form": ReasonForm() if "return" in actions else None,
        "question_form": QuestionForm(auto_id="%s") if "liaison" in actions else None,
        # The liaison's opinion serves the reviewers; it is not shown to the person assessed.
        "liaison": (assessment.liaison_requests.select_related("liaison").order_by("asked_at")
                    if actor.person is None or assessment.person_id != actor.person.pk else []),
        "appeal_deadline": deadline,
        "appeal_deadline_error": deadline_error,
        **(counter_context(actor, assessment.period) if proposing or approving else {}),
        **kept,  # a form refused or invalid, shown again as typed
    }


@dataclass(frozen=True)
class Kept:
    """A form refused or invalid on one row of a screen: that row shows it as typed."""

    pk: int
    form: forms.Form


def _kept(kept: Kept | None, a: Assessment, kind: type[forms.Form]) -> Any:
    return kept.form if kept and kept.pk == a.pk and isinstance(kept.form, kind) else None


# A section of a normal size is reviewed on one screen; a large one (a front-line team of
# hundreds) a page at a time, each row's forms built only when the row offers them.
REVIEW_PAGE = 20


def review_context(actor: Actor, period: Period, kept: Kept | None = None,
                   page: str | None = None) -> dict[str, Any]:
    """The rows of one page (`page`; with a form `kept`, the page holding its row)."""
    plan_indicators = list(period.plan.indicators.order_by(*IN_PLAN))
    assessments = selectors.to_review(actor, period)  # read a page at a time
    if kept is not None:
        order = list(assessments.values_list("pk", flat=True))
        page = str(order.index(kept.pk) // REVIEW_PAGE + 1 if kept.pk in order else 1)
    shown = paged(assessments, REVIEW_PAGE, page)
    ballots = ballot_selectors.composite_inputs(period, [a.person_id for a in shown],
                                                timezone.localdate())
    here = reverse("review_screen", args=[period.pk])
    return {
        "period": period,
        "page": shown,
        # Where each row's form comes back to: this page, at that row.
        "here": here if shown.number == 1 else f"{here}?page={shown.number}",
        "rows": [_review_row(a, period.plan, plan_indicators, kept, ballots.get(a.person_id))
                 for a in shown],
        "indicators": plan_indicators,
        **counter_context(actor, period),
    }


def _review_row(a: Assessment, plan: YearPlan, plan_indicators: list[Indicator],
                kept: Kept | None, ballot: Decimal | None) -> tuple[Any, ...]:
    actions = rules.available(a.state, determined=a.grade_determined, reviewer=True)
    proposal = feedback = None
    if "propose" in actions:
        proposal = with_preview(a, _kept(kept, a, ProposalForm)
                                or proposal_form(a, plan_indicators), plan, ballot)
    elif "feedback" in actions:
        feedback = _kept(kept, a, FeedbackForm) or feedback_form(a)
    return a, proposal, actions, rules.awaiting_summary(a.state), feedback


def counter_context(actor: Actor, period: Period) -> dict[str, Any]:
    """The live 好 counter (§八(一)): the organ's places used of its limit; with a fixed split,
    the shares of the sections this actor reviews or approves; without one, for those who
    approve, who else holds a proposed 好 and who will approve them."""
    fixed = selectors.split_fixed(period)
    approves = (period.organ_id in actor.whole_organ_ids
                or (access.approves_anyone(actor)
                    and selectors.to_approve(actor, period).exists()))
    return {"period": period, "quota": selectors.quota(period), "split_fixed": fixed,
            "own_shares": selectors.own_shares(actor, period) if fixed else [],
            "holders": selectors.good_holders(period) if approves and not fixed else None,
            "may_plan": access.may_plan_quota(actor, period.organ)}


def approval_context(actor: Actor, period: Period, kept: Kept | None = None
                     ) -> dict[str, Any]:
    rows = [(a, rules.available(a.state, determined=a.grade_determined, approver=True),
             _kept(kept, a, ApprovalForm) or approval_form(actor, a, prefix=f"a{a.pk}"))
            for a in selectors.to_approve(actor, period)]
    return {"rows": rows, "may_batch": any("approve" in actions for _a, actions, _f in rows),
            "reason_form": ReasonForm(), **counter_context(actor, period)}


def batch_context(actor: Actor, period: Period, form: BatchApprovalForm) -> dict[str, Any]:
    """The confirmation before a batch approval: who, at which grade, and the places the
    batch takes of those left (§八(一))."""
    chosen = list(form.cleaned_data["assessments"]) if form.is_valid() else []
    asks = sum(rules.takes_place(a.proposed_grade, direct=a.direct, proposed=a.proposed_grade,
                                 direct_good_counts=period.plan.direct_good_counts)
               for a in chosen)
    return {"chosen": chosen, "form": form, "asks": asks, **counter_context(actor, period)}


def periods_context(actor: Actor) -> dict[str, Any]:
    periods = list(selectors.visible_periods(actor).order_by("-year", "-quarter"))
    counts = selectors.state_counts(actor, periods)
    organ = actor.person.organ if actor.person else None
    may_run = organ is not None and access.may_run_periods(actor, organ)
    mine = selectors.own_by_period(actor, periods)
    return {
        # Each quarter with the states that have anyone, how many take part, what keeps it
        # open (for the office) and the actor's own assessment in it.
        "periods": [(p, [(State(s).label, n) for s in State.values
                         if (n := counts.get(p.pk, {}).get(s, 0))],
                     sum(counts.get(p.pk, {}).values()),
                     closing(p) if may_run and not p.is_closed else None, mine.get(p.pk))
                    for p in periods],
        "may_run": may_run,
        "follows_others": access.follows_others(actor),
        "tables": {p.pk for p in periods if access.may_see_annual(actor, p.organ)},
        "open_form": OpenPeriodForm(),
    }


def leave_context(actor: Actor, period: Period, form: LeaveForm | None = None) -> dict[str, Any]:
    """The office's leave page of a quarter (§十(三)): the recorded leave, the working days
    and whether each person's grade can still be determined, and the forms."""
    leaves = list(selectors.quarter_leaves(actor, period))
    try:
        quarter_days, rows = selectors.leave_overview(leaves, period)
        calendar_error = ""
    except CalendarNotCovered as missing:
        quarter_days, rows, calendar_error = None, [], str(missing)
    return {
        "period": period,
        "quarter_days": quarter_days,
        "rows": [(row, LeaveCorrectionForm(initial={
            "kind": row.leave.kind, "start": row.leave.start, "end": row.leave.end},
            auto_id=f"l{row.leave.pk}_%s")) for row in rows],
        "calendar_error": calendar_error,
        "form": form or LeaveForm(initial={"period": period.pk}),
        "reason_form": ReasonForm(),
    }


@dataclass
class Closing:
    """What stands between a quarter and its closing, as the office sees it before pressing
    the button: work nothing overrides, and appeals only a written reason overrides."""

    work: list[str]
    appeals: list[str]

    @property
    def items(self) -> list[str]:
        return self.work + self.appeals

    @property
    def possible(self) -> bool:
        return not self.items

    @property
    def needs_reason(self) -> bool:
        return not self.work and bool(self.appeals)


def closing(period: Period) -> Closing:
    return Closing(*selectors.closing_items(period))


def publish_confirm_context(period: Period) -> dict[str, Any]:
    """What publishing will do: the names that will be made public, and whether it can."""
    return {"period": period, "names": selectors.good_entries(period),
            "pending": selectors.not_yet_decided(period),
            "published": selectors.published_list(period)}


def close_confirm_context(period: Period) -> dict[str, Any]:
    return {"period": period, "closing": closing(period), "override_form": CloseOverrideForm()}


def published_context(period: Period) -> dict[str, Any]:
    return {"period": period, "published": selectors.published_list(period)}


def published_tables(period: Period, found: selectors.PublishedList
                     ) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The 好 list as it stands, as first published, and its corrections: sheets of .xlsx."""
    def names(entries: list[dict[str, Any]]) -> list[list[Any]]:
        return [[i, e["person"], e["personnel_no"], e["section"], e["grade"]]
                for i, e in enumerate(entries, start=1)]
    header = [str(_("序号")), str(_("姓名")), str(_("人员编号")), str(_("科室")), str(_("等次"))]
    as_published = found.publication.names if found.publication else found.current
    corrections = [[timezone.localtime(c.at).strftime("%Y-%m-%d %H:%M"),
                    "、".join(e["person"] for e in c.added),
                    "、".join(e["person"] for e in c.removed),
                    c.reason, c.by.first_name or c.by.username]
                   for c in found.corrections]
    return [
        (str(_("当前名单")), header, names(found.current)),
        (str(_("公布时名单")), header, names(as_published)),
        (str(_("更正记录")), [str(_("更正时间")), str(_("增加")), str(_("删除")),
                            str(_("理由")), str(_("更正人"))], corrections),
    ]


def ballot_results(assessment: Assessment) -> list[tuple[Ballot, PersonResult | None]]:
    """The 民主测评 of the quarter and of its year, once their results may be shown, with this
    person's result in each (§七(三)): beside the review form."""
    ballots = ballot_selectors.visible_for(assessment.period, timezone.localdate())
    return [(b, ballot_selectors.results(b, [assessment.person_id]).get(assessment.person_id))
            for b in ballots]


def recipient_summary(actor: Actor, assessment: Assessment) -> Summary | None:
    """The service recipients' opinions of the quarter (§七(三)) for a front-line person, to
    whoever weighs them in the review (access.recipient_opinions_scope)."""
    if not assessment.frontline or not Assessment.objects.filter(
            access.recipient_opinions_scope(actor), pk=assessment.pk).exists():
        return None
    period = assessment.period
    return recipient_selectors.summary_for(assessment.person, period.first_day, period.last_day)
