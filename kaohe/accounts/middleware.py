from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Pages an account with an initial password can still reach: the change itself and leaving.
ALLOWED_WITH_INITIAL_PASSWORD = ("password_change", "logout", "set_language")


class ForcePasswordChangeMiddleware:
    """An account created with an initial password must choose its own before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in ALLOWED_WITH_INITIAL_PASSWORD}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("password_change")
        return self.get_response(request)
