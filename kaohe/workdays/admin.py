from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from kaohe.org.http import ActorRequest
from kaohe.workdays import models


class NationalCalendarAdmin(admin.ModelAdmin):
    """The calendar is national, not an organ's (see kaohe/workdays/models.py): it moves every
    organ's leave limits and appeal deadlines, so the administrator of the installation keeps
    it, not any one organ's office."""

    def _may(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return cast(ActorRequest, request).actor.is_system_admin

    has_view_permission = has_change_permission = has_add_permission = _may
    has_module_permission = _may

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(models.CalendarDay)
class CalendarDayAdmin(NationalCalendarAdmin):
    list_display = ["date", "is_workday", "name", "note"]
    list_filter = ["is_workday"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"

    # A wrong override would silently shift leave limits and appeal deadlines: it must be
    # removable, not merely editable.
    has_delete_permission = NationalCalendarAdmin._may


@admin.register(models.CalendarYear)
class CalendarYearAdmin(NationalCalendarAdmin):
    list_display = ["year", "complete", "entered_by", "entered_at"]
    readonly_fields = ["entered_by", "entered_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Who confirmed the year last, and when: the counts of that year rest on their word.
        obj.entered_by = request.user
        obj.entered_at = timezone.now()
        super().save_model(request, obj, form, change)
