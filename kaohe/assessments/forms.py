from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaohe import limits
from kaohe.assessments.models import Assessment, FeedbackMethod, LeaveKind
from kaohe.lib.widgets import DATE
from kaohe.plans.models import Grade, Indicator

GRADE_CHOICES = [("", "—"), *Grade.choices]
TEXT = forms.Textarea(attrs={"rows": 2})


class SummaryForm(forms.Form):
    text = forms.CharField(label=_("个人小结"),
                           max_length=limits.SUMMARY, required=False,
                           widget=forms.Textarea(attrs={"rows": 12}))


class ReasonForm(forms.Form):
    # Not required here: the service refuses an empty reason, citing the rule.
    reason = forms.CharField(label=_("理由"),
                             max_length=limits.REASON, required=False, widget=TEXT)


class CloseOverrideForm(forms.Form):
    """Closing while appeals may still come or wait (decision 0014). The browser asks for the
    reason (`required` on the field shown); the form itself does not, as a plain close sends
    none: the service refuses an empty reason when one is needed, citing §十(二)."""

    override_reason = forms.CharField(
        label=_("提前结束的理由"), max_length=limits.REASON, required=False,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}))


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("征求意见事项"),
                               max_length=limits.REASON, required=False)


class ProposalForm(forms.Form):
    """One indicator field per indicator of the year's plan, then the grade and the inputs
    the plan requires besides the summary (§七(三)). Rendered once per person on the review
    screen, written by {% proposal_fields %} (kaohe.assessments.templatetags.proposals)."""

    grade = forms.ChoiceField(label=_("拟定等次"), choices=GRADE_CHOICES, required=False)
    comment = forms.CharField(label=_("评鉴意见"),
                              max_length=limits.REASON, required=False, widget=TEXT)
    reason = forms.CharField(label=_("与建议等次不同的理由"),
                             max_length=limits.REASON, required=False, widget=TEXT)
    colleagues_opinion = forms.CharField(label=_("群众评价"),
                                         max_length=limits.REASON, required=False, widget=TEXT)
    recipients_opinion = forms.CharField(label=_("服务对象意见"),
                                         max_length=limits.REASON, required=False, widget=TEXT)
    performance_results = forms.CharField(label=_("工作实绩"),
                                          max_length=limits.REASON, required=False, widget=TEXT)
    direct = forms.BooleanField(label=_("直接确定等次（§九(一)）"), required=False)
    direct_reason = forms.CharField(label=_("直接确定的理由"),
                                    max_length=limits.REASON, required=False, widget=TEXT)
    direct_reward = forms.CharField(label=_("奖励"),
                                    max_length=limits.SHORT, required=False)

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[f"score_{indicator.code}"] = forms.DecimalField(
                label=indicator.name, min_value=limits.SCORE_MIN,
                max_value=limits.SCORE_MAX, decimal_places=2,
                help_text=indicator.description,
                widget=forms.NumberInput(attrs={"step": "1", "class": "score"}))
        # What the live preview reads (scores, grade, direct) and what it must keep as typed
        # when it redraws the reason field; marked per form, as a screen has one per person.
        mark = self.prefix or "proposal"
        for name in [*(f"score_{i.code}" for i in indicators), "grade", "direct"]:
            self.fields[name].widget.attrs["data-live"] = mark
        self.fields["reason"].widget.attrs["data-keep"] = mark

    def scores(self) -> dict[str, Any]:
        return {i.code: self.cleaned_data[f"score_{i.code}"] for i in self.indicators}

    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"score_{i.code}"] for i in self.indicators]



class ApprovalForm(forms.Form):
    grade = forms.ChoiceField(label=_("审定等次"), choices=GRADE_CHOICES, required=False)
    reason = forms.CharField(label=_("改变等次的理由"),
                             max_length=limits.REASON, required=False, widget=TEXT)
    comment = forms.CharField(label=_("审定意见"),
                              max_length=limits.REASON, required=False, widget=TEXT)
    team_decision = forms.CharField(label=_("领导班子集体研究决定（办公室登记时填写）"),
                                    max_length=limits.SHORT, required=False)


class BatchApprovalForm(forms.Form):
    """Several proposals agreed at once, each at its proposed grade (§七(三)): the rows are
    those waiting for this approver, so that nothing else can be ticked."""

    assessments = forms.ModelMultipleChoiceField(
        label=_("同意的人员"), queryset=Assessment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请先勾选要同意的人员。"),
                        "invalid_choice": _("所选人员已不在待审定之列，请刷新后重选。")})

    def __init__(self, data: Any = None, *, waiting: QuerySet[Assessment]) -> None:
        super().__init__(data)
        field = self.fields["assessments"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = waiting


class FeedbackForm(forms.Form):
    method = forms.ChoiceField(label=_("反馈方式"), choices=FeedbackMethod.choices)
    given_on = forms.DateField(label=_("反馈日期"), initial=timezone.localdate,
                               widget=DATE)
    text = forms.CharField(label=_("肯定的成绩、指出的不足、改进的方向"),
                           max_length=limits.FEEDBACK, widget=forms.Textarea(attrs={"rows": 4}))


class AcknowledgeForm(forms.Form):
    opinion = forms.CharField(label=_("本人意见（可不填）"),
                              max_length=limits.REASON, required=False, widget=TEXT)


class LiaisonAnswerForm(forms.Form):
    answer = forms.CharField(label=_("纪检联络员意见"),
                             max_length=limits.LIAISON_ANSWER, widget=TEXT)


class OpenPeriodForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=limits.YEAR_MIN, max_value=limits.YEAR_MAX,
                              initial=lambda: timezone.localdate().year)
    quarter = forms.TypedChoiceField(label=_("季度"), coerce=int,
                                     choices=[(q, q) for q in (1, 2, 3, 4)],
                                     initial=lambda: (timezone.localdate().month - 1) // 3 + 1)


class LeaveForm(forms.Form):
    """Leave in a quarter. The person is picked from the search results (`person`, their
    personnel number), or typed (`query`: a personnel number or an exact name)."""

    period = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=limits.ID_MAX)
    query = forms.CharField(label=_("人员（姓名或人员编号）"), max_length=limits.SHORT,
                            required=False)
    person = forms.CharField(max_length=limits.KEY, required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("类型"), choices=LeaveKind.choices)
    start = forms.DateField(label=_("开始日期"), widget=DATE)
    end = forms.DateField(label=_("结束日期"), widget=DATE)
    reason = forms.CharField(label=_("理由（等次已审定时必填）"), max_length=limits.REASON,
                             required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("person") or "").strip() and not (data.get("query") or "").strip():
            raise forms.ValidationError(_("请输入姓名或人员编号，并从搜索结果中选择人员。"))
        return data


class LeaveCorrectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=LeaveKind.choices)
    start = forms.DateField(label=_("开始日期"), widget=DATE)
    end = forms.DateField(label=_("结束日期"), widget=DATE)
    # Not required here: the service refuses an empty reason, citing the rule.
    reason = forms.CharField(label=_("更正理由"), max_length=limits.REASON, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("姓名或人员编号"), max_length=limits.SHORT, required=False)


class TaskForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=limits.YEAR_MIN, max_value=limits.YEAR_MAX,
                              initial=lambda: timezone.localdate().year)
    title = forms.CharField(label=_("任务"), max_length=limits.SHORT)
    description = forms.CharField(label=_("要求"),
                                  max_length=limits.REASON, required=False, widget=TEXT)
    temporary = forms.BooleanField(label=_("年度临时增加"), required=False)


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("完成日期"), initial=timezone.localdate,
                              widget=DATE)
    note = forms.CharField(label=_("情况"), max_length=limits.REASON, widget=TEXT)
