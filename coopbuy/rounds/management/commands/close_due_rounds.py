"""`coopbuy close_due_rounds`: close open rounds whose deadline has passed (a missed task)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from coopbuy.rounds.models import Round
from coopbuy.rounds.tasks import close_round


class Command(BaseCommand):
    help = "Close every open round whose deadline has passed (safe beside the worker)."

    def handle(self, *args: Any, **options: Any) -> None:
        due = Round.objects.filter(status=Round.Status.OPEN, closes_at__lte=timezone.now())
        closed = sum(bool(close_round.call(pk)) for pk in due.values_list("pk", flat=True))
        self.stdout.write(f"{closed} round(s) closed.")
