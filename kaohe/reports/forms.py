from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.assessments import rules
from kaohe.org.models import Category, Section

ALL = ("", _("全部"))


class FilterForm(forms.Form):
    """The statistics' filters (§六): all optional, a bad value is named and ignored."""

    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("季度"), required=False, coerce=int,
                                     empty_value=None,
                                     choices=[ALL, *[(q, str(q)) for q in range(1, 5)]])
    section = forms.ChoiceField(label=_("科室"), required=False)
    category = forms.ChoiceField(label=_("人员类别"), required=False, choices=[
        ALL, (Category.CHIEF.value, Category.CHIEF.label),
        (Category.STAFF.value, Category.STAFF.label)])
    frontline = forms.TypedChoiceField(
        label=_("基层一线"), required=False, empty_value=None,
        coerce=lambda value: value == "1",
        choices=[ALL, ("1", _("基层一线或艰苦岗位")), ("0", _("其他岗位"))])

    def __init__(self, *args: Any, sections: list[Section] | None = None,
                 department: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if department:  # the department compares organs by quarter only
            for name in ("section", "category", "frontline"):
                del self.fields[name]
        else:
            section = self.fields["section"]
            assert isinstance(section, forms.ChoiceField)
            section.choices = [ALL, *[(s.code, s.name) for s in sections or []]]


class QuotaForm(forms.Form):
    frontline_weight = forms.DecimalField(
        label=_("基层一线加权"), min_value=Decimal(0), max_value=rules.MAX_FRONTLINE_WEIGHT,
        decimal_places=2, initial=rules.DEFAULT_FRONTLINE_WEIGHT,
        help_text=_("每名基层一线人员在分配时按 1 + 加权 人计算（§八(一) 向基层一线倾斜）。"))
