"""Answers about an account's sign-in rules: password expiry, the second factor, and the API
tokens, which follow the same rules as a session. Who must use a second factor depends on
organ roles: kaohe.org.access.second_factor_required."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_otp import devices_for_user


def password_expired(user: Any) -> bool:
    days = settings.KAOHE_PASSWORD_MAX_AGE_DAYS
    if not days or user.password_changed_at is None or not user.has_usable_password():
        return False
    return timezone.now() - user.password_changed_at > datetime.timedelta(days=days)


def has_second_factor(user: Any) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def may_hold_tokens(user: Any) -> bool:
    """Technical administrators get no API tokens: a token would act without their second
    factor, and none of their work is done through the API (三员分立)."""
    return not user.technical_role


def token_expires(token: Any) -> datetime.datetime:
    return token.created + datetime.timedelta(days=settings.KAOHE_TOKEN_MAX_AGE_DAYS)


def token_usable(token: Any) -> bool:
    """Whether a token still signs its account in, under the session's rules: the account is
    active, may hold tokens, has no password change pending (forced, initial or expired), has
    not changed its password since the token was issued, and the token has not expired."""
    user = token.user
    changed = user.password_changed_at
    return (user.is_active and may_hold_tokens(user)
            and not (user.must_change_password or password_expired(user))
            and not (changed is not None and token.created < changed)
            and timezone.now() < token_expires(token))
