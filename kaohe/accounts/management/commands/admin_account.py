import getpass
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kaohe.accounts import services
from kaohe.accounts.models import TechnicalRole


class Command(BaseCommand):
    help = "Create a technical administrator account: system, security or audit (三员分立)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True,
                            choices=[r for r in TechnicalRole.values if r])
        parser.add_argument("--password", help="default: ask, or generate when not interactive")

    def handle(self, *args: Any, username: str, role: str, password: str | None,
               **options: Any) -> None:
        if password is None and options.get("interactive", True) and self.stdin_is_tty():
            password = getpass.getpass(_("初始密码："))
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        try:
            services.technical_admin_create(username=username, role=role, password=password)
        except (ValueError, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(_("已创建 %(role)s 账号 %(username)s。") % {
            "role": TechnicalRole(role).label, "username": username})
        if generated:
            notice = _("初始密码（首次登录须修改）：%(password)s") % {"password": password}
            self.stdout.write(notice)

    @staticmethod
    def stdin_is_tty() -> bool:
        import sys

        return sys.stdin.isatty()
