from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "kaohe.assessments"
    verbose_name = _("平时考核")
