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


def _refusal(request: HttpRequest, change: Callable[..., Any], kwargs: dict[str, Any]
             ) -> tuple[str, str] | None:
    """Run a service as the signed-in user: None when it went through, else the refusal's
    text (with its rule) and code. A change the user may not make is a 403."""
    try:
        change(by=cast("User", request.user), **kwargs)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    except Refused as refusal:
        # A message that already cites its clause is not followed by it a second time.
        rule = f"（{refusal.rule}）" if refusal.rule and refusal.rule not in refusal.message else ""
        return f"{refusal.message}{rule}", refusal.code
    except CalendarNotCovered as missing:
        return str(missing), ""
    return None


def attempt(request: HttpRequest, change: Callable[..., Any], **kwargs: Any) -> bool:
    """Run a service as the signed-in user; True when it went through, else its refusal is
    said in a message."""
    refused = _refusal(request, change, kwargs)
    if refused:
        messages.error(request, refused[0])
    return refused is None


def attempt_on(form: forms.BaseForm, request: HttpRequest, change: Callable[..., Any],
               **kwargs: Any) -> bool:
    """Run a service for a form that will be shown again if it is refused: the refusal (with
    its rule) becomes the form's own error, next to the inputs it keeps as typed; a refusal
    coded "<field>_required" goes next to that field."""
    refused = _refusal(request, change, kwargs)
    if refused:
        text, code = refused
        field = code.removesuffix("_required")
        placed = code.endswith("_required") and field in form.fields
        form.add_error(field if placed else None, text)
    return refused is None


def submit(request: HttpRequest, form: forms.BaseForm, change: Callable[..., Any], done: str,
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


def form_errors(form: forms.BaseForm) -> str:
    """All errors of a form on one line, each after its field's label."""
    def label(name: str) -> str:
        return f"{form[name].label} " if name in form.fields else ""
    return "；".join(f"{label(name)}{error}"
                    for name, errors in form.errors.items() for error in errors)
