"""Choices of the organisation's data that the access rules read as well as the models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    LEADERSHIP = "leadership", _("领导成员")
    CHIEF = "chief", _("科室正职")
    STAFF = "staff", _("科室工作人员")
    WORKER = "worker", _("工勤人员")
