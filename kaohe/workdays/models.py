"""The office's entries in the working-day calendar.

The calendar is national: statutory holidays and adjusted working days (调休) are set by the
State Council for the whole country, so these tables carry no organ. An office that corrects a
day corrects it for every organ, which is right because the rules compare all organs' leave and
appeal deadlines against the same official calendar.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """One day whose status the office sets; it wins over the chinese-calendar package."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(
        _("工作日"), default=False,
        help_text=_("勾选：当天上班（如调休上班日）；不勾选：当天放假（如法定节假日）。"),
    )
    name = models.CharField(_("名称"), max_length=100, blank=True,
                            help_text=_("如“国庆节”“春节调休”。"))
    note = models.CharField(_("说明"), max_length=200, blank=True,
                            help_text=_("依据，如国务院办公厅通知的文号。"))

    class Meta:
        verbose_name = _("日历调整")
        verbose_name_plural = _("日历调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}".strip()


class CalendarYear(models.Model):
    """The office has entered, and confirms, all holidays and 调休 days of a year.

    Needed only for a year the chinese-calendar package does not cover: until this row says
    complete, the product refuses to count working days in that year rather than guess.
    """

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    complete = models.BooleanField(
        _("已录入完整"), default=False,
        help_text=_("该年全部法定节假日和调休上班日均已在“日历调整”中录入并核对。"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, verbose_name=_("确认人"),
    )
    entered_at = models.DateTimeField(_("确认时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
