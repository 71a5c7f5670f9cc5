"""One assessment per person per quarter, its transitions, and what hangs on it (§七–§九)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaohe.lib.encryption import EncryptedJSONField, EncryptedTextField
from kaohe.org import scopes
from kaohe.org.models import Category, Person, Section
from kaohe.org.querysets import RestrictedQuerySet, Scope
from kaohe.plans.labels import quarter_label
from kaohe.plans.models import Grade, Period

if TYPE_CHECKING:
    from kaohe.org.scopes import Actor


class State(models.TextChoices):
    DRAFT = "draft", _("待提交小结")
    SUBMITTED = "submitted", _("待审核评鉴")
    RETURNED = "returned", _("小结退回修改")
    PROPOSED = "proposed", _("待审定")
    SENT_BACK = "sent_back", _("退回重新评鉴")
    APPROVED = "approved", _("已审定，待反馈")
    FEEDBACK = "feedback", _("已反馈，待确认")
    ACKNOWLEDGED = "acknowledged", _("已确认")


# Named groups of states (ARCHITECTURE.md example 2).
WRITING = (State.DRAFT, State.RETURNED)
UNDER_REVIEW = (State.SUBMITTED, State.SENT_BACK)
DECIDED = (State.APPROVED, State.FEEDBACK, State.ACKNOWLEDGED)
FINISHED = (State.FEEDBACK, State.ACKNOWLEDGED)


class AssessmentQuerySet(RestrictedQuerySet["Assessment"]):
    def _scopes(self) -> Mapping[str, Scope]:
        return {
            "view": self._viewable,
            "own": scopes.own_assessments,
            "review": scopes.reviewable,
            "approve": scopes.approvable,
            # Register a paper appeal on it, gather opinions on its appeal, decide it.
            "handle_appeal": scopes.appeals_handled,
        }

    @staticmethod
    def _viewable(actor: Actor) -> Q:
        """What scopes.assessment_scope shows, and to a discipline liaison the assessments
        their opinion was asked on: an EXISTS, not a join, so that an assessment asked about
        twice is still one row."""
        scope = scopes.assessment_scope(actor)
        liaison = scopes.liaison_person_id(actor)
        if liaison is not None:
            scope |= Q(Exists(LiaisonRequest.objects.filter(assessment=OuterRef("pk"),
                                                            liaison_id=liaison)))
        return scope


# A quarter's assessments in the order its lists show them. Within one quarter, order by this
# rather than by the model's ordering, whose quarter first joins the quarter and its organ.
IN_QUARTER = ("section__code", "category", "person__personnel_no")


class Assessment(models.Model):
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="assessments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    # Where the person stood when the quarter opened: decides reviewer and approver.
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="assessments")
    category = models.CharField(_("人员类别"), max_length=16, choices=Category.choices)
    frontline = models.BooleanField(_("基层一线或艰苦岗位"), default=False)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices,
                             default=State.DRAFT)

    summary = EncryptedTextField(_("个人小结"), blank=True)

    scores = models.JSONField(_("指标得分"), default=dict, blank=True)
    composite_score = models.DecimalField(_("综合得分"), max_digits=5, decimal_places=2,
                                          null=True, blank=True)
    suggested_grade = models.CharField(_("建议等次"), max_length=4, choices=Grade.choices,
                                       blank=True)
    proposed_grade = models.CharField(_("拟定等次"), max_length=4, choices=Grade.choices,
                                      blank=True)
    proposal_comment = EncryptedTextField(_("评鉴意见"), blank=True)
    proposal_reason = models.TextField(_("与建议等次不同的理由"), blank=True)
    colleagues_opinion = EncryptedTextField(_("群众评价"), blank=True)
    recipients_opinion = EncryptedTextField(_("服务对象意见"), blank=True)
    performance_results = EncryptedTextField(_("工作实绩"), blank=True)
    direct = models.BooleanField(_("直接确定等次"), default=False)
    direct_reason = models.TextField(_("直接确定的理由"), blank=True)
    direct_reward = models.CharField(_("奖励"), max_length=200, blank=True)

    grade = models.CharField(_("等次"), max_length=4, choices=Grade.choices, blank=True)
    grade_determined = models.BooleanField(_("确定等次"), default=True)
    approval_comment = EncryptedTextField(_("审定意见"), blank=True)
    approval_reason = models.TextField(_("改变等次的理由"), blank=True)
    team_decision = models.CharField(_("领导班子集体研究决定"), max_length=200, blank=True)

    feedback_method = models.CharField(_("反馈方式"), max_length=16, blank=True)
    feedback_given_on = models.DateField(_("反馈日期"), null=True, blank=True)
    feedback_text = EncryptedTextField(_("反馈内容"), blank=True)
    person_opinion = EncryptedTextField(_("本人意见"), blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("平时考核")
        verbose_name_plural = _("平时考核")
        ordering = ["period", *IN_QUARTER]
        constraints = [
            models.UniqueConstraint(fields=["period", "person"], name="one_assessment_a_quarter"),
        ]
        indexes = [
            models.Index(fields=["period", "state"]),
            models.Index(fields=["period", "section"]),
            models.Index(fields=["period", "grade"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.period}"


class FeedbackMethod(models.TextChoices):
    MEETING = "meeting", _("会议")
    TALK = "talk", _("谈话")
    WRITTEN = "written", _("书面")


class Transition(models.Model):
    """Every state change and every change of a score or grade, with the previous values
    (ARCHITECTURE.md example 3): the history, the audit source and the report source."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="transitions")
    action = models.CharField(_("操作"), max_length=32)
    from_state = models.CharField(_("原状态"), max_length=16, choices=State.choices)
    to_state = models.CharField(_("新状态"), max_length=16, choices=State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("理由"), blank=True)
    previous = EncryptedJSONField(_("原值"), default=dict, blank=True)
    values = EncryptedJSONField(_("新值"), default=dict, blank=True)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["assessment", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state}→{self.to_state}"


class LiaisonRequest(models.Model):
    """The discipline liaison's opinion, asked for when needed (§七(三))."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="liaison_requests")
    liaison = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    question = EncryptedTextField(_("征求意见事项"), blank=True)
    answer = EncryptedTextField(_("纪检联络员意见"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "asked_at"]

    def __str__(self) -> str:
        return f"{self.liaison} {self.assessment}"


class LeaveKind(models.TextChoices):
    SICK = "sick", _("病假")
    PERSONAL = "personal", _("事假")


class Leave(models.Model):
    """Sick and personal leave (§十(三)): over half the quarter's working days → grade
    not determined."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="leaves")
    kind = models.CharField(_("类型"), max_length=16, choices=LeaveKind.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("请假记录")
        verbose_name_plural = _("请假记录")
        ordering = ["person", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")),
                                   name="leave_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.start}–{self.end}"


class FollowUpKind(models.TextChoices):
    REMINDER_TALK = "reminder_talk", _("谈话提醒")
    CRITICISM = "criticism", _("批评教育")
    ADMONITION = "admonition", _("诫勉")
    POST_CHANGE = "post_change", _("调整岗位")


class FollowUp(models.Model):
    """§九(二): 一般 → a reminder talk; 较差 → criticism and education, and when needed an
    admonition or a change of post. Assigned to the supervising leader, tracked until done."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="follow_ups")
    kind = models.CharField(_("措施"), max_length=16, choices=FollowUpKind.choices)
    assigned_to = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="follow_ups",
                                    null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.TextField(_("情况"), blank=True)

    class Meta:
        verbose_name = _("结果运用")
        verbose_name_plural = _("结果运用")
        ordering = ["assessment", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.assessment}"


class Notice(models.TextChoices):
    """What a notification says, by kind: the label is the text, with the values stored on
    the notification (a quarter as [year, quarter], a grade by its value), so that each
    reader reads it in their language."""

    APPEAL_FILED = "appeal_filed", _(
        "%(name)s 对 %(period)s 考核结果提出申诉（%(day)s），请及时处理。")
    APPEAL_CHANGED = "appeal_changed", _(
        "您对 %(period)s 考核结果的申诉已于 %(day)s 处理：等次由“%(old)s”变更为“%(new)s”。")
    APPEAL_KEPT = "appeal_kept", _(
        "您对 %(period)s 考核结果的申诉已于 %(day)s 处理：维持原等次“%(old)s”。")
    SUMMARY_DUE = "summary_due", _("请提交 %(period)s 的个人小结")
    QUEUE = "queue", _("%(period)s %(what)s：%(count)s")
    QUEUE_OVERDUE = "queue_overdue", _("%(period)s %(what)s：%(count)s（已逾期）")
    REMINDER = "reminder", _("待办提醒")  # the text joins its `lines`, each a notice
    REMIND = "remind", _("%(by)s 催办：%(period)s 有 %(n)d 项考核待您处理，请尽快办理。")


def notice_text(kind: str, values: Mapping[str, object]) -> str:
    """A notice in the active language. Values: `period` [year, quarter], `old`/`new` a
    grade's value, `what` a translatable word, `lines` a list of notices ({kind, values})."""
    if kind == Notice.REMINDER:
        lines = values.get("lines", [])
        assert isinstance(lines, list)
        return str(_("；")).join(notice_text(line["kind"], line["values"]) for line in lines)
    shown = dict(values)
    if isinstance(period := values.get("period"), list):
        shown["period"] = quarter_label(*period)
    for key in ("old", "new"):
        if key in values:
            grade = str(values[key])
            shown[key] = str(Grade(grade).label) if grade in Grade.values else "—"
    if "what" in values:
        shown["what"] = gettext(str(values["what"]))
    return str(Notice(kind).label) % shown


class Notification(models.Model):
    """A reminder shown in the app (and e-mailed by `kaohe send-reminders`). Written as a
    notice (`kind` and `values`) so that it reads in the reader's language; `text` keeps it
    as it was written, for e-mail and for notifications from before notices had kinds."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    text = models.CharField(max_length=300)
    # Where the thing asked for is done: the home page shows the notification as a link there.
    url = models.CharField(max_length=200, blank=True)
    # What it is about ("appeal:12", "remind"), so that it is retired once that is done and a
    # reminder is not repeated the same day.
    topic = models.CharField(max_length=60, blank=True, db_index=True)
    kind = models.CharField(max_length=16, choices=Notice.choices, blank=True)
    values = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.shown

    @property
    def shown(self) -> str:
        """The notice in the reader's language (the stored text for one without a kind)."""
        return notice_text(self.kind, self.values) if self.kind else self.text


class SectionQuota(models.Model):
    """The 好 places one section may take in one quarter, as the office fixed them (§八(一),
front-line tilt). A share covers the section's staff and its chief (decision 0015); while a
quarter has shares, an approval of 好 beyond its section's share is refused."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="section_quotas",
                               verbose_name=_("考核季度"))
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="quotas",
                                verbose_name=_("科室"))
    headcount = models.PositiveIntegerField(_("参加考核人数"))
    frontline_headcount = models.PositiveIntegerField(_("基层一线人数"))
    frontline_weight = models.DecimalField(
        _("基层一线加权"), max_digits=4, decimal_places=2, default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(5))])
    places = models.PositiveIntegerField(_("“好”等次名额"))
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("科室“好”等次名额")
        verbose_name_plural = _("科室“好”等次名额")
        ordering = ["period", "section__code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "section"], name="one_quota_a_section"),
        ]

    def __str__(self) -> str:
        return f"{self.section} {self.period}: {self.places}"


class Publication(models.Model):
    """The 好 list of a quarter as the office published it inside the organ (§八(一)): who,
    when and the names, kept as published. Later changes are Corrections, never edits."""

    period = models.OneToOneField(Period, on_delete=models.PROTECT, related_name="publication")
    published_at = models.DateTimeField(_("公布时间"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("公布人"))
    # [{"assessment", "person", "personnel_no", "section", "grade"}], in the order shown.
    names = models.JSONField(_("公布名单"), default=list)

    class Meta:
        verbose_name = _("“好”等次名单公布")
        verbose_name_plural = _("“好”等次名单公布")

    def __str__(self) -> str:
        return f"{self.period} {self.published_at:%Y-%m-%d}"


class Correction(models.Model):
    """A dated correction of a published 好 list: an appeal changed a grade to or from 好
    after publication (decision 0014)."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT,
                                    related_name="corrections")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    # The appeal's id: the appeals app sits above this one, so no foreign key to it.
    appeal_id = models.PositiveIntegerField(_("申诉"), null=True, blank=True)
    at = models.DateTimeField(_("更正时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("更正人"))
    added = models.JSONField(_("增加"), default=list, blank=True)
    removed = models.JSONField(_("删除"), default=list, blank=True)
    previous_grade = models.CharField(_("原等次"), max_length=4, choices=Grade.choices)
    new_grade = models.CharField(_("新等次"), max_length=4, choices=Grade.choices)
    reason = models.TextField(_("理由"))

    class Meta:
        verbose_name = _("“好”等次名单更正")
        verbose_name_plural = _("“好”等次名单更正")
        ordering = ["publication", "at", "id"]

    def __str__(self) -> str:
        return f"{self.publication} {self.at:%Y-%m-%d}"


class ClosingOverride(models.Model):
    """The office closed a quarter while appeals could still come or were undecided (§十(二),
    decision 0014): its written reason and what was still open."""

    period = models.OneToOneField(Period, on_delete=models.PROTECT,
                                  related_name="closing_override")
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("操作人"))
    reason = models.TextField(_("理由"))
    still_open = models.JSONField(_("尚未结束的申诉事项"), default=list)

    class Meta:
        verbose_name = _("提前结束季度")
        verbose_name_plural = _("提前结束季度")

    def __str__(self) -> str:
        return str(self.period)
