from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kaohe.accounts.models import User
from kaohe.org.access import actor_for


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Accounts are the system administrator's. Technical roles are never given here (only by
    `kaohe admin-account`), so no administrator can grant themselves another's powers."""

    list_display = ["username", "first_name", "is_active", "must_change_password",
                    "technical_role", "last_login"]
    list_filter = ["is_active", "technical_role", "must_change_password"]
    readonly_fields = ["technical_role", "last_login", "date_joined", "is_superuser",
                       "is_staff", "groups", "user_permissions"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "email")}),
        (_("状态"), {"fields": ("is_active", "must_change_password", "technical_role",
                              "last_login", "date_joined")}),
    )

    def _may(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return actor_for(request.user).is_system_admin

    has_view_permission = has_change_permission = has_add_permission = _may
    has_module_permission = _may

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
