"""Password rules beyond Django's own (settings.AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from kaohe.accounts.models import User

CLASSES = (
    lambda c: c in string.ascii_uppercase,
    lambda c: c in string.ascii_lowercase,
    lambda c: c.isdigit(),
    lambda c: not c.isalnum(),
)


class MinimumLengthValidator:
    """At least `min_length` characters (Django's own says so in English only)."""

    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(self.get_help_text(), code="password_too_short")

    def get_help_text(self) -> str:
        return _("密码至少 %(count)d 个字符。") % {"count": self.min_length}


class GuessablePasswordValidator:
    """What length and character classes let through but a guesser tries first: blanks at
    either end (lost when the password is typed again elsewhere), the account name inside it
    (zhangsan2025), and too few different characters (Aaaaaaaaaa1)."""

    MIN_DISTINCT = 6
    MIN_NAME = 3  # shorter account names are found in too many words to forbid

    def validate(self, password: str, user: Any = None) -> None:
        if password != password.strip():
            raise ValidationError(_("密码首尾不能有空格。"), code="password_spaces")
        name = (getattr(user, "username", "") or "").lower()
        if len(name) >= self.MIN_NAME and name in password.lower():
            raise ValidationError(_("密码不能包含账号名。"), code="password_has_username")
        if len(set(password)) < self.MIN_DISTINCT:
            raise ValidationError(_("密码须至少含 %(count)d 个不同的字符。") % {
                "count": self.MIN_DISTINCT}, code="password_repetitive")

    def get_help_text(self) -> str:
        return _("首尾不能有空格，不能包含账号名，至少 %(count)d 个不同的字符。") % {
            "count": self.MIN_DISTINCT}


class CharacterClassesValidator:
    """At least `min_classes` of: capital letters, small letters, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        found = sum(any(test(c) for c in password) for test in CLASSES)
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号这四类中的至少 %(count)d 类。") % {
            "count": self.min_classes}


class PasswordHistoryValidator:
    """None of the account's last `remember` passwords may be chosen again."""

    def __init__(self, remember: int = 5) -> None:
        self.remember = remember

    def validate(self, password: str, user: User | None = None) -> None:
        if not self.remember or user is None or user.pk is None:
            return
        earlier = user.password_history.values_list("password", flat=True)[: self.remember]
        if any(check_password(password, encoded) for encoded in earlier):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self) -> str:
        return _("不能使用最近 %(count)d 次用过的密码。") % {"count": self.remember}
