"""The office's bonus split page (§九(二)), a tab of the organ's reports: the coefficients, a
what-if for any amount, the split recorded with its history, and its .xlsx. Thin: the rules are
in kaohe/bonus/rules.py, the changes in services."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kaohe import spreadsheets
from kaohe.audit.chain import record
from kaohe.bonus import selectors, services
from kaohe.bonus.forms import SplitForm, TableForm
from kaohe.bonus.models import BonusSplit
from kaohe.lib.actions import attempt_on, submit
from kaohe.org import access
from kaohe.org.http import ActorRequest
from kaohe.org.models import Organ
from kaohe.plans.models import Period
from kaohe.reports import selectors as report_selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _organ_and_period(request: ActorRequest, code: str) -> tuple[Organ, Period | None]:
    """404 outside the actor's reports, 403 for who sees the organ but not its bonuses."""
    organ, _scope = report_selectors.organ_and_scope(request.actor, code)
    if not access.may_see_bonus(request.actor, organ):
        raise PermissionDenied
    value = request.GET.get("period", "")
    return organ, report_selectors.current_period(organ, int(value) if value.isdigit() else None)


@login_required
def bonus(request: ActorRequest, code: str) -> HttpResponse:
    organ, period = _organ_and_period(request, code)
    may_record = access.may_split_bonus(request.actor, organ)
    if request.method == "POST" and not may_record:
        raise PermissionDenied
    if period is None:
        return render(request, "bonus/split.html", {"organ": organ, "tab": "bonus"})
    if "coefficients" in request.POST:
        table = selectors.table_for(organ, period.year)
        form = TableForm(request.POST, instance=table)
        submit(request, form, services.bonus_table_save, _("已保存奖金系数。"), organ=organ,
               year=period.year, coefficients=form.cleaned_data if form.is_valid() else {})
        return redirect(f"{request.path}?period={period.pk}")
    typed = request.POST if request.method == "POST" else request.GET
    split_form = SplitForm(typed if "amount" in typed else None)
    recording = request.method == "POST" and "preview" not in request.POST
    if recording and _record(request, split_form, period):
        messages.success(request, _("已确定本季度奖金分配。"))
        return redirect(f"{request.path}?period={period.pk}")
    # The what-if of the amount typed, kept through a refusal; else the split in force.
    typed_values = _typed(split_form)
    sheet = selectors.sheet(period, typed_values.get("mode"), typed_values.get("amount"))
    if not split_form.is_bound and sheet.in_force is not None:
        split_form = SplitForm(initial={"mode": sheet.mode, "amount": sheet.amount})
    return render(request, "bonus/split.html", {
        "organ": organ, "period": period, "sheet": sheet, "split_form": split_form,
        "table_form": TableForm(instance=sheet.table), "may_record": may_record, "tab": "bonus",
        "periods": Period.objects.filter(organ=organ).order_by("-year", "-quarter"),
    }, status=422 if recording else 200)


def _typed(form: SplitForm) -> dict[str, Any]:
    """The valid values typed, also after the service refused them: its refusal is an error of
    the whole form, so the fields stay cleaned."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


def _record(request: ActorRequest, form: SplitForm, period: Period) -> bool:
    if not form.is_valid():
        return False
    data: dict[str, Any] = form.cleaned_data
    return attempt_on(form, request, services.bonus_split_record, period=period,
                      mode=data["mode"], amount=data["amount"], reason=data["reason"])


@login_required
def bonus_export(request: ActorRequest, code: str, split_id: int) -> FileResponse:
    """A recorded split as .xlsx, recorded in the audit trail like every export."""
    organ, _period = _organ_and_period(request, code)
    split = get_object_or_404(BonusSplit.objects.select_related("period"),
                              pk=split_id, period__organ=organ)
    shares = split.shares.select_related("person", "section").order_by(
        "section__code", "person__personnel_no")
    rows = [[s.section.name, s.person.personnel_no, s.person.name,
             s.get_grade_display() or _("不确定等次"), s.coefficient, s.amount] for s in shares]
    rows.append(["", "", _("合计"), "", "", split.total])
    rows.append(["", "", _("取整余额"), "", "", split.remainder])
    target = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
    spreadsheets.workbook([(str(split.period), [
        _("科室"), _("人员编号"), _("姓名"), _("等次"), _("系数"), _("金额（元）")], rows)],
        target)
    target.seek(0)
    name = _("%(organ)s-%(period)s-奖金分配.xlsx") % {"organ": organ.name, "period": split.period}
    record("export", obj=split, new={"rows": len(rows) - 2})
    return FileResponse(target, as_attachment=True, filename=name, content_type=XLSX)
