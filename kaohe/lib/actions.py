"""How a page runs a service: a refusal becomes a message the person can act on (with its
rule), a change they may not make a 403, and nothing is left half-done."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from kaohe.errors import NotAllowed, Refused
from kaohe.workdays.calendar import CalendarNotCovered

if TYPE_CHECKING:
    from kaohe.accounts.models import User


def attempt(request: HttpRequest, change: Callable[..., Any], **kwargs: Any) -> bool:
    """Run a service as the signed-in user; True when it went through."""
    try:
        change(by=cast("User", request.user), **kwargs)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    except Refused as refusal:
        rule = f"（{refusal.rule}）" if refusal.rule else ""
        messages.error(request, f"{refusal.message}{rule}")
        return False
    except CalendarNotCovered as missing:
        messages.error(request, str(missing))
        return False
    return True


def attempt_on(form: forms.Form, request: HttpRequest, change: Callable[..., Any],
               **kwargs: Any) -> bool:
    """Run a service for a form that will be shown again if it is refused: the refusal (with
    its rule) becomes the form's own error, next to the inputs it keeps as typed; a refusal
    coded "<field>_required" goes next to that field."""
    try:
        change(by=cast("User", request.user), **kwargs)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    except Refused as refusal:
        rule = f"（{refusal.rule}）" if refusal.rule else ""
        field = refusal.code.removesuffix("_required")
        placed = refusal.code.endswith("_required") and field in form.fields
        form.add_error(field if placed else None, f"{refusal.message}{rule}")
        return False
    except CalendarNotCovered as missing:
        form.add_error(None, str(missing))
        return False
    return True


def submit(request: HttpRequest, form: forms.Form, change: Callable[..., Any], done: str,
           **kwargs: Any) -> bool:
    """Run a service with a bound form's values: the form's errors or the service's refusal
    become a message, and `done` is said when the change went through."""
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return False
    if attempt(request, change, **kwargs, **form.cleaned_data):
        messages.success(request, done)
        return True
    return False


def form_errors(form: forms.Form) -> str:
    """All errors of a form on one line, each after its field's label."""
    def label(name: str) -> str:
        return f"{form[name].label} " if name in form.fields else ""
    return "；".join(f"{label(name)}{error}"
                    for name, errors in form.errors.items() for error in errors)
