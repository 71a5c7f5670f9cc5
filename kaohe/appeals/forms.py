from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.appeals.models import TEXT_LIMIT, AppealState
from kaohe.lib.widgets import DATE
from kaohe.plans.models import Grade

# Not required here: the services refuse empty text, citing the rule (§十(二)).
TEXT = forms.Textarea(attrs={"rows": 4})


class AppealForm(forms.Form):
    text = forms.CharField(label=_("申诉的事实和理由"), max_length=TEXT_LIMIT, required=False,
                           widget=TEXT)


class PaperAppealForm(AppealForm):
    received_on = forms.DateField(label=_("收到书面申诉的日期"), widget=DATE)


class OpinionForm(forms.Form):
    given_by = forms.CharField(label=_("提出意见的人或组织"), max_length=100, required=False,
                               help_text=_("如“考核委员会”“主管领导 张某”。"))
    text = forms.CharField(label=_("意见"), max_length=TEXT_LIMIT, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处理结果"), choices=[
        (AppealState.KEPT.value, AppealState.KEPT.label),
        (AppealState.CHANGED.value, AppealState.CHANGED.label)])
    grade = forms.ChoiceField(label=_("变更后等次（变更时填写）"),
                              choices=[("", "—"), *Grade.choices], required=False)
    reason = forms.CharField(label=_("处理理由"), max_length=TEXT_LIMIT, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    by_committee = forms.BooleanField(label=_("经考核委员会研究"), required=False)
