"""State changes of accounts: one function per change."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.models import ApiToken, User


def token_issue(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for `user`; the raw value is returned once and never stored."""
    return ApiToken.issue(user, name)


def token_revoke(*, token: ApiToken) -> None:
    token.delete()


@transaction.atomic
def password_changed(*, user: User) -> None:
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])


@transaction.atomic
def technical_admin_create(*, username: str, role: str, password: str) -> User:
    """A technical administrator holds exactly one technical role and no organ position."""
    if User.objects.filter(username=username).exists():
        raise ValueError(_("账号“%(username)s”已存在；技术管理员须使用单独的新账号。")
                         % {"username": username})
    user = User(username=username, technical_role=role, must_change_password=True)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user
