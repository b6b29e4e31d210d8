"""Every write of product images: upload, removal, and the outcome of fetching a picture a price
list named by URL (`image_imports` queues those fetches, `tasks.fetch_import_images` runs them).

The files are our own WebP renditions (`images.decoding`), written to the default storage under
`products/<product id>/` with a random name (a new image is a new address, so browsers may cache
one forever). Files are written before the transaction that points the product at them and the
old ones deleted after it commits; a failed transaction deletes the new ones, so a product never
points at a missing file (a crash in between can leave an unreferenced file, never a broken one).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.images import decoding
from coopbuy.catalog.models import Product, ProductImageFetch
from coopbuy.catalog.permissions import require_catalog_manager

__all__ = ["image_fetch_finish", "product_image_remove", "product_image_upload"]

logger = logging.getLogger(__name__)


def _write(product_id: int, images: decoding.Renditions) -> tuple[str, str]:
    token = secrets.token_urlsafe(9)
    names = []
    for size, rendition in (("small", images.small), ("large", images.large)):
        name = f"products/{product_id}/{token}-{decoding.SIZES[size]}.webp"
        names.append(default_storage.save(name, ContentFile(rendition.content)))
    return names[0], names[1]


def _delete(names: Iterable[str]) -> None:
    for name in names:
        if name:
            try:
                default_storage.delete(name)
            except OSError:  # an orphan file is harmless; a failed request is not
                logger.warning("Could not delete the image file %s", name)


def _store(
    *, product: Product, images: decoding.Renditions, source_url: str
) -> tuple[Product, tuple[str, str]]:
    """Point the locked product at new files (the caller is in a transaction and audits)."""
    names = _write(product.pk, images)
    try:
        locked = Product.objects.select_for_update(no_key=True).get(pk=product.pk)
        old = (locked.image_small.name or "", locked.image_large.name or "")
        locked.image_small.name, locked.image_large.name = names
        locked.image_source_url = source_url
        locked.save(update_fields=["image_small", "image_large", "image_source_url", "updated_at"])
    except BaseException:
        _delete(names)
        raise
    transaction.on_commit(lambda: _delete(old))
    return locked, names


def product_image_upload(*, product: Product, actor: User, content: bytes) -> Product:
    """Give a product the image in `content` (JPEG, PNG, WebP or GIF), re-encoded; an image
    that is refused (`decoding.ImageRefused`, naming the field `image`) changes nothing.

    The decoding runs before the transaction (it takes a moment on a large photo, and an
    SQLite transaction holds the database's write lock from its start)."""
    with transaction.atomic():  # a first check, so a stranger's upload is not even decoded
        require_catalog_manager(group=product.supplier.group, user=actor)
    images = decoding.renditions(content)
    return _product_image_save(product=product, actor=actor, images=images)


@transaction.atomic
def _product_image_save(*, product: Product, actor: User, images: decoding.Renditions) -> Product:
    group = product.supplier.group
    require_catalog_manager(group=group, user=actor)  # again: the role may have changed since
    saved, names = _store(product=product, images=images, source_url="")
    audit_record(
        action="product.image_set",
        summary=_("%(user)s gave %(product)s a new image")
        % {"user": actor.name, "product": f"{saved.name} ({saved.sku})"},
        actor=actor,
        group=group,
        data={"product": saved.pk, "image": names[0], "format": images.source_format},
    )
    return saved


@transaction.atomic
def product_image_remove(*, product: Product, actor: User) -> Product:
    """Take a product's image away (its files are deleted once this commits)."""
    group = product.supplier.group
    require_catalog_manager(group=group, user=actor)
    locked = Product.objects.select_for_update(no_key=True).get(pk=product.pk)
    old = (locked.image_small.name or "", locked.image_large.name or "")
    if not old[0]:
        return locked
    locked.image_small.name = locked.image_large.name = ""
    locked.image_source_url = ""
    locked.save(update_fields=["image_small", "image_large", "image_source_url", "updated_at"])
    transaction.on_commit(lambda: _delete(old))
    audit_record(
        action="product.image_removed",
        summary=_("%(user)s removed the image of %(product)s")
        % {"user": actor.name, "product": f"{locked.name} ({locked.sku})"},
        actor=actor,
        group=group,
        data={"product": locked.pk},
    )
    return locked


# Pictures named by a price list ------------------------------------------------------------------


def image_fetch_finish(
    *, fetch_id: int, images: decoding.Renditions | None, error: str = ""
) -> bool:
    """Record one fetch's outcome (the product's new picture, or why there is none) in its own
    transaction; False if another worker recorded it first."""
    with transaction.atomic():
        # Locked alone: PostgreSQL locks no row of an outer join's nullable side (applied_by).
        fetch = ProductImageFetch.objects.select_for_update(no_key=True).get(pk=fetch_id)
        if fetch.status != ProductImageFetch.Status.PENDING:
            return False
        if images is not None:
            saved, names = _store(product=fetch.product, images=images, source_url=fetch.url)
            fetch.status = ProductImageFetch.Status.DONE
            audit_record(
                action="product.image_imported",
                summary=_("The image of %(product)s was fetched from the price list %(file)s")
                % {
                    "product": f"{saved.name} ({saved.sku})",
                    "file": fetch.catalog_import.filename,
                },
                actor=fetch.catalog_import.applied_by,
                group=fetch.product.supplier.group,
                data={"product": saved.pk, "import": fetch.catalog_import_id, "image": names[0]},
            )
        else:
            fetch.status = ProductImageFetch.Status.FAILED
            fetch.error = error[:300]
        fetch.finished_at = timezone.now()
        fetch.save(update_fields=["status", "error", "finished_at"])
        return True
