from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kaohe.accounts"
    verbose_name = _("账号")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from kaohe.accounts import throttle
        from kaohe.accounts.middleware import session_started

        user_logged_in.connect(session_started, dispatch_uid="kaohe_session_started")
        user_login_failed.connect(throttle.failed, dispatch_uid="kaohe_login_throttle")
