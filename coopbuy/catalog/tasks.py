"""Background work of catalogues: fetching the pictures an applied price list names by URL."""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils.translation import gettext as _

from coopbuy.catalog.image_services import image_fetch_finish
from coopbuy.catalog.images import decoding, fetching
from coopbuy.catalog.models import ProductImageFetch

__all__ = ["fetch_import_images"]

logger = logging.getLogger(__name__)


@task
def fetch_import_images(import_id: int) -> dict[str, int]:
    """Fetch every pending picture of an applied import, one at a time, no lock held while
    fetching. Each outcome is committed on its own: a worker that stops leaves the rest pending
    for the sweep (`coopbuy fetch_pending_images`); a failure (a refused address, not an image,
    too large, too slow) is recorded on that product's fetch and never fails the import."""
    outcome = {"done": 0, "failed": 0}
    pending = ProductImageFetch.objects.filter(
        catalog_import_id=import_id, status=ProductImageFetch.Status.PENDING
    ).order_by("pk")
    policy = fetching.FetchPolicy.from_settings()
    for fetch_id, url in list(pending.values_list("pk", "url")):
        try:
            images = decoding.renditions(fetching.fetch(url, policy=policy))
        except fetching.FetchRefused as error:
            image_fetch_finish(fetch_id=fetch_id, images=None, error=error.message)
            outcome["failed"] += 1
        except decoding.ImageRefused as error:
            image_fetch_finish(fetch_id=fetch_id, images=None, error=error.message)
            outcome["failed"] += 1
        except Exception:  # one bad image must not keep the others from being fetched
            logger.exception("Fetching the image of fetch %s failed", fetch_id)
            image_fetch_finish(
                fetch_id=fetch_id, images=None, error=_("An unexpected error stopped this fetch.")
            )
            outcome["failed"] += 1
        else:
            image_fetch_finish(fetch_id=fetch_id, images=images)
            outcome["done"] += 1
    return outcome
