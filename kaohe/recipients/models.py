"""Service recipients' opinions (§七(三)): the links the office gives front-line people, and the
opinions the public leaves through them. An opinion keeps its day only, no time and no address,
and no account: the public stays anonymous (decision 0030)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaohe.lib.encryption import EncryptedTextField
from kaohe.org.models import Organ, Person
from kaohe.recipients import rules


def new_token() -> str:
    """128 random bits in 22 URL-safe characters: a link cannot be guessed from another."""
    return secrets.token_urlsafe(16)


class RecipientLink(models.Model):
    """A front-line person's link (and printed QR code), often one per service window."""

    organ = models.ForeignKey(Organ, on_delete=models.CASCADE, related_name="recipient_links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="recipient_links",
                               verbose_name=_("人员"))
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    label = models.CharField(_("服务窗口或事项"), max_length=rules.LABEL_MAX, blank=True)
    valid_until = models.DateField(_("有效期至"))
    quota = models.PositiveIntegerField(_("意见数上限"), default=rules.DEFAULT_QUOTA)
    active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("服务对象意见链接")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.label}".strip()


class RecipientOpinion(models.Model):
    link = models.ForeignKey(RecipientLink, on_delete=models.PROTECT, related_name="opinions")
    rating = models.PositiveSmallIntegerField(_("评分"))
    comment = EncryptedTextField(_("意见"), blank=True)
    day = models.DateField(_("日期"))  # the day only: no time, which with a log could identify

    class Meta:
        verbose_name = _("服务对象意见")
        indexes = [models.Index(fields=["link", "day"])]
        constraints = [models.CheckConstraint(
            condition=Q(rating__gte=min(rules.RATINGS), rating__lte=max(rules.RATINGS)),
            name="rating_one_to_five")]

    def __str__(self) -> str:
        return f"{self.link_id} {self.day} {self.rating}"
