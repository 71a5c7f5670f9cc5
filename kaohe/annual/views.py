"""Pages of the annual link for the office: recommendations, decisions, settings, 公示. Thin:
reads through selectors (404 outside the scope), every change through one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaohe import limits
from kaohe.annual import forms, pages, selectors, services, tasks
from kaohe.audit import chain as audit
from kaohe.documents import archive
from kaohe.lib.actions import attempt, form_errors
from kaohe.lib.paging import page_of
from kaohe.org import access
from kaohe.org.http import ActorRequest
from kaohe.org.models import Person

ROWS_PER_PAGE = 25


def _overview(request: ActorRequest, organ: str, year: int) -> selectors.Overview:
    return selectors.annual_overview(request.actor, organ, year)


def _back(organ: str, year: int) -> HttpResponse:
    return redirect(reverse("annual_page", args=[organ, year]))


@login_required
def annual_page(request: ActorRequest, organ: str, year: int) -> HttpResponse:
    """The whole organ is ranked; its people and the candidates are shown a page at a time,
    by the names and sections read with their quarters."""
    view = _overview(request, organ, year)
    rows = page_of(request, view.rows, ROWS_PER_PAGE)
    ranked = page_of(request, view.candidates, ROWS_PER_PAGE, param="rank")
    return render(request, "annual/year.html", {
        "view": view, "organ": view.annual.organ, "year": year, "rows": rows, "ranked": ranked,
        "settings_form": forms.SettingsForm(instance=view.annual),
        "announce_form": forms.AnnounceForm(), "refusal_form": forms.RefusalForm(),
        "rows_html": pages.RowWriter(request, view, year).rows(rows),
    })


@login_required
def announcement(request: ActorRequest, organ: str, year: int) -> HttpResponse:
    """The 公示 of the proposed 优秀 with each one's quarterly grades (§九(四)), printable."""
    view = _overview(request, organ, year)
    proposed = [row for row in view.rows if row.final_grade == "优秀"]
    return render(request, "annual/announcement.html",
                  {"view": view, "organ": view.annual.organ, "year": year,
                   "proposed": proposed})


def _person(view: selectors.Overview, personnel_no: str) -> Person:
    for row in view.rows:
        if row.rec.key == personnel_no:
            row.people.load([row.person_id])  # this one only, not the whole organ
            return row.person
    raise Http404


@login_required
@require_POST
def decide(request: ActorRequest, organ: str, year: int) -> HttpResponse:
    view = _overview(request, organ, year)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择年度等次。"))
    elif attempt(request, services.result_decide, organ=view.annual.organ, year=year,
                  person=_person(view, form.cleaned_data["person"]),
                  grade=form.cleaned_data["grade"], reason=form.cleaned_data["reason"]):
        messages.success(request, _("已确定年度等次。"))
    return _back(organ, year)


@login_required
@require_http_methods(["GET", "POST"])
def confirm_all(request: ActorRequest, organ: str, year: int) -> HttpResponse:
    """Confirm every recommendation that needs no decision of its own: the page lists them
    (the confirmation step), its form confirms exactly that list in one transaction."""
    view = _overview(request, organ, year)
    if not access.may_run_annual(request.actor, view.annual.organ):
        raise PermissionDenied
    if request.method == "POST":
        people = request.POST.getlist("person")
        if attempt(request, services.results_confirm_all, organ=view.annual.organ, year=year,
                   people=people):
            messages.success(request, _("已确认 %(n)d 人的年度等次。") % {"n": len(people)})
            return _back(organ, year)
        return redirect(reverse("annual_confirm_all", args=[organ, year]))
    return render(request, "annual/confirm_all.html", {
        "view": view, "organ": view.annual.organ, "year": year, "rows": view.confirmable})


@login_required
@require_POST
def refusal(request: ActorRequest, organ: str, year: int) -> HttpResponse:
    view = _overview(request, organ, year)
    form = forms.RefusalForm(request.POST)
    person = Person.objects.restrict(request.actor).filter(
        organ=view.annual.organ, personnel_no=request.POST.get("person", "")).first()
    if not form.is_valid() or person is None:
        messages.error(request, _("请填写本机关人员的人员编号。"))
    elif attempt(request, services.refusal_record, organ=view.annual.organ, year=year,
                  person=person, refused=form.cleaned_data["refused"],
                  note=form.cleaned_data["note"]):
        messages.success(request, _("已登记。"))
    return _back(organ, year)


@login_required
@require_POST
def settings(request: ActorRequest, organ: str, year: int) -> HttpResponse:
    view = _overview(request, organ, year)
    form = forms.SettingsForm(request.POST, instance=selectors.annual_year(view.annual.organ,
                                                                           year))
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values()
                                        for e in errors))
    elif attempt(request, services.settings_update, organ=view.annual.organ, year=year,
                  **{name: form.cleaned_data[name] for name in services.SETTINGS}):
        messages.success(request, _("设置已保存。"))
    return _back(organ, year)


@login_required
@require_POST
def announce(request: ActorRequest, organ: str, year: int) -> HttpResponse:
    view = _overview(request, organ, year)
    form = forms.AnnounceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写公示开始日期。"))
    elif attempt(request, services.announcement_set, organ=view.annual.organ, year=year,
                  start=form.cleaned_data["start"]):
        return redirect(reverse("annual_announcement", args=[organ, year]))
    return _back(organ, year)


@login_required
@require_POST
def close(request: ActorRequest, organ: str, year: int) -> HttpResponse:
    view = _overview(request, organ, year)
    if attempt(request, archive.year_close, organ=view.annual.organ, year=year):
        messages.success(request, _("已归档。"))
        return redirect(reverse("annual_archive", args=[organ, year]))
    return _back(organ, year)


@login_required
def archive_list(request: ActorRequest, organ: str, year: int) -> HttpResponse:
    annual, files = selectors.archive_list(request.actor, organ, year)
    return render(request, "annual/archive.html", {
        "annual": annual, "organ": annual.organ, "year": year, "files": files,
        "may_correct": access.may_run_annual(request.actor, annual.organ)})


@login_required
def archive_download(request: ActorRequest, pk: int) -> HttpResponse:
    found = selectors.archived_file(request.actor, pk)
    audit.record("download", obj=found, new={"name": found.name, "version": found.version,
                                             "sha256": found.sha256, "sm3": found.sm3})
    response = HttpResponse(bytes(found.content), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, found.name) or ""
    response["Digest"] = f"sha-256={found.sha256}"
    return response


@login_required
@require_POST
def archive_correct(request: ActorRequest, pk: int) -> HttpResponse:
    found = selectors.archived_file(request.actor, pk)
    upload = request.FILES.get("file")
    if attempt(request, archive.archive_correct, archived=found,
                content=upload.read(limits.ARCHIVE_BYTES + 1) if upload else b"",
                reason=request.POST.get("reason", "")):
        messages.success(request, _("已登记更正，原文件保留。"))
    return redirect(reverse("annual_archive", args=[found.annual.organ.code, found.annual.year]))


@login_required
@require_POST
def rollup(request: ActorRequest) -> HttpResponse:
    """The organization department's roll-up of a year across its organs, made in the
    background; on to the job's page."""
    form = forms.RollupForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("reports_department")
    job = tasks.annual_rollup_request(actor=request.actor, year=form.cleaned_data["year"])
    return redirect("job_detail", job.pk)
