"""`coopbuy backup [--to DIR]`: a consistent copy of the whole database (see `web.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from coopbuy.web.backup import BackupError, postgres_backup, sqlite_backup


class Command(BaseCommand):
    help = "Back the database up: SQLite's online backup, or pg_dump for PostgreSQL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to",
            default=None,
            help="The directory for the backup file (default: DATA_DIR/backups).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["to"] or Path(settings.DATA_DIR) / "backups")
        database = connections["default"].settings_dict
        try:
            if connections["default"].vendor == "sqlite":
                made = sqlite_backup(Path(database["NAME"]), directory)
            else:
                made = postgres_backup(database, directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {made}")
