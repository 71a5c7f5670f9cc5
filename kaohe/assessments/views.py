"""Pages of the quarterly assessment. Thin: reads through selectors (404 outside the user's
scope), every change through one service; a refusal is shown with its rule, nothing half-done."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kaohe import limits, spreadsheets
from kaohe.assessments import forms, pages, selectors, services
from kaohe.assessments.models import Assessment, FollowUp
from kaohe.audit import chain as audit
from kaohe.lib.actions import attempt, attempt_on, form_errors, submit
from kaohe.org import access
from kaohe.org.http import ActorRequest
from kaohe.org.models import Person
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


def _screen(request: ActorRequest, assessment: Assessment) -> str:
    """The quarter screen the form was posted from ("review_screen", "approval_screen"), or
    "" for the assessment's own page."""
    try:
        match = resolve(urlsplit(request.POST.get("next", "")).path or "/")
    except Resolver404:
        return ""
    same_quarter = match.kwargs.get("period_id") == assessment.period_id
    return (match.url_name or "") if same_quarter else ""


REFUSED = 422  # a refused or invalid form: the page again, every input as typed
# The action (kaohe.assessments.rules.available) under which a page shows each form.
ACTION_OF_FORM = {"summary_form": "summary", "proposal_form": "propose",
                  "question_form": "liaison", "reason_form": "return",
                  "approval_form": "approve", "send_back_form": "send_back",
                  "feedback_form": "feedback", "acknowledge_form": "acknowledge"}


def _again(request: ActorRequest, assessment: Assessment, name: str,
           form: Any) -> HttpResponse:
    """The page the form came from, with this form as typed and its errors next to it;
    the other rows and forms of the page as they are."""
    actor, screen = request.actor, _screen(request, assessment)
    if ACTION_OF_FORM[name] not in pages.actions_for(actor, assessment):
        # Refused because the moment passed (another's change, the quarter closed): the page
        # will not show the form, so the refusal is said above it.
        for error in form.non_field_errors():
            messages.error(request, error)
    if screen in ("review_screen", "approval_screen"):
        period = selectors.period_detail(actor, assessment.period_id)
        build = pages.review_context if screen == "review_screen" else pages.approval_context
        return render(request, f"assessments/{screen.removesuffix('_screen')}.html",
                      build(actor, period, pages.Kept(assessment.pk, form)), status=REFUSED)
    return render(request, "assessments/detail.html",
                  pages.detail_context(actor, assessment, **{name: form}), status=REFUSED)


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
    if not (form.is_valid() and attempt_on(form, request, services.summary_save,
                                           assessment=assessment,
                                           text=form.cleaned_data["text"])):
        return _again(request, assessment, "summary_form", form)
    if "submit" in request.POST:
        if attempt(request, services.summary_submit, assessment=assessment):
            messages.success(request, _("个人小结已提交主管领导。"))
    else:
        messages.success(request, _("草稿已保存。"))
    return redirect("assessment_detail", pk=pk)


def _form_action(bind: Callable[[ActorRequest, Assessment], Any], name: str,
                 change: Callable[..., Any], done: Any) -> Callable[..., HttpResponse]:
    """A POST on one assessment: bind the form, run the service; done, back to the page it
    came from; refused or invalid, that page again with the form as typed (nothing saved)."""
    @login_required
    @require_POST
    def view(request: ActorRequest, pk: int) -> HttpResponse:
        assessment = _assessment(request, pk)
        form = bind(request, assessment)
        if form.is_valid() and attempt_on(form, request, change, assessment=assessment,
                                          **form.cleaned_data):
            messages.success(request, f"{assessment.person.name}：{done}")
            return _back(request, reverse("assessment_detail", args=[pk]))
        return _again(request, assessment, name, form)
    return view


def _plain(form_class: type[Any], **options: Any) -> Callable[[ActorRequest, Assessment], Any]:
    return lambda request, _assessment: form_class(request.POST, **options)


def _approval(request: ActorRequest, assessment: Assessment) -> Any:
    # The approval screen's rows carry a prefix each; the assessment's page has one form.
    on_screen = _screen(request, assessment) == "approval_screen"
    return pages.approval_form(request.actor, assessment, request.POST,
                               prefix=f"a{assessment.pk}" if on_screen else None)


def _feedback(request: ActorRequest, assessment: Assessment) -> Any:
    return pages.feedback_form(assessment, request.POST)


summary_return = _form_action(_plain(forms.ReasonForm), "reason_form", services.summary_return,
                              _lazy("已退回本人修改。"))
send_back = _form_action(_plain(forms.ReasonForm, auto_id="send-back-%s"), "send_back_form",
                         services.assessment_send_back, _lazy("已退回主管领导重新评鉴。"))
approve = _form_action(_approval, "approval_form", services.assessment_approve,
                       _lazy("等次已审定。"))
feedback = _form_action(_feedback, "feedback_form", services.feedback_give,
                        _lazy("反馈已记录。"))
acknowledge = _form_action(_plain(forms.AcknowledgeForm), "acknowledge_form",
                           services.result_acknowledge, _lazy("已确认考核结果。"))
liaison_ask = _form_action(_plain(forms.QuestionForm, auto_id="%s"), "question_form",
                           services.liaison_ask,
                           _lazy("已征求纪检联络员意见。"))


@login_required
@require_POST
def propose(request: ActorRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    form = pages.proposal_form(assessment, pages.indicators(assessment), request.POST)
    if not (form.is_valid() and attempt_on(form, request, services.assessment_propose,
                                           assessment=assessment,
                                           proposal=pages.proposal_of(form))):
        return _again(request, assessment, "proposal_form", form)
    messages.success(request, _("%(name)s：已提出等次建议。") % {"name": assessment.person.name})
    return _back(request, reverse("assessment_detail", args=[pk]))


@login_required
def proposal_preview(request: ActorRequest, pk: int) -> HttpResponse:
    """The composite score, suggested grade and reason field of a proposal as it is typed
    (htmx). Only for whoever may review this assessment: anyone else gets 404, as nothing of
    a grade in the making is theirs to see."""
    assessment = _assessment(request, pk)
    if not selectors.may_act(request.actor, "review", assessment):
        raise Http404
    form = pages.proposal_form(assessment, pages.indicators(assessment), request.GET)
    return render(request, "assessments/_preview.html",
                  {"a": assessment, "form": pages.with_preview(
                      assessment, form, assessment.period.plan, pages.ballot_score(assessment)),
                   "oob": True})


# --- screens over a quarter -----------------------------------------------------------------------

@login_required
def review_screen(request: ActorRequest, period_id: int) -> HttpResponse:
    """A reviewer's section (or overseen chiefs) with the 好 counter: one screen for a section
    of normal size, a page at a time for a large one."""
    actor = request.actor
    period = selectors.period_detail(actor, period_id)
    return render(request, "assessments/review.html",
                  pages.review_context(actor, period, page=request.GET.get("page")))


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


# --- leave of a quarter (§十(三)) -----------------------------------------------------------------

@login_required
def leave_page(request: ActorRequest, period_id: int) -> HttpResponse:
    period = _office_period(request, period_id)
    return render(request, "assessments/leave.html", pages.leave_context(request.actor, period))


@login_required
def leave_people(request: ActorRequest, period_id: int) -> HttpResponse:
    """Search-as-you-type for the leave form (htmx): the people to pick from."""
    period = _office_period(request, period_id)
    form = forms.SearchForm({"q": request.GET.get("query", "")})  # the leave form's field
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return render(request, "assessments/_leave_people.html", {
        "query": query, "people": selectors.leave_candidates(request.actor, period, query)})


@login_required
@require_POST
def leave_record(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not actor.office_organ_ids:  # before reading anything: only an office records leave
        raise PermissionDenied
    form = forms.LeaveForm(request.POST)
    period_id = form.data.get("period", "")
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _leave_back(period_id)
    data = form.cleaned_data
    period = _office_period(request, data["period"])
    person = _person_named(request, period, data["person"] or data["query"])
    if person and attempt_on(form, request, services.leave_record, person=person,
                             kind=data["kind"], start=data["start"], end=data["end"],
                             reason=data["reason"]):
        messages.success(request, _("%(name)s：请假已登记。") % {"name": person.name})
        return redirect("leave_page", period_id=period.pk)
    # Refused or nobody found: the page again, with what the office typed.
    return render(request, "assessments/leave.html",
                  pages.leave_context(request.actor, period, form))


def _leave_back(period_id: str) -> HttpResponseRedirect:
    return (redirect("leave_page", period_id=int(period_id)) if period_id.isdigit()
            and int(period_id) <= limits.ID_MAX else redirect("periods"))


def _person_named(request: ActorRequest, period: Period, text: str) -> Person | None:
    """The one person `text` names (a personnel number or an exact name); otherwise a message
    saying why none was taken, never a 404."""
    found = selectors.leave_person_matches(request.actor, period, text)
    if len(found) == 1:
        return found[0]
    if found:
        messages.error(request, _("有 %(count)d 人名为“%(name)s”，请在搜索结果中按人员编号选择。")
                       % {"count": len(found), "name": text})
    else:
        messages.error(request, _("未找到姓名或人员编号为“%(text)s”的人员：请输入姓名或编号，"
                                  "并从搜索结果中选择。") % {"text": text})
    return None


@login_required
@require_POST
def leave_correct(request: ActorRequest, leave_id: int) -> HttpResponse:
    return _leave_change(request, leave_id, forms.LeaveCorrectionForm, services.leave_correct,
                         _("%(name)s：请假记录已更正。"))


@login_required
@require_POST
def leave_delete(request: ActorRequest, leave_id: int) -> HttpResponse:
    return _leave_change(request, leave_id, forms.ReasonForm, services.leave_delete,
                         _("%(name)s：请假记录已删除。"))


def _leave_change(request: ActorRequest, leave_id: int, form_class: type[django_forms.Form],
                  change: Callable[..., Any], done: str) -> HttpResponse:
    leave = selectors.leave_detail(request.actor, leave_id)
    submit(request, form_class(request.POST), change, done % {"name": leave.person.name},
           leave=leave)
    return _back(request, reverse("periods"))


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

