"""Pages of appeals: filing from the assessment page, the office's list and the handling page.
Thin: reads through selectors (404 outside the user's scope), every change through a service."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.appeals import forms, pages, selectors, services
from kaohe.assessments import selectors as assessment_selectors
from kaohe.lib.actions import submit
from kaohe.org import access
from kaohe.org.http import ActorRequest


@login_required
def appeal_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    return render(request, "appeals/list.html",
                  {"appeals": selectors.appeal_list(actor),
                   "open_windows": selectors.open_windows(actor),
                   "office": access.may_list_appeals_to_handle(actor)})


@login_required
def appeal_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    appeal = selectors.appeal_detail(actor, pk)
    return render(request, "appeals/detail.html", pages.detail_context(actor, appeal))


@login_required
@require_POST
def appeal_file(request: ActorRequest, pk: int) -> HttpResponse:
    """The person's own appeal, or (with a received date) a paper appeal the office registers."""
    assessment = assessment_selectors.assessment_detail(request.actor, pk)
    paper = "received_on" in request.POST
    form = (forms.PaperAppealForm if paper else forms.AppealForm)(request.POST)
    done = (_("申诉已登记，办公室处理后会通知本人。") if paper
            else _("申诉已提交，办公室处理后会通知您。"))
    submit(request, form, services.appeal_file, done, assessment=assessment)
    return redirect("assessment_detail", pk=pk)


@login_required
@require_POST
def opinion_add(request: ActorRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_detail(request.actor, pk)
    form = forms.OpinionForm(request.POST)
    submit(request, form, services.opinion_add, _("意见已记录。"), appeal=appeal)
    return redirect("appeal_detail", pk=pk)


@login_required
@require_POST
def appeal_decide(request: ActorRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_detail(request.actor, pk)
    form = forms.DecisionForm(request.POST)
    submit(request, form, services.appeal_decide, _("处理结果已记录，并已通知本人。"),
           appeal=appeal)
    return redirect("appeal_detail", pk=pk)
