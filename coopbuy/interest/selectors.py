"""Reads: my interest, what I was told, and how many people wait near a place."""

from __future__ import annotations

from django.db.models import QuerySet

from coopbuy import places
from coopbuy.accounts.models import User
from coopbuy.core.geo.distance import bounding_box, distance_km
from coopbuy.interest.models import Interest, InterestNotice


def interest_of(*, user: User) -> Interest | None:
    return Interest.objects.filter(user=user).first()


def notices_for(*, user: User) -> QuerySet[InterestNotice]:
    return InterestNotice.objects.filter(interest__user=user).select_related("group")


def waiting_near(
    *, latitude: float, longitude: float, km: float, exclude: User | None = None
) -> int:
    """How many people registered interest within `km` of a point (the area's waiting list)."""
    box = bounding_box(latitude, longitude, km)
    rows = Interest.objects.filter(
        latitude__gte=places.decimal(box.min_lat),
        latitude__lte=places.decimal(box.max_lat),
        longitude__gte=places.decimal(box.min_lon),
        longitude__lte=places.decimal(box.max_lon),
    )
    if exclude is not None:
        rows = rows.exclude(user=exclude)
    return sum(
        1
        for lat, lon in rows.values_list("latitude", "longitude")
        if distance_km(latitude, longitude, float(lat), float(lon)) <= km
    )
