"""The organ's yearly plan (§三–§五, §八(二)), its indicators, its quarters and the tasks
decomposed to each person (§七(一)). Every decision RULES.md leaves open is a field here, with
the documented default, never a constant in code."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.org.models import Organ, OrgDepartment, Person
from kaohe.plans.labels import quarter_label


class Grade(models.TextChoices):
    """The four grades of §八, best first. Values are the Chinese words the API uses."""

    GOOD = "好", _("好")
    FAIRLY_GOOD = "较好", _("较好")
    AVERAGE = "一般", _("一般")
    POOR = "较差", _("较差")


class Rounding(models.TextChoices):
    DOWN = "down", _("向下取整")
    NEAREST = "nearest", _("四舍五入")


# §八(一): 好 at most 40 % of those taking part. A plan may set less, never more.
MAX_GOOD_RATIO = Decimal("0.400")


class YearPlan(models.Model):
    organ = models.ForeignKey(Organ, on_delete=models.CASCADE, related_name="plans",
                              verbose_name=_("机关"))
    year = models.PositiveIntegerField(_("年度"))
    first_quarter = models.PositiveSmallIntegerField(
        _("起始季度"), default=1, validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("本年度从第几季度开始平时考核（§五：2020 年从第二季度开始）"))
    q4_with_annual = models.BooleanField(_("第四季度与年度考核合并"), default=False)
    common_weight = models.PositiveSmallIntegerField(_("共性指标权重（%）"), default=30)
    individual_weight = models.PositiveSmallIntegerField(_("个性指标权重（%）"), default=70)
    ballot_weight = models.PositiveSmallIntegerField(
        _("民主测评权重（%）"), default=0, validators=[MaxValueValidator(50)],
        help_text=_("季度民主测评结果计入综合得分的比例，0 为不计入（§七(三)）"))
    band_good = models.DecimalField(_("“好”最低分"), max_digits=5, decimal_places=2,
                                    default=Decimal(90))
    band_fairly_good = models.DecimalField(_("“较好”最低分"), max_digits=5, decimal_places=2,
                                           default=Decimal(80))
    band_average = models.DecimalField(_("“一般”最低分"), max_digits=5, decimal_places=2,
                                       default=Decimal(60))
    good_ratio = models.DecimalField(_("“好”等次比例上限"), max_digits=4, decimal_places=3,
                                     default=Decimal("0.400"))
    good_rounding = models.CharField(_("名额取整方式"), max_length=8, choices=Rounding.choices,
                                     default=Rounding.DOWN)
    base_includes_undetermined = models.BooleanField(
        _("不确定等次人员计入比例基数"), default=True)
    direct_good_counts = models.BooleanField(_("直接确定的“好”占用名额"), default=True)
    filed_with = models.ForeignKey(OrgDepartment, on_delete=models.PROTECT, null=True,
                                   blank=True, verbose_name=_("备案的组织部门"))
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度考核方案")
        verbose_name_plural = _("年度考核方案")
        constraints = [models.UniqueConstraint(fields=["organ", "year"], name="one_plan_a_year")]

    def __str__(self) -> str:
        return f"{self.organ} {self.year}"

    @property
    def in_force(self) -> bool:
        """A quarter has been opened under the plan: from then on it is frozen, and only its
        好 ratio may change, by a recorded amendment (PlanAmendment)."""
        return self.pk is not None and self.periods.exists()

    def clean(self) -> None:
        problems: dict[str, str] = {}
        if self.common_weight + self.individual_weight != 100:
            problems["individual_weight"] = str(_(
                "共性指标与个性指标权重之和须为 100%（§四：30% 与 70%）"))
        if not Decimal(0) < self.good_ratio <= MAX_GOOD_RATIO:
            problems["good_ratio"] = str(_("“好”等次比例须大于 0 且不超过 0.4（§八(一)：40%）"))
        if not Decimal(100) >= self.band_good > self.band_fairly_good > self.band_average > 0:
            problems["band_good"] = str(_(
                "分数段重叠：须 100 ≥ “好” > “较好” > “一般” > 0 的最低分"))
        if problems:
            raise ValidationError(problems)


class PlanAmendment(models.Model):
    """A change to a plan in force: its 好 ratio, the value before and after, why, who and
    when (§八(一)). The services write these rows; nothing edits them."""

    plan = models.ForeignKey(YearPlan, on_delete=models.PROTECT, related_name="amendments",
                             verbose_name=_("年度考核方案"))
    field = models.CharField(_("修改项目"), max_length=32)
    previous = models.CharField(_("原值"), max_length=32)
    value = models.CharField(_("新值"), max_length=32)
    reason = models.TextField(_("理由"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("方案变更记录")
        verbose_name_plural = _("方案变更记录")
        ordering = ["plan", "at", "id"]

    def __str__(self) -> str:
        return f"{self.plan} {self.field}: {self.previous} → {self.value}"


class IndicatorGroup(models.TextChoices):
    COMMON = "common", _("共性指标")
    INDIVIDUAL = "individual", _("个性指标")


# A plan's indicators in the order its forms show them. Within one plan, order by this rather
# than by the model's ordering, whose plan first joins the plan and its organ.
IN_PLAN = ("group", "position", "code")


class Indicator(models.Model):
    plan = models.ForeignKey(YearPlan, on_delete=models.CASCADE, related_name="indicators")
    group = models.CharField(_("类别"), max_length=16, choices=IndicatorGroup.choices)
    code = models.SlugField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=50)
    description = models.TextField(_("考核要点"), blank=True)
    weight = models.DecimalField(_("组内权重（%）"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["plan", *IN_PLAN]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class PeriodState(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class Period(models.Model):
    """One assessed quarter of an organ."""

    plan = models.ForeignKey(YearPlan, on_delete=models.PROTECT, related_name="periods")
    organ = models.ForeignKey(Organ, on_delete=models.CASCADE, related_name="periods")
    year = models.PositiveIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    state = models.CharField(_("状态"), max_length=8, choices=PeriodState.choices,
                             default=PeriodState.OPEN)
    opened_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("“好”等次公布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核季度")
        verbose_name_plural = _("考核季度")
        ordering = ["organ", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["organ", "year", "quarter"], name="one_period"),
        ]

    def __str__(self) -> str:
        return quarter_label(self.year, self.quarter)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> datetime.date:
        """Also the review deadline: review must be finished by the quarter's end (§七(三))."""
        month = 3 * self.quarter
        following = datetime.date(self.year + month // 12, month % 12 + 1, 1)
        return following - datetime.timedelta(days=1)

    @property
    def is_closed(self) -> bool:
        return self.state == PeriodState.CLOSED


class Task(models.Model):
    """An individual indicator: work decomposed to one person for the year (§七(一))."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="tasks")
    year = models.PositiveIntegerField(_("年度"))
    title = models.CharField(_("任务"), max_length=200)
    description = models.TextField(_("要求"), blank=True)
    temporary = models.BooleanField(_("年度临时增加"), default=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("分解任务")
        verbose_name_plural = _("分解任务")
        ordering = ["person", "year", "temporary", "id"]

    def __str__(self) -> str:
        return self.title
