"""A federation of three groups sharing one supplier, with a pooled round open (for the tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.catalog.models import Product, Supplier
from coopbuy.federations.models import Federation, FederationGroup, FederationSupplier
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.pooled.models import PooledRound
from coopbuy.pooled.services import pooled_round_open
from coopbuy.rounds.models import Round, RoundProduct
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier
from coopbuy.testing.factories import add_member, make_group, make_user
from coopbuy.testing.federations import make_federation


@dataclass
class World:
    federation: Federation
    fay: User  # the federation's coordinator
    groups: list[BuyingGroup]
    coordinators: list[User]
    members: dict[str, Membership]
    users: dict[str, User]
    supplier: Supplier
    oats: Product
    beans: Product


def make_world(*, markup: Decimal = Decimal("0")) -> World:
    fay = make_user("Fay Federation")
    coordinators = [make_user(f"Cora {n}") for n in "ABC"]
    groups = [make_group(c, name=f"Group {n}") for c, n in zip(coordinators, "ABC", strict=True)]
    federation = make_federation(*groups, coordinator=fay)
    FederationGroup.objects.filter(federation=federation).update(markup_rate=markup)
    supplier = make_supplier(groups[0], name="Suma", delivery_fee=Decimal("6.00"))
    oats = make_product(
        supplier, name="Oats", case_size=6, unit_price=Decimal("3.00"), tiers=[(2, "2.70")]
    )
    beans = make_product(supplier, name="Beans", case_size=4, unit_price=Decimal("1.50"))
    FederationSupplier.objects.create(federation=federation, supplier=supplier, added_by=fay)
    users: dict[str, User] = {}
    members: dict[str, Membership] = {}
    for name, group in (("ann", 0), ("amy", 0), ("bob", 1), ("ben", 1), ("cat", 2)):
        users[name] = make_user(name.title())
        members[name] = add_member(groups[group], users[name])
    return World(federation, fay, groups, coordinators, members, users, supplier, oats, beans)


def open_pool(w: World, **fields: object) -> PooledRound:
    now = timezone.now()
    return pooled_round_open(
        federation=w.federation,
        actor=w.fay,
        supplier=w.supplier,
        name=str(fields.pop("name", "Pooled November")),
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=2),
        drop_fee=Decimal(str(fields.pop("drop_fee", "1.50"))),
    )


def child_of(pool: PooledRound, group: BuyingGroup) -> Round:
    return Round.objects.get(pool=pool, group=group)


def order(pool: PooledRound, w: World, who: str, product: Product, q: int, t: int = 0) -> None:
    group = w.members[who].group
    rp = RoundProduct.objects.get(round__pool=pool, round__group=group, product=product)
    basket_set(
        round=child_of(pool, group), user=w.users[who], product_id=rp.pk, quantity=q, tolerance=t
    )
