"""`coopbuy settle_campaigns`: end every open campaign whose deadline has passed (a missed task)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from coopbuy.campaigns.models import Campaign
from coopbuy.campaigns.tasks import settle_campaign


class Command(BaseCommand):
    help = "End every open campaign whose deadline has passed (safe beside the worker)."

    def handle(self, *args: Any, **options: Any) -> None:
        due = Campaign.objects.filter(status=Campaign.Status.OPEN, deadline__lte=timezone.now())
        ended = sum(bool(settle_campaign.call(pk)) for pk in due.values_list("pk", flat=True))
        self.stdout.write(f"{ended} campaign(s) ended.")
