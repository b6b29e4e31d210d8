"""`coopbuy fetch_pending_images`: fetch the pictures that applied imports still wait for.

The worker fetches them right after an import is applied; this sweep catches any left pending
(a worker stopped mid-way). Safe beside the workers and safe to run twice: a fetch is recorded
once (`image_services.image_fetch_finish`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from coopbuy.catalog.models import ProductImageFetch
from coopbuy.catalog.tasks import fetch_import_images


class Command(BaseCommand):
    help = "Fetch the pictures named in applied price lists that are still waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        imports = (
            ProductImageFetch.objects.filter(status=ProductImageFetch.Status.PENDING)
            .values_list("catalog_import_id", flat=True)
            .distinct()
            .order_by("catalog_import_id")
        )
        done = failed = 0
        for import_id in list(imports):
            outcome = fetch_import_images.call(import_id)
            done, failed = done + outcome["done"], failed + outcome["failed"]
        self.stdout.write(f"{done} pictures fetched, {failed} failed.")
