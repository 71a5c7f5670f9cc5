"""The in-app notifications: each one points to the page where what it asks for is done, and
is retired once that is done, so the home page never asks for what is already settled."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from kaohe.accounts.models import User
from kaohe.assessments.models import Notification, notice_text


def notify(user: User, kind: str, values: Mapping[str, object], *, url: str = "",
           topic: str = "") -> Notification:
    """Tell `user` in the app the notice `kind` with its `values` (each reader reads it in
    their language); `url` is where to act (a path of this site), `topic` what it is about,
    for `notifications_retire`. Its `text` is in the source language, for e-mail."""
    if url and not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        url = ""  # only this site's own pages: a notification never sends anyone away
    with translation.override(settings.LANGUAGE_CODE):
        text = notice_text(kind, values)
    return Notification.objects.create(user=user, kind=kind, values=dict(values),
                                       text=text[:300], url=url[:200], topic=topic[:60])


def notifications_retire(topic: str) -> int:
    """What `topic` asked for is done (an appeal decided): its notifications no longer ask
    anyone to act. Runs in the caller's transaction."""
    return Notification.objects.filter(topic=topic, read=False).update(read=True)


@transaction.atomic
def notification_open(notification: Notification) -> str:
    """Its user follows the notification: it is read; where to go next ("" if nowhere)."""
    Notification.objects.filter(pk=notification.pk, read=False).update(read=True)
    return notification.url
