"""The pages of service recipients' opinions (§七(三)). The public's form at /r/<token>/, reached
without an account from a QR code, rate limited per address; and the office's tab of the
organ's reports: the links with their counts, a new link, stopping one, and its printable card
with the QR code. Thin: the rules are in kaohe/recipients/rules.py, the changes in services."""

from __future__ import annotations

import logging

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.errors import Refused
from kaohe.lib.actions import attempt, attempt_on
from kaohe.org import access
from kaohe.org.http import ActorRequest
from kaohe.org.models import Organ
from kaohe.recipients import rules, selectors, services, throttle
from kaohe.recipients.forms import LinkForm, OpinionForm
from kaohe.reports import selectors as report_selectors

# Rate limits reached are security events, as the API's (decision 0007).
security_log = logging.getLogger("kaohe.security")
CLOSED = {rules.INACTIVE, rules.EXPIRED, rules.QUOTA_REACHED}


# --- the public's pages --------------------------------------------------------------------

def _notice(request: HttpRequest, title: str, text: str, status: int) -> HttpResponse:
    return render(request, "recipients/notice.html", {"title": title, "text": text},
                  status=status)


def _closed(request: HttpRequest, reason: str) -> HttpResponse:
    return _notice(request, _("感谢您的关注"), rules.closed_message(reason), 410)


def _too_many(request: HttpRequest, seconds: int) -> HttpResponse:
    security_log.warning("recipients rate limit reached from %s", request.META.get("REMOTE_ADDR"))
    minutes = max(1, -(-seconds // 60))
    response = _notice(request, _("提交过于频繁"), _(
        "同一网络提交的意见过多，请 %(minutes)d 分钟后再试。") % {"minutes": minutes}, 429)
    response["Retry-After"] = str(seconds)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def opinion(request: HttpRequest, token: str) -> HttpResponse:
    """No account: the person's name and the organ and window are all the page shows."""
    link = selectors.link_by_token(token)
    if reason := selectors.closed(link):
        return _closed(request, reason)
    form = OpinionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if seconds := throttle.wait(request, link.pk):
            return _too_many(request, seconds)
        if form.is_valid():
            try:
                services.recipient_opinion_leave(link=link, rating=form.cleaned_data["rating"],
                                                 comment=form.cleaned_data["comment"])
            except Refused as refusal:
                if refusal.code in CLOSED:  # the last place taken since the form was shown
                    return _closed(request, refusal.code)
                form.add_error("comment", refusal.message)
            else:
                return redirect("recipient_thanks", token)
    return render(request, "recipients/opinion.html", {"link": link, "form": form},
                  status=422 if form.errors else 200)


@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    selectors.link_by_token(token)
    return _notice(request, _("提交成功"), _("感谢您的评价！您的意见将作为对工作人员考核的参考。"),
                   200)


# --- the office's tab --------------------------------------------------------------------

def _organ(request: ActorRequest, code: str) -> Organ:
    """404 outside the actor's reports, 403 for who sees the organ but not its links."""
    organ, _scope = report_selectors.organ_and_scope(request.actor, code)
    if not access.may_see_recipient_links(request.actor, organ):
        raise PermissionDenied
    return organ


@login_required
def links(request: ActorRequest, code: str) -> HttpResponse:
    organ = _organ(request, code)
    may_manage = access.may_manage_recipient_links(request.actor, organ)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    form = LinkForm(request.POST if request.method == "POST" else None, organ=organ)
    if form.is_bound and form.is_valid() and attempt_on(
            form, request, services.recipient_link_create, organ=organ, **form.cleaned_data):
        messages.success(request, _("已创建链接，可打印二维码卡片交给本人使用。"))
        return redirect(request.path)
    return render(request, "recipients/links.html", {
        "organ": organ, "tab": "recipients", "form": form, "may_manage": may_manage,
        "links": selectors.links_of(organ),
    }, status=422 if form.errors else 200)


@login_required
def card(request: ActorRequest, code: str, link_id: int) -> HttpResponse:
    """The printable card: who, where, the QR code and the address under it."""
    link = selectors.link_of(_organ(request, code), link_id)
    url = selectors.public_url(link, request)
    return render(request, "recipients/card.html", {
        "organ": link.organ, "link": link, "url": url,
        "qr": segno.make(url, error="m").svg_inline(scale=4, omitsize=True)})


@login_required
@require_POST
def deactivate(request: ActorRequest, code: str, link_id: int) -> HttpResponse:
    link = selectors.link_of(_organ(request, code), link_id)
    if attempt(request, services.recipient_link_deactivate, link=link):
        messages.success(request, _("已停用链接，扫描二维码将提示不再收集意见。"))
    return redirect("recipient_links", code)
