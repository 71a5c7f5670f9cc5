"""Import an organ — its sections, people, login accounts and assessment roles — from a JSON or
XLSX file (docs/import-format.md). read.py and schema.py read it into rows; checks.py collects
every problem, and a file with any is refused whole (`ImportRefused`); apply.py writes the rest
in one transaction, saving only what changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaohe.org.importer.apply import KIND_LABELS, Applier, ImportResult, NewAccount
from kaohe.org.importer.checks import check
from kaohe.org.importer.read import ImportRefused, Source, load_file, read_source, write_xlsx

__all__ = ["KIND_LABELS", "ImportRefused", "ImportResult", "import_file", "import_organ",
           "load_file", "read_source", "write_xlsx"]


def import_organ(
    data: Mapping[str, Any], *, today: datetime.date | None = None, dry_run: bool = False
) -> ImportResult:
    """Create or update one organ from `data` (the JSON shape); see docs/import-format.md."""
    return _import(Source(data), today=today, dry_run=dry_run)


def import_file(
    path: str | Path, *, today: datetime.date | None = None, dry_run: bool = False
) -> ImportResult:
    """Like `import_organ`, reading a file; problems name the file's own rows."""
    return _import(read_source(path), today=today, dry_run=dry_run)


def _import(source: Source, *, today: datetime.date | None, dry_run: bool) -> ImportResult:
    today = today or timezone.localdate()
    with transaction.atomic():
        plan, context, problems = check(source, today)
        if problems:
            raise ImportRefused(problems)
        result = Applier(plan, context, today).run()
        if dry_run:
            transaction.set_rollback(True)
            result.dry_run = True
            result.new_accounts = [
                NewAccount(a.username, a.person_id, a.name, "", a.generated)
                for a in result.new_accounts
            ]
    return result
