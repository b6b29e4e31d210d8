"""Reads about groups, scoped to what the asking person may see."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Cos, Radians

from coopbuy.accounts.models import User
from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest, Membership

KM_PER_DEGREE = 111.32
ACTIVE_IN_GROUP = Q(group__memberships__ended_at__isnull=True)
ROLE_ORDER = Case(
    When(role=Membership.Role.COORDINATOR, then=Value(0)),
    When(role=Membership.Role.TREASURER, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class GroupListing:
    group: BuyingGroup
    member_count: int
    distance_km: float | None


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    """The groups a person belongs to, with their role in each."""
    return (
        Membership.objects.active()
        .filter(user=user)
        .select_related("group")
        .annotate(member_count=Count("group__memberships", filter=ACTIVE_IN_GROUP))
        .order_by("group__name")
    )


def public_groups(
    *, query: str = "", near: tuple[Decimal, Decimal] | None = None
) -> QuerySet[BuyingGroup]:
    """Groups anyone may find; matching `query` by name, place or description; nearest first."""
    groups = BuyingGroup.objects.filter(visibility=BuyingGroup.Visibility.PUBLIC).annotate(
        member_count=Count("memberships", filter=Q(memberships__ended_at__isnull=True))
    )
    if query:
        groups = groups.filter(
            Q(name__icontains=query) | Q(place__icontains=query) | Q(description__icontains=query)
        )
    if near is None:
        return groups.order_by("name")
    lat, lon = float(near[0]), float(near[1])
    # Equirectangular approximation: exact enough to sort groups within a country.
    as_float = FloatField()
    dx = ExpressionWrapper(
        (Cast("longitude", as_float) - Value(lon, as_float)) * Cos(Radians(Value(lat, as_float))),
        output_field=as_float,
    )
    dy = ExpressionWrapper(Cast("latitude", as_float) - Value(lat, as_float), output_field=as_float)
    return groups.annotate(distance2=dx * dx + dy * dy).order_by(
        F("distance2").asc(nulls_last=True), "name"
    )


def distance_km(group: BuyingGroup, near: tuple[Decimal, Decimal] | None) -> float | None:
    if near is None or group.latitude is None or group.longitude is None:
        return None
    lat0 = math.radians(float(near[0]))
    dx = (float(group.longitude) - float(near[1])) * math.cos(lat0)
    dy = float(group.latitude) - float(near[0])
    return KM_PER_DEGREE * math.hypot(dx, dy)


def members_of_group(*, group: BuyingGroup) -> QuerySet[Membership]:
    """The group's members now (ended memberships are history: `former_members_of_group`)."""
    return (
        Membership.objects.active()
        .filter(group=group)
        .select_related("user")
        .annotate(role_order=ROLE_ORDER)
        .order_by("role_order", "user__display_name", "user__email")
    )


def pending_join_requests(*, group: BuyingGroup) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(
        group=group, status=JoinRequest.Status.PENDING
    ).select_related("user")


def pending_request_of(*, group: BuyingGroup, user: User) -> JoinRequest | None:
    if not user.is_authenticated:
        return None
    return JoinRequest.objects.filter(
        group=group, user=user, status=JoinRequest.Status.PENDING
    ).first()


def invitations_of_group(*, group: BuyingGroup) -> QuerySet[Invitation]:
    return Invitation.objects.filter(group=group).select_related("created_by")


def coordinator_count(*, group: BuyingGroup) -> int:
    return Membership.objects.active().filter(group=group, role=Membership.Role.COORDINATOR).count()


def member_count(*, group: BuyingGroup) -> int:
    return Membership.objects.active().filter(group=group).count()


def former_members_of_group(*, group: BuyingGroup) -> QuerySet[Membership]:
    """Memberships that ended, most recent first: who left or was removed, when and by whom."""
    return (
        Membership.objects.ended()
        .filter(group=group)
        .select_related("user", "ended_by")
        .order_by("-ended_at", "-pk")
    )
