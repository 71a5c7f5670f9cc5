from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.bonus import rules
from kaohe.bonus.models import BonusTable, SplitMode


class TableForm(forms.ModelForm):
    class Meta:
        model = BonusTable
        fields = ["good", "fairly_good", "average", "poor", "undetermined"]
        help_texts = {
            "undetermined": _("病、事假累计超过季度一半等原因不确定等次的人员（§十(三)）")}


class SplitForm(forms.Form):
    mode = forms.ChoiceField(label=_("方式"), choices=SplitMode.choices,
                             initial=SplitMode.POOL, widget=forms.RadioSelect)
    amount = forms.DecimalField(
        label=_("金额（元）"), min_value=Decimal("0.01"), max_value=rules.MAX_AMOUNT,
        decimal_places=2, max_digits=12,
        help_text=_("按总额分配：本季度奖金总额，按系数比例分到每人，每人取整到分，余额单列；"
                    "按基数计发：每人 = 基数 × 系数。"))
    reason = forms.CharField(label=_("重新确定的理由"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
