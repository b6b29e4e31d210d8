"""`coopbuy worker`: django-tasks-db's worker, with a heartbeat that /health/ and /ready/ read."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from coopbuy.web.worker import start_heartbeat


class Command(DbWorkerCommand):
    help = "Run the background worker (sending email, closing rounds) with a heartbeat."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = start_heartbeat()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
