"""`coopbuy send_outbox`: send messages left pending (a crash, a mail server that was down)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coopbuy.outbox.sending import outbox_release_stale, outbox_send_pending


class Command(BaseCommand):
    help = "Send pending outbox messages (safe to run while workers are running)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--release-stale",
            type=int,
            metavar="MINUTES",
            help="first hand back messages claimed more than MINUTES ago by a sender that died, "
            "sooner than COOPBUY_OUTBOX_CLAIM_TIMEOUT would (they may have gone out, and a "
            "sender still at it could send them twice: check the mail server's log first)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["release_stale"] is not None:
            released = outbox_release_stale(older_than=timedelta(minutes=options["release_stale"]))
            self.stdout.write(f"{released} stale message(s) handed back.")
        total = 0
        while sent := outbox_send_pending():
            total += sent
        self.stdout.write(f"{total} message(s) sent.")
