"""Reads of rounds: lists, the ordering page, pick lists and the collection checklist."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum

from coopbuy.core.charges import MemberCharge
from coopbuy.core.ledger import delivery_alone as core_delivery_alone
from coopbuy.core.money import from_minor
from coopbuy.groups.models import BuyingGroup
from coopbuy.rounds import adapters
from coopbuy.rounds.models import (
    Allocation,
    DemandLine,
    MemberRoundCharge,
    Round,
    RoundSupplier,
)


def rounds_of_group(*, group: BuyingGroup) -> QuerySet[Round]:
    return Round.objects.filter(group=group).order_by("-closes_at", "-id")


@dataclass
class PickItem:
    name: str
    unit: str
    units: int


@dataclass
class Bag:
    membership_id: int
    name: str
    items: list[PickItem] = field(default_factory=list)


def pick_list_by_member(*, round: Round) -> list[Bag]:
    """Each member's bag (only what they receive), members by name, products by name."""
    bags: dict[int, Bag] = {}
    rows = (
        Allocation.objects.filter(round=round, units__gt=0)
        .order_by("membership__user__display_name", "membership_id", "product__name")
        .values_list(
            "membership_id",
            "membership__user__display_name",
            "product__name",
            "product__substitute_name",
            "product__unit_description",
            "units",
        )
    )
    for m, who, name, substitute, unit, units in rows:
        bag = bags.setdefault(m, Bag(m, who))
        bag.items.append(PickItem(substitute or name, unit, units))
    return list(bags.values())


@dataclass
class ProductPick:
    product_id: int
    name: str
    unit: str
    total: int
    members: list[tuple[str, int]] = field(default_factory=list)


def pick_list_by_product(*, round: Round) -> list[ProductPick]:
    """For sorting: each product and how many go into whose bag."""
    out: dict[int, ProductPick] = {}
    rows = (
        Allocation.objects.filter(round=round, units__gt=0)
        .order_by("product__name", "product_id", "membership__user__display_name")
        .values_list(
            "product_id",
            "product__name",
            "product__substitute_name",
            "product__unit_description",
            "membership__user__display_name",
            "units",
        )
    )
    for pid, name, substitute, unit, who, units in rows:
        pick = out.setdefault(pid, ProductPick(pid, substitute or name, unit, 0))
        pick.total += units
        pick.members.append((who, units))
    return list(out.values())


def collection_list(*, round: Round) -> QuerySet[MemberRoundCharge]:
    return (
        MemberRoundCharge.objects.filter(round=round, goods__gt=0)
        .select_related("membership__user")
        .order_by("membership__user__display_name", "membership_id")
    )


@dataclass(frozen=True)
class MemberChargeBreakdown:
    membership_id: int
    goods: Decimal
    deposit: Decimal
    markup: Decimal
    vat: Decimal
    delivery: Decimal
    total: Decimal


@dataclass(frozen=True)
class RoundCharges:
    """What the ledger needs to post a round: members' bills and what is owed to each supplier.

    `supplier_gross` (goods + deposit + VAT as members pay them) and `delivery_fees` are keyed by
    `catalog.Supplier` id; the members' goods + deposit + VAT add up to `supplier_gross` exactly.
    """

    charges: list[MemberChargeBreakdown]
    supplier_gross: dict[int, Decimal]
    delivery_fees: dict[int, Decimal]


def round_charges(*, round: Round, computed: dict[int, MemberCharge] | None = None) -> RoundCharges:
    """Every member's charge as the round's allocations stand now (after close or receiving).

    `computed`: the charges the close has just worked out from the same allocations (by
    membership pk), so that closing does not read every allocation back to work them out again.
    """
    catalog_supplier = {
        adapters.supplier_id(pk): supplier
        for pk, supplier in RoundSupplier.objects.filter(round=round).values_list(
            "pk", "supplier_id"
        )
    }
    fees = {
        supplier: fee
        for supplier, fee in RoundSupplier.objects.filter(round=round).values_list(
            "supplier_id", "applied_delivery_fee"
        )
        if supplier is not None and fee
    }
    charges = []
    gross: dict[int, int] = {}
    source = adapters.charges_for_round(round) if computed is None else computed
    for membership_id, c in sorted(source.items()):
        charges.append(
            MemberChargeBreakdown(
                membership_id,
                from_minor(c.goods),
                from_minor(c.deposit),
                from_minor(c.markup),
                from_minor(c.vat),
                from_minor(c.delivery),
                from_minor(c.total),
            )
        )
        for supplier, amount in c.supplier_gross:
            key = catalog_supplier.get(supplier)
            if key is not None:
                gross[key] = gross.get(key, 0) + amount
    return RoundCharges(charges, {k: from_minor(v) for k, v in gross.items()}, fees)


def delivery_alone(*, round: Round, membership_id: int) -> Decimal:
    """What the member's deliveries would have cost them ordering the same goods on their own.

    Shown beside their share, so the saving of ordering together is visible.
    """
    goods: dict[int, Decimal] = {
        supplier_pk: amount or Decimal(0)
        for supplier_pk, amount in Allocation.objects.filter(
            round=round, membership_id=membership_id, units__gt=0
        )
        .values_list("product__supplier_id")
        .annotate(total=Sum("amount"))
        .values_list("product__supplier_id", "total")
        if supplier_pk is not None
    }
    return sum(
        (
            core_delivery_alone(
                goods[s.pk], delivery_fee=s.delivery_fee, free_delivery_over=s.free_delivery_over
            )
            for s in RoundSupplier.objects.filter(round=round, pk__in=goods)
        ),
        Decimal("0.00"),
    )


def members_with_baskets(*, round: Round) -> int:
    """How many members have something in their basket for the round."""
    return (
        DemandLine.objects.filter(round=round, quantity__gt=0)
        .values("membership_id")
        .distinct()
        .count()
    )
