"""Answers about an account's sign-in rules: password expiry and the second factor."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_otp import devices_for_user

from kaohe.accounts.models import SecondFactorPolicy
from kaohe.org.access import Role, actor_for
from kaohe.org.models import Category

# Organ roles that need a second factor when their organ's policy asks for it.
SECOND_FACTOR_ROLES = frozenset({Role.OFFICE, Role.PRINCIPAL, Role.LEADER})


def password_expired(user: Any) -> bool:
    days = settings.KAOHE_PASSWORD_MAX_AGE_DAYS
    if not days or user.password_changed_at is None or not user.has_usable_password():
        return False
    return timezone.now() - user.password_changed_at > datetime.timedelta(days=days)


def has_second_factor(user: Any) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def second_factor_required(user: Any) -> bool:
    """Always for the three technical administrators (unless KAOHE_2FA_TECHNICAL_ADMINS is
    off); for the office, the principal and leaders in charge (and any leadership member) when
    their organ's policy says so."""
    actor = actor_for(user)
    if actor.technical_role:
        return bool(settings.KAOHE_2FA_TECHNICAL_ADMINS)
    if actor.person is None:
        return False
    leading = (bool(actor.roles & SECOND_FACTOR_ROLES)
               or actor.person.category == Category.LEADERSHIP)
    return leading and SecondFactorPolicy.objects.filter(
        organ_id=actor.person.organ_id, required=True).exists()
