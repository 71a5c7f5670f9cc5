"""Pages of the quarterly assessment. Thin: reads through selectors (404 outside the user's
scope), every change through one service; a refusal is shown with its rule, nothing half-done."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kaohe import spreadsheets
from kaohe.assessments import forms, pages, selectors, services
from kaohe.assessments.models import Assessment, FollowUp
from kaohe.audit import chain as audit
from kaohe.lib.actions import attempt, form_errors, submit
from kaohe.org import access
from kaohe.org.http import ActorRequest
from kaohe.plans.models import Period
from kaohe.plans.services import task_assign

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _back(request: ActorRequest, default: str) -> HttpResponseRedirect:
    """Back to the page the form was on; only a path of this site ("/\\evil.example" is
    another site to a browser, hence Django's own check)."""
    target = request.POST.get("next", "")
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return redirect(target if safe else default)


# --- one assessment -----------------------------------------------------------------------------

@login_required
def assessment_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    assessment = selectors.assessment_detail(actor, pk)
    return render(request, "assessments/detail.html",
                  pages.detail_context(actor, assessment))


def _assessment(request: ActorRequest, pk: int) -> Assessment:
    return selectors.assessment_detail(request.actor, pk)


@login_required
@require_POST
def summary(request: ActorRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    form = forms.SummaryForm(request.POST)
    if form.is_valid() and attempt(request, services.summary_save, assessment=assessment,
                                    text=form.cleaned_data["text"]):
        if "submit" in request.POST:
            if attempt(request, services.summary_submit, assessment=assessment):
                messages.success(request, _("个人小结已提交主管领导。"))
        else:
            messages.success(request, _("草稿已保存。"))
    return redirect("assessment_detail", pk=pk)


def _form_action(form_class: type[Any], change: Callable[..., Any],
                 done: Any) -> Callable[..., HttpResponse]:
    """A POST on one assessment: bind the form, run the service, say what happened."""
    @login_required
    @require_POST
    def view(request: ActorRequest, pk: int) -> HttpResponse:
        assessment = _assessment(request, pk)
        form = form_class(request.POST)
        submit(request, form, change, f"{assessment.person.name}：{done}", assessment=assessment)
        return _back(request, reverse("assessment_detail", args=[pk]))
    return view


summary_return = _form_action(forms.ReasonForm, services.summary_return,
                              _lazy("已退回本人修改。"))
send_back = _form_action(forms.ReasonForm, services.assessment_send_back,
                         _lazy("已退回主管领导重新评鉴。"))
approve = _form_action(forms.ApprovalForm, services.assessment_approve, _lazy("等次已审定。"))
feedback = _form_action(forms.FeedbackForm, services.feedback_give, _lazy("反馈已记录。"))
acknowledge = _form_action(forms.AcknowledgeForm, services.result_acknowledge,
                           _lazy("已确认考核结果。"))
liaison_ask = _form_action(forms.QuestionForm, services.liaison_ask,
                           _lazy("已征求纪检联络员意见。"))


@login_required
@require_POST
def propose(request: ActorRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    form = pages.proposal_form(assessment, pages.indicators(assessment), request.POST)
    if not form.is_valid():
        messages.error(request, _("%(name)s：%(errors)s") % {
            "name": assessment.person.name, "errors": form_errors(form)})
    else:
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("score_")}
        proposal = services.Proposal(scores=form.scores(), **data)
        if attempt(request, services.assessment_propose, assessment=assessment,
                    proposal=proposal):
            messages.success(request, _("%(name)s：已提出等次建议。") % {
                "name": assessment.person.name})
    return _back(request, reverse("assessment_detail", args=[pk]))


# --- screens over a quarter -----------------------------------------------------------------------

@login_required
def review_screen(request: ActorRequest, period_id: int) -> HttpResponse:
    """A reviewer's whole section (or overseen chiefs) on one screen, with the 好 counter."""
    actor = request.actor
    period = selectors.period_detail(actor, period_id)
    return render(request, "assessments/review.html", pages.review_context(actor, period))


@login_required
def approval_screen(request: ActorRequest, period_id: int) -> HttpResponse:
    actor = request.actor
    period = selectors.period_detail(actor, period_id)
    return render(request, "assessments/approval.html",
                  pages.approval_context(actor, period))


@login_required
def quota_counter(request: ActorRequest, period_id: int) -> HttpResponse:
    """The live "好: used X of Y" counter, refreshed by htmx on the review screens."""
    period = selectors.period_detail(request.actor, period_id)
    return render(request, "assessments/_quota.html",
                  pages.counter_context(request.actor, period))


@login_required
@require_POST
def approve_batch(request: ActorRequest, period_id: int) -> HttpResponse:
    """Ticked proposals (or all waiting) approved at their proposed grades: first a page to
    confirm them, with the places they take; then all of them, or none."""
    actor = request.actor
    period = selectors.period_detail(actor, period_id)
    if not selectors.to_approve(actor, period).exists():
        raise PermissionDenied  # sees the quarter, approves no one in it
    waiting = selectors.waiting_approval(actor, period)
    data = request.POST.copy()
    if "all" in data:
        data.setlist("assessments", [str(pk) for pk in waiting.values_list("pk", flat=True)])
    form = forms.BatchApprovalForm(data, waiting=waiting)
    screen = reverse("approval_screen", args=[period.pk])
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(screen)
    if "confirm" not in data:
        return render(request, "assessments/approve_batch.html",
                      pages.batch_context(actor, period, form))
    chosen = list(form.cleaned_data["assessments"])
    submit(request, form, services.assessments_approve_batch,
           _("已同意 %(n)d 人的拟定等次。") % {"n": len(chosen)}, period=period)
    return redirect(screen)


@login_required
def published(request: ActorRequest, period_id: int) -> HttpResponse:
    period = selectors.period_detail(request.actor, period_id)
    return render(request, "assessments/published.html", pages.published_context(period))


@login_required
def published_xlsx(request: ActorRequest, period_id: int) -> HttpResponse:
    """The published 好 list, its corrections and the list as it stands, as .xlsx."""
    period = selectors.period_detail(request.actor, period_id)
    found = selectors.published_list(period)
    if found is None:
        raise Http404
    out = io.BytesIO()
    spreadsheets.workbook(pages.published_tables(period, found), out)
    name = _("%(organ)s-%(year)d年第%(quarter)d季度“好”等次人员名单.xlsx") % {
        "organ": period.organ.name, "year": period.year, "quarter": period.quarter}
    # Every file that leaves the system is on the audit record (MLPS 2.0 安全审计).
    audit.record("export", obj=period, object_type="assessments.published", object_repr=name)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response


@login_required
def periods(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    return render(request, "assessments/periods.html", pages.periods_context(actor))


@login_required
@require_POST
def period_open(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    form = forms.OpenPeriodForm(request.POST)
    if actor.person is None:  # accounts that are no one's run no organ's quarters
        raise PermissionDenied
    organ = actor.person.organ
    if not form.is_valid():
        messages.error(request, _("请填写年度和季度。"))
    elif attempt(request, services.period_open, organ=organ, **form.cleaned_data):
        messages.success(request, _("已开启考核季度，并为参加考核的人员建立了考核。"))
    return redirect("periods")


def _office_period(request: ActorRequest, period_id: int) -> Period:
    """A quarter the office runs: 404 outside what the user sees, 403 for anyone else."""
    period = selectors.period_detail(request.actor, period_id)
    if not access.may_run_periods(request.actor, period.organ):
        raise PermissionDenied
    return period


@login_required
def publish_confirm(request: ActorRequest, period_id: int) -> HttpResponse:
    """Publishing cannot be undone: the page says how many names will be made public."""
    period = _office_period(request, period_id)
    return render(request, "assessments/publish_confirm.html",
                  pages.publish_confirm_context(period))


@login_required
def close_confirm(request: ActorRequest, period_id: int) -> HttpResponse:
    """Closing freezes the quarter: the page says what, and what still stands in the way."""
    period = _office_period(request, period_id)
    return render(request, "assessments/close_confirm.html",
                  pages.close_confirm_context(period))


@login_required
@require_POST
def period_publish(request: ActorRequest, period_id: int) -> HttpResponse:
    period = selectors.period_detail(request.actor, period_id)
    if attempt(request, services.period_publish, period=period):
        messages.success(request, _("已在机关内公布“好”等次人员名单。"))
        return redirect("published", period_id=period.pk)
    return redirect("periods")


@login_required
@require_POST
def period_close(request: ActorRequest, period_id: int) -> HttpResponse:
    """Closes; the override reason, when given, is for the appeals still open (0014)."""
    period = selectors.period_detail(request.actor, period_id)
    form = forms.CloseOverrideForm(request.POST)
    if submit(request, form, services.period_close, _("本季度考核已结束。"), period=period):
        return redirect("periods")
    return redirect("period_close_confirm", period_id=period.pk)


@login_required
@require_POST
def leave_record(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    form = forms.LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("periods")
    data = form.cleaned_data
    person = access.get_person(actor, data.pop("person"))
    if attempt(request, services.leave_record, person=person, **data):
        messages.success(request, _("请假已登记。"))
    return redirect("periods")


# --- the liaison, follow-ups and tasks ----------------------------------------------------------

@login_required
def liaison_inbox(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    return render(request, "assessments/liaison.html",
                  {"requests": selectors.liaison_requests(actor),
                   "form": forms.LiaisonAnswerForm()})


@login_required
@require_POST
def liaison_answer(request: ActorRequest, request_id: int) -> HttpResponse:
    actor = request.actor
    asked = get_object_or_404(selectors.liaison_requests(actor), pk=request_id)
    form = forms.LiaisonAnswerForm(request.POST)
    answer = form.cleaned_data["answer"] if form.is_valid() else ""
    if attempt(request, services.liaison_answer, asked=asked, answer=answer):
        messages.success(request, _("意见已提交。"))
    return redirect("liaison_inbox")


@login_required
def follow_ups(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    return render(request, "assessments/follow_ups.html",
                  {"follow_ups": selectors.follow_ups(actor), "form": forms.FollowUpForm()})


@login_required
@require_POST
def follow_up_add(request: ActorRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if attempt(request, services.follow_up_add, assessment=assessment,
                kind=request.POST.get("kind", "")):
        messages.success(request, _("已增加措施。"))
    return redirect("follow_ups")


@login_required
@require_POST
def follow_up_done(request: ActorRequest, follow_up_id: int) -> HttpResponse:
    actor = request.actor
    item: FollowUp = get_object_or_404(selectors.follow_ups(actor), pk=follow_up_id)
    form = forms.FollowUpForm(request.POST)
    submit(request, form, services.follow_up_done, _("已登记完成。"), follow_up=item)
    return redirect("follow_ups")


@login_required
@require_POST
def task_add(request: ActorRequest, personnel_no: str) -> HttpResponse:
    actor = request.actor
    person = access.get_person(actor, personnel_no)
    form = forms.TaskForm(request.POST)
    if not access.may_assign_tasks(actor, person):
        raise PermissionDenied
    submit(request, form, task_assign, _("任务已分解给 %(name)s。") % {"name": person.name},
           person=person)
    return redirect("person_detail", personnel_no=personnel_no)

