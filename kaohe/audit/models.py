"""The audit log: append-only events, chained by hash (RULES.md §十, MLPS 2.0 安全审计).

Each event stores the hash of the one before it, and its own hash covers every field, so
that changing or deleting a row directly in the database breaks the chain where it happened
(`kaohe audit verify`). The chain's end is kept in `ChainHead`, so that deleting the newest
events is noticed too. Each row names the keyed hash it was written with (HMAC-SM3 with 国密
on, HMAC-SHA256 before), so that a chain that spans the switch verifies whole.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.lib.encryption import EncryptedJSONField


class AuditEvent(models.Model):
    seq = models.BigIntegerField(_("序号"), primary_key=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    user_id = models.BigIntegerField(_("账号编号"), null=True, blank=True, db_index=True)
    username = models.CharField(_("账号"), max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    old = EncryptedJSONField(_("原值"), default=dict, blank=True)
    new = EncryptedJSONField(_("新值"), default=dict, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    algorithm = models.CharField(_("哈希算法"), max_length=8, default="sha256")

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("audit events are never changed")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are deleted only by retention (kaohe audit prune)")


class ChainHead(models.Model):
    """One row, installed with the database: the newest event, and the anchor left by
    retention where verifying starts (with the anchor event's time). Keyed with the audit key
    (`mac`), so that whoever deletes the newest events cannot move the head back to match. A
    head that had to be written again because the row was gone says when (`restarted_at`)."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default="")
    anchor_at = models.DateTimeField(null=True, blank=True)
    restarted_at = models.DateTimeField(null=True, blank=True)
    mac = models.CharField(max_length=64, default="")
    algorithm = models.CharField(max_length=8, default="sha256")

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.last_seq}"
