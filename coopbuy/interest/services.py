"""Writes: a person's interest (save, delete), and telling the waiting list about a group near them.

`interest_notify_group_nearby` is called by the groups area's services when a group forms, or
opens to new members, in the same transaction: each person whose interest lies within their
travel distance of it gets a notice on their page and an email through the outbox, once a group.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from coopbuy import places
from coopbuy.accounts.models import User
from coopbuy.core.geo.distance import bounding_box, distance_km
from coopbuy.errors import UserFacingError
from coopbuy.interest.models import MAX_TRAVEL_KM, Interest, InterestNotice
from coopbuy.outbox.services import Email, outbox_enqueue_many

MAX_ITEMS = 12
MAX_SPEND = Decimal("100000")


@transaction.atomic
def interest_save(
    *,
    user: User,
    postcode: str,
    categories: Sequence[str] = (),
    suppliers: Sequence[str] = (),
    products: str = "",
    spend_per_round: Decimal | None = None,
    every: str = Interest.Every.MONTHLY,
    travel_km: int = 5,
    can_host_pickup: bool = False,
    another_group: bool = False,
) -> Interest:
    """Register (or change) what a person would buy, where and how far they would go."""
    categories, suppliers = _names(categories, "categories"), _names(suppliers, "suppliers")
    products = products.strip()
    if not (categories or suppliers or products):
        raise UserFacingError(
            _("Say what you would like to buy: a kind of product, a supplier or some products."),
            field="categories",
        )
    if len(products) > 500:
        raise UserFacingError(_("Keep the products under 500 characters."), field="products")
    if spend_per_round is not None and not (0 <= spend_per_round <= MAX_SPEND):
        raise UserFacingError(
            _("Give an amount from 0 to 100,000, or leave it empty."), field="spend_per_round"
        )
    if every not in Interest.Every.values:
        raise UserFacingError(_("Choose weekly, fortnightly or monthly."), field="every")
    if not 1 <= travel_km <= MAX_TRAVEL_KM:
        raise UserFacingError(
            _("Give a distance from 1 to %(max)d km.") % {"max": MAX_TRAVEL_KM}, field="travel_km"
        )
    found = places.geocode(postcode, field="postcode", only="postcode")
    latitude, longitude = places.coordinates(found)
    interest = Interest.objects.select_for_update().filter(user=user).first() or Interest(user=user)
    interest.categories, interest.suppliers, interest.products = categories, suppliers, products
    interest.spend_per_round = spend_per_round
    interest.every = every
    # Privacy: a full postcode is kept as its sector (HX7 8AD -> HX7 8), where it was geocoded.
    interest.postcode = found.label[:-2] if found.kind == "postcode" else found.label
    interest.area = found.district
    interest.latitude, interest.longitude = latitude, longitude
    interest.travel_km = travel_km
    interest.can_host_pickup = can_host_pickup
    interest.another_group = another_group
    interest.full_clean(exclude=["user"])
    interest.save()
    return interest


def _names(values: Sequence[str], field: str) -> list[str]:
    cleaned = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if len(cleaned) > MAX_ITEMS:
        raise UserFacingError(
            _("Name at most %(n)d, the ones that matter most.") % {"n": MAX_ITEMS}, field=field
        )
    if any(len(v) > 80 for v in cleaned):
        raise UserFacingError(_("Keep each name under 80 characters."), field=field)
    return cleaned


@transaction.atomic
def interest_delete(*, user: User) -> bool:
    """Forget a person's interest and what they were told about it; False if there was none."""
    deleted, _rows = Interest.objects.filter(user=user).delete()
    return deleted > 0


@dataclass(frozen=True)
class GroupNearby:
    """The group a waiting list is told about (the groups area fills it in)."""

    id: int
    name: str
    slug: str
    place: str
    latitude: Decimal
    longitude: Decimal
    description: str = ""


def interest_notify_group_nearby(
    *,
    group: GroupNearby,
    reason: Literal["formed", "opened"],
    exclude_user_ids: Collection[int] = (),
) -> int:
    """Tell everyone whose interest lies within their travel distance of `group`; returns how many.

    Runs in the caller's transaction (a notice row and an outbox email each); a person is told
    about one group once, whatever happens to it later.
    """
    lat, lon = float(group.latitude), float(group.longitude)
    box = bounding_box(lat, lon, MAX_TRAVEL_KM)
    candidates = (
        Interest.objects.filter(
            latitude__gte=places.decimal(box.min_lat),
            latitude__lte=places.decimal(box.max_lat),
            longitude__gte=places.decimal(box.min_lon),
            longitude__lte=places.decimal(box.max_lon),
        )
        .exclude(user_id__in=list(exclude_user_ids))
        .exclude(notices__group_id=group.id)
        .select_related("user")
        .order_by("pk")
    )
    notices, emails = [], []
    url = f"{settings.SITE_URL}{reverse('groups:detail', args=[group.slug])}"
    for interest in candidates:
        km = distance_km(lat, lon, float(interest.latitude), float(interest.longitude))
        if km > interest.travel_km:
            continue
        notices.append(
            InterestNotice(
                interest=interest,
                group_id=group.id,
                reason=reason,
                distance_km=round(Decimal(km), 1),
            )
        )
        context = {"interest": interest, "group": group, "reason": reason, "km": km, "url": url,
                   "interest_url": f"{settings.SITE_URL}{reverse('interest:mine')}"}  # fmt: skip
        with override(interest.user.language):
            emails.append(
                Email(
                    to=[interest.user.email],
                    subject=render_to_string(
                        "interest/email/group_nearby_subject.txt", context
                    ).strip(),
                    body=render_to_string("interest/email/group_nearby.txt", context),
                )
            )
    InterestNotice.objects.bulk_create(notices)
    if emails:
        outbox_enqueue_many(emails)
    return len(notices)
