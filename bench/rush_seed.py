"""The seed of `bench/rush.py`, written through the product's services (Django set up already).

A group anyone may join, a coordinator and `members` members each with a read-write API token,
 one supplier with `products` products, two open rounds (one for the
throughput phases, one for the deadline rush) and capped campaigns made on demand.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal


@dataclass(frozen=True)
class Seed:
    slug: str
    coordinator_token: str
    tokens: list[str]  # one a member, in member order
    measure_round: int
    rush_round: int
    measure_products: list[int]  # RoundProduct ids; the first three are the hot ones
    rush_products: list[int]
    supplier_id: int
    coordinator_id: int


def seed(*, members: int, products: int) -> Seed:
    from django.utils import timezone

    from coopbuy.accounts.models import User
    from coopbuy.api.models import ApiToken
    from coopbuy.catalog.services import product_save, supplier_create
    from coopbuy.groups.memberships import group_join
    from coopbuy.groups.models import BuyingGroup
    from coopbuy.groups.services import group_create
    from coopbuy.rounds.models import RoundProduct
    from coopbuy.rounds.services import round_create, round_open
    from coopbuy.tokens.services import token_create

    rnd = random.Random(15)
    coordinator = User.objects.create_user("coordinator@rush.invalid", None, display_name="Coord")
    group = group_create(
        creator=coordinator,
        name="Rush",
        slug="rush",
        join_policy=BuyingGroup.JoinPolicy.OPEN,
    )
    _token, coordinator_token = token_create(
        user=coordinator, name="rush", scope=ApiToken.Scope.READ_WRITE, group=group
    )
    tokens = []
    for i in range(members):
        user = User.objects.create_user(f"m{i}@rush.invalid", None, display_name=f"Member {i}")
        group_join(group=group, user=user)
        # Not limited to the group: a campaign's address is outside the group's.
        _token, secret = token_create(user=user, name="rush", scope=ApiToken.Scope.READ_WRITE)
        tokens.append(secret)
    supplier = supplier_create(group=group, actor=coordinator, name="Wholesale")
    for i in range(products):
        product_save(
            supplier=supplier,
            actor=coordinator,
            sku=f"P{i:04d}",
            name=f"Product {i:04d}",
            case_size=rnd.choice([1, 2, 4, 6, 6, 12, 12, 24]),
            unit_price=Decimal(rnd.randrange(50, 2000)) / 100,
        )
    now = timezone.now()
    round_ids = []
    for name in ("Measured", "Deadline"):
        round = round_create(
            group=group,
            actor=coordinator,
            name=name,
            suppliers=[supplier],
            opens_at=now - timedelta(minutes=1),
            closes_at=now + timedelta(hours=2),
        )
        round_open(round=round, actor=coordinator)
        round_ids.append(round.pk)

    def product_ids(round_id: int) -> list[int]:
        return list(
            RoundProduct.objects.filter(round_id=round_id)
            .order_by("sku")
            .values_list("pk", flat=True)
        )

    return Seed(
        slug=group.slug,
        coordinator_token=coordinator_token,
        tokens=tokens,
        measure_round=round_ids[0],
        rush_round=round_ids[1],
        measure_products=product_ids(round_ids[0]),
        rush_products=product_ids(round_ids[1]),
        supplier_id=supplier.pk,
        coordinator_id=coordinator.pk,
    )


def campaign(seed: Seed, *, cap: int, max_per_person: int, title: str) -> str:
    """A campaign counted in units with a cap; its code (the API's address for it)."""
    from django.utils import timezone

    from coopbuy.accounts.models import User
    from coopbuy.campaigns.models import Campaign
    from coopbuy.campaigns.services import TierInput, campaign_create
    from coopbuy.catalog.models import Supplier
    from coopbuy.groups.models import BuyingGroup

    made = campaign_create(
        group=BuyingGroup.objects.get(slug=seed.slug),
        actor=User.objects.get(pk=seed.coordinator_id),
        title=title,
        supplier=Supplier.objects.get(pk=seed.supplier_id),
        tiers=[TierInput(10, Decimal("5.00")), TierInput(200, Decimal("4.00"))],
        deadline=timezone.now() + timedelta(hours=2),
        measure=Campaign.Measure.UNITS,
        cap=cap,
        max_per_person=max_per_person,
    )
    return made.code
