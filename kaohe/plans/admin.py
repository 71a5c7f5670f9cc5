"""The office configures its yearly plan here; a configuration the rules cannot work with is
refused with a clear message before anything is saved (§四, §八). Once a quarter is opened
under the plan it is in force: frozen, except its 好 ratio, which changes only by an amendment
with a reason (kaohe.assessments.services.plan_amend_ratio), listed under the plan. Plans are
the offices' alone; the system administrator has no access (三员分立)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe import limits
from kaohe.assessments.services import plan_amend_ratio, ratio_refusal
from kaohe.errors import Refused
from kaohe.org.admin import OrganScopedAdmin
from kaohe.plans.models import Indicator, IndicatorGroup, PlanAmendment, YearPlan


class IndicatorFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if self.instance.in_force:
            return  # shown read-only: nothing submitted, nothing to add up
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

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def _may(self, request: Any, obj: YearPlan | None = None) -> bool:
        return self.admin_site.has_permission(request) and not (obj and obj.in_force)

    has_change_permission = has_add_permission = has_delete_permission = _may


class AmendmentInline(admin.TabularInline):
    model = PlanAmendment
    extra = 0
    fields = ("at", "item", "previous", "value", "reason", "by")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("修改项目"))
    def item(self, amendment: PlanAmendment) -> str:
        field = YearPlan._meta.get_field(amendment.field)
        return str(getattr(field, "verbose_name", amendment.field))

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def _never(self, request: Any, obj: Any = None) -> bool:
        return False

    has_change_permission = has_add_permission = has_delete_permission = _never


class YearPlanForm(forms.ModelForm):
    amendment_reason = forms.CharField(
        label=gettext_lazy("修改理由"), required=False, max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("方案已执行（已开启季度）后，只能修改“好”等次比例，须说明理由；修改"
                               "记录在案，且不能低于已审定的“好”等次人数。"))

    class Meta:
        model = YearPlan
        fields = "__all__"  # noqa: DJ007  (the admin chooses the fields; this adds the reason)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        plan, ratio = self.instance, data.get("good_ratio")
        if plan.in_force and ratio is not None and ratio != plan.good_ratio:
            if not data.get("amendment_reason", "").strip():
                self.add_error("amendment_reason", _("修改已执行方案的“好”等次比例须说明理由。"))
            refusal = ratio_refusal(plan, ratio)
            if refusal:
                self.add_error("good_ratio", refusal)
        return data


@admin.register(YearPlan)
class YearPlanAdmin(OrganScopedAdmin):
    system_admin = False
    form = YearPlanForm
    list_display = ["organ", "year", "first_quarter", "good_ratio", "q4_with_annual", "filed_on"]
    inlines = [IndicatorInline, AmendmentInline]

    def get_fields(self, request: HttpRequest, obj: YearPlan | None = None) -> Any:
        """The plan's fields in their order; for a plan in force the reason follows the ratio,
        the one field left to change."""
        fields = [f.name for f in YearPlan._meta.concrete_fields
                  if f.editable and not f.primary_key]
        if obj is not None and obj.in_force:
            fields.insert(fields.index("good_ratio") + 1, "amendment_reason")
        return fields

    def get_readonly_fields(self, request: Any, obj: YearPlan | None = None) -> list[str]:
        if obj is None or not obj.in_force:
            return []
        return [f for f in self.get_fields(request, obj)
                if f not in ("good_ratio", "amendment_reason")]

    def save_model(self, request: Any, obj: YearPlan, form: Any, change: bool) -> None:
        if not (change and obj.in_force):
            super().save_model(request, obj, form, change)
        elif "good_ratio" in form.changed_data:
            try:
                plan_amend_ratio(plan=obj, ratio=obj.good_ratio,
                                 reason=form.cleaned_data["amendment_reason"], by=request.user)
            except Refused as refusal:  # an approval got in after the form was checked
                messages.error(request, refusal.message)
