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
