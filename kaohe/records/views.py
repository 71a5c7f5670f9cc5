"""The record book page: a person's own entries, added and corrected while the quarter is open."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.errors import Refused
from kaohe.org.http import ActorRequest
from kaohe.records import services
from kaohe.records.forms import EntryForm
from kaohe.records.models import Entry


@login_required
def record_book(request: ActorRequest) -> HttpResponse:
    person = request.actor.person
    if person is None:
        raise PermissionDenied
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_add(person=person, by=request.user, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, f"{refusal.message}（{refusal.rule}）")
        else:
            messages.success(request, _("已记入记实手册。"))
            return redirect("record_book")
    entries = Entry.objects.filter(person=person).order_by("-day", "-id")[:200]
    status = 400 if request.method == "POST" else 200
    return render(request, "records/book.html", {"form": form, "entries": entries},
                  status=status)


@login_required
@require_POST
def entry_delete(request: ActorRequest, pk: int) -> HttpResponse:
    person = request.actor.person
    entry = get_object_or_404(Entry, pk=pk, person=person)  # only one's own: 404 otherwise
    try:
        services.entry_delete(entry=entry, by=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("已删除。"))
    return redirect("record_book")
