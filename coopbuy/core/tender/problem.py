"""The tender problem and its award as frozen, typed dataclasses (the tender contract in Python).

Money is `Decimal` with at most the currency's minor unit of places, exactly as read; evaluated
costs are exact `Fraction`s (money x a quality factor), rounded only when written out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

Split = Literal["lot", "item", "units"]
SPLITS: tuple[Split, ...] = ("lot", "item", "units")


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    quantity: int
    lot: str | None = None  # None: the item is a lot of its own (split "lot")


@dataclass(frozen=True, slots=True)
class Tier:
    """From `min_quantity` units of the item awarded to the bid, every unit costs `unit_price`."""

    min_quantity: int
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class Price:
    item: str
    unit_price: Decimal
    capacity: int | None = None  # the most units the bidder supplies; None: no limit
    tiers: tuple[Tier, ...] = ()  # ascending by min_quantity

    def price_at(self, units: int) -> Decimal:
        """The unit price when `units` are awarded: the highest tier reached, else `unit_price`."""
        price = self.unit_price
        for tier in self.tiers:
            if tier.min_quantity > units:
                break
            price = tier.unit_price
        return price

    def most_units(self, quantity: int) -> int:
        """The most units of an item wanted `quantity` times that this price can supply."""
        return quantity if self.capacity is None else min(quantity, self.capacity)


@dataclass(frozen=True, slots=True)
class Bid:
    id: str
    supplier: str
    prices: tuple[Price, ...]
    delivery_fee: Decimal = Decimal(0)
    min_order_value: Decimal = Decimal(0)
    criteria: Mapping[str, Decimal] = field(default_factory=dict)  # missing criterion: 0

    def price_for(self, item: str) -> Price | None:
        return next((p for p in self.prices if p.item == item), None)


@dataclass(frozen=True, slots=True)
class TenderProblem:
    currency: str
    split: Split
    items: tuple[Item, ...]
    bids: tuple[Bid, ...]
    weights: Mapping[str, Decimal] = field(default_factory=dict)

    def factor(self, bid: Bid) -> Decimal:
        """The bid's quality factor, exactly: 1 - sum(weights[k] x criteria[k])."""
        return Decimal(1) - sum(
            (w * bid.criteria.get(k, Decimal(0)) for k, w in self.weights.items()), Decimal(0)
        )


@dataclass(frozen=True, slots=True)
class Award:
    """`units` of `item` go to `bid` at the applied `unit_price` (its tier at those units)."""

    item: str
    bid: str
    units: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class BidResult:
    id: str
    supplier: str
    awarded: bool
    goods: Decimal
    delivery_fee: Decimal  # charged: 0 when nothing is awarded
    cost: Decimal
    factor: Decimal
    evaluated_cost: Fraction  # exact: cost x factor
    alone_evaluated_cost: Fraction | None  # the whole basket by this bid alone; None: cannot
    rank: int | None  # by alone_evaluated_cost (1 = best; equal costs share a rank)


@dataclass(frozen=True, slots=True)
class Uncovered:
    item: str
    units: int


@dataclass(frozen=True, slots=True)
class Totals:
    cost: Decimal
    evaluated_cost: Fraction  # exact sum of the bids' exact evaluated costs
    covered_units: int
    demand_units: int


@dataclass(frozen=True, slots=True)
class TenderObjective:
    """`proven_optimal` False when the time limit stopped the solver, with the relative `gap`
    of the stage it was in (1 uncovered units, 2 evaluated cost, 3 money cost, 4 ties)."""

    proven_optimal: bool
    gap: float
    stopped_in_stage: int | None = None


@dataclass(frozen=True, slots=True)
class TenderResult:
    currency: str
    split: Split
    awards: tuple[Award, ...]  # by item, then bid
    bids: tuple[BidResult, ...]  # by id
    uncovered: tuple[Uncovered, ...]  # by item
    totals: Totals
    objective: TenderObjective
