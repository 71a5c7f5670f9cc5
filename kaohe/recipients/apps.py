from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecipientsConfig(AppConfig):
    name = "kaohe.recipients"
    verbose_name = _("服务对象意见")
