from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=100,
                           help_text=_("例如：办公自动化系统对接"))


class OtpTokenForm(forms.Form):
    token = forms.RegexField(
        label=_("动态口令"), regex=r"^\s*\d{6}\s*$", max_length=12,
        error_messages={"invalid": _("请输入验证器显示的 6 位数字。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip()


class AccountForm(forms.Form):
    """Names the account a security action applies to."""

    username = forms.CharField(label=_("账号"), max_length=150)


class UnlockForm(forms.Form):
    username = forms.CharField(label=_("账号"), max_length=150, required=False)
    ip_address = forms.GenericIPAddressField(label=_("地址"), required=False)


class PolicyForm(forms.Form):
    organ = forms.CharField(max_length=50)
    required = forms.BooleanField(required=False)
