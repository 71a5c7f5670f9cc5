from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.lib.widgets import DATE


class EventSearchForm(forms.Form):
    username = forms.CharField(label=_("账号"), max_length=150, required=False)
    target = forms.CharField(label=_("对象"), max_length=200, required=False,
                             help_text=_("类型、编号或名称，如 assessments.assessment:12"))
    action = forms.CharField(label=_("操作"), max_length=64, required=False)
    since = forms.DateField(label=_("起始日期"), required=False, widget=DATE)
    until = forms.DateField(label=_("截止日期"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data
