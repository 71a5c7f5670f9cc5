"""Dashboards, their xlsx exports and chart downloads. Thin: every number comes from
kaohe.reports.selectors, every scope from kaohe.org.access."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaohe.assessments import rules
from kaohe.assessments import selectors as assessment_selectors
from kaohe.assessments import services as assessment_services
from kaohe.audit.chain import record
from kaohe.lib.actions import attempt
from kaohe.org import access
from kaohe.org.http import ActorRequest
from kaohe.org.models import Section
from kaohe.plans.models import Period
from kaohe.reports import reminders, selectors, tasks
from kaohe.reports.charts import to_png, to_svg
from kaohe.reports.forms import FilterForm, QuotaForm
from kaohe.reports.layout import Board, write_tables
from kaohe.reports.selectors import Filters

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OWN_PARAMETERS = {"table", "name", "format"}


def _query(request: HttpRequest) -> str:
    """The page's filters, to carry into export and download links."""
    kept = request.GET.copy()
    for name in OWN_PARAMETERS:
        kept.pop(name, None)
    return kept.urlencode()


def _filters(request: HttpRequest, sections: list[Section] | None = None,
             department: bool = False) -> tuple[FilterForm, Filters]:
    form = FilterForm(request.GET or None, sections=sections, department=department)
    form.is_valid()  # errors are shown on the form; the valid fields still filter
    data = getattr(form, "cleaned_data", {})
    return form, Filters(year=data.get("year"), quarter=data.get("quarter"),
                         section=data.get("section") or "", category=data.get("category") or "",
                         frontline=data.get("frontline"))


def _period_id(request: HttpRequest) -> int | None:
    value = request.GET.get("period", "")
    return int(value) if value.isdigit() else None


def _page(request: HttpRequest, template: str, board: Board, **context: Any) -> HttpResponse:
    return render(request, template, {"board": board, "query": _query(request), **context})


def _export(request: HttpRequest, board: Board, what: str, filters: dict[str, Any],
            filename: str) -> FileResponse:
    """The board's tables (all, or ?table=) as a streamed .xlsx, recorded in the audit trail."""
    key = request.GET.get("table", "")
    panels = [p for p in board.panels if not key or p.key == key]
    if not panels:
        raise Http404
    # Written row by row, then streamed from disk; FileResponse closes it when sent.
    target = tempfile.TemporaryFile()  # noqa: SIM115
    rows = write_tables(panels, target)
    target.seek(0)
    record("export", object_type=f"reports.{what}", object_repr=f"{filename} {key or 'all'}",
           new={"filters": filters, "rows": rows})
    name = f"{filename}-{key or 'all'}.xlsx"
    return FileResponse(target, as_attachment=True, filename=name, content_type=XLSX)


def _chart(request: HttpRequest, board: Board, filename: str) -> HttpResponse:
    name = request.GET.get("name") or next((p.key for p in board.panels if p.chart), "")
    panel = board.panel(name)
    fmt = request.GET.get("format", "svg")
    if panel is None or panel.chart is None or fmt not in {"svg", "png"}:
        raise Http404
    if fmt == "png":
        response = HttpResponse(to_png(panel.chart), content_type="image/png")
    else:
        response = HttpResponse('<?xml version="1.0" encoding="UTF-8"?>\n'
                                + to_svg(panel.chart), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{panel.key}.{fmt}"'
    return response


@login_required
def home(request: ActorRequest) -> HttpResponse:
    """Where the statistics of this account are: its organ's dashboards, the department's."""
    actor = request.actor
    organ = actor.person.organ if actor.person else None
    scope = access.report_scope(actor, organ) if organ is not None else None
    if scope is None and not actor.department_organ_ids:
        raise Http404
    return render(request, "reports/home.html", {"organ": organ if scope else None,
                                                 "scope": scope})


# --- progress -----------------------------------------------------------------------------------

def _progress(request: ActorRequest, code: str) -> tuple[Any, Any, Board, list[Period]]:
    organ, scope = selectors.organ_and_scope(request.actor, code)
    periods = selectors.organ_periods(organ)
    period = selectors.current_period(organ, _period_id(request), periods)
    return organ, scope, selectors.progress_board(scope, period, timezone.localdate()), periods


@login_required
def progress(request: ActorRequest, code: str) -> HttpResponse:
    organ, scope, board, periods = _progress(request, code)
    return _page(request, "reports/progress.html", board, organ=organ, scope=scope,
                 periods=periods, tab="progress",
                 may_remind=access.may_remind(request.actor, organ))


@login_required
@require_http_methods(["GET", "POST"])
def remind(request: ActorRequest, period_id: int) -> HttpResponse:
    """催办: the page lists who would be reminded (the confirmation step); its form sends."""
    period = assessment_selectors.period_detail(request.actor, period_id)
    scope = access.get_report_scope(request.actor, period.organ)
    if not access.may_remind(request.actor, period.organ):
        raise PermissionDenied
    if request.method == "POST":
        sent: list[reminders.Due] = []
        if attempt(request, lambda by: sent.extend(reminders.remind(period=period, by=by))):
            messages.success(request, _("已向 %(n)d 人发出催办。") % {"n": len(sent)})
        return redirect(f"{reverse('reports_progress', args=[period.organ.code])}"
                        f"?period={period.pk}")
    return render(request, "reports/remind.html", {
        "period": period, "organ": period.organ, "due": reminders.due(scope, period)})


@login_required
def progress_panel(request: ActorRequest, code: str) -> HttpResponse:
    """The part of the progress page that htmx refreshes every 30 seconds."""
    organ, scope, board, _periods = _progress(request, code)
    return _page(request, "reports/_progress_panel.html", board, organ=organ, scope=scope,
                 may_remind=access.may_remind(request.actor, organ))


@login_required
def progress_export(request: ActorRequest, code: str) -> FileResponse:
    organ, _scope, board, _periods = _progress(request, code)
    period = board.extra["period"]
    return _export(request, board, "progress", {"period": period.pk if period else None},
                   f"{organ.code}-progress")


@login_required
def progress_chart(request: ActorRequest, code: str) -> HttpResponse:
    organ, _scope, board, _periods = _progress(request, code)
    return _chart(request, board, f"{organ.code}-progress")


# --- results ------------------------------------------------------------------------------------

def _results(request: ActorRequest, code: str) -> tuple[Any, Any, FilterForm, Filters, Board]:
    organ, scope = selectors.organ_and_scope(request.actor, code)
    sections = selectors.sections_in(scope)
    form, filters = _filters(request, sections)
    return organ, scope, form, filters, selectors.results_board(scope, filters, sections)


@login_required
def results(request: ActorRequest, code: str) -> HttpResponse:
    organ, scope, form, _unused, board = _results(request, code)
    return _page(request, "reports/results.html", board, organ=organ, scope=scope, form=form,
                 tab="results")


@login_required
def results_export(request: ActorRequest, code: str) -> FileResponse:
    organ, _scope, _form, filters, board = _results(request, code)
    return _export(request, board, "results", filters.as_dict(), f"{organ.code}-results")


@login_required
@require_POST
def results_export_job(request: ActorRequest, code: str) -> HttpResponse:
    """Every table of the results page, with the page's filters, as a workbook made in the
    background: it holds every assessment in scope, of every year; on to the job's page."""
    _organ, scope = selectors.organ_and_scope(request.actor, code)
    _form, filters = _filters(request, selectors.sections_in(scope))
    job = tasks.results_export_request(actor=request.actor, organ_code=code, filters=filters,
                                       table=request.GET.get("table", ""))
    return redirect("job_detail", job.pk)


@login_required
def results_chart(request: ActorRequest, code: str) -> HttpResponse:
    organ, _scope, _form, _unused, board = _results(request, code)
    return _chart(request, board, f"{organ.code}-results")


# --- organization department -------------------------------------------------------------------

def _department(request: ActorRequest) -> tuple[FilterForm, Filters, Board]:
    actor = request.actor
    if not actor.department_organ_ids:
        raise Http404
    form, filters = _filters(request, department=True)
    return form, filters, selectors.department_board(actor, filters, timezone.localdate())


@login_required
def department(request: ActorRequest) -> HttpResponse:
    form, _unused, board = _department(request)
    return _page(request, "reports/department.html", board, form=form)


@login_required
def department_export(request: ActorRequest) -> FileResponse:
    _form, filters, board = _department(request)
    return _export(request, board, "department", filters.as_dict(), "department")


@login_required
def department_chart(request: ActorRequest) -> HttpResponse:
    _form, _unused, board = _department(request)
    return _chart(request, board, "department")


# --- a person -----------------------------------------------------------------------------------

def _person(request: ActorRequest, personnel_no: str) -> Board:
    actor = request.actor
    return selectors.person_board(actor, selectors.person_for_report(actor, personnel_no))


@login_required
def person(request: ActorRequest, personnel_no: str) -> HttpResponse:
    board = _person(request, personnel_no)
    return _page(request, "reports/person.html", board, person=board.extra["person"])


@login_required
def person_export(request: ActorRequest, personnel_no: str) -> FileResponse:
    board = _person(request, personnel_no)
    return _export(request, board, "person", {"person": personnel_no}, personnel_no)


@login_required
def person_chart(request: ActorRequest, personnel_no: str) -> HttpResponse:
    return _chart(request, _person(request, personnel_no), personnel_no)


# --- quota planning -----------------------------------------------------------------------------

@login_required
def quota(request: ActorRequest, code: str) -> HttpResponse:
    """The office's split of 好 places among sections: a what-if on GET; on POST the split is
    fixed (and then binds every approval of 好, decision 0015) or lifted."""
    actor = request.actor
    organ, _scope = selectors.organ_and_scope(actor, code)
    if not access.may_see_quota_plan(actor, organ):
        return HttpResponse(status=403)
    period = selectors.current_period(organ, _period_id(request))
    may_save = access.may_plan_quota(actor, organ)
    data = request.POST if request.method == "POST" else request.GET
    form = QuotaForm(data if "frontline_weight" in data else None)
    weight = (form.cleaned_data["frontline_weight"] if form.is_valid()
              else rules.DEFAULT_FRONTLINE_WEIGHT)
    if request.method == "POST" and period is not None:
        if not may_save:
            return HttpResponse(status=403)
        if "clear" in request.POST:
            if attempt(request, assessment_services.quota_plan_clear, period=period):
                messages.success(request, _("已撤销名额分配，本季度只受全机关“好”等次比例限制。"))
        else:
            _save_quota(request, period, weight if form.is_valid() else None)
        return redirect(f"{request.path}?period={period.pk}")
    limit, lines = assessment_selectors.quota_plan(period, weight) if period else (0, [])
    return render(request, "reports/quota.html", {
        "organ": organ, "period": period, "form": form, "limit": limit, "lines": lines,
        "weight": weight, "may_save": may_save, "tab": "quota",
        "fixed": any(line.saved is not None for line in lines),
        "periods": Period.objects.filter(organ=organ).order_by("-year", "-quarter")})


def _save_quota(request: ActorRequest, period: Period, weight: Decimal | None) -> None:
    if weight is None:
        messages.error(request, _("基层一线加权须在 0 到 5 之间。") + f"（{rules.RULE_GOOD}）")
    elif attempt(request, assessment_services.quota_plan_save, period=period,
                 frontline_weight=weight):
        messages.success(request, _("已确定各科室“好”等次名额，审定时按此分配执行。"))
