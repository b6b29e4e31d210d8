"""What is happening now for one person: the reads behind the home page and a group's "now" panel.

It sits at the top (it reads groups, rounds and the ledger) and writes nothing. Every query is
scoped to the person's own memberships; a few queries per group, for the handful of groups a
person belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest, Membership
from coopbuy.groups.permissions import can_manage
from coopbuy.groups.selectors import pending_join_requests
from coopbuy.ledger.models import Account
from coopbuy.ledger.permissions import can_run_money
from coopbuy.ledger.selectors import Spending, lines_to_review, spending_of
from coopbuy.rounds.models import Allocation, MemberRoundCharge, Round
from coopbuy.rounds.ordering import BasketSummary, basket_summary

MAX_GROUPS = 20


@dataclass(frozen=True)
class OpenRound:
    round: Round
    basket: BasketSummary


@dataclass(frozen=True)
class Pickup:
    round: Round
    products: int
    units: int
    total: Decimal


@dataclass(frozen=True)
class Waiting:
    """Things a coordinator or treasurer of the group should look at."""

    join_requests: int = 0
    bank_lines: int = 0
    to_receive: list[Round] = field(default_factory=list)
    to_close: list[Round] = field(default_factory=list)  # past the deadline, still open

    @property
    def any(self) -> bool:
        return bool(self.join_requests or self.bank_lines or self.to_receive or self.to_close)


@dataclass(frozen=True)
class GroupNow:
    group: BuyingGroup
    membership: Membership
    open_rounds: list[OpenRound]
    spending: Spending
    payment_reference: str | None
    pickups: list[Pickup]
    waiting: Waiting | None  # None for members without a role

    @property
    def may_spend(self) -> Decimal | None:
        committed = sum((o.basket.total for o in self.open_rounds), Decimal(0))
        return self.spending.left(committed)

    @property
    def low_balance(self) -> bool:
        left = self.may_spend
        return left is not None and left < Decimal("10.00")


@dataclass(frozen=True)
class Home:
    groups: list[GroupNow]
    invitations: list[Invitation]
    requests: list[JoinRequest]

    @property
    def empty(self) -> bool:
        return not (self.groups or self.invitations or self.requests)


def group_now(*, membership: Membership, now: datetime | None = None) -> GroupNow:
    """What is happening now in one group, for one of its members."""
    now = now or timezone.now()
    group = membership.group
    rounds = list(
        Round.objects.filter(group=group, status=Round.Status.OPEN, closes_at__gt=now)
        .order_by("closes_at", "pk")
        .select_related("group")[:5]
    )
    open_rounds = [OpenRound(r, basket_summary(round=r, membership=membership)) for r in rounds]
    reference = (
        Account.objects.filter(membership=membership, kind=Account.Kind.MEMBER)
        .values_list("payment_reference", flat=True)
        .first()
    )
    return GroupNow(
        group=group,
        membership=membership,
        open_rounds=open_rounds,
        spending=spending_of(membership=membership),
        payment_reference=reference,
        pickups=_pickups(membership),
        waiting=_waiting(group, membership, now),
    )


def _pickups(membership: Membership) -> list[Pickup]:
    """Closed rounds with something in the member's bag that they have not collected yet."""
    charges = (
        MemberRoundCharge.objects.filter(
            membership=membership,
            collected_at__isnull=True,
            round__status__in=[
                Round.Status.CLOSED,
                Round.Status.ORDERED,
                Round.Status.RECEIVED,
            ],
        )
        .select_related("round")
        .order_by("round__closes_at")[:3]
    )
    pickups = []
    for charge in charges:
        bag = Allocation.objects.filter(
            round=charge.round, membership=membership, units__gt=0
        ).aggregate(products=Count("pk"), units=Sum("units"))
        if bag["products"]:
            pickups.append(Pickup(charge.round, bag["products"], bag["units"] or 0, charge.total))
    return pickups


def _waiting(group: BuyingGroup, membership: Membership, now: datetime) -> Waiting | None:
    manager, money = can_manage(membership), can_run_money(membership)
    if not (manager or money):
        return None
    rounds = Round.objects.filter(group=group)
    return Waiting(
        join_requests=pending_join_requests(group=group).count() if manager else 0,
        bank_lines=lines_to_review(group=group).count() if money else 0,
        to_receive=list(
            rounds.filter(status__in=[Round.Status.CLOSED, Round.Status.ORDERED]).order_by(
                "closes_at"
            )[:3]
        )
        if manager
        else [],
        to_close=list(rounds.filter(status=Round.Status.OPEN, closes_at__lte=now)[:3])
        if manager
        else [],
    )


def home_for(*, user: User) -> Home:
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("group")
        .order_by("group__name")[:MAX_GROUPS]
    )
    mine = {m.group_id for m in memberships}
    now = timezone.now()
    invitations = list(
        Invitation.objects.filter(
            email__iexact=user.email, revoked_at__isnull=True, expires_at__gt=now
        )
        .filter(Q(max_uses__isnull=True) | Q(use_count__lt=F("max_uses")))
        .exclude(group_id__in=mine)
        .select_related("group")[:5]
    )
    requests = list(
        JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).select_related(
            "group"
        )[:5]
    )
    return Home([group_now(membership=m, now=now) for m in memberships], invitations, requests)
