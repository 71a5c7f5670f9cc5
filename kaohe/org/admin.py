from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from kaohe.errors import Invalid
from kaohe.org import models, services
from kaohe.org.http import ActorRequest


class OrganScopedAdmin(admin.ModelAdmin):
    """Rows of the organs the user may manage: all for the system administrator, the own
    organ for its office. `organ_path` is the lookup from the model to its organ. Nobody
    changes a row about themselves (`person_path`: the lookup to the person it is about), so
    that no one grants themselves a role (§七(三))."""

    organ_path = "organ"
    person_path = ""
    # The organisation is the system administrator's to maintain too; plans, grades and the
    # forms' data are the offices' only (三员分立).
    system_admin = True

    def managed_organs(self, request: HttpRequest) -> QuerySet[models.Organ] | None:
        actor = cast(ActorRequest, request).actor
        if actor.is_system_admin and self.system_admin:
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
        actor = cast(ActorRequest, request).actor
        return bool(actor.office_organ_ids or (self.system_admin and actor.is_system_admin))

    has_view_permission = has_add_permission = has_module_permission = _may

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request) and not (obj is not None and self._about(request, obj))

    def _about(self, request: HttpRequest, obj: Model) -> bool:
        if not self.person_path:
            return False
        mine = models.Person.objects.filter(user=cast(Any, request.user))
        rows = self.model._default_manager.filter(pk=obj.pk)
        return rows.filter(**{f"{self.person_path}__in": mine}).exists()

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # People and sections are retired (active = false), never deleted: their history stays.
        return False


class RoleAdmin(OrganScopedAdmin):
    """A model with a field naming who approves (`role_field`): the form checks the choice as
    the organisation service does, and the change is then made by that service (`role_set`),
    as the import makes it."""

    role_field = ""

    def role_set(self, obj: Any, person: models.Person | None) -> None:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        person = getattr(obj, self.role_field)
        key = f"{self.role_field}_id"
        setattr(obj, key, form.initial.get(self.role_field) if change else None)
        super().save_model(request, obj, form, change)
        if getattr(obj, key) != (person.pk if person else None):
            self.role_set(obj, person)


def checked(form: forms.ModelForm, field: str, check: Callable[[], None]) -> None:
    """Runs an organisation service's check on the form's value; a refusal is the field's
    error, so that the admin names roles under the same rules as the services (§七(三))."""
    try:
        check()
    except Invalid as refusal:
        form.add_error(field, refusal.message)


class OrganForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        checked(self, "principal", lambda: services.check_principal(data.get("principal")))
        return data


class SectionForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("organ"):
            section = models.Section(organ=data["organ"], code=data.get("code", ""))
            checked(self, "leader_in_charge",
                    lambda: services.check_leader(section, data.get("leader_in_charge")))
        return data


@admin.register(models.Organ)
class OrganAdmin(RoleAdmin):
    organ_path = "pk"
    form = OrganForm
    role_field = "principal"

    def role_set(self, obj: models.Organ, person: models.Person | None) -> None:
        services.organ_set_principal(organ=obj, person=person)
    list_display = ["code", "name", "principal", "filed_with"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request: HttpRequest) -> bool:  # type: ignore[override]
        return cast(ActorRequest, request).actor.is_system_admin


@admin.register(models.Section)
class SectionAdmin(RoleAdmin):
    form = SectionForm
    role_field = "leader_in_charge"

    def role_set(self, obj: models.Section, person: models.Person | None) -> None:
        services.section_set_leader(section=obj, person=person)
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
    person_path = "pk"
    list_display = ["personnel_no", "name", "organ", "section", "category", "title", "active"]
    list_filter = ["category", "active", "frontline"]
    search_fields = ["personnel_no", "name"]
    inlines = [AssignmentInline]
    raw_id_fields = ["user"]


@admin.register(models.CommitteeMember)
class CommitteeMemberAdmin(OrganScopedAdmin):
    person_path = "person"
    list_display = ["organ", "position", "person"]


@admin.register(models.OrganDuty)
class OrganDutyAdmin(OrganScopedAdmin):
    person_path = "person"
    list_display = ["organ", "duty", "person"]
