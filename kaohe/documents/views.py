"""Downloads of the official forms (.docx), their printable HTML versions and the office's
tables (.xlsx); the batch zip, asked for as a background job. Thin: every read through
kaohe/documents/selectors.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.annual import selectors as annual_selectors
from kaohe.audit import chain as audit
from kaohe.documents import docx, selectors, tables, tasks
from kaohe.documents.bundle import quarter_title, xlsx_bytes
from kaohe.documents.content import OfficialForm
from kaohe.org.http import ActorRequest

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _exported(filename: str) -> None:
    # Every file that leaves the system is on the audit record (MLPS 2.0 安全审计).
    audit.record("export", object_type="documents.file", object_repr=filename[:200])


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    _exported(filename)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


def _docx(form: OfficialForm) -> HttpResponse:
    return _download(docx.render(form), f"{form.filename}.docx", DOCX)


def _html(request: HttpRequest, form: OfficialForm, docx_url: str) -> HttpResponse:
    return render(request, "documents/form.html", {"form": form, "docx_url": docx_url})


@login_required
def quarterly_docx(request: ActorRequest, pk: int) -> HttpResponse:
    return _docx(selectors.quarterly_form(request.actor, pk))


@login_required
def quarterly_html(request: ActorRequest, pk: int) -> HttpResponse:
    form = selectors.quarterly_form(request.actor, pk)
    return _html(request, form, reverse("quarterly_form_docx", args=[pk]))


@login_required
def annual_docx(request: ActorRequest, personnel_no: str, year: int) -> HttpResponse:
    return _docx(selectors.annual_form(request.actor, personnel_no, year))


@login_required
def annual_html(request: ActorRequest, personnel_no: str, year: int) -> HttpResponse:
    form = selectors.annual_form(request.actor, personnel_no, year)
    return _html(request, form, reverse("annual_form_docx", args=[personnel_no, year]))


@login_required
def record_book_docx(request: ActorRequest, personnel_no: str, year: int) -> HttpResponse:
    return _docx(selectors.record_book(request.actor, personnel_no, year))


@login_required
def record_book_html(request: ActorRequest, personnel_no: str, year: int) -> HttpResponse:
    form = selectors.record_book(request.actor, personnel_no, year)
    return _html(request, form, reverse("record_book_docx", args=[personnel_no, year]))


@login_required
def quarter_results_xlsx(request: ActorRequest, period_id: int) -> HttpResponse:
    period = selectors.office_period(request.actor, period_id)
    data = xlsx_bytes(lambda out: tables.quarter_results(period, out))
    return _download(data, f"{period.organ.name}-{quarter_title(period)}.xlsx", XLSX)


@login_required
def annual_results_xlsx(request: ActorRequest, organ: str, year: int) -> HttpResponse:
    view = annual_selectors.annual_overview(request.actor, organ, year)
    data = xlsx_bytes(lambda out: tables.annual_results(view, out))
    return _download(data, _("%(organ)s-%(year)d年度考核结果.xlsx") % {
        "organ": view.annual.organ.name, "year": year}, XLSX)


@login_required
@require_POST
def forms_zip(request: ActorRequest, organ: str, year: int) -> HttpResponse:
    """Every form of the year for the organ, or for one section (section=code), as one zip
    made in the background: on to the job's page, which offers the file when it is done."""
    job = tasks.forms_zip_request(actor=request.actor, organ_code=organ, year=year,
                                  section_code=request.POST.get("section", ""))
    return redirect("job_detail", job.pk)
