from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BonusConfig(AppConfig):
    name = "kaohe.bonus"
    verbose_name = _("绩效奖金")
