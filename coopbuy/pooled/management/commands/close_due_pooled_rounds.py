"""`coopbuy close_due_pooled_rounds`: close open pooled rounds whose deadline has passed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from coopbuy.pooled.models import PooledRound
from coopbuy.pooled.tasks import close_pooled_round


class Command(BaseCommand):
    help = "Close every open pooled round whose deadline has passed (safe beside the worker)."

    def handle(self, *args: Any, **options: Any) -> None:
        due = PooledRound.objects.filter(
            status=PooledRound.Status.OPEN, closes_at__lte=timezone.now()
        )
        closed = sum(bool(close_pooled_round.call(pk)) for pk in due.values_list("pk", flat=True))
        self.stdout.write(f"{closed} pooled round(s) closed.")
