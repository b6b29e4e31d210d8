"""The directory of public groups: nearest first from a point, within a radius, with filters.

Reads only. The point comes from `coopbuy.places` (a postcode, a town, the browser's location);
distances are great-circle kilometres. A bounding box on the indexed latitude and longitude
narrows the candidates in the database; the exact distance, the radius and the order are worked
out in Python on that short list, and only the page shown is loaded whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, overload

from django.db.models import Count, Min, Q, QuerySet

from coopbuy.core.geo.distance import bounding_box, distance_km
from coopbuy.core.geo.gazetteer import Location
from coopbuy.groups.models import BuyingGroup

DEFAULT_WITHIN_KM = 50
MAX_WITHIN_KM = 500
RADII = (5, 10, 25, 50, 100, 250, 500)
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
        return Listings(list(groups.order_by("name", "pk").values_list("pk", flat=True)), {})
    lat, lon = search.origin.latitude, search.origin.longitude
    box = bounding_box(lat, lon, search.within_km)
    candidates = groups.filter(
        latitude__gte=_dec(box.min_lat),
        latitude__lte=_dec(box.max_lat),
        longitude__gte=_dec(box.min_lon),
        longitude__lte=_dec(box.max_lon),
    ).values_list("pk", "latitude", "longitude")
    distances: dict[int, float] = {}
    for pk, glat, glon in candidates:
        if glat is None or glon is None:
            continue
        km = distance_km(lat, lon, float(glat), float(glon))
        if km <= search.within_km:
            distances[pk] = km
    order = sorted(distances, key=lambda pk: (distances[pk], pk))
    return Listings(order, distances)


def nearest_beyond(search: DirectorySearch) -> Listing | None:
    """The nearest group passing the filters at any distance (for an empty result's message)."""
    if search.origin is None:
        return None
    lat, lon = search.origin.latitude, search.origin.longitude
    rows = filtered_groups(search).values_list("pk", "latitude", "longitude")
    best = min(
        (
            (distance_km(lat, lon, float(a), float(b)), pk)
            for pk, a, b in rows
            if a is not None and b is not None
        ),
        default=None,
    )
    if best is None:
        return None
    return Listings([best[1]], {best[1]: best[0]})[0]


def _dec(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


class Listings(Sequence[Listing]):
    """Group ids in order, loaded a page at a time (so a Paginator or the API can slice it)."""

    def __init__(self, ids: list[int], distances: dict[int, float]) -> None:
        self.ids = ids
        self.distances = distances

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Listing: ...
    @overload
    def __getitem__(self, index: slice) -> list[Listing]: ...
    def __getitem__(self, index: int | slice) -> Listing | list[Listing]:
        if isinstance(index, slice):
            return self._load(self.ids[index])
        return self._load([self.ids[index]])[0]

    def __iter__(self) -> Iterator[Listing]:
        return iter(self._load(self.ids))

    def _load(self, ids: list[int]) -> list[Listing]:
        """The page's groups with their member count and schedule, then what they buy from whom:
        two queries whatever the page's size."""
        if not ids:
            return []
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
                distance_km=self.distances.get(pk),
                categories=sorted(categories[pk], key=str.casefold),
                suppliers=sorted(suppliers[pk], key=str.casefold),
                every_weeks=by_pk[pk].every_weeks,
            )
            for pk in ids
            if pk in by_pk
        ]


def category_choices(limit: int = 60) -> list[str]:
    """The product categories public groups buy, most common first (for the filter)."""
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
    return sorted((r["suppliers__products__category"] for r in rows), key=str.casefold)
