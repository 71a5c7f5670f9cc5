from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualConfig(AppConfig):
    name = "kaohe.annual"
    verbose_name = _("年度考核衔接")
