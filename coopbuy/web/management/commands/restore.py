"""`coopbuy restore FILE --yes`: put a backup made by `coopbuy backup` back (see `web.backup`).

Stop the web processes and the worker first: a restore replaces every table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from coopbuy.web.backup import BackupError, postgres_restore, sqlite_restore


class Command(BaseCommand):
    help = "Replace the database with a backup made by `coopbuy backup` (stop the site first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file.")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm: the current data will be replaced."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError(
                "A restore replaces all the current data: stop the site and the worker, then run "
                "it again with --yes."
            )
        backup = Path(options["file"])
        connection = connections["default"]
        try:
            if connection.vendor == "sqlite":
                connection.close()
                kept = sqlite_restore(backup, Path(connection.settings_dict["NAME"]))
                self.stdout.write(f"Restored {backup}; the replaced database is kept at {kept}")
            else:
                connection.close()
                postgres_restore(connection.settings_dict, backup)
                self.stdout.write(f"Restored {backup}")
        except BackupError as error:
            raise CommandError(str(error)) from error
