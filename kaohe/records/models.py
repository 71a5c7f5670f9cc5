"""The record book (记实手册, §七(二)): what a person did, day by day, through the quarter."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.org.models import Person


class EntryKind(models.TextChoices):
    TASK = "task", _("工作任务")
    MEETING = "meeting", _("工作例会")
    PARTY = "party", _("三会一课")
    TALK = "talk", _("谈心谈话")
    URGENT = "urgent", _("急难险重任务")
    OTHER = "other", _("其他")


class Entry(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="record_entries")
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=16, choices=EntryKind.choices,
                            default=EntryKind.TASK)
    text = models.TextField(_("内容"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("记实")
        verbose_name_plural = _("记实")
        ordering = ["person", "day", "id"]
        indexes = [models.Index(fields=["person", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()}"
