from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaohe import limits
from kaohe.lib.widgets import DATE
from kaohe.records.models import EntryKind


class EntryForm(forms.Form):
    day = forms.DateField(label=_("日期"), initial=timezone.localdate,
                          widget=DATE)
    kind = forms.ChoiceField(label=_("类别"), choices=EntryKind.choices)
    text = forms.CharField(label=_("内容"), max_length=limits.RECORD_ENTRY,
                           widget=forms.Textarea(attrs={"rows": 3}))
