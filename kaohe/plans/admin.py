"""The office configures its yearly plan here; a configuration the rules cannot work with is
refused with a clear message before anything is saved (§四, §八)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kaohe.org.admin import OrganScopedAdmin
from kaohe.plans.models import Indicator, IndicatorGroup, YearPlan


class IndicatorFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        totals = {group.value: Decimal(0) for group in IndicatorGroup}
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if data and not data.get("DELETE") and data.get("group") in totals:
                totals[data["group"]] += data.get("weight") or 0
        for group in IndicatorGroup:
            if abs(totals[group.value] - 100) > Decimal("0.05"):
                raise ValidationError(_("%(group)s的组内权重之和须为 100%%，现为 %(total)s%%") % {
                    "group": group.label, "total": totals[group.value]})


class IndicatorInline(admin.TabularInline):
    model = Indicator
    formset = IndicatorFormSet
    extra = 0
    fields = ["group", "code", "name", "weight", "position", "description"]

    def _may(self, request: Any, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    has_view_permission = has_change_permission = has_add_permission = _may
    has_delete_permission = _may


@admin.register(YearPlan)
class YearPlanAdmin(OrganScopedAdmin):
    list_display = ["organ", "year", "first_quarter", "good_ratio", "q4_with_annual", "filed_on"]
    inlines = [IndicatorInline]

    def get_readonly_fields(self, request: Any, obj: YearPlan | None = None) -> list[str]:
        # Organ and year name the quarters already opened under this plan.
        return ["organ", "year"] if obj is not None and obj.periods.exists() else []
