"""State changes of accounts: one function per change."""

from __future__ import annotations

import secrets
import string
from typing import TYPE_CHECKING

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaohe.accounts import policy, throttle
from kaohe.accounts.models import ApiToken, SecondFactorPolicy, TechnicalRole, User
from kaohe.audit import chain as audit
from kaohe.errors import Invalid, NotAllowed

if TYPE_CHECKING:
    from kaohe.org.models import Organ


def separation_rule() -> str:
    return _("三员分立")


def token_issue(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for `user`; the raw value is returned once and never stored."""
    if not policy.may_hold_tokens(user):
        raise NotAllowed(_("技术管理员不使用 API 令牌。"), rule=separation_rule())
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


# Letters and digits that cannot be misread when a password is read out or copied by hand.
ONE_TIME_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
ONE_TIME_LENGTH = 14


def one_time_password() -> str:
    """A random password of upper and lower case letters and digits (each at least once)."""
    while True:
        word = "".join(secrets.choice(ONE_TIME_ALPHABET) for _position in range(ONE_TIME_LENGTH))
        if all(set(word) & set(group) for group in (string.ascii_uppercase,
                                                     string.ascii_lowercase, string.digits)):
            return word


@transaction.atomic
def password_reset(*, by: User, user: User) -> str:
    """The system administrator resets a forgotten password. The account gets a one-time
    password, returned to be shown once, that must be changed at its first sign-in: the
    administrator never holds a password that lets them act as the user (三员分立). Not for a
    technical administrator's account nor one's own; recorded in the audit log."""
    if by.technical_role != TechnicalRole.SYSTEM:
        raise NotAllowed(_("只有系统管理员可以重置密码。"), rule=separation_rule())
    if user.technical_role or user.pk == by.pk:
        raise NotAllowed(_("不能重置技术管理员或自己的密码。"), rule=separation_rule())
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.save()
    audit.record("account.password_reset", obj=user, new={"must_change_password": True},
                 user=by)
    return password


# --- the second factor (TOTP) ----------------------------------------------------------------

@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled: the same one (same key) until it is confirmed,
    so that reloading the page does not invalidate a key already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=_("动态口令"), confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, user: User, device: TOTPDevice, token: str) -> None:
    """Confirms the device with a code it generated; the account's other devices go."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(token):
        raise Invalid(_("动态口令不正确或已过期，请输入验证器当前显示的 6 位数字。"),
                      rule=_("动态口令"))
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])


# --- the security administrator's actions (三员分立) ------------------------------------------

def _security_admin(by: User) -> None:
    if by.technical_role != TechnicalRole.SECURITY:
        raise NotAllowed(_("只有安全管理员可以执行此操作。"), rule=separation_rule())


def account_unlock(*, by: User, username: str = "", ip_address: str = "") -> int:
    """Clears the failed attempts that lock an account name or an address; returns how many."""
    _security_admin(by)
    if not username and not ip_address:
        raise Invalid(_("请指定要解锁的账号或地址。"))
    cleared = int(axes_reset(username=username or None, ip=ip_address or None))
    if ip_address:
        throttle.release(ip_address)
    audit.record("account.unlock", object_type="accounts.user", object_repr=username,
                 new={"ip_address": ip_address, "attempts_cleared": cleared}, user=by)
    return cleared


@transaction.atomic
def second_factor_reset(*, by: User, user: User) -> int:
    """Removes an account's second factor (a lost phone); it enrols again at next sign-in if
    it must have one. Not one's own: that would lower the remover's own protection."""
    _security_admin(by)
    if user.pk == by.pk:
        raise NotAllowed(_("不能重置自己的动态口令，请由另一名安全管理员办理。"),
                         rule=separation_rule())
    deleted, _rows = TOTPDevice.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def password_change_force(*, by: User, user: User) -> None:
    """The account must choose a new password at its next request."""
    _security_admin(by)
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])


@transaction.atomic
def second_factor_policy_set(*, by: User, organ: Organ, required: bool) -> SecondFactorPolicy:
    _security_admin(by)
    policy, _created = SecondFactorPolicy.objects.select_for_update().get_or_create(organ=organ)
    if policy.required != required:
        policy.required = required
        policy.save(update_fields=["required", "changed"])
    return policy
