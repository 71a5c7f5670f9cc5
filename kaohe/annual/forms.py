from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.annual.models import AnnualGrade, AnnualYear
from kaohe.annual.services import SETTINGS
from kaohe.lib.widgets import DATE

TEXT = forms.Textarea(attrs={"rows": 2})


class DecideForm(forms.Form):
    person = forms.CharField(widget=forms.HiddenInput)
    grade = forms.ChoiceField(label=_("年度等次"), choices=AnnualGrade.choices)
    # Not required here: the service refuses a missing reason, citing the rule.
    reason = forms.CharField(label=_("理由"), max_length=2000, required=False, widget=TEXT)


class RollupForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class RefusalForm(forms.Form):
    person = forms.CharField(label=_("人员编号"))
    refused = forms.BooleanField(label=_("无正当理由不参加考核"), required=False)
    note = forms.CharField(label=_("情况"), max_length=2000, required=False, widget=TEXT)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AnnualYear
        fields = SETTINGS


class AnnounceForm(forms.Form):
    start = forms.DateField(label=_("公示开始日期"), widget=DATE)
