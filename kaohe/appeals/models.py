"""Appeals (申诉, §十(二)): a person who disagrees with their quarterly result appeals in writing
within 5 working days of the feedback; the office gathers opinions and decides."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.assessments.models import Assessment
from kaohe.lib.encryption import EncryptedTextField
from kaohe.org import scopes
from kaohe.org.querysets import RestrictedQuerySet, Scope
from kaohe.plans.models import Grade

TEXT_LIMIT = 4000


class AppealState(models.TextChoices):
    PENDING = "pending", _("待处理")
    KEPT = "kept", _("维持原等次")
    CHANGED = "changed", _("变更等次")


class Channel(models.TextChoices):
    ONLINE = "online", _("本人在线提出")
    PAPER = "paper", _("书面申诉，办公室登记")


class AppealQuerySet(RestrictedQuerySet["Appeal"]):
    def _scopes(self) -> Mapping[str, Scope]:
        return {
            "view": scopes.appeal_scope,
            # Gather opinions on it and decide it.
            "handle": partial(scopes.appeals_handled, via="assessment__"),
        }


class Appeal(models.Model):
    """One appeal per assessment (§十(二)); the filing date is what the deadline is checked
    against: the day it was filed online, or the day the office received the paper."""

    # One-to-one: the database itself refuses a second appeal, whatever races past the service.
    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT,
                                      related_name="appeal", verbose_name=_("平时考核"))
    channel = models.CharField(_("提出方式"), max_length=8, choices=Channel.choices)
    text = EncryptedTextField(_("申诉理由"))
    filed_on = models.DateField(_("提出日期"))
    deadline = models.DateField(_("申诉期限"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("提交人"))
    filed_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    state = models.CharField(_("处理结果"), max_length=8, choices=AppealState.choices,
                             default=AppealState.PENDING)
    previous_grade = models.CharField(_("原等次"), max_length=4, choices=Grade.choices,
                                      blank=True)
    new_grade = models.CharField(_("变更后等次"), max_length=4, choices=Grade.choices,
                                 blank=True)
    reason = models.TextField(_("处理理由"), blank=True)
    by_committee = models.BooleanField(_("经考核委员会研究"), default=False)
    decided_on = models.DateField(_("处理日期"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True,
                                   verbose_name=_("处理人"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        ordering = ["-filed_at"]
        indexes = [models.Index(fields=["state", "filed_at"])]

    def __str__(self) -> str:
        return f"{self.assessment} {self.get_state_display()}"

    @property
    def pending(self) -> bool:
        return self.state == AppealState.PENDING


class Opinion(models.Model):
    """An opinion the office gathered while handling the appeal (from the supervising leader,
    the committee, …), recorded with who gave it."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="opinions")
    given_by = models.CharField(_("提出意见的人或组织"), max_length=100)
    text = EncryptedTextField(_("意见"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申诉处理意见")
        verbose_name_plural = _("申诉处理意见")
        ordering = ["appeal", "recorded_at", "id"]

    def __str__(self) -> str:
        # Not the text: the name of a row is written to the audit log as it is, and the text
        # is encrypted at rest (decision 0026).
        return f"{self.given_by}: {self.appeal_id}"
