"""Every state change of the quarterly assessment: one function per transition.

Each runs in one transaction, locks what it must, checks who may do it and that the move is
in the transition table, saves, and writes a Transition row with the previous values
(ARCHITECTURE.md examples 1–3, 5). A refusal raises kaohe.errors.Refused and leaves nothing
half-written.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.appeals.models import AppealState
from kaohe.assessments.models import (
    DECIDED,
    FINISHED,
    Assessment,
    FeedbackMethod,
    FollowUp,
    FollowUpKind,
    Leave,
    LeaveKind,
    LiaisonRequest,
    State,
    Transition,
)
from kaohe.audit import chain as audit
from kaohe.bulk import insert_many
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org import access
from kaohe.org.models import (
    ASSESSED_CATEGORIES,
    Assignment,
    Category,
    Duty,
    Organ,
    Person,
    assessing_organ_of,
)
from kaohe.plans.models import Grade, IndicatorGroup, Period, PeriodState, YearPlan
from kaohe.plans.services import plan_check, plan_for
from kaohe.workdays.calendar import add_working_days, working_days

RULE_CAP = "§八(一) 好等次 ≤ 40%"
RULE_DIRECT = "§九(一)"
RULE_LEAVE = "§十(三)"
RULE_REVIEW = "§七(三)"
RULE_FEEDBACK = "§七(四)"
APPEAL_WORKING_DAYS = 5  # §十(二)

# action → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "save_summary": ((State.DRAFT, State.RETURNED), ""),
    "submit": ((State.DRAFT, State.RETURNED), State.SUBMITTED),
    "return": ((State.SUBMITTED,), State.RETURNED),
    "propose": ((State.SUBMITTED, State.SENT_BACK, State.PROPOSED), State.PROPOSED),
    # Someone away for most of the quarter may have no summary to submit (§十(三)).
    "propose_undetermined": ((State.DRAFT, State.RETURNED, State.SUBMITTED, State.SENT_BACK,
                              State.PROPOSED), State.PROPOSED),
    "send_back": ((State.PROPOSED,), State.SENT_BACK),
    "approve": ((State.PROPOSED,), State.APPROVED),
    "feedback": ((State.APPROVED,), State.FEEDBACK),
    "acknowledge": ((State.FEEDBACK,), State.ACKNOWLEDGED),
}


# --- helpers ----------------------------------------------------------------------------------

def _locked(assessment: Assessment) -> Assessment:
    """Re-read the row under a lock, so that two people acting at once see each other. Only
    the row itself: locking the joined quarter would queue every change of the quarter."""
    return (Assessment.objects.select_for_update(of=("self",))
            .select_related("period", "period__plan", "person", "section")
            .get(pk=assessment.pk))


def _check_move(assessment: Assessment, action: str) -> str:
    if assessment.period.is_closed:
        raise Refused(_("%(period)s已结束，不能再修改；如有异议请走申诉程序。") % {
            "period": str(assessment.period)}, rule="§十(二)", code="period_closed")
    allowed, target = TRANSITIONS[action]
    if assessment.state not in allowed:
        raise Refused(
            _("当前状态为“%(state)s”，不能执行此操作。") % {
                "state": State(assessment.state).label},
            rule=RULE_REVIEW, code="wrong_state")
    return target or assessment.state


def _record(assessment: Assessment, *, action: str, from_state: str, by: User,
            reason: str = "", previous: dict[str, Any] | None = None,
            values: dict[str, Any] | None = None) -> None:
    Transition.objects.create(assessment=assessment, action=action, from_state=from_state,
                              to_state=assessment.state, by=by, reason=reason,
                              previous=previous or {}, values=values or {})


def _snapshot(assessment: Assessment, fields: list[str]) -> dict[str, Any]:
    return {name: _jsonable(getattr(assessment, name)) for name in fields}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | datetime.date):
        return str(value)
    return value


def _required(text: str, message: str, rule: str) -> str:
    if not text or not text.strip():
        raise Invalid(message, rule=rule)
    return text.strip()


def _text(value: str, limit: int, label: str, rule: str = RULE_REVIEW) -> str:
    return limits.text(value, limit, label=label, rule=rule)


def _actor(by: User) -> access.Actor:
    return access.actor_for(by)


def _require(allowed: bool, message: str, rule: str = RULE_REVIEW) -> None:
    if not allowed:
        raise NotAllowed(message, rule=rule)


def _in(assessment: Assessment, scope: Q) -> bool:
    return Assessment.objects.filter(scope, pk=assessment.pk).exists()


# --- opening a quarter --------------------------------------------------------------------------

@transaction.atomic
def period_open(*, organ: Organ, year: int, quarter: int, by: User) -> Period:
    """Open a quarter and create, in one bulk insert, an assessment for everyone the organ
    assesses in it (RULES.md "Who is assessed", decision 0003). Opening again adds only
    those missing."""
    _require(access.may_run_periods(_actor(by), organ), _("只有本机关办公室可以开启考核季度。"),
             "§六")
    if quarter not in (1, 2, 3, 4):
        raise Invalid(_("季度须为 1–4。"), rule="§五")
    if not limits.YEAR_MIN <= year <= limits.YEAR_MAX:
        raise Invalid(_("年度须在 %(first)d 到 %(last)d 之间。") % {
            "first": limits.YEAR_MIN, "last": limits.YEAR_MAX}, rule="§五")
    plan = plan_for(organ=organ, year=year)
    plan_check(plan)
    if quarter < plan.first_quarter:
        raise Invalid(_("本年度平时考核从第 %(first)d 季度开始。") % {"first": plan.first_quarter},
                      rule="§五")
    period, _created = Period.objects.get_or_create(
        organ=organ, year=year, quarter=quarter, defaults={"plan": plan})
    if period.is_closed:
        raise Refused(_("%(period)s已结束。") % {"period": str(period)}, rule="§五")
    created = insert_many(Assessment, NEW_FIELDS, _new_assessments(period))
    # A bulk insert sends no signals: the audit log gets one event for the whole batch.
    audit.record("period.open", obj=period, new={"assessments_created": created}, user=by)
    undetermined_refresh(period=period)
    return period


NEW_FIELDS = ["period_id", "person_id", "section_id", "category", "frontline"]


def _new_assessments(period: Period) -> list[tuple[int, int, int, str, bool]]:
    """(period, person, section, category, frontline) of everyone the organ assesses in the
    quarter and who has no assessment yet. Plain values, not model instances: an organ may
    have tens of thousands of people."""
    first, last = period.first_day, period.last_day
    during = Q(start__lte=last) & (Q(end__isnull=True) | Q(end__gte=first))
    people = (Person.objects.filter(active=True, category__in=ASSESSED_CATEGORIES,
                                    pk__in=Assignment.objects.filter(during, organ=period.organ)
                                    .values("person_id"))
              .exclude(pk__in=period.assessments.values("person_id")).order_by())
    spans: dict[int, list[tuple[int, int | None, datetime.date, datetime.date | None]]] = {}
    for person_id, *span in (Assignment.objects.filter(during, person__in=people).order_by()
                             .values_list("person_id", "organ_id", "section_id", "start", "end")):
        spans.setdefault(person_id, []).append(tuple(span))  # type: ignore[arg-type]
    created = []
    for pk, organ_id, own_section, category, frontline in people.values_list(
            "pk", "organ_id", "section_id", "category", "frontline"):
        mine = spans.get(pk, [])
        # Most people have one assignment in the quarter, which decides alone; instances
        # (for decision 0003's rule) only for the others.
        assignments = [Assignment(organ_id=organ, section_id=section, start=start, end=end)
                       for organ, section, start, end in mine
                       ] if len(mine) > 1 or organ_id != period.organ_id else []
        assessing = mine[0][0] if len(mine) == 1 else assessing_organ_of(assignments, first, last)
        if assessing != period.organ_id:
            continue  # e.g. seconded out for most of the quarter
        section_id = _section_during(organ_id, own_section, assignments, period)
        if section_id is not None:
            created.append((period.pk, pk, section_id, category, frontline))
    return created


def _section_during(home_organ_id: int, own_section_id: int | None,
                    assignments: list[Assignment], period: Period) -> int | None:
    """The section the person works in for this organ: their own, or the receiving organ's
    section of a secondment."""
    if home_organ_id == period.organ_id:
        return own_section_id
    placements = [a for a in assignments
                  if a.organ_id == period.organ_id and a.section_id
                  and a.days_within(period.first_day, period.last_day)]
    return max(placements, key=lambda a: a.start).section_id if placements else None


# --- leave (§十(三)) ----------------------------------------------------------------------------

@transaction.atomic
def leave_record(*, person: Person, kind: str, start: datetime.date, end: datetime.date,
                 by: User) -> Leave:
    _require(access.may_run_periods(_actor(by), person.organ),
             _("只有本机关办公室可以登记请假。"), RULE_LEAVE)
    if kind not in LeaveKind.values:
        raise Invalid(_("请假类型须为病假（sick）或事假（personal）。"), rule=RULE_LEAVE)
    if end < start:
        raise Invalid(_("结束日期不能早于开始日期。"), rule=RULE_LEAVE)
    if start.year < limits.YEAR_MIN or end.year > limits.YEAR_MAX:
        raise Invalid(_("请假日期须在 %(first)d 到 %(last)d 年之间。") % {
            "first": limits.YEAR_MIN, "last": limits.YEAR_MAX}, rule=RULE_LEAVE)
    if (end - start).days >= 366:
        raise Invalid(_("一条请假记录不超过一年；更长的请假请按年度分条登记。"), rule=RULE_LEAVE)
    leave = Leave.objects.create(person=person, kind=kind, start=start, end=end, recorded_by=by)
    for period in Period.objects.filter(assessments__person=person, state=PeriodState.OPEN):
        if period.first_day <= end and start <= period.last_day:  # only quarters it touches
            undetermined_refresh(period=period, people=[person.pk])
    return leave


def leave_working_days(leaves: list[Leave], first: datetime.date, last: datetime.date) -> int:
    """Working days on leave within first..last; overlapping records are counted once."""
    spans = sorted((max(lv.start, first), min(lv.end, last)) for lv in leaves
                   if lv.start <= last and lv.end >= first)
    merged: list[list[datetime.date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + datetime.timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return sum(working_days(start, end) for start, end in merged)


def undetermined_refresh(*, period: Period, people: list[int] | None = None) -> None:
    """Mark who takes part without a grade: sick and personal leave over half the quarter's
    working days (§十(三)), on the Chinese calendar."""
    leaves = Leave.objects.filter(start__lte=period.last_day, end__gte=period.first_day)
    if people is not None:
        leaves = leaves.filter(person_id__in=people)
    by_person: dict[int, list[Leave]] = {}
    for leave in leaves:
        by_person.setdefault(leave.person_id, []).append(leave)
    targets = period.assessments.exclude(state__in=DECIDED)
    if people is not None:
        targets = targets.filter(person_id__in=people)
    elif not by_person:
        return
    quarter_days = working_days(period.first_day, period.last_day)
    for assessment in targets.filter(Q(person_id__in=by_person) | Q(grade_determined=False)):
        on_leave = leave_working_days(by_person.get(assessment.person_id, []),
                                      period.first_day, period.last_day)
        determined = on_leave * 2 <= quarter_days
        if determined != assessment.grade_determined:
            assessment.grade_determined = determined
            assessment.save(update_fields=["grade_determined"])


# --- summary (§七(二)) --------------------------------------------------------------------------

@transaction.atomic
def summary_save(*, assessment: Assessment, by: User, text: str) -> Assessment:
    assessment = _locked(assessment)
    _require(assessment.person.user_id == by.pk, _("只能填写本人的个人小结。"), "§七(二)")
    _check_move(assessment, "save_summary")
    summary = _text(text, limits.SUMMARY, _("个人小结"), "§七(二)")
    previous = _snapshot(assessment, ["summary"])
    assessment.summary = summary
    assessment.save(update_fields=["summary"])
    _record(assessment, action="save_summary", from_state=assessment.state, by=by,
            previous=previous, values={"summary": assessment.summary})
    return assessment


@transaction.atomic
def summary_submit(*, assessment: Assessment, by: User) -> Assessment:
    assessment = _locked(assessment)
    _require(assessment.person.user_id == by.pk, _("只能提交本人的个人小结。"), "§七(二)")
    from_state = assessment.state
    assessment.state = _check_move(assessment, "submit")
    _required(assessment.summary, _("个人小结为空，请先填写再提交。"), "§七(二)")
    assessment.save(update_fields=["state"])
    _record(assessment, action="submit", from_state=from_state, by=by)
    return assessment


@transaction.atomic
def summary_return(*, assessment: Assessment, by: User, reason: str) -> Assessment:
    assessment = _locked(assessment)
    _require(_in(assessment, access.reviewable(_actor(by))),
             _("只有主管领导可以退回个人小结。"))
    from_state = assessment.state
    assessment.state = _check_move(assessment, "return")
    reason = _required(_text(reason, limits.REASON, _("理由")), _("退回须说明理由。"),
                       RULE_REVIEW)
    assessment.save(update_fields=["state"])
    _record(assessment, action="return", from_state=from_state, by=by, reason=reason)
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
    checked: dict[str, Any] = {name: _text(getattr(proposal, name), limits.REASON, label)
                               for name, label in labels.items()}
    checked["direct_reward"] = _text(proposal.direct_reward, limits.SHORT, _("奖励"), RULE_DIRECT)
    return replace(proposal, **checked)


PROPOSAL_FIELDS = ["scores", "composite_score", "suggested_grade", "proposed_grade",
                   "proposal_comment", "proposal_reason", "direct", "direct_reason",
                   "direct_reward", "colleagues_opinion", "recipients_opinion",
                   "performance_results"]


def composite(plan: YearPlan, scores: dict[str, Decimal]) -> Decimal:
    """0.3 × weighted mean of common + 0.7 × weighted mean of individual (RULES.md §四)."""
    total = Decimal(0)
    for group, share in [(IndicatorGroup.COMMON, plan.common_weight),
                         (IndicatorGroup.INDIVIDUAL, plan.individual_weight)]:
        indicators = [i for i in plan.indicators.all() if i.group == group]
        weights = sum((i.weight for i in indicators), Decimal(0))
        mean = sum((scores[i.code] * i.weight for i in indicators), Decimal(0)) / weights
        total += mean * Decimal(share) / 100
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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
        if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
            raise Invalid(_("“%(code)s”的得分须在 0 到 100 之间。") % {"code": code},
                          rule="§四")
        if int(value.as_tuple().exponent) < -2:
            raise Invalid(_("“%(code)s”的得分最多保留两位小数。") % {"code": code}, rule="§四")
        scores[code] = value
    return scores


@transaction.atomic
def assessment_propose(*, assessment: Assessment, by: User, proposal: Proposal) -> Assessment:
    assessment = _locked(assessment)
    _require(_in(assessment, access.reviewable(_actor(by))),
             _("只有主管领导可以审核评鉴并提出等次建议。"))
    from_state = assessment.state
    target = _check_move(assessment, "propose" if assessment.grade_determined
                         else "propose_undetermined")
    plan = assessment.period.plan
    proposal = _proposal_texts(proposal)
    scores = _clean_scores(plan, proposal.scores)
    score = composite(plan, scores)
    suggested = plan.suggested_grade(score)
    grade = _proposed_grade(assessment, proposal, suggested)
    previous = _snapshot(assessment, PROPOSAL_FIELDS)
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
    _record(assessment, action="propose", from_state=from_state, by=by,
            reason=assessment.proposal_reason or assessment.direct_reason, previous=previous,
            values=_snapshot(assessment, PROPOSAL_FIELDS))
    return assessment


def _proposed_grade(assessment: Assessment, proposal: Proposal, suggested: str) -> str:
    if not assessment.grade_determined:
        if proposal.grade:
            raise Refused(_("病、事假累计超过本季度工作日一半，不确定等次。"), rule=RULE_LEAVE,
                          code="grade_not_determined")
        return ""
    if proposal.grade not in Grade.values:
        raise Invalid(_("请选择等次：好、较好、一般或较差。"), rule="§八")
    if proposal.direct:
        if proposal.grade not in (Grade.GOOD, Grade.POOR):
            raise Invalid(_("直接确定等次只能是“好”或“较差”。"), rule=RULE_DIRECT)
        _required(proposal.direct_reason, _("直接确定等次须写明理由。"), RULE_DIRECT)
        if proposal.grade == Grade.GOOD:
            _required(proposal.direct_reward, _("直接确定为“好”须注明奖励。"), RULE_DIRECT)
    elif proposal.grade != suggested:
        _required(proposal.reason, _("拟定等次与按分数建议的“%(suggested)s”不同，须说明理由。")
                  % {"suggested": suggested}, "§八(二)")
    return proposal.grade


@transaction.atomic
def liaison_ask(*, assessment: Assessment, by: User, question: str = "") -> LiaisonRequest:
    _require(_in(assessment, access.reviewable(_actor(by)) | access.approvable(_actor(by))),
             _("只有主管领导可以征求纪检联络员意见。"))
    duty = (assessment.period.organ.duties.filter(duty=Duty.LIAISON)
            .select_related("person").first())
    if duty is None:
        raise Refused(_("本机关未指定纪检联络员。"), rule=RULE_REVIEW)
    question = _text(question, limits.REASON, _("征求意见事项"))
    return LiaisonRequest.objects.create(assessment=assessment, liaison=duty.person, asked_by=by,
                                         question=question)


@transaction.atomic
def liaison_answer(*, asked: LiaisonRequest, by: User, answer: str) -> LiaisonRequest:
    _require(asked.liaison.user_id == by.pk, _("只有被征求意见的纪检联络员可以答复。"))
    if asked.assessment.period.is_closed:
        raise Refused(_("本季度已结束。"), rule=RULE_REVIEW, code="period_closed")
    asked.answer = _required(_text(answer, limits.LIAISON_ANSWER, _("纪检联络员意见")),
                             _("请填写意见。"), RULE_REVIEW)
    asked.answered_at = timezone.now()
    asked.save(update_fields=["answer", "answered_at"])
    return asked


# --- approval under the cap (§七(三), §八(一)) ---------------------------------------------------

@dataclass(frozen=True)
class Quota:
    participants: int
    ratio: Decimal
    limit: int
    used: int

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)


def quota(period: Period) -> Quota:
    """好 places of the quarter: the limit from the plan, and the ones already approved."""
    plan = period.plan
    base = period.assessments.all()
    if not plan.base_includes_undetermined:
        base = base.filter(grade_determined=True)
    used = period.assessments.filter(state__in=DECIDED, grade=Grade.GOOD)
    if not plan.direct_good_counts:  # a 好 determined directly (§九(一)) takes no place
        used = used.exclude(direct=True, proposed_grade=Grade.GOOD)
    participants = base.count()
    return Quota(participants=participants, ratio=plan.good_ratio,
                 limit=plan.good_limit(participants), used=used.count())


@transaction.atomic
def assessment_approve(*, assessment: Assessment, by: User, grade: str | None = None,
                       comment: str = "", reason: str = "", team_decision: str = "") -> Assessment:
    lock_quarter(assessment.period_id)
    assessment = _locked(assessment)
    actor = _actor(by)
    _require(_in(assessment, access.approvable(actor)), _("您无权审定此人的等次。"))
    from_state = assessment.state
    target = _check_move(assessment, "approve")
    comment = _text(comment, limits.REASON, _("审定意见"))
    reason = _text(reason, limits.REASON, _("改变等次的理由"))
    team_decision = _text(team_decision, limits.SHORT,
                          _("领导班子集体研究决定（办公室登记时填写）"))
    final = _approved_grade(assessment, actor, grade, reason, team_decision)
    check_good_place(assessment, final)
    previous = _snapshot(assessment, ["grade", "approval_comment", "approval_reason"])
    assessment.grade = final
    assessment.approval_comment = comment.strip()
    assessment.approval_reason = reason.strip() if final != assessment.proposed_grade else ""
    assessment.team_decision = team_decision.strip()
    assessment.state = target
    assessment.save()
    _record(assessment, action="approve", from_state=from_state, by=by,
            reason=assessment.approval_reason, previous=previous,
            values=_snapshot(assessment, ["grade", "approval_comment", "approval_reason",
                                          "team_decision"]))
    create_follow_ups(assessment)
    return assessment


def lock_quarter(period_id: int) -> Period:
    """Lock the quarter's row: every grade decision of the quarter (approval, a change on
    appeal) queues on it, so two people racing for the last 好 place are served one after
    the other (decision 0004). Call it first, before locking the assessment."""
    return Period.objects.select_for_update().get(pk=period_id)


def check_good_place(assessment: Assessment, final: str) -> None:
    """Refuse `final` = 好 when the quarter has no 好 place left (§八(一)). A 好 determined
    directly (§九(一)) takes no place unless the plan says so. Call under lock_quarter."""
    directly_good = assessment.direct and assessment.proposed_grade == Grade.GOOD
    if final == Grade.GOOD and (not directly_good or assessment.period.plan.direct_good_counts):
        _check_cap(assessment.period)


def _approved_grade(assessment: Assessment, actor: access.Actor, grade: str | None,
                    reason: str, team_decision: str) -> str:
    if assessment.category == Category.CHIEF and access.Role.PRINCIPAL not in actor.roles:
        _required(team_decision, _("科室正职的等次由主要负责人审定；办公室登记时须注明领导班子"
                                   "集体研究的决定。"), RULE_REVIEW)
    if not assessment.grade_determined:
        if grade:
            raise Refused(_("病、事假累计超过本季度工作日一半，不确定等次。"), rule=RULE_LEAVE,
                          code="grade_not_determined")
        return ""
    final = grade or assessment.proposed_grade
    if final not in Grade.values:
        raise Invalid(_("请选择等次：好、较好、一般或较差。"), rule="§八")
    if final != assessment.proposed_grade:
        _required(reason, _("改变拟定等次须说明理由。"), RULE_REVIEW)
    return final


def _check_cap(period: Period) -> None:
    current = quota(period)
    if current.used + 1 > current.limit:
        raise Refused(
            _("“好”等次名额已满：本季度参加考核 %(participants)d 人，按 %(ratio)s%% 最多 "
              "%(limit)d 名，已审定 %(used)d 名。") % {
                "participants": current.participants,
                "ratio": format((current.ratio * 100).normalize(), "f"),
                "limit": current.limit,
                "used": current.used},
            rule=RULE_CAP, code="good_quota_exceeded")


FOLLOW_UP_FOR = {Grade.AVERAGE.value: FollowUpKind.REMINDER_TALK,
                 Grade.POOR.value: FollowUpKind.CRITICISM}


def create_follow_ups(assessment: Assessment) -> None:
    """The follow-up §九(二) asks for the assessment's grade, unless it is already there."""
    kind = FOLLOW_UP_FOR.get(assessment.grade)
    if kind and not assessment.follow_ups.filter(kind=kind).exists():
        FollowUp.objects.create(assessment=assessment, kind=kind,
                                assigned_to=supervising_leader(assessment))


def supervising_leader(assessment: Assessment) -> Person | None:
    """The reviewer (§七(三)): the section chief for staff, the leader in charge for chiefs."""
    if assessment.category == Category.CHIEF:
        return assessment.section.leader_in_charge
    return Person.objects.filter(section_id=assessment.section_id, category=Category.CHIEF,
                                 active=True).first()


@transaction.atomic
def assessment_send_back(*, assessment: Assessment, by: User, reason: str) -> Assessment:
    assessment = _locked(assessment)
    _require(_in(assessment, access.approvable(_actor(by))), _("您无权审定此人的等次。"))
    from_state = assessment.state
    assessment.state = _check_move(assessment, "send_back")
    reason = _required(_text(reason, limits.REASON, _("理由")), _("退回重新评鉴须说明理由。"),
                       RULE_REVIEW)
    assessment.save(update_fields=["state"])
    _record(assessment, action="send_back", from_state=from_state, by=by, reason=reason)
    return assessment


# --- feedback (§七(四)) ---------------------------------------------------------------------------

@transaction.atomic
def feedback_give(*, assessment: Assessment, by: User, method: str, given_on: datetime.date,
                  text: str) -> Assessment:
    assessment = _locked(assessment)
    _require(_in(assessment, access.reviewable(_actor(by))),
             _("结果由主管领导反馈给本人。"), RULE_FEEDBACK)
    from_state = assessment.state
    assessment.state = _check_move(assessment, "feedback")
    if method not in FeedbackMethod.values:
        raise Invalid(_("反馈方式须为会议、谈话或书面。"), rule=RULE_FEEDBACK)
    if given_on > timezone.localdate():
        raise Invalid(_("反馈日期不能晚于今天。"), rule=RULE_FEEDBACK)
    if given_on < assessment.period.first_day:
        raise Invalid(_("反馈日期不能早于本季度开始。"), rule=RULE_FEEDBACK)
    assessment.feedback_method = method
    assessment.feedback_given_on = given_on
    assessment.feedback_text = _required(
        _text(text, limits.FEEDBACK, _("肯定的成绩、指出的不足、改进的方向"), RULE_FEEDBACK),
        _("请写明肯定的成绩、指出的不足和改进的方向。"), RULE_FEEDBACK)
    assessment.save()
    _record(assessment, action="feedback", from_state=from_state, by=by,
            values={"method": method, "given_on": str(given_on), "text": assessment.feedback_text})
    return assessment


def appeal_deadline(assessment: Assessment) -> datetime.date | None:
    """The last day to appeal: 5 working days after the feedback day (§十(二), RULES.md)."""
    if assessment.feedback_given_on is None:
        return None
    return add_working_days(assessment.feedback_given_on, APPEAL_WORKING_DAYS)


@transaction.atomic
def result_acknowledge(*, assessment: Assessment, by: User, opinion: str = "") -> Assessment:
    assessment = _locked(assessment)
    _require(assessment.person.user_id == by.pk, _("只能确认本人的考核结果。"), RULE_FEEDBACK)
    from_state = assessment.state
    assessment.state = _check_move(assessment, "acknowledge")
    assessment.person_opinion = _text(opinion, limits.REASON, _("本人意见（可不填）"),
                                      RULE_FEEDBACK)
    assessment.save(update_fields=["state", "person_opinion"])
    _record(assessment, action="acknowledge", from_state=from_state, by=by,
            values={"opinion": assessment.person_opinion})
    return assessment


# --- publication, follow-up and closing (§八(一), §九) -------------------------------------------

def _office_only(period: Period, by: User) -> None:
    _require(access.may_run_periods(_actor(by), period.organ),
             _("只有本机关办公室可以执行此操作。"), "§六")


@transaction.atomic
def period_publish(*, period: Period, by: User) -> Period:
    """Persons graded 好 are made public inside the organ (§八(一))."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    _office_only(period, by)
    pending = period.assessments.exclude(state__in=DECIDED).count()
    if pending:
        raise Refused(_("还有 %(count)d 人的等次未审定，不能公布。") % {"count": pending},
                      rule="§八(一)", code="unfinished")
    period.published_at = timezone.now()
    period.save(update_fields=["published_at"])
    return period


@transaction.atomic
def follow_up_add(*, assessment: Assessment, kind: str, by: User) -> FollowUp:
    """§九(二): for 较差, when needed, an admonition (诫勉) or a change of post as well."""
    leader = supervising_leader(assessment)
    _require(leader is not None and leader.user_id == by.pk,
             _("只有主管领导可以提出进一步的措施。"), "§九(二)")
    if assessment.grade != Grade.POOR or kind not in (FollowUpKind.ADMONITION,
                                                       FollowUpKind.POST_CHANGE):
        raise Invalid(_("诫勉和调整岗位只用于“较差”等次。"), rule="§九(二)")
    follow_up, _created = FollowUp.objects.get_or_create(
        assessment=assessment, kind=kind, defaults={"assigned_to": leader})
    return follow_up


@transaction.atomic
def follow_up_done(*, follow_up: FollowUp, by: User, done_on: datetime.date,
                   note: str) -> FollowUp:
    _require(follow_up.assigned_to is not None and follow_up.assigned_to.user_id == by.pk,
             _("只有负责的主管领导可以登记完成情况。"), "§九(二)")
    if done_on > timezone.localdate():
        raise Invalid(_("完成日期不能晚于今天。"), rule="§九(二)")
    if done_on < follow_up.assessment.period.first_day:
        raise Invalid(_("完成日期不能早于该季度开始。"), rule="§九(二)")
    follow_up.done_on = done_on
    follow_up.note = _required(_text(note, limits.REASON, _("情况"), "§九(二)"),
                               _("请简要写明完成情况。"), "§九(二)")
    follow_up.save(update_fields=["done_on", "note"])
    return follow_up


def unfinished(period: Period) -> list[str]:
    """What still stands between the quarter and its closing, one line each."""
    problems = [
        _("%(name)s：%(state)s") % {"name": a.person.name, "state": State(a.state).label}
        for a in period.assessments.exclude(state__in=FINISHED).select_related("person")
    ]
    # An appeal still open would otherwise be decided after the quarter's results are final
    # (decision 0005): it is finished first.
    problems += [
        _("%(name)s：申诉待处理") % {"name": name}
        for name in period.assessments.filter(appeal__state=AppealState.PENDING)
        .order_by("person__personnel_no").values_list("person__name", flat=True)
    ]
    if period.published_at is None:
        problems.append(str(_("“好”等次人员名单尚未公布")))
    return problems


@transaction.atomic
def period_close(*, period: Period, by: User) -> Period:
    period = Period.objects.select_for_update().get(pk=period.pk)
    _office_only(period, by)
    problems = unfinished(period)
    if problems:
        raise Refused(_("还有未完成的工作，不能结束本季度：%(items)s") % {
            "items": "；".join(problems)}, rule="§七", code="unfinished")
    period.state = PeriodState.CLOSED
    period.closed_at = timezone.now()
    period.save(update_fields=["state", "closed_at"])
    return period
