"""Answers about an account's sign-in rules: password expiry and the second factor. Who must
use a second factor depends on organ roles: kaohe.org.access.second_factor_required."""

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
