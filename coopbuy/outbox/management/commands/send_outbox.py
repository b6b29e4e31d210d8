"""`coopbuy send_outbox`: send messages left pending (a crash, a mail server that was down)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from coopbuy.outbox.services import outbox_send_pending


class Command(BaseCommand):
    help = "Send pending outbox messages (safe to run while workers are running)."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        while sent := outbox_send_pending():
            total += sent
        self.stdout.write(f"{total} message(s) sent.")
