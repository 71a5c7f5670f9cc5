"""The audit log page: read-only, for the audit administrator; 404 for everyone else."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.audit import chain, selectors
from kaohe.audit.forms import EventSearchForm
from kaohe.lib.paging import page_of
from kaohe.org import access
from kaohe.org.http import ActorRequest

PAGE_SIZE = 50


def _auditor_only(request: ActorRequest) -> None:
    if not access.may_read_audit(request.actor):
        raise Http404


@login_required
def events(request: ActorRequest) -> HttpResponse:
    _auditor_only(request)
    form = EventSearchForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    # The auditor's own reading is on the record too.
    chain.record("audit.search", new={k: v for k, v in criteria.items() if v})
    return render(request, "audit/events.html", {
        "form": form, "page": page_of(request, selectors.search(criteria), PAGE_SIZE)})


@login_required
@require_POST
def verify(request: ActorRequest) -> HttpResponse:
    _auditor_only(request)
    broken = chain.verify()
    if broken is None:
        messages.success(request, _("审计链完整：所有事件均未被篡改。"))
    else:
        messages.error(request, _("审计链在第 %(seq)s 号事件处断开。") % {"seq": broken.seq})
    return redirect("audit_events")
