"""`coopbuy announce_closing_rounds`: remind members of rounds closing within 24 hours (once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from coopbuy.rounds.announcements import announce_closing_rounds


class Command(BaseCommand):
    help = (
        "Email each member of every round closing within 24 hours that it closes soon; "
        "each member once per round, so it is safe to run every few minutes beside the worker."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = announce_closing_rounds()
        self.stdout.write(f"{sent} reminder(s) written to the outbox.")
