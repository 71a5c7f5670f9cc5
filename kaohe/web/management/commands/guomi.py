"""`kaohe guomi status` says what is written with the 国密 algorithms and what is not yet;
`kaohe guomi migrate` moves what can be moved (docs/decisions/0025-guomi-integrity-controls.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from kaohe.accounts.hashers import PBKDF2SM3Hasher
from kaohe.accounts.models import User
from kaohe.annual.models import ArchivedFile
from kaohe.audit import chain
from kaohe.audit.models import AuditEvent
from kaohe.documents.archive import add_sm3_checksums
from kaohe.lib import encryption


class Command(BaseCommand):
    help = ("Show which records use the 国密 algorithms (SM3, SM4), or migrate: verify the "
            "audit chain, give archived files their SM3 checksum after checking their SHA-256, "
            "and encrypt the sensitive fields under the current key.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "migrate"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if not settings.KAOHE_GUOMI:
            self.stdout.write("国密 is off (KAOHE_GUOMI=false): new records use SHA-256.")
        if action == "migrate":
            self.migrate()
        self.status()

    def migrate(self) -> None:
        # The chain is not rewritten: hashing old events again would vouch for whatever they
        # hold now. It is verified, and goes on with HMAC-SM3 from the next event.
        broken = chain.verify()
        if broken is not None:
            raise CommandError(f"Audit chain broken at event {broken}: nothing migrated.")
        given, altered = add_sm3_checksums()
        self.stdout.write(f"Archived files given an SM3 checksum: {given}.")
        try:
            rewritten = sum(encryption.reencrypt().values())
        except encryption.Undecryptable as error:
            raise CommandError(f"A value could not be read ({error}): what was re-encrypted "
                               "before it stays so; nothing else was changed.") from error
        self.stdout.write(f"Values encrypted under the current key "
                          f"({encryption.current_key_name()}): {rewritten}.")
        if altered:
            names = ", ".join(f"{found.name} v{found.version} (#{found.pk})" for found in altered)
            raise CommandError(f"Archived files whose content no longer matches their SHA-256, "
                               f"left without an SM3 checksum: {names}.")

    def status(self) -> None:
        events = dict(AuditEvent.objects.values_list("algorithm").annotate(n=Count("seq"))
                      .order_by())
        self.stdout.write("Audit events by keyed hash: " + (", ".join(
            f"HMAC-{name.upper()} {n}" for name, n in sorted(events.items())) or "none"))
        waiting = ArchivedFile.objects.filter(sm3="").count()
        self.stdout.write(f"Archived files without an SM3 checksum: {waiting}.")
        stored = {"password__startswith": f"{PBKDF2SM3Hasher.algorithm}$"}
        unusable = {"password__startswith": "!"}  # no password of ours (directory sign-in)
        older = User.objects.exclude(**stored).exclude(**unusable).count()
        self.stdout.write(f"Passwords not yet stored with PBKDF2-SM3: {older} "
                          "(each is re-hashed at its next sign-in).")
        stale = {where: n for where, n in encryption.stale_counts().items() if n}
        self.stdout.write("Values not yet encrypted under the current key: " + (", ".join(
            f"{where} {n}" for where, n in sorted(stale.items())) or "none") + ".")
