"""The directory of public groups: nearest first from a point, within a radius, with filters.

Reads only. The point comes from `coopbuy.places` (a postcode, a town, the browser's location);
distances are great-circle kilometres. A bounding box on latitude and longitude narrows the
candidates (an index on the pair makes it cheap); the database works out the exact distance, keeps
those within the radius and orders them, and only the page shown is loaded whole.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, overload

from django.core.cache import cache
from django.db.models import Count, FloatField, Min, Q, QuerySet, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Sin, Sqrt

from coopbuy.core.geo.distance import EARTH_RADIUS_KM, bounding_box
from coopbuy.core.geo.gazetteer import Location
from coopbuy.groups.models import BuyingGroup

DEFAULT_WITHIN_KM = 50
MAX_WITHIN_KM = 500
RADII = (5, 10, 25, 50, 100, 250, 500)
CATEGORIES_CACHE_KEY = "directory:categories"
Every = Literal["weekly", "fortnightly", "monthly"]
# How often a group orders, from its active round schedules' interval in weeks.
EVERY_WEEKS: dict[str, tuple[int, int]] = {
    "weekly": (1, 1),
    "fortnightly": (2, 2),
    "monthly": (3, 6),
}


@dataclass(frozen=True)
class DirectorySearch:
    origin: Location | None = None
    within_km: int = DEFAULT_WITHIN_KM
    q: str = ""
    category: str = ""
    supplier: str = ""
    every: str = ""
    taking_members: bool = False
    group_id: int | None = None  # an API token limited to one group sees only that group


@dataclass(frozen=True)
class Listing:
    group: BuyingGroup
    member_count: int
    distance_km: float | None
    categories: list[str] = field(default_factory=list)
    suppliers: list[str] = field(default_factory=list)
    every_weeks: int | None = None

    @property
    def taking_members(self) -> bool:
        return self.group.join_policy != BuyingGroup.JoinPolicy.INVITATION


def filtered_groups(search: DirectorySearch) -> QuerySet[BuyingGroup]:
    """Public groups passing the filters (not yet the radius)."""
    groups = BuyingGroup.objects.filter(visibility=BuyingGroup.Visibility.PUBLIC)
    if search.group_id is not None:
        groups = groups.filter(pk=search.group_id)
    if search.q:
        q = search.q
        groups = groups.filter(
            Q(name__icontains=q) | Q(place__icontains=q) | Q(description__icontains=q)
        )
    if search.taking_members:
        groups = groups.exclude(join_policy=BuyingGroup.JoinPolicy.INVITATION)
    if search.category:
        groups = groups.filter(
            pk__in=BuyingGroup.objects.filter(
                suppliers__is_active=True,
                suppliers__products__is_available=True,
                suppliers__products__category__iexact=search.category,
            ).values("pk")
        )
    if search.supplier:
        groups = groups.filter(
            pk__in=BuyingGroup.objects.filter(
                suppliers__is_active=True, suppliers__name__icontains=search.supplier
            ).values("pk")
        )
    if search.every:
        low, high = EVERY_WEEKS[search.every]
        groups = groups.filter(
            pk__in=BuyingGroup.objects.filter(
                round_schedules__is_active=True,
                round_schedules__interval_weeks__gte=low,
                round_schedules__interval_weeks__lte=high,
            ).values("pk")
        )
    return groups


def directory(search: DirectorySearch) -> Listings:
    """The groups found, nearest first within the radius (or by name without a point)."""
    groups = filtered_groups(search)
    if search.origin is None:
        return Listings(groups.order_by("name", "pk").values_list("pk", Value(None, FloatField())))
    lat, lon = search.origin.latitude, search.origin.longitude
    box = bounding_box(lat, lon, search.within_km)
    near = (
        groups.filter(
            latitude__gte=_dec(box.min_lat),
            latitude__lte=_dec(box.max_lat),
            longitude__gte=_dec(box.min_lon),
            longitude__lte=_dec(box.max_lon),
        )
        .annotate(distance=_distance_from(lat, lon))
        .filter(distance__lte=search.within_km)
    )
    return Listings(near.order_by("distance", "pk").values_list("pk", "distance"))


def nearest_beyond(search: DirectorySearch) -> Listing | None:
    """The nearest group passing the filters at any distance (for an empty result's message)."""
    if search.origin is None:
        return None
    rows = (
        filtered_groups(search)
        .exclude(latitude=None)
        .annotate(distance=_distance_from(search.origin.latitude, search.origin.longitude))
        .order_by("distance", "pk")
        .values_list("pk", "distance")
    )
    found = Listings(rows[:1])[:1]
    return found[0] if found else None


def _distance_from(lat: float, lon: float) -> CombinedExpression:
    """Great-circle km from (lat, lon) to a group, in SQL (haversine, as core.geo.distance)."""
    as_float = FloatField()
    phi = Radians(Cast("latitude", as_float))
    lam = Radians(Cast("longitude", as_float))
    phi0, lam0 = Value(math.radians(lat), as_float), Value(math.radians(lon), as_float)
    half = Value(2.0, as_float)
    a = Power(Sin((phi - phi0) / half), 2) + Value(math.cos(math.radians(lat)), as_float) * Cos(
        phi
    ) * Power(Sin((lam - lam0) / half), 2)
    return ASin(Sqrt(a), output_field=as_float) * Value(2 * EARTH_RADIUS_KM, as_float)


def _dec(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


class Listings(Sequence[Listing]):
    """(group id, distance) rows in order, loaded whole a page at a time (a Paginator or the
    API slices it: one COUNT, then one LIMIT query for the page's ids)."""

    def __init__(self, rows: QuerySet[Any, tuple[int, float | None]] | None) -> None:
        self.rows = rows
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = 0 if self.rows is None else self.rows.count()
        return self._count

    @overload
    def __getitem__(self, index: int) -> Listing: ...
    @overload
    def __getitem__(self, index: slice) -> list[Listing]: ...
    def __getitem__(self, index: int | slice) -> Listing | list[Listing]:
        if self.rows is None:
            if isinstance(index, slice):
                return []
            raise IndexError(index)
        if isinstance(index, slice):
            return self._load(list(self.rows[index]))
        return self._load(list(self.rows[index : index + 1]))[0]

    def __iter__(self) -> Iterator[Listing]:
        return iter(self._load(list(self.rows or [])))

    def _load(self, rows: list[tuple[int, float | None]]) -> list[Listing]:
        """The page's groups with their member count and schedule, then what they buy from whom:
        two queries whatever the page's size."""
        if not rows:
            return []
        ids = [pk for pk, _distance in rows]
        distances = dict(rows)
        groups = BuyingGroup.objects.filter(pk__in=ids).annotate(
            member_count=Count("memberships", distinct=True),
            every_weeks=Min(
                "round_schedules__interval_weeks", filter=Q(round_schedules__is_active=True)
            ),
        )
        by_pk = {g.pk: g for g in groups}
        categories: dict[int, set[str]] = defaultdict(set)
        suppliers: dict[int, set[str]] = defaultdict(set)
        for pk, supplier, category, available in BuyingGroup.objects.filter(
            pk__in=ids, suppliers__is_active=True
        ).values_list(
            "pk",
            "suppliers__name",
            "suppliers__products__category",
            "suppliers__products__is_available",
        ):
            suppliers[pk].add(supplier)
            if category and available:
                categories[pk].add(category)
        return [
            Listing(
                group=by_pk[pk],
                member_count=by_pk[pk].member_count,
                distance_km=distances[pk],
                categories=sorted(categories[pk], key=str.casefold),
                suppliers=sorted(suppliers[pk], key=str.casefold),
                every_weeks=by_pk[pk].every_weeks,
            )
            for pk in ids
            if pk in by_pk
        ]


def category_choices(limit: int = 60) -> list[str]:
    """The product categories public groups buy, the most common `limit` (for the filter), by
    name; kept for five minutes (a join over every public group's products)."""
    cached: list[str] | None = cache.get(CATEGORIES_CACHE_KEY)
    if cached is not None:
        return list(cached)
    rows = (
        BuyingGroup.objects.filter(
            visibility=BuyingGroup.Visibility.PUBLIC,
            suppliers__is_active=True,
            suppliers__products__is_available=True,
        )
        .exclude(suppliers__products__category="")
        .values("suppliers__products__category")
        .annotate(groups=Count("pk", distinct=True))
        .order_by("-groups", "suppliers__products__category")[:limit]
    )
    found = sorted((r["suppliers__products__category"] for r in rows), key=str.casefold)
    cache.set(CATEGORIES_CACHE_KEY, found, 300)
    return list(found)
