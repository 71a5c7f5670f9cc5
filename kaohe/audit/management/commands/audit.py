"""`kaohe audit verify` checks the hash chain; `kaohe audit prune` applies the retention period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaohe.audit import chain
from kaohe.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, or delete events past the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "prune"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "prune":
            deleted = chain.prune()
            self.stdout.write(f"Deleted {deleted} events older than the retention period.")
            return
        broken = chain.verify()
        if broken is not None:
            raise CommandError(f"Audit chain broken at event {broken}.")
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} events verified."))
