"""A round's stored rows as the facts `coopbuy.core.savings` computes figures from.

The reports layer sits below rounds (rounds calls `services.round_figures_record` inside its
close and receiving transactions), so it reaches the rounds' tables through the app registry, by
name, never by importing `coopbuy.rounds` (the import contract in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Sum

from coopbuy.core.pricing import PriceTier
from coopbuy.core.savings import ChargeFacts, LineFacts, ProductFacts, SupplierFacts

#: Statuses whose round has figures: closed and everything after (never draft, open, cancelled).
FROZEN = ("closed", "ordered", "received", "settled")


def rounds_rows(name: str) -> Any:
    """The default manager of a rounds model, by name (`Round`, `Allocation`, ...)."""
    return apps.get_model("rounds", name)._default_manager


def _tiers(raw: Iterable[Iterable[object]]) -> tuple[PriceTier, ...]:
    return tuple(PriceTier(int(str(c)), Decimal(str(p))) for c, p in raw)


@dataclass(frozen=True)
class RoundFacts:
    products: list[ProductFacts]
    suppliers: list[SupplierFacts]
    lines: list[LineFacts]
    charges: dict[str, ChargeFacts]


def facts_for_round(round_id: int) -> RoundFacts:
    """Five queries: suppliers, products, demand and allocations (summed), charges."""
    manager = rounds_rows("RoundSupplier")
    suppliers = [
        SupplierFacts(str(pk), fee, free)
        for pk, fee, free in manager.filter(round_id=round_id).values_list(
            "pk", "delivery_fee", "free_delivery_over"
        )
    ]
    manager = rounds_rows("RoundProduct")
    products = [
        ProductFacts(
            str(pk),
            str(sup),
            size,
            cases or 0,
            price,
            _tiers(tiers),
            applied or price,
            retail,
            received,
        )
        for pk, sup, size, cases, price, tiers, applied, retail, received in manager.filter(
            round_id=round_id
        ).values_list(
            "pk",
            "supplier_id",
            "case_size",
            "cases",
            "unit_price",
            "tiers",
            "applied_unit_price",
            "retail_unit_price",
            "received_units",
        )
    ]
    manager = rounds_rows("DemandLine")
    demand = {
        (m, p): (q or 0, t or 0)
        for m, p, q, t in manager.filter(round_id=round_id)
        .values_list("membership_id", "product_id")
        .annotate(q=Sum("quantity"), t=Sum("tolerance"))
        .values_list("membership_id", "product_id", "q", "t")
    }
    manager = rounds_rows("Allocation")
    got = {
        (m, p): (fq, ft)
        for m, p, fq, ft in manager.filter(round_id=round_id).values_list(
            "membership_id", "product_id", "from_quantity", "from_tolerance"
        )
    }
    lines = [
        LineFacts(str(m), str(p), q, t, *got.get((m, p), (0, 0)))
        for (m, p), (q, t) in sorted(demand.items())
    ]
    manager = rounds_rows("MemberRoundCharge")
    charges = {
        str(m): ChargeFacts(total, delivery)
        for m, total, delivery in manager.filter(round_id=round_id).values_list(
            "membership_id", "total", "delivery"
        )
    }
    return RoundFacts(products, suppliers, lines, charges)
