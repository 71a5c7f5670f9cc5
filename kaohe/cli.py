"""The `kaohe` command: Django's management commands plus `run` for local use.

    kaohe run [--port 8000]     migrate, load the demo organ if the database is empty, serve on
                                127.0.0.1 (plain HTTP, for one machine)
    kaohe worker                run a background worker (zips, exports, reminders, roll-ups);
                                `kaohe run` starts one itself
    kaohe demo                  load (or refresh) the demo organ
    kaohe import-org FILE       create or update an organ from a JSON or XLSX file
    kaohe token USERNAME        print a new API token for USERNAME
    kaohe admin-account USERNAME --role system|security|audit
                                create a technical administrator (三员分立)
    kaohe <any manage.py command>
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")
    if args[:1] == ["run"]:
        # Local use is plain HTTP on the loopback address; see docs/decisions/0002.
        os.environ.setdefault("KAOHE_HTTPS", "false")
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)
        args = ["help"]
    if args and not args[0].startswith("-"):
        # Public command names use hyphens (import-org); Django modules use underscores.
        args[0] = args[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kaohe", *args])


if __name__ == "__main__":
    main()
