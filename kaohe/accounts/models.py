"""Login accounts, the technical administrator roles (三员分立) and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TechnicalRole(models.TextChoices):
    """三员分立: three separate administrators; an account holds at most one of these."""

    NONE = "", _("无")
    SYSTEM = "system", _("系统管理员")
    SECURITY = "security", _("安全管理员")
    AUDIT = "audit", _("审计管理员")


class User(AbstractUser):
    must_change_password = models.BooleanField(_("须修改初始密码"), default=False)
    # One field, so one account can never hold two technical roles (三员分立).
    technical_role = models.CharField(
        _("技术管理角色"), max_length=16, choices=TechnicalRole.choices, default="", blank=True
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(technical_role__in=TechnicalRole.values),
                name="user_technical_role_known",
            ),
        ]

    # The password as last read or written: a different one at save() is a new password.
    _stored_password: str | None = None

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> User:
        user = super().from_db(db, field_names, values)
        user._stored_password = user.__dict__.get("password")
        return user

    def check_password(self, raw_password: str) -> bool:
        # Django re-hashes a password with a newer hasher through set_password: that is the
        # same password, so neither its date nor the history changes.
        self._rehashing = True
        try:
            return super().check_password(raw_password)
        finally:
            self._rehashing = False

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Every new password, however it was set (sign-up, change, import, demo, admin), is
        dated, so that it never counts as expired, and remembered for the reuse rule."""
        new_password = (self.password != getattr(self, "_stored_password", None)
                        and not getattr(self, "_rehashing", False))
        if new_password:
            self.password_changed_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "password" in update_fields:
                kwargs["update_fields"] = {*update_fields, "password_changed_at"}
        super().save(*args, **kwargs)
        if new_password and self.has_usable_password():
            PasswordHistory.objects.create(user=self, password=self.password)
        self._stored_password = self.password


class PasswordHistory(models.Model):
    """Hashes of an account's earlier passwords, for the rule against reusing the last N."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created:%Y-%m-%d}"


class SecondFactorPolicy(models.Model):
    """Set per organ by the security administrator: whether its office members and leaders
    must sign in with a second factor."""

    organ = models.OneToOneField("org.Organ", on_delete=models.CASCADE,
                                 related_name="second_factor_policy", verbose_name=_("机关"))
    required = models.BooleanField(_("办公室和领导须使用动态口令"), default=False)
    changed = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("动态口令要求")
        verbose_name_plural = _("动态口令要求")

    def __str__(self) -> str:
        return f"{self.organ}: {self.required}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token; only its hash is stored, the raw value is shown once when created."""

    PREFIX = "kh_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} {self.name}"

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_hash=hash_token(raw)), raw
