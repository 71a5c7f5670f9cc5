"""Pages. Thin: every read goes through kaohe.org.access / selectors, every change a service."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts import policy as account_policy
from kaohe.accounts import services as account_services
from kaohe.accounts.forms import TokenForm
from kaohe.accounts.models import ApiToken
from kaohe.appeals import selectors as appeal_selectors
from kaohe.assessments import services as assessment_services
from kaohe.assessments.forms import SearchForm, TaskForm
from kaohe.assessments.models import Notification
from kaohe.errors import NotAllowed
from kaohe.org import access, selectors
from kaohe.org.http import ActorRequest
from kaohe.plans.models import Task
from kaohe.web import pages


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links to: the static file's address
    (hashed in production), looked up per request because the manifest exists only after
    collectstatic."""
    return redirect(static("kaohe/favicon.ico"), permanent=True)


@login_required
def home(request: ActorRequest) -> HttpResponse:
    return render(request, "web/home.html", pages.home_context(request.actor))


@login_required
def notification_open(request: ActorRequest, pk: int) -> HttpResponse:
    """Follow a notification to where it asks to act; it is read from then on."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    return redirect(assessment_services.notification_open(notification) or "home")


@login_required
def organ_list(request: ActorRequest) -> HttpResponse:
    return render(request, "web/organ_list.html",
                  {"organs": selectors.organs_for(request.actor, "principal")})


@login_required
def organ_detail(request: ActorRequest, code: str) -> HttpResponse:
    actor = request.actor
    organ = access.get_organ(actor, code)
    context = {
        "organ": organ,
        "sections": selectors.sections_of(actor, organ),
        "may_manage": access.may_manage_organ(actor, organ),
        **selectors.organ_bodies(organ),
    }
    return render(request, "web/organ_detail.html", context)


@login_required
def section_detail(request: ActorRequest, organ_code: str, code: str) -> HttpResponse:
    actor = request.actor
    section = access.get_section(actor, organ_code, code)
    context = {"section": section, "people": selectors.people_of_section(actor, section)}
    return render(request, "web/section_detail.html", context)


@login_required
def person_detail(request: ActorRequest, personnel_no: str) -> HttpResponse:
    actor = request.actor
    person = access.get_person(actor, personnel_no)
    context = {
        "person": person,
        "assignments": person.assignments.select_related("organ", "section"),
        "tasks": Task.objects.filter(person=person).order_by("-year", "temporary", "id"),
        "task_form": TaskForm() if access.may_assign_tasks(actor, person) else None,
        "results": appeal_selectors.results_of(actor, person),
    }
    return render(request, "web/person_detail.html", context)


@login_required
def people_search(request: ActorRequest) -> HttpResponse:
    """Find people by name or personnel number among those the user may see; typing asks
    again through htmx, which receives only the results."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = selectors.people_search(request.actor, query)[:selectors.SEARCH_RESULTS]
    context: dict[str, Any] = {"form": form, "query": query, "people": found,
               "errors": form.errors.get("q", [])}
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "web/_people_results.html" if partial else "web/people_search.html",
                  context)


@login_required
def profile(request: ActorRequest) -> HttpResponse:
    return _profile(request, TokenForm())


def _profile(request: ActorRequest, form: TokenForm, status: int = 200) -> HttpResponse:
    user = request.user
    tokens = [{"token": t, "usable": account_policy.token_usable(t),
               "expires": account_policy.token_expires(t)} for t in user.api_tokens.all()]
    context = {"tokens": tokens, "form": form, "token_days": settings.KAOHE_TOKEN_MAX_AGE_DAYS,
               "has_second_factor": account_policy.has_second_factor(user),
               "may_hold_tokens": account_policy.may_hold_tokens(user)}
    return render(request, "web/profile.html", context, status=status)


@login_required
@require_POST
def token_create(request: ActorRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _profile(request, form, status=400)
    try:
        _token, raw = account_services.token_issue(user=request.user,
                                                   name=form.cleaned_data["name"])
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    messages.success(request, _("新令牌只显示这一次，请立即复制保存：%(token)s") % {"token": raw})
    return redirect("profile")


@login_required
@require_POST
def token_revoke(request: ActorRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    account_services.token_revoke(token=token)
    messages.success(request, _("令牌“%(name)s”已撤销。") % {"name": token.name})
    return redirect("profile")


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["password_expired"] = account_policy.password_expired(self.request.user)
        return context

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        account_services.password_changed(user=self.request.user)
        messages.success(self.request, _("密码已修改。"))
        return response
