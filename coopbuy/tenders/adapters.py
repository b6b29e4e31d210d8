"""Tender rows <-> the tender contract (`coopbuy.core.tender`): the only place where they meet.

`problem_json` writes the contract's input from the tender and its opened bids (bid ids are
`bid-<pk>`, suppliers `supplier-<pk>`, items their code); `tender_from_json` then validates it
exactly as the command line does, so the app's award is the engine's on the same problem.
"""

from __future__ import annotations

from typing import Any

from coopbuy.core.tender import TenderProblem, tender_from_json
from coopbuy.tenders.models import Tender
from coopbuy.tenders.selectors import OpenedBid


def bid_key(bid_pk: int) -> str:
    return f"bid-{bid_pk}"


def supplier_key(supplier_pk: int) -> str:
    return f"supplier-{supplier_pk}"


def problem_json(tender: Tender, bids: list[OpenedBid]) -> dict[str, Any]:
    items = list(tender.items.order_by("code"))
    return {
        "currency": tender.currency,
        "split": tender.split,
        "weights": {k: str(v) for k, v in tender.criteria.items()},
        "items": [
            {"id": it.code, "quantity": it.quantity, **({"lot": it.lot} if it.lot else {})}
            for it in items
        ],
        "bids": [
            {
                "id": bid_key(opened.bid.pk),
                "supplier": supplier_key(opened.bid.supplier_id),
                "delivery_fee": str(opened.revision.delivery_fee),
                "min_order_value": str(opened.revision.min_order_value),
                "criteria": {k: str(v) for k, v in opened.revision.criteria.items()},
                "prices": [
                    {
                        "item": line.item.code,
                        "unit_price": str(line.unit_price),
                        "capacity": line.capacity,
                        "tiers": [
                            {"min_quantity": int(q), "unit_price": str(p)} for q, p in line.tiers
                        ],
                    }
                    for line in opened.lines
                ],
            }
            for opened in bids
        ],
    }


def problem_for_tender(tender: Tender, bids: list[OpenedBid]) -> TenderProblem:
    return tender_from_json(problem_json(tender, bids))
