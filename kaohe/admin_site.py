"""The Django admin, opened to the system administrator and to each organ's office.

Who may use it, and which organ's rows each may touch, is asked of kaohe.org.access like
everywhere else; Django's own is_staff/permission flags are not used for this.
"""

from __future__ import annotations

from typing import cast

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kaohe.org.http import ActorRequest


class KaoheAdminSite(admin.AdminSite):
    site_header = _("平时考核平台 · 管理")
    site_title = _("平时考核平台")
    index_title = _("组织信息维护")

    def has_permission(self, request: HttpRequest) -> bool:
        actor = cast(ActorRequest, request).actor
        return bool(request.user.is_active and (actor.is_system_admin or actor.office_organ_ids))
