"""Sign-in pages beyond the password (the second factor) and the security administrator's
page (三员分立). Thin: rules are in services and policy."""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

import segno
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaohe.accounts import policy, services
from kaohe.accounts.forms import AccountForm, OtpTokenForm, PolicyForm, UnlockForm
from kaohe.accounts.models import SecondFactorPolicy, TechnicalRole, User
from kaohe.errors import Refused
from kaohe.org import access
from kaohe.org.http import ActorRequest
from kaohe.org.models import Organ

View = Callable[..., HttpResponse]


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


# --- the second factor -----------------------------------------------------------------------

@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The step after the password for an account with a second factor."""
    user = cast(User, request.user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("otp_enrol")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # verify_token throttles: after each failure the next try must wait longer.
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("动态口令不正确或已过期，请输入验证器当前显示的 6 位数字；"
                                  "多次输错后须稍候再试。"))
    status = 400 if form.errors else 200
    return render(request, "accounts/otp_verify.html",
                  {"form": form, "next": _next_url(request)}, status=status)


@login_required
def otp_enrol(request: ActorRequest) -> HttpResponse:
    """Sets up the authenticator app: the key as a QR code (SVG drawn here) and as text, then
    a code from the app confirms it. An account that already has a second factor must pass it
    first: otherwise the password alone could replace it."""
    user = request.user
    if policy.has_second_factor(user) and not user.is_verified():  # type: ignore[attr-defined]
        return redirect("otp_verify")
    device = services.totp_enrolment_start(user=user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_enrolment_confirm(user=user, device=device,
                                            token=form.cleaned_data["token"])
        except Refused as exc:
            form.add_error("token", exc.message)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            messages.success(request, _("动态口令已启用，今后登录时须输入。"))
            return redirect("profile")
    key = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=True),
        "key": " ".join(key[i:i + 4] for i in range(0, len(key), 4)),
        "required": access.second_factor_required(request.actor),
        "replacing": policy.has_second_factor(user),
    }
    return render(request, "accounts/otp_enrol.html", context,
                  status=400 if form.errors else 200)


# --- the security administrator's page -------------------------------------------------------

def security_admin_only(view: View) -> View:
    """Anyone else gets 404: the page is not theirs to know of (三员分立)."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if cast(User, request.user).technical_role != TechnicalRole.SECURITY:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _locked_attempts() -> list[dict[str, Any]]:
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return [
        {"attempt": a, "retry_at": a.attempt_time + cool_off if cool_off else None}
        for a in attempts.order_by("-attempt_time")[:200]
    ]


@security_admin_only
def security_overview(request: HttpRequest) -> HttpResponse:
    cool_off = get_cool_off()
    policies = dict(SecondFactorPolicy.objects.values_list("organ_id", "required"))
    organs = [{"organ": organ, "required": policies.get(organ.id, False)}
              for organ in Organ.objects.order_by("code").only("id", "code", "name")]
    context = {
        "locked": _locked_attempts(),
        "organs": organs,
        "unlock_form": UnlockForm(),
        "technical_2fa": settings.KAOHE_2FA_TECHNICAL_ADMINS,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "accounts/security.html", context)


def _account(request: HttpRequest) -> User | None:
    form = AccountForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写账号。"))
        return None
    user = User.objects.filter(username=form.cleaned_data["username"]).first()
    if user is None:
        messages.error(request, _("没有账号“%(username)s”。")
                       % {"username": form.cleaned_data["username"]})
    return user


def _done(request: HttpRequest, action: Callable[[], str]) -> HttpResponse:
    try:
        messages.success(request, action())
    except Refused as exc:
        messages.error(request, exc.message)
    return redirect("security_overview")


@security_admin_only
@require_POST
def security_unlock(request: HttpRequest) -> HttpResponse:
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("地址格式不正确。"))
        return redirect("security_overview")
    by = cast(User, request.user)

    def unlock() -> str:
        count = services.account_unlock(by=by, **form.cleaned_data)
        return _("已解除锁定（清除 %(count)d 条失败记录）。") % {"count": count}

    return _done(request, unlock)


@security_admin_only
@require_POST
def security_force_password(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    if user is None:
        return redirect("security_overview")

    def force() -> str:
        services.password_change_force(by=cast(User, request.user), user=user)
        return _("账号“%(username)s”下次操作时须修改密码。") % {"username": user.username}

    return _done(request, force)


@security_admin_only
@require_POST
def security_reset_second_factor(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    if user is None:
        return redirect("security_overview")

    def reset() -> str:
        services.second_factor_reset(by=cast(User, request.user), user=user)
        return _("账号“%(username)s”的动态口令已重置。") % {"username": user.username}

    return _done(request, reset)


@security_admin_only
@require_POST
def security_policy(request: HttpRequest) -> HttpResponse:
    form = PolicyForm(request.POST)
    if not form.is_valid():
        raise Http404
    organ = get_object_or_404(Organ, code=form.cleaned_data["organ"])
    required = form.cleaned_data["required"]

    def set_policy() -> str:
        services.second_factor_policy_set(by=cast(User, request.user), organ=organ,
                                          required=required)
        if required:
            return _("%(organ)s：办公室和领导今后须使用动态口令登录。") % {"organ": organ.name}
        return _("%(organ)s：不再要求办公室和领导使用动态口令。") % {"organ": organ.name}

    return _done(request, set_policy)
