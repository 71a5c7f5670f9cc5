"""Every state change of an appeal (§十(二)): filing (online or a paper appeal registered by
the office), opinions gathered, the decision. One function per change, one transaction each,
refusals through kaohe.errors leaving nothing half-written (ARCHITECTURE.md examples 1–5).

The deadline is the existing `appeal_deadline` (5 working days after the feedback day, on the
Chinese calendar with the office's overrides). A change of grade goes through the same 好-cap
check, under the same quarter lock, as an approval. Appeals are allowed after the quarter is
closed, within their window: a change on appeal is then the only correction (decision 0005).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.appeals import selectors
from kaohe.appeals.models import TEXT_LIMIT, Appeal, AppealState, Channel, Opinion
from kaohe.assessments import rules
from kaohe.assessments import services as assessments
from kaohe.assessments.models import Assessment, Notice, Transition
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org import access
from kaohe.org.models import Duty
from kaohe.plans.models import Grade, Period

RULE = "§十(二)"
OUTCOMES = (AppealState.KEPT, AppealState.CHANGED)


def _iso(day: datetime.date) -> str:
    return day.isoformat()


def _period(period: Period) -> list[int]:
    """A quarter as a notice stores it, named in each reader's language when shown."""
    return [period.year, period.quarter]


def _required(text: str, message: str, limit: int = TEXT_LIMIT) -> str:
    text = limits.text(text or "", limit, label=_("内容"), rule=RULE)
    if not text:
        raise Invalid(message, rule=RULE)
    return text


def _handles(by: User, assessment: Assessment) -> bool:
    actor = access.actor_for(by)
    return (Assessment.objects.restrict(actor, "handle_appeal")
            .filter(pk=assessment.pk).exists())


# --- filing -------------------------------------------------------------------------------------

@transaction.atomic
def appeal_file(*, assessment: Assessment, by: User, text: str,
                received_on: datetime.date | None = None) -> Appeal:
    """File an appeal: online by the person assessed (checked against today), or a paper appeal
    the office registers with the day it was received (checked against that day)."""
    # The assessment row is the lock two filings of the same appeal queue on: the second then
    # sees the first and is refused; the one-to-one key stops anything that slips past.
    assessment = (Assessment.objects.select_for_update(of=("self",))
                  .select_related("period", "person").get(pk=assessment.pk))
    if received_on is None:
        if assessment.person.user_id != by.pk:
            raise NotAllowed(_("只能对本人的考核结果提出申诉；书面申诉由办公室登记。"), rule=RULE)
        channel, filed_on = Channel.ONLINE, selectors.today()
    else:
        if not _handles(by, assessment):
            raise NotAllowed(_("书面申诉由本机关办公室登记，且不能登记本人的申诉。"), rule=RULE)
        channel, filed_on = Channel.PAPER, received_on
    deadline = selectors.deadline_of(assessment)
    if Appeal.objects.filter(assessment=assessment).exists():
        raise _already_filed()
    if channel == Channel.PAPER:
        _check_received_on(assessment, received_on)
    if filed_on > deadline:
        raise Refused(
            _("申诉期限已过：反馈日期为 %(feedback)s，申诉期限至 %(deadline)s（反馈次日起 "
              "5 个工作日）。") % {"feedback": _iso(assessment.feedback_given_on),  # type: ignore[arg-type]
                                 "deadline": _iso(deadline)},
            rule=RULE, code="appeal_late")
    text = _required(text, _("请写明申诉的事实和理由。"))
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(assessment=assessment, channel=channel, text=text,
                                           filed_on=filed_on, deadline=deadline, filed_by=by)
    except IntegrityError as clash:
        raise _already_filed() from clash
    _tell_office(appeal)
    return appeal


def _already_filed() -> Refused:
    return Refused(_("本季度考核结果已提出过申诉，每次考核只能申诉一次。"), rule=RULE,
                   code="appeal_exists")


def _check_received_on(assessment: Assessment, received_on: datetime.date | None) -> None:
    if received_on is None:
        return
    if received_on > selectors.today():
        raise Invalid(_("收到日期不能晚于今天。"), rule=RULE)
    if assessment.feedback_given_on and received_on < assessment.feedback_given_on:
        raise Invalid(_("收到日期不能早于反馈日期 %(feedback)s。") % {
            "feedback": _iso(assessment.feedback_given_on)}, rule=RULE)


def _tell_office(appeal: Appeal) -> None:
    """The office members of the organ see the new appeal among their reminders."""
    assessment = appeal.assessment
    office = (assessment.period.organ.duties.filter(duty=Duty.OFFICE, person__active=True,
                                                   person__user__isnull=False)
              .exclude(person_id=assessment.person_id).select_related("person__user"))
    for duty in office:
        user = duty.person.user
        assert user is not None  # filtered above
        assessments.notify(user, Notice.APPEAL_FILED, {
            "name": assessment.person.name, "period": _period(assessment.period),
            "day": _iso(appeal.filed_on)}, url=reverse("appeal_detail", args=[appeal.pk]),
            topic=_topic(appeal))


def _topic(appeal: Appeal) -> str:
    return f"appeal:{appeal.pk}"


# --- handling -----------------------------------------------------------------------------------

def _locked_appeal(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update(of=("self",)).get(pk=appeal.pk)


def _check_handler(appeal: Appeal, by: User) -> None:
    if not _handles(by, appeal.assessment):
        raise NotAllowed(_("申诉由本机关办公室处理，任何人不能处理本人的申诉。"), rule=RULE)


def _check_pending(appeal: Appeal) -> None:
    if not appeal.pending:
        raise Refused(_("该申诉已于 %(day)s 处理完毕。") % {
            "day": _iso(appeal.decided_on) if appeal.decided_on else ""},
            rule=RULE, code="appeal_decided")


@transaction.atomic
def opinion_add(*, appeal: Appeal, by: User, given_by: str, text: str) -> Opinion:
    """Record an opinion gathered for the appeal (the committee's, a leader's …)."""
    appeal = _locked_appeal(appeal)
    _check_handler(appeal, by)
    _check_pending(appeal)
    given_by = _required(given_by, _("请注明提出意见的人或组织。"), limit=100)
    text = _required(text, _("请填写意见。"))
    return Opinion.objects.create(appeal=appeal, given_by=given_by, text=text, recorded_by=by)


@transaction.atomic
def appeal_decide(*, appeal: Appeal, by: User, outcome: str, reason: str, grade: str = "",
                  by_committee: bool = False) -> Appeal:
    """Keep the grade or change it, with a reason; a change takes a 好 place like an approval,
    is written into the assessment's history, and the person is told the outcome and date."""
    # The same lock order as an approval: the quarter, then the rows.
    assessments.lock_quarter(appeal.assessment.period_id)
    appeal = _locked_appeal(appeal)
    assessment = (Assessment.objects.select_for_update(of=("self",))
                  .select_related("period", "period__plan", "person").get(pk=appeal.assessment_id))
    appeal.assessment = assessment
    _check_handler(appeal, by)
    _check_pending(appeal)
    if outcome not in OUTCOMES:
        raise Invalid(_("处理结果须为“维持原等次”或“变更等次”。"), rule=RULE)
    reason = _required(reason, _("请写明处理理由。"))
    appeal.previous_grade = assessment.grade
    if outcome == AppealState.CHANGED:
        _change_grade(assessment, appeal, by=by, grade=grade, reason=reason)
    appeal.state = outcome
    appeal.reason = reason
    appeal.by_committee = by_committee
    appeal.decided_on = selectors.today()
    appeal.decided_by = by
    appeal.decided_at = timezone.now()
    appeal.save()
    # The office's "请及时处理" is done: it no longer asks anyone to act.
    assessments.notifications_retire(_topic(appeal))
    _tell_person(appeal)
    return appeal


def _change_grade(assessment: Assessment, appeal: Appeal, *, by: User, grade: str,
                  reason: str) -> None:
    if not assessment.grade_determined:
        raise Refused(_("病、事假累计超过本季度工作日一半，不确定等次；请核实请假记录。"),
                      rule=rules.RULE_LEAVE, code="grade_not_determined")
    if grade not in Grade.values:
        raise Invalid(_("变更等次须选择新的等次：好、较好、一般或较差。"), rule=RULE)
    if grade == assessment.grade:
        raise Invalid(_("新的等次与原等次“%(grade)s”相同；维持原等次请选择“维持”。") % {
            "grade": Grade(grade).label}, rule=RULE)
    assessments.check_good_place(assessment, grade)
    previous = assessment.grade
    assessment.grade = grade
    assessment.save(update_fields=["grade"])
    appeal.new_grade = grade
    Transition.objects.create(
        assessment=assessment, action="appeal_change", from_state=assessment.state,
        to_state=assessment.state, by=by, reason=reason,
        previous={"grade": previous}, values={"grade": grade, "appeal": appeal.pk})
    assessments.create_follow_ups(assessment)
    # A published 好 list is never edited silently: the change is a dated correction.
    assessments.publication_correct(assessment=assessment, previous_grade=previous, by=by,
                                    reason=reason, appeal_id=appeal.pk)


def _tell_person(appeal: Appeal) -> None:
    user = appeal.assessment.person.user
    if user is None:
        return  # no account: the office tells the person on paper
    values = {"period": _period(appeal.assessment.period),
              "day": _iso(appeal.decided_on),  # type: ignore[arg-type]
              "old": appeal.previous_grade, "new": appeal.new_grade}
    kind = Notice.APPEAL_CHANGED if appeal.state == AppealState.CHANGED else Notice.APPEAL_KEPT
    assessments.notify(user, kind, values, url=reverse("appeal_detail", args=[appeal.pk]))
