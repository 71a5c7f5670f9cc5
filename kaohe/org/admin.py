from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from kaohe.org import models
from kaohe.org.http import ActorRequest


class OrganScopedAdmin(admin.ModelAdmin):
    """Rows of the organs the user may manage: all for the system administrator, the own
    organ for its office. `organ_path` is the lookup from the model to its organ."""

    organ_path = "organ"

    def managed_organs(self, request: HttpRequest) -> QuerySet[models.Organ] | None:
        actor = cast(ActorRequest, request).actor
        if actor.is_system_admin:
            return None  # no restriction
        return models.Organ.objects.filter(id__in=actor.office_organ_ids)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        organs = self.managed_organs(request)
        return queryset if organs is None else queryset.filter(**{f"{self.organ_path}__in": organs})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        organs = self.managed_organs(request)
        if organs is not None and db_field.related_model is models.Organ:
            kwargs["queryset"] = organs
        elif organs is not None and db_field.related_model in (models.Section, models.Person):
            kwargs["queryset"] = db_field.related_model.objects.filter(organ__in=organs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _may(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)

    has_view_permission = has_change_permission = has_add_permission = _may
    has_module_permission = _may

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # People and sections are retired (active = false), never deleted: their history stays.
        return False


@admin.register(models.Organ)
class OrganAdmin(OrganScopedAdmin):
    organ_path = "pk"
    list_display = ["code", "name", "principal", "filed_with"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request: HttpRequest) -> bool:  # type: ignore[override]
        return cast(ActorRequest, request).actor.is_system_admin


@admin.register(models.Section)
class SectionAdmin(OrganScopedAdmin):
    list_display = ["code", "name", "organ", "leader_in_charge", "frontline"]
    list_filter = ["frontline"]
    search_fields = ["code", "name"]


class AssignmentInline(admin.TabularInline):
    model = models.Assignment
    fk_name = "person"
    extra = 0

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(models.Person)
class PersonAdmin(OrganScopedAdmin):
    list_display = ["personnel_no", "name", "organ", "section", "category", "title", "active"]
    list_filter = ["category", "active", "frontline"]
    search_fields = ["personnel_no", "name"]
    inlines = [AssignmentInline]
    raw_id_fields = ["user"]


@admin.register(models.CommitteeMember)
class CommitteeMemberAdmin(OrganScopedAdmin):
    list_display = ["organ", "position", "person"]


@admin.register(models.OrganDuty)
class OrganDutyAdmin(OrganScopedAdmin):
    list_display = ["organ", "duty", "person"]
