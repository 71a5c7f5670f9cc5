"""The link from the quarters to the annual grade (§九(三)–(四)): the organ's thresholds for a
year, the office's confirmation or override of each recommendation, attendance details for the
forms, and the frozen concluding materials of a closed year. Every threshold RULES.md leaves
open is a field here with the documented default, never a constant in code."""

from __future__ import annotations

import math
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.lib.encryption import EncryptedBinaryField, EncryptedJSONField, EncryptedTextField
from kaohe.org.models import Organ, Person
from kaohe.plans.models import Period, Rounding


class AnnualGrade(models.TextChoices):
    EXCELLENT = "优秀", _("优秀")
    COMPETENT = "称职", _("称职")
    BASIC = "基本称职", _("基本称职")
    INCOMPETENT = "不称职", _("不称职")
    UNDETERMINED = "不确定等次", _("不确定等次")


class YearState(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已归档")


class AnnualYear(models.Model):
    """An organ's annual link for one year: its settings, its 公示 and whether it is closed."""

    organ = models.ForeignKey(Organ, on_delete=models.CASCADE, related_name="annual_years",
                              verbose_name=_("机关"))
    year = models.PositiveIntegerField(_("年度"))
    excellent_ratio = models.DecimalField(
        _("优秀比例"), max_digits=4, decimal_places=3, default=Decimal("0.200"),
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("0.250"))],
        help_text=_("参加年度考核人数的比例；一般 20%，经批准最高 25%"))
    excellent_rounding = models.CharField(_("优秀名额取整方式"), max_length=8,
                                          choices=Rounding.choices, default=Rounding.DOWN)
    base_includes_undetermined = models.BooleanField(
        _("不确定等次人员计入优秀比例基数"), default=True)
    excellent_good_share = models.DecimalField(
        _("评优秀所需“好”的比例"), max_digits=4, decimal_places=3, default=Decimal("0.500"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("“好”次数至少占确定等次季度数的比例（“好”较多）"))
    excellent_min_good = models.PositiveSmallIntegerField(
        _("评优秀至少需要的“好”次数"), default=1)
    lower_share = models.DecimalField(
        _("“一般”“较差”超过的比例"), max_digits=4, decimal_places=3, default=Decimal("0.500"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("“一般”和“较差”次数超过参加季度数的此比例，原则上评为基本称职或不称职"))
    all_poor_incompetent = models.BooleanField(
        _("每季度均为“较差”可直接评为不称职"), default=True)
    announce_working_days = models.PositiveSmallIntegerField(
        _("公示期（工作日）"), default=5, validators=[MinValueValidator(1)])
    announce_start = models.DateField(_("公示开始日期"), null=True, blank=True)
    announce_end = models.DateField(_("公示结束日期"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=8, choices=YearState.choices,
                             default=YearState.OPEN)
    closed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("年度考核衔接")
        verbose_name_plural = _("年度考核衔接")
        ordering = ["organ", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organ", "year"], name="one_annual_year"),
        ]

    def __str__(self) -> str:
        return f"{self.organ} {self.year}"

    @property
    def is_closed(self) -> bool:
        return self.state == YearState.CLOSED

    def excellent_limit(self, participants: int) -> int:
        """20 % of 21 = 4.2 → 4 when rounding down (the default)."""
        exact = Decimal(participants) * self.excellent_ratio
        if self.excellent_rounding == Rounding.NEAREST:
            return int(exact.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
        return math.floor(exact)


class AnnualResult(models.Model):
    """The office's decision on one person's annual grade: the recommendation confirmed, or
    overridden with a reason. An override that breaks a rule keeps the broken rules listed."""

    annual = models.ForeignKey(AnnualYear, on_delete=models.CASCADE, related_name="results")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="annual_results")
    recommended = models.CharField(_("建议等次"), max_length=8, choices=AnnualGrade.choices,
                                   blank=True)
    grade = models.CharField(_("确定等次"), max_length=8, choices=AnnualGrade.choices,
                             blank=True)
    reason = models.TextField(_("理由"), blank=True)
    broken_rules = models.JSONField(_("不符合的规则"), default=list, blank=True)
    # The parts of the 公务员年度考核登记表 written by people (empty: drafted from the quarters).
    summary = EncryptedTextField(_("个人总结"), blank=True)
    training = EncryptedTextField(_("参加培训情况"), blank=True)
    leader_comment = EncryptedTextField(_("主管领导评语"), blank=True)
    committee_opinion = EncryptedTextField(_("机关负责人或考核委员会意见"), blank=True)
    own_opinion = EncryptedTextField(_("本人意见"), blank=True)
    refused_to_take_part = models.BooleanField(_("无正当理由不参加考核"), default=False)
    refusal_note = EncryptedTextField(_("不参加考核的情况"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("确定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度等次")
        verbose_name_plural = _("年度等次")
        ordering = ["annual", "person__personnel_no"]
        constraints = [
            models.UniqueConstraint(fields=["annual", "person"], name="one_annual_result"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.annual.year} {self.grade}"

    @property
    def is_override(self) -> bool:
        return bool(self.grade) and self.grade != self.recommended

    @property
    def flagged(self) -> bool:
        return bool(self.broken_rules)


class AnnualChange(models.Model):
    """Every decision on an annual result with the previous values (the history)."""

    result = models.ForeignKey(AnnualResult, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("操作"), max_length=32)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("理由"), blank=True)
    previous = EncryptedJSONField(_("原值"), default=dict, blank=True)
    values = EncryptedJSONField(_("新值"), default=dict, blank=True)

    class Meta:
        ordering = ["result", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.result}"


class QuarterAttendance(models.Model):
    """What the 平时考核登记表 asks beyond sick and personal leave (kept in assessments): days
    absent without leave, late arrivals, rewards and discipline in the quarter."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    absent_days = models.PositiveSmallIntegerField(_("旷工天数"), default=0)
    late_times = models.PositiveSmallIntegerField(_("迟到早退次数"), default=0)
    rewards = EncryptedTextField(_("奖励情况"), blank=True)
    discipline = EncryptedTextField(_("惩戒情况"), blank=True)

    class Meta:
        verbose_name = _("考勤及奖惩")
        verbose_name_plural = _("考勤及奖惩")
        constraints = [
            models.UniqueConstraint(fields=["person", "period"], name="one_attendance"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.period}"


class ArchivedFile(models.Model):
    """A concluding material of a closed year, frozen with its SM3 and SHA-256 checksums, for
    the personnel file (干部人事档案). Never changed in place: a correction adds a new version.
    Files archived before the SM3 checksum existed get it from `kaohe guomi migrate`, which
    first checks their SHA-256."""

    annual = models.ForeignKey(AnnualYear, on_delete=models.PROTECT, related_name="archive")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("文件名"), max_length=200)
    content = EncryptedBinaryField(_("内容"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    sm3 = models.CharField(_("SM3"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("归档时间"), auto_now_add=True)
    correction_reason = models.TextField(_("更正理由"), blank=True)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("归档材料")
        verbose_name_plural = _("归档材料")
        ordering = ["annual", "person__personnel_no", "name", "version"]
        constraints = [
            models.UniqueConstraint(fields=["annual", "person", "name", "version"],
                                    name="one_archived_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
