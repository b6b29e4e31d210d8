"""Suppliers' shortages and lead times: one row per supplier a round ordered from.

Computed from the round's own rows (its suppliers' terms and its products' cases and receipts),
written with the round's other figures at close and at receiving, and read by the group report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from coopbuy.reports.models import SupplierRoundFigures

DAY_SECONDS = Decimal(86400)


@dataclass(frozen=True)
class ProductReceipt:
    supplier_id: int  # the round's terms row (`RoundSupplier`)
    ordered_units: int  # cases x case size
    received_units: int | None  # None: not received yet


def lead_days(ordered_at: datetime, received_at: datetime) -> Decimal:
    """Days from the order to the receipt, to one place (never below zero)."""
    seconds = Decimal(max(0, round((received_at - ordered_at).total_seconds())))
    return (seconds / DAY_SECONDS).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def supplier_rows(
    *,
    round_id: int,
    group_id: int,
    closed_at: datetime,
    ordered_at: datetime | None,
    received_at: datetime | None,
    suppliers: Iterable[tuple[int, str]],
    products: Iterable[ProductReceipt],
) -> list[dict[str, Any]]:
    """The field values of the rows of the suppliers (id, name) the round ordered something from
    (plain values, so that a migration can write them too); received figures only once the
    round's delivery is received (`received_at`)."""
    ordered: dict[int, int] = {}
    received: dict[int, int] = {}
    short: dict[int, int] = {}
    for p in products:
        if p.ordered_units <= 0:
            continue
        ordered[p.supplier_id] = ordered.get(p.supplier_id, 0) + p.ordered_units
        got = p.ordered_units if p.received_units is None else p.received_units
        received[p.supplier_id] = received.get(p.supplier_id, 0) + got
        short[p.supplier_id] = short.get(p.supplier_id, 0) + max(0, p.ordered_units - got)
    done = received_at is not None
    lead = lead_days(ordered_at or closed_at, received_at) if received_at is not None else None
    return [
        {
            "round_id": round_id,
            "group_id": group_id,
            "round_supplier_id": pk,
            "name": name,
            "closed_at": closed_at,
            "ordered_units": ordered[pk],
            "received_units": received[pk] if done else None,
            "short_units": short[pk] if done else None,
            "lead_days": lead,
        }
        for pk, name in sorted(suppliers, key=lambda s: (s[1], s[0]))
        if pk in ordered
    ]


def supplier_rows_of_round(
    round: Any, rounds_rows: Any, model: Any = SupplierRoundFigures
) -> list[Any]:
    """Two queries: the round's suppliers and its products. `rounds_rows(name)` gives a rounds
    model's manager (the reports layer does not import rounds); `model` is the row's class (a
    migration passes its historical one)."""
    suppliers = rounds_rows("RoundSupplier").filter(round_id=round.pk).values_list("pk", "name")
    products = [
        ProductReceipt(supplier, (cases or 0) * size, received)
        for supplier, cases, size, received in rounds_rows("RoundProduct")
        .filter(round_id=round.pk)
        .values_list("supplier_id", "cases", "case_size", "received_units")
    ]
    received_at = round.received_at if round.status in ("received", "settled") else None
    values = supplier_rows(
        round_id=round.pk,
        group_id=round.group_id,
        closed_at=round.closed_at,
        ordered_at=round.ordered_at,
        received_at=received_at,
        suppliers=list(suppliers),
        products=products,
    )
    return [model(**v) for v in values]


@dataclass(frozen=True)
class SupplierSummary:
    """One supplier over the report's rounds (by the name the rounds knew it by)."""

    name: str
    rounds: int  # rounds that ordered from it
    received_rounds: int  # of which delivered and received
    ordered_units: int  # in the received rounds
    short_units: int
    short_share: Decimal | None  # short / ordered in the received rounds; None: none received
    median_lead_days: Decimal | None
    longest_lead_days: Decimal | None


def summarise(rows: Iterable[SupplierRoundFigures]) -> list[SupplierSummary]:
    """Per supplier, most units short first, then by name."""
    by_name: dict[str, list[SupplierRoundFigures]] = {}
    for row in rows:
        by_name.setdefault(row.name, []).append(row)
    out = []
    for name, mine in by_name.items():
        done = [r for r in mine if r.received_units is not None]
        ordered = sum(r.ordered_units for r in done)
        short = sum(r.short_units or 0 for r in done)
        leads = [r.lead_days for r in done if r.lead_days is not None]
        share = (Decimal(short) / Decimal(ordered)).quantize(Decimal("0.001")) if ordered else None
        out.append(
            SupplierSummary(
                name=name,
                rounds=len(mine),
                received_rounds=len(done),
                ordered_units=ordered,
                short_units=short,
                short_share=share,
                median_lead_days=Decimal(median(leads)).quantize(Decimal("0.1")) if leads else None,
                longest_lead_days=max(leads) if leads else None,
            )
        )
    return sorted(out, key=lambda s: (-s.short_units, s.name))
