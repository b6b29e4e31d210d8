"""A closed pooled round in the Pennine Food federation: the three demo groups ordered from one
shared supplier together, and the pool filled cases none of them could fill alone.

The federation is another seed's; if it is missing it is made here (`federation_create`, the
three groups as members, the first group's supplier with the most products shared). After the
close, the second group pays the federation what it owes (the others still owe, so the money
page shows both). Idempotent: the federation is found by its slug, the pooled round by its name,
the payment by its key (and a group that owes nothing pays nothing).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.catalog.models import Supplier
from coopbuy.errors import UserFacingError
from coopbuy.federations.models import (
    Federation,
    FederationGroup,
    FederationRole,
    FederationSupplier,
)
from coopbuy.federations.payments import federation_payment_from_group
from coopbuy.federations.selectors import group_debt
from coopbuy.federations.services import federation_create
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.pooled.closing import pooled_round_close
from coopbuy.pooled.models import PooledRound
from coopbuy.pooled.services import pooled_round_open
from coopbuy.rounds.models import Round, RoundProduct
from coopbuy.rounds.services import basket_set

SLUG = "pennine-food"
NAME = "Pennine pooled order: dried goods"


def seed_pooled(group_slugs: list[str]) -> tuple[str, str] | None:
    """Returns a login line (email, what it is) for the demo's printout, or None."""
    groups = [g for g in (BuyingGroup.objects.filter(slug=s).first() for s in group_slugs) if g]
    if len(groups) < 2:
        return None
    coordinator = _coordinator(groups[0])
    federation = Federation.objects.filter(slug=SLUG).first() or _federation(groups, coordinator)
    runner = (
        FederationRole.objects.filter(
            federation=federation, role=FederationRole.Role.COORDINATOR, ended_at__isnull=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if runner is None:
        return None
    shared = (
        Supplier.objects.filter(
            federation_rows__federation=federation, federation_rows__ended_at__isnull=True
        )
        .order_by("pk")
        .first()
    )
    if shared is None:
        return None
    if not PooledRound.objects.filter(federation=federation, name=NAME).exists():
        _pool(federation, runner.user, shared)
    _settle(federation, groups[1])
    return (runner.user.email, f"coordinator of the {federation.name} (pooled rounds)")


def _settle(federation: Federation, group: BuyingGroup) -> None:
    """The group pays the federation what the pooled round left it owing, from its bank."""
    owed = group_debt(federation=federation, group=group).owed
    if owed <= 0:
        return
    federation_payment_from_group(
        federation=federation, group=group, amount=owed, method="bank",
        actor=_coordinator(group), idempotency_key="demo-pooled-settle",
        reference="Pooled dried goods",
    )  # fmt: skip


def _coordinator(group: BuyingGroup) -> User:
    membership = (
        Membership.objects.active()
        .filter(group=group, role=Membership.Role.COORDINATOR)
        .select_related("user")
        .order_by("joined_at", "pk")
        .first()
    )
    assert membership is not None, group.slug
    return membership.user


def _federation(groups: list[BuyingGroup], creator: User) -> Federation:
    federation = federation_create(
        creator=creator,
        name="Pennine Food Federation",
        slug=SLUG,
        description="Buying groups of the South Pennines ordering wholesale together.",
    )
    for group in groups:
        FederationGroup.objects.create(
            federation=federation, group=group, status=FederationGroup.Status.MEMBER,
            decided_at=timezone.now(), decided_by=creator, markup_rate=Decimal("0.0300"),
        )  # fmt: skip
    supplier = (
        Supplier.objects.filter(group=groups[0], is_active=True)
        .annotate(n=Count("products"))
        .order_by("-n", "pk")
        .first()
    )
    if supplier is not None:
        FederationSupplier.objects.create(
            federation=federation, supplier=supplier, added_by=creator
        )
    return federation


def _pool(federation: Federation, runner: User, supplier: Supplier) -> None:
    """Open, let members of every group order, close: products with volume prices first, each
    product's cases split across the groups so that no group fills one (or the supplier's
    minimum) alone, until the pool passes the supplier's minimum order."""
    now = timezone.now()
    pool = pooled_round_open(
        federation=federation, actor=runner, supplier=supplier, name=NAME,
        opens_at=now - timedelta(days=6), closes_at=now + timedelta(hours=1),
        drop_fee=Decimal("4.00"),
    )  # fmt: skip
    children = list(Round.objects.filter(pool=pool).select_related("group").order_by("pk"))
    target = max(Decimal("120.00"), pool.min_order_value * Decimal("1.3"))
    products = sorted(
        RoundProduct.objects.filter(round=children[0], case_size__gte=3),
        key=lambda p: (not p.tiers, p.category, p.name, p.pk),
    )
    orderers = {
        child.pk: list(
            Membership.objects.active()
            .filter(group=child.group)
            .select_related("user")
            .order_by("joined_at", "pk")[3:9]
        )
        for child in children
    }
    placed, value, turn = now - timedelta(days=5), Decimal(0), 0
    for product in products:
        if value >= target:
            break
        cases = min([int(c) for c, _price in product.tiers] or [1])
        units = cases * product.case_size
        parts = [units // len(children) + (1 if i < units % len(children) else 0)
                 for i in range(len(children))]  # fmt: skip
        if cases == 1 and max(parts) >= product.case_size:
            continue
        for child, part in zip(children, parts, strict=True):
            local = RoundProduct.objects.filter(round=child, product=product.product).first()
            people = orderers[child.pk]
            if local is None or not people or not part:
                continue
            halves = [part - part // 2, part // 2]
            for quantity in halves:
                if not quantity:
                    continue
                membership = people[turn % len(people)]
                turn += 1
                placed += timedelta(minutes=17)
                try:
                    basket_set(
                        round=child, user=membership.user, product_id=local.pk,
                        quantity=quantity, tolerance=0, now=placed,
                    )  # fmt: skip
                except UserFacingError:
                    continue  # beyond the group's credit rule: this member sits this one out
                value += quantity * product.unit_price
    pooled_round_close(pool=pool, actor=runner)
