from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kaohe.accounts import services
from kaohe.accounts.models import User
from kaohe.errors import Refused


class Command(BaseCommand):
    help = "Print a new API bearer token for a user (shown once; only its hash is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="a label for the token")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("没有名为“%(username)s”的有效账号。") % {"username": username})
        try:
            _token, raw = services.token_issue(user=user, name=name)
        except Refused as refusal:  # a technical administrator holds no token
            raise CommandError(refusal.message) from None
        self.stdout.write(raw)
