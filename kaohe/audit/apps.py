from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kaohe.audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        from kaohe.audit import tracking

        tracking.connect()
