"""The bonus split (§九(二)): each organ's coefficients by grade for a year, and each recording
of a quarter's split with every person's share, kept when recorded again (the history)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.bonus import rules
from kaohe.org.models import Organ, Person, Section
from kaohe.plans.models import Grade, Period

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def _coefficient(label: _StrPromise, default: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=4, decimal_places=2, default=Decimal(default))


class BonusTable(models.Model):
    """An organ's coefficients for a year: 好 above 较好 (§九(二)); "not determined" (§十(三))
    is the organ's choice."""

    organ = models.ForeignKey(Organ, on_delete=models.CASCADE, related_name="bonus_tables")
    year = models.PositiveIntegerField(_("年度"))
    good = _coefficient(_("“好”系数"), "1.20")
    fairly_good = _coefficient(_("“较好”系数"), "1.00")
    average = _coefficient(_("“一般”系数"), "0.80")
    poor = _coefficient(_("“较差”系数"), "0.00")
    undetermined = _coefficient(_("不确定等次系数"), "1.00")
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("奖金系数表")
        constraints = [models.UniqueConstraint(fields=["organ", "year"], name="one_bonus_table")]

    def __str__(self) -> str:
        return f"{self.organ} {self.year}"

    def by_grade(self) -> dict[str, Decimal]:
        return {Grade.GOOD: self.good, Grade.FAIRLY_GOOD: self.fairly_good,
                Grade.AVERAGE: self.average, Grade.POOR: self.poor,
                rules.UNDETERMINED: self.undetermined}


class SplitMode(models.TextChoices):
    POOL = rules.POOL, _("按奖金总额分配")
    BASE = rules.BASE, _("按奖金基数计发")


class BonusSplit(models.Model):
    """One recording of a quarter's split. The latest is the one in force; earlier ones stay,
    with who recorded them and why they were recorded again."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="bonus_splits")
    mode = models.CharField(_("方式"), max_length=4, choices=SplitMode.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    table = models.JSONField(_("系数"))  # the coefficients used, as text by grade
    total = models.DecimalField(_("合计（元）"), max_digits=14, decimal_places=2)
    remainder = models.DecimalField(_("取整余额（元）"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("重新确定的理由"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("奖金分配")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.period} {self.get_mode_display()} {self.amount}"


class BonusShare(models.Model):
    split = models.ForeignKey(BonusSplit, on_delete=models.CASCADE, related_name="shares")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("等次"), max_length=4, choices=Grade.choices, blank=True)
    coefficient = models.DecimalField(_("系数"), max_digits=4, decimal_places=2)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["split", "person"],
                                               name="one_share_a_person")]

    def __str__(self) -> str:
        return f"{self.split} {self.person_id} {self.amount}"
