"""A tender world for the tests: a federation of two groups, three invited suppliers with users,
past rounds with members' allocations, and a published tender on oats and lentils."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.catalog.models import Supplier, SupplierUser
from coopbuy.federations.models import Federation
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.rounds.models import Allocation, Round, RoundProduct, RoundSupplier
from coopbuy.tenders import services
from coopbuy.tenders.bidding import BidInput, LineInput, bid_submit
from coopbuy.tenders.models import Tender
from coopbuy.testing.factories import add_member, make_group, make_user
from coopbuy.testing.federations import make_federation


@dataclass
class World:
    federation: Federation
    fay: User  # federation coordinator, also coordinator of group a
    a: BuyingGroup
    b: BuyingGroup
    bea: User  # coordinator of group b
    mia: User  # member of group a
    outsider: User
    suppliers: list[Supplier] = field(default_factory=list)
    sellers: list[User] = field(default_factory=list)  # one user per supplier
    other_supplier: Supplier | None = None
    other_seller: User | None = None
    tender: Tender | None = None


def supplier_with_user(group: BuyingGroup, name: str) -> tuple[Supplier, User]:
    supplier = Supplier.objects.create(group=group, name=name, email=f"{name.lower()}@example.org")
    seller = make_user(f"{name} Sales")
    SupplierUser.objects.create(supplier=supplier, user=seller)
    return supplier, seller


def past_round(
    group: BuyingGroup, days_ago: int, bought: dict[Membership, list[tuple[str, int, str]]]
) -> Round:
    """A settled round in which each membership was allocated (sku, units, amount paid)."""
    now = timezone.now()
    round_ = Round.objects.create(
        group=group,
        name=f"Round {days_ago}",
        status="settled",
        opens_at=now - timedelta(days=days_ago + 7),
        closes_at=now - timedelta(days=days_ago),
    )
    supplier = RoundSupplier.objects.create(round=round_, name="Old Wholesale")
    products: dict[str, RoundProduct] = {}
    for membership, lines in bought.items():
        for sku, units, amount in lines:
            if sku not in products:
                products[sku] = RoundProduct.objects.create(
                    round=round_, supplier=supplier, sku=sku, name=sku.replace("-", " ").title(),
                    category="Dry goods", unit_description="bag", case_size=10,
                    unit_price=Decimal(amount) / units,
                )  # fmt: skip
            Allocation.objects.create(
                round=round_, membership=membership, product=products[sku], requested=units,
                units=units, from_quantity=units, from_tolerance=0, amount=Decimal(amount),
            )  # fmt: skip
    return round_


def make_world(*, criteria: dict[str, str] | None = None) -> World:
    fay, bea = make_user("Fay Federation"), make_user("Bea Coordinator")
    a, b = make_group(fay, name="Ashby Buyers"), make_group(bea, name="Bolton Buyers")
    federation = make_federation(a, b, coordinator=fay, name="Pennine Test")
    mia = add_member(a, make_user("Mia Member")).user
    world = World(federation, fay, a, b, bea, mia, make_user("Olly Outsider"))
    for name in ("Alpha", "Beta", "Gamma"):
        supplier, seller = supplier_with_user(a, name)
        world.suppliers.append(supplier)
        world.sellers.append(seller)
    world.other_supplier, world.other_seller = supplier_with_user(b, "Delta")
    tender = services.tender_create(
        actor=fay,
        federation=federation,
        fields=services.TenderFields(
            title="Dry goods 2027",
            deadline=timezone.now() + timedelta(days=7),
            split="item",
            criteria=criteria if criteria is not None else {"organic": "0.10", "local": "0.05"},
        ),
    )
    for code, quantity in (("oats-25kg", 120), ("lentils-5kg", 40)):
        services.tender_item_save(
            tender=tender,
            actor=fay,
            item=services.ItemInput(code=code, name=code, quantity=quantity, case_size=10),
        )
    for supplier in world.suppliers:
        services.tender_invite(tender=tender, actor=fay, supplier=supplier)
    world.tender = services.tender_publish(tender=tender, actor=fay)
    return world


#: The three bids of the spec's example family: (oats price, oats tiers, oats capacity,
#: lentils price, fee, minimum, organic, local).
BIDS = [
    ("2.90", [(100, "2.70")], 200, "6.10", "40.00", "200.00", "0.8", "0.2"),
    ("2.75", [], None, "6.40", "25.00", "0", "0.2", "0.9"),
    ("3.10", [], 80, "5.80", "10.00", "0", "0", "0"),
]


def bid_all(world: World) -> None:
    assert world.tender is not None
    for supplier, seller, row in zip(world.suppliers, world.sellers, BIDS, strict=True):
        oats, tiers, capacity, lentils, fee, minimum, organic, local = row
        bid_submit(
            tender=world.tender,
            supplier=supplier,
            actor=seller,
            data=BidInput(
                lines=[
                    LineInput("oats-25kg", oats, capacity, list(tiers)),
                    LineInput("lentils-5kg", lentils),
                ],
                delivery_fee=fee,
                min_order_value=minimum,
                criteria={"organic": organic, "local": local},
            ),
        )


def past_deadline(world: World) -> None:
    assert world.tender is not None
    Tender.objects.filter(pk=world.tender.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    world.tender.refresh_from_db()
