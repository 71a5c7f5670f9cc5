"""The split of a quarter's 好 places among the organ's sections (§八(一), RULES.md decision:
front-line staff weigh more). Everything else in this app is read from the assessments."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.org.models import Section
from kaohe.plans.models import Period


class SectionQuota(models.Model):
    """The 好 places one section may propose in one quarter, as the office saved them."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="section_quotas",
                               verbose_name=_("考核季度"))
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="quotas",
                                verbose_name=_("科室"))
    headcount = models.PositiveIntegerField(_("参加考核人数"))
    frontline_headcount = models.PositiveIntegerField(_("基层一线人数"))
    frontline_weight = models.DecimalField(
        _("基层一线加权"), max_digits=4, decimal_places=2, default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(5))])
    places = models.PositiveIntegerField(_("“好”等次名额"))
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("科室“好”等次名额")
        verbose_name_plural = _("科室“好”等次名额")
        ordering = ["period", "section__code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "section"], name="one_quota_a_section"),
        ]

    def __str__(self) -> str:
        return f"{self.section} {self.period}: {self.places}"
