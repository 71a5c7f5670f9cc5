"""Organs, sections, people, their assignments and the organ's assessment bodies.

Roles are not stored: they follow from this data (see kaohe/org/access.py). A section chief is
the person of category `chief` in a section; a leader in charge is the leadership member a
section names as overseen by; the principal is named by the organ.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaohe.org import scopes
from kaohe.org.choices import Category
from kaohe.org.querysets import RestrictedQuerySet, Scope


class OrganQuerySet(RestrictedQuerySet["Organ"]):
    def _scopes(self) -> Mapping[str, Scope]:
        return {"view": scopes.organ_scope}


class SectionQuerySet(RestrictedQuerySet["Section"]):
    def _scopes(self) -> Mapping[str, Scope]:
        return {"view": scopes.section_scope}


class PersonQuerySet(RestrictedQuerySet["Person"]):
    def _scopes(self) -> Mapping[str, Scope]:
        return {"view": self._viewable, "of_own_sections": scopes.section_people}

    @staticmethod
    def _viewable(actor: scopes.Actor) -> Q:
        """scopes.people_scope, and the people placed in the actor's organs or sections
        (scopes.placement_scope): an EXISTS, so that two placements still make one row."""
        scope = scopes.people_scope(actor)
        placed = scopes.placement_scope(actor, timezone.localdate())
        if placed is not None:
            scope |= Q(Exists(Assignment.objects.filter(placed, person=OuterRef("pk"))))
        return scope


class OrgDepartment(models.Model):
    """上级组织部门: organs file their plans with it (§六) and it may view their results."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="org_departments",
        verbose_name=_("工作人员"),
    )

    class Meta:
        verbose_name = _("组织部门")
        verbose_name_plural = _("组织部门")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Organ(models.Model):
    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    filed_with = models.ForeignKey(
        OrgDepartment, on_delete=models.PROTECT, null=True, blank=True, related_name="organs",
        verbose_name=_("备案的组织部门"),
    )
    principal = models.ForeignKey(
        "Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("主要负责人"),
    )

    objects = OrganQuerySet.as_manager()

    class Meta:
        verbose_name = _("机关")
        verbose_name_plural = _("机关")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    organ = models.ForeignKey(Organ, on_delete=models.CASCADE, related_name="sections",
                              verbose_name=_("机关"))
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=200)
    frontline = models.BooleanField(_("基层一线或艰苦岗位"), default=False)
    leader_in_charge = models.ForeignKey(
        "Person", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="overseen_sections", verbose_name=_("分管领导"),
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("科室")
        verbose_name_plural = _("科室")
        ordering = ["organ", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organ", "code"], name="section_code_unique_in_organ"),
        ]

    def __str__(self) -> str:
        return self.name


# §二: leadership members are reviewers, logistics workers are outside the plan.
ASSESSED_CATEGORIES = (Category.CHIEF, Category.STAFF)


class Sex(models.TextChoices):
    MALE = "男", _("男")
    FEMALE = "女", _("女")


class Person(models.Model):
    """A person employed by an organ (their home organ). `personnel_no` is the stable key."""

    personnel_no = models.CharField(_("人员编号"), max_length=64, unique=True)
    name = models.CharField(_("姓名"), max_length=100)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="person", verbose_name=_("登录账号"),
    )
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="people",
                              verbose_name=_("机关"))
    section = models.ForeignKey(Section, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="people", verbose_name=_("科室"))
    category = models.CharField(_("人员类别"), max_length=16, choices=Category.choices)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    rank = models.CharField(_("职级"), max_length=100, blank=True)
    frontline = models.BooleanField(_("基层一线或艰苦岗位"), default=False)
    active = models.BooleanField(_("在职"), default=True)
    # The header of the 公务员年度考核登记表 (the form that goes into the personnel file).
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    birth_month = models.CharField(_("出生年月"), max_length=7, blank=True,
                                   help_text=_("YYYY-MM"))
    political_status = models.CharField(_("政治面貌"), max_length=50, blank=True)
    in_post_since = models.DateField(_("任现职时间"), null=True, blank=True)
    work = models.CharField(_("从事或分管工作"), max_length=200, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["organ", "section__code", "category", "personnel_no"]
        indexes = [models.Index(fields=["organ", "section"])]
        constraints = [
            # One chief per section: the chief is the staff's supervising leader (§七(三)).
            models.UniqueConstraint(
                fields=["section"], condition=Q(category="chief", active=True),
                name="one_chief_per_section",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_assessed_category(self) -> bool:
        return self.category in ASSESSED_CATEGORIES

    def assessing_organ_id(self, first: datetime.date, last: datetime.date) -> int | None:
        """The organ that assesses this person for the period first..last (decision 0003):
        that of the assignment held on its last day, see assessing_organ_of."""
        return assessing_organ_of(self.assignments.all(), first, last)


class AssignmentKind(models.TextChoices):
    POST = "post", _("任职")
    TRANSFER = "transfer", _("调任/转任")
    SECONDMENT = "secondment", _("援派/挂职")
    TRAINING = "training", _("培训/专项工作")


class Assignment(models.Model):
    """Where a person works from `start` to `end`; the history behind "who assesses whom".

    `organ` is the organ that assesses the person during the assignment: the new organ after a
    transfer (§十(三)), the receiving organ during a secondment, and for training or special
    work the organ the office chose (default: the home organ).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="assignments",
                              verbose_name=_("考核机关"))
    section = models.ForeignKey(Section, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("科室"))
    kind = models.CharField(_("类型"), max_length=16, choices=AssignmentKind.choices,
                            default=AssignmentKind.POST)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # The secondment after which this post resumes: the home post is suspended while a
    # secondment runs and resumes the day after it ends (kaohe.org.services.secondment_open).
    resumes_after = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("援派结束后恢复"))

    class Meta:
        verbose_name = _("任职经历")
        verbose_name_plural = _("任职经历")
        ordering = ["person", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                                   name="assignment_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.organ} {self.start}–{self.end or ''}"

    def days_within(self, first: datetime.date, last: datetime.date) -> int:
        start = max(self.start, first)
        end = min(self.end or last, last)
        return max((end - start).days + 1, 0)


class CommitteePosition(models.TextChoices):
    DIRECTOR = "主任", _("主任")
    DEPUTY = "副主任", _("副主任")
    MEMBER = "成员", _("成员")
    REPRESENTATIVE = "公务员代表", _("公务员代表")


class CommitteeMember(models.Model):
    """考核委员会 (§一)."""

    organ = models.ForeignKey(Organ, on_delete=models.CASCADE, related_name="committee")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="committee_seats")
    position = models.CharField(_("职位"), max_length=16, choices=CommitteePosition.choices)

    class Meta:
        verbose_name = _("考核委员会成员")
        verbose_name_plural = _("考核委员会成员")
        ordering = ["organ", "position", "person__personnel_no"]
        constraints = [
            models.UniqueConstraint(fields=["organ", "person"], name="one_committee_seat"),
        ]

    def __str__(self) -> str:
        return f"{self.position} {self.person}"


class Duty(models.TextChoices):
    OFFICE = "office", _("机关党委办公室（办公室）")
    LIAISON = "liaison", _("纪检联络员")


class OrganDuty(models.Model):
    """The office staff, who run the assessment, and the discipline liaison (§七(三))."""

    organ = models.ForeignKey(Organ, on_delete=models.CASCADE, related_name="duties")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="duties")
    duty = models.CharField(_("职责"), max_length=16, choices=Duty.choices)

    class Meta:
        verbose_name = _("考核职责")
        verbose_name_plural = _("考核职责")
        constraints = [
            models.UniqueConstraint(fields=["organ", "person", "duty"], name="one_duty_each"),
        ]

    def __str__(self) -> str:
        return f"{self.get_duty_display()} {self.person}"


# Arrangements that run beside a person's post and take precedence over it while they run:
# a secondment's receiving unit assesses, not the home post (§十(三)), and so does the organ
# the office placed someone in training with.
ARRANGEMENTS = frozenset({AssignmentKind.SECONDMENT.value, AssignmentKind.TRAINING.value})


def assessing_organ_of(assignments: Iterable[Assignment], first: datetime.date,
                       last: datetime.date) -> int | None:
    """Decision 0003 over a person's assignments for the quarter first..last (§十(三)): the
    organ of the assignment held on its last day (a transfer's new unit, 现工作单位), an
    arrangement before the post it suspends. Someone who left during the quarter: the
    assignment they held last. Nobody for someone not working in it at all."""
    held = [a for a in assignments if a.days_within(first, last) > 0]
    on_last_day = [a for a in held if a.days_within(last, last)]
    if on_last_day:
        return max(on_last_day, key=lambda a: (a.kind in ARRANGEMENTS, a.start)).organ_id
    # Each of these ended inside the quarter.
    return max(held, key=lambda a: (a.end, a.start)).organ_id if held else None
