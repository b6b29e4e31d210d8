"""Reads of pooled rounds: per-group totals for the federation, the pool's progress, a member's
saving. A federation's runners see groups' totals, never a member's basket."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, QuerySet, Sum

from coopbuy.catalog.models import Supplier
from coopbuy.federations.models import Federation
from coopbuy.ledger.models import Account
from coopbuy.pooled.models import (
    FederationPayable,
    PooledDrop,
    PooledGroupResult,
    PooledMemberSaving,
    PooledReceiving,
    PooledReceivingLine,
    PooledRound,
)
from coopbuy.rounds.models import DemandLine, Round


def pooled_rounds_of(federation: Federation) -> QuerySet[PooledRound]:
    return PooledRound.objects.filter(federation=federation).select_related("supplier")


@dataclass(frozen=True)
class GroupTotals:
    group: str
    round_id: int
    members_ordering: int
    units: int
    value: Decimal  # quantities at the supplier's base prices


def open_totals(pool: PooledRound) -> list[GroupTotals]:
    """Each group's demand so far (members ordering, units, value): totals, no baskets."""
    value = Sum(
        F("demand__quantity") * F("demand__product__unit_price"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    rows = (
        Round.objects.filter(pool=pool)
        .annotate(
            n=Count("demand__membership", distinct=True), units=Sum("demand__quantity"), v=value
        )
        .order_by("group__name", "pk")
        .values_list("group__name", "pk", "n", "units", "v")
    )
    return [
        GroupTotals(name, pk, n, units or 0, Decimal(v or 0).quantize(Decimal("0.01")))
        for name, pk, n, units, v in rows
    ]


@dataclass(frozen=True)
class PoolProgress:
    groups: int
    members: int
    units: int
    value: Decimal
    minimum: Decimal
    free_delivery_over: Decimal | None


def pool_progress(pool: PooledRound) -> PoolProgress:
    lines = DemandLine.objects.filter(round__pool=pool)
    agg = lines.aggregate(
        units=Sum("quantity"),
        value=Sum(
            F("quantity") * F("product__unit_price"),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
    )
    return PoolProgress(
        Round.objects.filter(pool=pool).count(),
        lines.values("membership").distinct().count(),
        agg["units"] or 0,
        Decimal(agg["value"] or 0).quantize(Decimal("0.01")),
        pool.min_order_value,
        pool.free_delivery_over,
    )


def group_results(pool: PooledRound) -> QuerySet[PooledGroupResult]:
    return (
        PooledGroupResult.objects.filter(pool=pool)
        .select_related("group")
        .order_by("group__name", "pk")
    )


def drops(pool: PooledRound) -> QuerySet[PooledDrop]:
    return (
        PooledDrop.objects.filter(pool=pool, units__gt=0)
        .select_related("group")
        .order_by("group__name", "name", "pk")
    )


@dataclass(frozen=True)
class PoolLine:
    name: str
    sku: str
    case_size: int
    units: int
    cases: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return self.units * self.unit_price


def purchase_order(pool: PooledRound) -> list[PoolLine]:
    """The order to the supplier: every product's units and cases across the pool."""
    lines: dict[str, PoolLine] = {}
    for d in PooledDrop.objects.filter(pool=pool, units__gt=0).order_by("name", "pk"):
        known = lines.get(d.sku)
        units = d.units + (known.units if known else 0)
        lines[d.sku] = PoolLine(
            d.name, d.sku, d.case_size, units, units // d.case_size, d.unit_price
        )
    return sorted(lines.values(), key=lambda x: (x.name, x.sku))


def member_saving(*, round: Round, membership_id: int) -> PooledMemberSaving | None:
    return PooledMemberSaving.objects.filter(round=round, membership_id=membership_id).first()


@dataclass(frozen=True)
class SupplierDebt:
    """What the federation owes one pooled round's supplier now (its payable's balance)."""

    supplier: Supplier
    owed: Decimal


def supplier_debts(federation: Federation) -> list[SupplierDebt]:
    """Every supplier the federation has owed (a payable opened by a pooled close), by name."""
    rows = (
        FederationPayable.objects.filter(federation=federation)
        .select_related("supplier")
        .order_by("supplier__name", "pk")
    )
    balances = dict(
        Account.objects.filter(pk__in=[r.account_id for r in rows]).values_list("pk", "balance")
    )
    return [SupplierDebt(r.supplier, balances[r.account_id]) for r in rows]


def receivings(pool: PooledRound) -> list[PooledReceiving]:
    """The federation's receiving sessions of a pooled round, newest first, with their lines."""
    return list(
        PooledReceiving.objects.filter(pool=pool)
        .select_related("recorded_by")
        .prefetch_related("lines")
        .order_by("-created_at", "-pk")
    )


def federation_leftovers(pool: PooledRound) -> list[tuple[str, int]]:
    """Units that reached the federation and nobody asked for, by product name: its leftover."""
    rows = (
        PooledReceivingLine.objects.filter(receiving__pool=pool, leftover_units__gt=0)
        .values("product_id", "name")
        .annotate(units=Sum("leftover_units"))
        .order_by("name", "product_id")
    )
    return [(r["name"], r["units"]) for r in rows]
