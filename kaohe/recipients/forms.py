from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaohe.lib.widgets import DATE
from kaohe.org.models import Organ, Person
from kaohe.recipients import rules, selectors

RATING_CHOICES = [
    (5, _("5 分 非常满意")), (4, _("4 分 满意")), (3, _("3 分 基本满意")),
    (2, _("2 分 不满意")), (1, _("1 分 非常不满意")),
]


class OpinionForm(forms.Form):
    """The public's form: the rules themselves are checked by the service, whose refusal
    becomes the comment's error."""

    rating = forms.TypedChoiceField(label=_("您对本次服务的评价"), choices=RATING_CHOICES,
                                    coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("意见或建议（选填）"), required=False, max_length=rules.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Here, not on the field: the number is put in once the reader's language is known.
        self.fields["comment"].help_text = gettext(
            "不超过 %(limit)d 字。请勿填写姓名、电话等个人信息。") % {"limit": rules.COMMENT_MAX}


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        section = obj.section.name if obj.section else ""
        return f"{obj.name}（{section}）" if section else obj.name


class LinkForm(forms.Form):
    person = PersonChoice(label=_("人员（基层一线岗位）"), queryset=Person.objects.none())
    label = forms.CharField(label=_("服务窗口或事项"), required=False,
                            max_length=rules.LABEL_MAX,
                            help_text=_("印在二维码卡片上，例如“政务服务中心 3 号窗口”。"))
    valid_until = forms.DateField(label=_("有效期至"), widget=DATE)
    quota = forms.IntegerField(label=_("意见数上限"), min_value=1, max_value=rules.MAX_QUOTA,
                               initial=rules.DEFAULT_QUOTA)

    def __init__(self, *args: Any, organ: Organ, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PersonChoice, self.fields["person"]).queryset = selectors.frontline_people(organ)
        self.fields["valid_until"].initial = timezone.localdate() + datetime.timedelta(days=365)
