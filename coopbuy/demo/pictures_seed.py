"""Demo product pictures, drawn with Pillow (no network): a coloured tile with the product's
initials, uploaded through the coordinator's own service as a person would upload a photo."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw, ImageFont

from coopbuy.catalog.image_services import product_image_upload
from coopbuy.catalog.models import Product
from coopbuy.groups.models import Membership
from coopbuy.rounds.models import RoundProduct

PALETTE = ("#2f6f4e", "#b5562b", "#3d5a98", "#8a6d1d", "#7a3b69", "#2a7a7a", "#a23b3b")
PICTURES = 8


def picture(name: str, *, size: int = 480) -> bytes:
    """A JPEG tile for `name`: its colour from the name, its initials in the middle."""
    digest = hashlib.sha256(name.encode()).digest()
    colour = PALETTE[digest[0] % len(PALETTE)]
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    margin = size // 8
    draw.ellipse((margin, margin, size - margin, size - margin), fill="#fdfaf3")
    initials = "".join(word[0] for word in name.replace(",", " ").split()[:2]).upper()
    font = ImageFont.load_default(size=size // 4)
    draw.text((size / 2, size / 2), initials, fill=colour, font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def seed_pictures(slug: str) -> int:
    """Pictures for the first products of the group's rounds (what its ordering page shows
    first); nothing if the group's catalogue has pictures already. Returns how many were added."""
    if Product.objects.filter(supplier__group__slug=slug).exclude(image_small="").exists():
        return 0
    coordinator = (
        Membership.objects.active()
        .filter(group__slug=slug, role=Membership.Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if coordinator is None:
        return 0
    in_rounds = RoundProduct.objects.filter(round__group__slug=slug).values("product_id")
    products = (
        Product.objects.filter(pk__in=in_rounds)
        .select_related("supplier__group")
        .order_by("category", "name", "pk")[:PICTURES]
    )
    added = 0
    for product in products:
        product_image_upload(product=product, actor=coordinator.user, content=picture(product.name))
        added += 1
    return added
