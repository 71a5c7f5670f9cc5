"""The assessment from the person's summary to their acknowledgement (§七(二)–(四), §八, §九(一)):
one function per transition of kaohe.assessments.rules.TRANSITIONS. Each runs in one
transaction, locks what it must, checks who may act and that the table allows the move, saves,
and writes a Transition row with the previous values. A refusal raises kaohe.errors.Refused
and leaves nothing half-written."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.assessments import rules, selectors
from kaohe.assessments.models import Assessment, FeedbackMethod, LiaisonRequest, State
from kaohe.assessments.services.common import (
    bounded,
    check_move,
    lock_quarter,
    locked,
    may,
    record,
    require,
    required,
    snapshot,
)
from kaohe.assessments.services.follow_ups import create_follow_ups
from kaohe.ballots import selectors as ballot_selectors
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org import access
from kaohe.org.models import Category, Duty, Section
from kaohe.plans.models import Grade, Period, YearPlan

# --- summary (§七(二)) --------------------------------------------------------------------------

@transaction.atomic
def summary_save(*, assessment: Assessment, by: User, text: str) -> Assessment:
    assessment = locked(assessment)
    require(assessment.person.user_id == by.pk, _("只能填写本人的个人小结。"), "§七(二)")
    check_move(assessment, "save_summary")
    summary = bounded(text, limits.SUMMARY, _("个人小结"), "§七(二)")
    previous = snapshot(assessment, ["summary"])
    assessment.summary = summary
    assessment.save(update_fields=["summary"])
    record(assessment, action="save_summary", from_state=assessment.state, by=by,
           previous=previous, values={"summary": assessment.summary})
    return assessment


@transaction.atomic
def summary_submit(*, assessment: Assessment, by: User) -> Assessment:
    assessment = locked(assessment)
    require(assessment.person.user_id == by.pk, _("只能提交本人的个人小结。"), "§七(二)")
    from_state = assessment.state
    assessment.state = check_move(assessment, "submit")
    required(assessment.summary, _("个人小结为空，请先填写再提交。"), "§七(二)")
    assessment.save(update_fields=["state"])
    record(assessment, action="submit", from_state=from_state, by=by)
    return assessment


@transaction.atomic
def summary_return(*, assessment: Assessment, by: User, reason: str) -> Assessment:
    """The reviewer returns the summary to the person for changes (§七(三))."""
    return _move_back(assessment, by, "return", reason, who="review",
                      not_allowed=_("只有主管领导可以退回个人小结。"),
                      no_reason=_("退回须说明理由。"))


def _move_back(assessment: Assessment, by: User, action: str, reason: str, *, who: str,
               not_allowed: str, no_reason: str) -> Assessment:
    """A step back in the workflow, which always says why."""
    assessment = locked(assessment)
    require(may(who, assessment, by), not_allowed)
    from_state = assessment.state
    assessment.state = check_move(assessment, action)
    reason = required(bounded(reason, limits.REASON, _("理由")), no_reason, rules.RULE_REVIEW)
    assessment.save(update_fields=["state"])
    record(assessment, action=action, from_state=from_state, by=by, reason=reason)
    return assessment


# --- review and proposal (§七(三), §八, §九(一)) --------------------------------------------------

@dataclass
class Proposal:
    scores: dict[str, Any]
    grade: str
    comment: str = ""
    reason: str = ""
    direct: bool = False
    direct_reason: str = ""
    direct_reward: str = ""
    colleagues_opinion: str = ""
    recipients_opinion: str = ""
    performance_results: str = ""


def _proposal_texts(proposal: Proposal) -> Proposal:
    """Every text of the proposal within its limit and free of NUL characters."""
    labels = {"comment": _("评鉴意见"), "reason": _("与建议等次不同的理由"),
              "direct_reason": _("直接确定的理由"), "colleagues_opinion": _("群众评价"),
              "recipients_opinion": _("服务对象意见"), "performance_results": _("工作实绩")}
    checked: dict[str, Any] = {name: bounded(getattr(proposal, name), limits.REASON, label)
                               for name, label in labels.items()}
    checked["direct_reward"] = bounded(proposal.direct_reward, limits.SHORT, _("奖励"),
                                       rules.RULE_DIRECT)
    return replace(proposal, **checked)


PROPOSAL_FIELDS = ["scores", "composite_score", "suggested_grade", "proposed_grade",
                   "proposal_comment", "proposal_reason", "direct", "direct_reason",
                   "direct_reward", "colleagues_opinion", "recipients_opinion",
                   "performance_results"]


def composite(plan: YearPlan, scores: dict[str, Decimal], ballot: Decimal | None = None,
              ) -> Decimal:
    return rules.composite(
        [rules.Weighted(i.code, i.group, i.weight) for i in plan.indicators.all()], scores,
        common_weight=plan.common_weight, individual_weight=plan.individual_weight,
        ballot=ballot, ballot_weight=plan.ballot_weight)


def ballot_score(assessment: Assessment) -> Decimal | None:
    """The person's result in the quarter's 民主测评, where the plan counts it (§七(三))."""
    return ballot_selectors.composite_inputs(
        assessment.period, [assessment.person_id], timezone.localdate()).get(assessment.person_id)


def _clean_scores(plan: YearPlan, raw: dict[str, Any]) -> dict[str, Decimal]:
    codes = [i.code for i in plan.indicators.all()]
    unknown = sorted(set(raw) - set(codes))
    missing = [code for code in codes if raw.get(code) in (None, "")]
    if unknown:
        raise Invalid(_("未知指标：%(codes)s") % {"codes": "、".join(unknown)}, rule="§四")
    if missing:
        raise Invalid(_("请为每项指标打分，缺少：%(codes)s") % {"codes": "、".join(missing)},
                      rule="§四")
    scores = {}
    for code in codes:
        try:
            value = Decimal(str(raw[code]))
        except ArithmeticError as error:
            raise Invalid(_("“%(code)s”的得分须为数字。") % {"code": code}, rule="§四") from error
        problem = rules.score_problem(code, value)
        if problem:
            raise Invalid(problem, rule=rules.RULE_SCORES)
        scores[code] = value
    return scores


@transaction.atomic
def assessment_propose(*, assessment: Assessment, by: User, proposal: Proposal) -> Assessment:
    assessment = locked(assessment)
    require(may("review", assessment, by),
            _("只有主管领导可以审核评鉴并提出等次建议。"))
    from_state = assessment.state
    target = check_move(assessment, rules.propose_action(assessment.grade_determined))
    plan = assessment.period.plan
    proposal = _proposal_texts(proposal)
    scores = _clean_scores(plan, proposal.scores)
    score = composite(plan, scores, ballot_score(assessment))
    suggested = rules.suggestion(score, determined=assessment.grade_determined,
                                 good=plan.band_good, fairly_good=plan.band_fairly_good,
                                 average=plan.band_average)
    grade = _proposed_grade(assessment, proposal, suggested)
    previous = snapshot(assessment, PROPOSAL_FIELDS)
    assessment.scores = {code: str(value) for code, value in scores.items()}
    assessment.composite_score = score
    assessment.suggested_grade = suggested
    assessment.proposed_grade = grade
    assessment.proposal_comment = proposal.comment.strip()
    assessment.proposal_reason = proposal.reason.strip() if grade != suggested else ""
    assessment.direct = proposal.direct
    assessment.direct_reason = proposal.direct_reason.strip() if proposal.direct else ""
    assessment.direct_reward = proposal.direct_reward.strip() if proposal.direct else ""
    assessment.colleagues_opinion = proposal.colleagues_opinion.strip()
    assessment.recipients_opinion = proposal.recipients_opinion.strip()
    assessment.performance_results = proposal.performance_results.strip()
    assessment.state = target
    assessment.save()
    record(assessment, action="propose", from_state=from_state, by=by,
           reason=assessment.proposal_reason or assessment.direct_reason, previous=previous,
            values=snapshot(assessment, PROPOSAL_FIELDS))
    return assessment


def _proposed_grade(assessment: Assessment, proposal: Proposal, suggested: str) -> str:
    if not assessment.grade_determined:
        if proposal.grade:
            raise Refused(_("病、事假累计超过本季度工作日一半，不确定等次。"),
                          rule=rules.RULE_LEAVE, code="grade_not_determined")
        return ""
    if proposal.grade not in Grade.values:
        raise Invalid(_("请选择等次：好、较好、一般或较差。"), rule="§八")
    if proposal.direct:
        if proposal.grade not in (Grade.GOOD, Grade.POOR):
            raise Invalid(_("直接确定等次只能是“好”或“较差”。"), rule=rules.RULE_DIRECT)
        required(proposal.direct_reason, _("直接确定等次须写明理由。"), rules.RULE_DIRECT,
                 "direct_reason_required")
        if proposal.grade == Grade.GOOD:
            required(proposal.direct_reward, _("直接确定为“好”须注明奖励。"), rules.RULE_DIRECT,
                     "direct_reward_required")
    elif rules.reason_needed(proposal.grade, suggested, direct=proposal.direct):
        required(proposal.reason, _("拟定等次与按分数建议的“%(suggested)s”不同，须说明理由。")
                 % {"suggested": suggested}, rules.RULE_BANDS, "reason_required")
    return proposal.grade


@transaction.atomic
def liaison_ask(*, assessment: Assessment, by: User, question: str = "") -> LiaisonRequest:
    require(may("review", assessment, by) or may("approve", assessment, by),
            _("只有主管领导可以征求纪检联络员意见。"))
    duty = (assessment.period.organ.duties.filter(duty=Duty.LIAISON)
            .select_related("person").first())
    if duty is None:
        raise Refused(_("本机关未指定纪检联络员。"), rule=rules.RULE_REVIEW)
    question = bounded(question, limits.REASON, _("征求意见事项"))
    return LiaisonRequest.objects.create(assessment=assessment, liaison=duty.person, asked_by=by,
                                         question=question)


@transaction.atomic
def liaison_answer(*, asked: LiaisonRequest, by: User, answer: str) -> LiaisonRequest:
    require(asked.liaison.user_id == by.pk, _("只有被征求意见的纪检联络员可以答复。"))
    if asked.assessment.period.is_closed:
        raise Refused(_("本季度已结束。"), rule=rules.RULE_REVIEW, code="period_closed")
    asked.answer = required(bounded(answer, limits.LIAISON_ANSWER, _("纪检联络员意见")),
                            _("请填写意见。"), rules.RULE_REVIEW)
    asked.answered_at = timezone.now()
    asked.save(update_fields=["answer", "answered_at"])
    return asked



# --- approval under the cap (§七(三), §八(一)) ---------------------------------------------------

@transaction.atomic
def assessment_approve(*, assessment: Assessment, by: User, grade: str | None = None,
                       comment: str = "", reason: str = "", team_decision: str = "") -> Assessment:
    lock_quarter(assessment.period_id)
    assessment = locked(assessment)
    actor = access.actor_for(by)
    require(may("approve", assessment, by), _("您无权审定此人的等次。"))
    from_state = assessment.state
    target = check_move(assessment, "approve")
    refusal = rules.approves_own_proposal(selectors.proposed_by(assessment), by.pk,
                                          chief=assessment.category == Category.CHIEF)
    if refusal:
        raise Refused(refusal, rule=rules.RULE_REVIEW, code="own_proposal")
    comment = bounded(comment, limits.REASON, _("审定意见"))
    reason = bounded(reason, limits.REASON, _("改变等次的理由"))
    team_decision = bounded(team_decision, limits.SHORT,
                            _("领导班子集体研究决定（办公室登记时填写）"))
    final = _approved_grade(assessment, actor, grade, reason, team_decision)
    check_good_place(assessment, final)
    previous = snapshot(assessment, ["grade", "approval_comment", "approval_reason"])
    assessment.grade = final
    assessment.approval_comment = comment.strip()
    assessment.approval_reason = reason.strip() if final != assessment.proposed_grade else ""
    assessment.team_decision = team_decision.strip()
    assessment.state = target
    assessment.save()
    record(assessment, action="approve", from_state=from_state, by=by,
           reason=assessment.approval_reason, previous=previous,
           values=snapshot(assessment, ["grade", "approval_comment", "approval_reason",
                                        "team_decision"]))
    create_follow_ups(assessment)
    return assessment


def check_good_place(assessment: Assessment, final: str) -> None:
    """Refuse `final` = 好 when the quarter has no 好 place left (§八(一)), or, once the office
    has fixed the split of the places, when the assessment's section has used its share. A 好
    determined directly (§九(一)) takes no place unless the plan says so. Call under
    lock_quarter."""
    if rules.takes_place(final, direct=assessment.direct, proposed=assessment.proposed_grade,
                         direct_good_counts=assessment.period.plan.direct_good_counts):
        check_places(assessment.period, {assessment.section: 1})


def check_places(period: Period, asked: dict[Section, int]) -> None:
    """Refuse unless the quarter has room for `asked` more 好, section by section: the organ's
    cap, then each section's share of a fixed split (§八(一), decision 0015)."""
    refusal = rules.no_places_for(selectors.quota(period), sum(asked.values()))
    if refusal:
        raise Refused(refusal, rule=rules.RULE_CAP, code="good_quota_exceeded")
    for section, n in asked.items():
        share = selectors.share_for(period, section)
        refusal = rules.beyond_share(share, n) if share is not None and n else ""
        if refusal:
            raise Refused(refusal, rule=rules.RULE_SHARE, code="good_share_exceeded")


@transaction.atomic
def assessments_approve_batch(*, period: Period, by: User,
                              assessments: Sequence[Assessment]) -> list[Assessment]:
    """The approver agrees with several proposals at once, each at its proposed grade, in one
    transaction: the places the batch asks for are checked together first, and any refusal
    leaves every one of them unapproved (§七(三), §八(一))."""
    period = lock_quarter(period.pk)
    if not assessments:
        raise Invalid(_("请先勾选要同意的人员。"), rule=rules.RULE_REVIEW)
    rows = [locked(a) for a in sorted(assessments, key=lambda a: a.pk)]
    if any(a.period_id != period.pk for a in rows):
        raise Invalid(_("所选人员不属于本季度。"), rule=rules.RULE_REVIEW)
    asked: dict[Section, int] = {}
    for a in rows:
        if a.state == State.PROPOSED and rules.takes_place(
                a.proposed_grade, direct=a.direct, proposed=a.proposed_grade,
                direct_good_counts=period.plan.direct_good_counts):
            asked[a.section] = asked.get(a.section, 0) + 1
    check_places(period, asked)
    approved = []
    for a in rows:
        try:
            approved.append(assessment_approve(assessment=a, by=by))
        except NotAllowed:
            raise
        except Refused as refusal:  # the whole batch fails; say whose approval stopped it
            raise Refused(_("%(name)s：%(message)s本批未作任何审定。") % {
                "name": a.person.name, "message": refusal.message},
                rule=refusal.rule, code=refusal.code, status=refusal.status) from refusal
    return approved


def _approved_grade(assessment: Assessment, actor: access.Actor, grade: str | None,
                    reason: str, team_decision: str) -> str:
    if rules.team_decision_needed(chief=assessment.category == Category.CHIEF,
                                  by_principal=access.Role.PRINCIPAL in actor.roles):
        required(team_decision, _("科室正职的等次由主要负责人审定；办公室登记时须注明领导班子"
                                  "集体研究的决定。"), rules.RULE_REVIEW, "team_decision_required")
    if not assessment.grade_determined:
        if grade:
            raise Refused(_("病、事假累计超过本季度工作日一半，不确定等次。"),
                          rule=rules.RULE_LEAVE, code="grade_not_determined")
        return ""
    final = grade or assessment.proposed_grade
    if final not in Grade.values:
        raise Invalid(_("请选择等次：好、较好、一般或较差。"), rule="§八")
    if final != assessment.proposed_grade:
        required(reason, _("改变拟定等次须说明理由。"), rules.RULE_REVIEW, "reason_required")
    return final


@transaction.atomic
def assessment_send_back(*, assessment: Assessment, by: User, reason: str) -> Assessment:
    """The approver sends the proposal back to the reviewer (§七(三))."""
    return _move_back(assessment, by, "send_back", reason, who="approve",
                      not_allowed=_("您无权审定此人的等次。"),
                      no_reason=_("退回重新评鉴须说明理由。"))


# --- feedback (§七(四)) ---------------------------------------------------------------------------

@transaction.atomic
def feedback_give(*, assessment: Assessment, by: User, method: str, given_on: datetime.date,
                  text: str) -> Assessment:
    assessment = locked(assessment)
    require(may("review", assessment, by),
            _("结果由主管领导反馈给本人。"), rules.RULE_FEEDBACK)
    from_state = assessment.state
    assessment.state = check_move(assessment, "feedback")
    if method not in FeedbackMethod.values:
        raise Invalid(_("反馈方式须为会议、谈话或书面。"), rule=rules.RULE_FEEDBACK)
    if given_on > timezone.localdate():
        raise Invalid(_("反馈日期不能晚于今天。"), rule=rules.RULE_FEEDBACK)
    if given_on < assessment.period.first_day:
        raise Invalid(_("反馈日期不能早于本季度开始。"), rule=rules.RULE_FEEDBACK)
    assessment.feedback_method = method
    assessment.feedback_given_on = given_on
    assessment.feedback_text = required(
        bounded(text, limits.FEEDBACK, _("肯定的成绩、指出的不足、改进的方向"),
                rules.RULE_FEEDBACK),
        _("请写明肯定的成绩、指出的不足和改进的方向。"), rules.RULE_FEEDBACK)
    assessment.save()
    record(assessment, action="feedback", from_state=from_state, by=by,
           values={"method": method, "given_on": str(given_on), "text": assessment.feedback_text})
    return assessment



@transaction.atomic
def result_acknowledge(*, assessment: Assessment, by: User, opinion: str = "") -> Assessment:
    assessment = locked(assessment)
    require(assessment.person.user_id == by.pk, _("只能确认本人的考核结果。"), rules.RULE_FEEDBACK)
    from_state = assessment.state
    assessment.state = check_move(assessment, "acknowledge")
    assessment.person_opinion = bounded(opinion, limits.REASON, _("本人意见（可不填）"),
                                        rules.RULE_FEEDBACK)
    assessment.save(update_fields=["state", "person_opinion"])
    record(assessment, action="acknowledge", from_state=from_state, by=by,
           values={"opinion": assessment.person_opinion})
    return assessment

