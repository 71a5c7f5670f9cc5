from __future__ import annotations

from typing import cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kaohe.accounts.models import User
from kaohe.org.http import ActorRequest


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Accounts are the system administrator's. Technical roles are never given here (only by
    `kaohe admin-account`), so no administrator can grant themselves another's powers; and the
    technical administrators' accounts (their own included) are not listed at all, so that the
    system administrator cannot set the security or audit administrator's password, or
    switch their accounts off (三员分立)."""

    list_display = ["username", "first_name", "is_active", "must_change_password",
                    "last_login"]
    list_filter = ["is_active", "must_change_password"]
    readonly_fields = ["technical_role", "last_login", "date_joined", "is_superuser",
                       "is_staff", "groups", "user_permissions", "password_changed_at"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "email")}),
        (_("状态"), {"fields": ("is_active", "must_change_password", "password_changed_at",
                              "last_login", "date_joined")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).filter(technical_role="")

    def _may(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return cast(ActorRequest, request).actor.is_system_admin

    has_view_permission = has_change_permission = has_add_permission = _may
    has_module_permission = _may

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
