"""The tender contract's JSON as text, at speed: `tender_from_text` parses and validates.

msgspec parses the text in C straight into typed structs (`_Tender`, `_Item`, `_Bid`, `_Price`,
`_Tier`): the required keys, no unknown field and each value's JSON type (strings for money,
weights and scores, integers for quantities, an integer or null for `capacity`) are checked while
parsing. The values are then read by the very validators of `jsonio` (the currency, the split,
ids, non-negative integers, money with the currency's places, scores, the weight sum, unknown and
twice-priced items, tiers starting at the same quantity, duplicate ids), each distinct amount and
score once. Whenever anything fails, nothing is guessed: `fast_tender_from_text` answers None and
the text is parsed again by `json.loads` and `jsonio.tender_from_json`, the exact path and the
reference, so every error message is the one it always was. A problem the fast path accepts is the
very `TenderProblem` the exact path builds (`tests/test_tender_jsontext.py` compares them, and
their `repr`, with Hypothesis, bad inputs included).
"""

from __future__ import annotations

import json
from decimal import Decimal

import msgspec
from msgspec import Struct

from coopbuy.core.errors import ProblemError
from coopbuy.core.fastparse import fast_parse
from coopbuy.core.jsonshape import json_id
from coopbuy.core.money import minor_units_for, parse_money
from coopbuy.core.tender.jsonio import (
    _CURRENCY,
    MAX_WEIGHT_SUM,
    _int,
    _score,
    _unique,
    tender_from_json,
)
from coopbuy.core.tender.problem import SPLITS, Bid, Item, Price, Split, TenderProblem, Tier


class _Tier(Struct, forbid_unknown_fields=True, gc=False):
    min_quantity: int
    unit_price: str


class _Price(Struct, forbid_unknown_fields=True, gc=False):
    item: str
    unit_price: str
    capacity: int | None = None
    tiers: list[_Tier] = []


class _Bid(Struct, forbid_unknown_fields=True, gc=False):
    id: str
    supplier: str
    prices: list[_Price]
    delivery_fee: str = "0"
    min_order_value: str = "0"
    criteria: dict[str, str] = {}


class _Item(Struct, forbid_unknown_fields=True, gc=False):
    id: str
    quantity: int
    lot: str | None = None


class _Tender(Struct, forbid_unknown_fields=True):
    currency: str
    split: str
    items: list[_Item]
    bids: list[_Bid]
    weights: dict[str, str] = {}


_DECODER = msgspec.json.Decoder(_Tender)
_SPLITS: dict[str, Split] = {split: split for split in SPLITS}


def tender_from_text(text: str | bytes) -> TenderProblem:
    """Parse and validate the tender contract's JSON text. Raises `ProblemError` for a contract
    violation and `json.JSONDecodeError` for text that is not JSON, exactly as
    `tender_from_json(json.loads(text))` does."""
    problem = fast_tender_from_text(text)
    if problem is not None:
        return problem
    return tender_from_json(json.loads(text))


def fast_tender_from_text(text: str | bytes) -> TenderProblem | None:
    """The problem by the fast path, or None when anything is off (the caller then takes the
    exact path, which names the error)."""
    return fast_parse(text, _DECODER, _build)


def _build(raw: _Tender) -> TenderProblem:
    """`jsonio.tender_from_json` on typed values: the same checks (their words unseen: any
    error sends the text to the exact path)."""
    currency = raw.currency
    if not _CURRENCY.fullmatch(currency):
        raise ProblemError("currency", "bad")
    mu = minor_units_for(currency)
    split = _SPLITS.get(raw.split)
    if split is None:
        raise ProblemError("split", "bad")
    scores: dict[str, Decimal] = {}

    def score(text: str) -> Decimal:
        value = scores.get(text)
        if value is None:
            value = scores[text] = _score(text, "score")
        return value

    amounts: dict[str, Decimal] = {}

    def money(text: str) -> Decimal:
        value = amounts.get(text)
        if value is None:
            value = amounts[text] = parse_money(text, field="money", minor_units=mu)
        return value

    weights = {json_id(name, "weights"): score(text) for name, text in raw.weights.items()}
    if sum(weights.values(), Decimal(0)) > MAX_WEIGHT_SUM:
        raise ProblemError("weights", "sum")
    items = tuple(
        Item(
            json_id(it.id, "id"),
            _int(it.quantity, "quantity"),
            None if it.lot is None else json_id(it.lot, "lot"),
        )
        for it in raw.items
    )
    _unique([it.id for it in items], "items")
    item_ids = {it.id for it in items}
    bids: list[Bid] = []
    for b in raw.bids:
        criteria: dict[str, Decimal] = {}
        for name, text in b.criteria.items():
            if name not in weights:
                raise ProblemError("criteria", "unknown")
            criteria[name] = score(text)
        prices: list[Price] = []
        priced: set[str] = set()
        for p in b.prices:
            item = p.item
            if item not in item_ids or item in priced:  # (an id of items is never blank)
                raise ProblemError("item", "unknown or twice")
            priced.add(item)
            tiers: list[Tier] = []
            starts: set[int] = set()
            for t in p.tiers:
                start = _int(t.min_quantity, "min_quantity", minimum=1)
                if start in starts:
                    raise ProblemError("min_quantity", "twice")
                starts.add(start)
                tiers.append(Tier(start, money(t.unit_price)))
            capacity = p.capacity
            prices.append(
                Price(
                    item,
                    money(p.unit_price),
                    None if capacity is None else _int(capacity, "capacity"),
                    tuple(sorted(tiers, key=lambda t: t.min_quantity)),
                )
            )
        bids.append(
            Bid(
                json_id(b.id, "id"),
                json_id(b.supplier, "supplier"),
                tuple(prices),
                money(b.delivery_fee),
                money(b.min_order_value),
                criteria,
            )
        )
    _unique([b.id for b in bids], "bids")
    return TenderProblem(currency, split, items, tuple(bids), weights)


__all__ = ["fast_tender_from_text", "tender_from_text"]
