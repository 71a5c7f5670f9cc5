from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SynthConfig(AppConfig):
    name = "kaohe.synth"
    verbose_name = _("模拟数据")
