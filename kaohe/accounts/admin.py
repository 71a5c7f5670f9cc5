from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaohe.accounts import services
from kaohe.accounts.models import User
from kaohe.errors import Refused
from kaohe.org.http import ActorRequest

# Powers come from organ roles and the technical role (kaohe.org.access), never from Django's
# groups; a second factor is reset on the security administrator's page (三员分立). Neither
# has a place in the admin, which Django and django-otp would otherwise give them.
admin.site.unregister(Group)
admin.site.unregister(TOTPDevice)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Accounts are the system administrator's. Technical roles are never given here (only by
    `kaohe admin-account`), so no administrator can grant themselves another's powers; and the
    technical administrators' accounts (their own included) are not listed at all, so that the
    system administrator cannot set the security or audit administrator's password, or
    switch their accounts off (三员分立). Nor does the system administrator choose anyone's
    password: a reset gives a one-time password the account must change at its first sign-in
    (kaohe.accounts.services.password_reset), and a new account starts the same way."""

    list_display = ["username", "first_name", "is_active", "must_change_password",
                    "last_login"]
    list_filter = ["is_active", "must_change_password"]
    # must_change_password only ever becomes true here (a new account, a reset): switching it
    # off would let the one-time password last.
    readonly_fields = ["technical_role", "last_login", "date_joined", "is_superuser",
                       "is_staff", "groups", "user_permissions", "password_changed_at",
                       "must_change_password"]
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

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(self, request: HttpRequest, id: str,
                             form_url: str = "") -> HttpResponse:
        user = self.get_object(request, unquote(id))
        if user is None or not self.has_change_permission(request, user):
            raise Http404
        context = {**self.admin_site.each_context(request), "opts": self.opts,
                   "original": user, "title": _("重置密码")}
        if request.method == "POST":
            try:
                context["password"] = services.password_reset(by=cast(User, request.user),
                                                              user=user)
            except Refused as refusal:
                messages.error(request, refusal.message)
                return redirect(reverse("admin:accounts_user_change", args=[user.pk]))
        return TemplateResponse(request, "admin/accounts/user/password_reset.html", context)
