"""The office enters here what the forms need beyond the workflow: attendance details of a
quarter, and the written parts of the annual form. Grades are decided only on the annual page
(a service with reasons and flags), so they are read-only here; a closed year is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kaohe.annual.models import AnnualResult, QuarterAttendance
from kaohe.org.admin import OrganScopedAdmin

TEXTS = ["summary", "training", "leader_comment", "committee_opinion", "own_opinion"]


@admin.register(QuarterAttendance)
class QuarterAttendanceAdmin(OrganScopedAdmin):
    system_admin = False  # grades and the forms' data are the office's (三员分立)
    organ_path = "person__organ"
    list_display = ["person", "period", "absent_days", "late_times"]
    raw_id_fields = ["person", "period"]


@admin.register(AnnualResult)
class AnnualResultAdmin(OrganScopedAdmin):
    system_admin = False
    organ_path = "annual__organ"
    list_display = ["person", "annual", "recommended", "grade"]
    fields = ["person", "annual", "recommended", "grade", "reason", *TEXTS]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = ["person", "annual", "recommended", "grade", "reason"]
        return fixed + TEXTS if obj is not None and obj.annual.is_closed else fixed

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # rows come from decisions on the annual page
